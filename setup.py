"""Package layout (the rest of the metadata is in pyproject.toml).

The core lives in src/pantau (a src layout): no top-level folder is named pantau, so from the project
folder `import pantau` finds the installed package (plain or editable), never a partial source folder.

The top-level folders flows/, connectors/, seeds/ and deploy/ install inside pantau's own namespace
(pantau.flows, pantau.connectors, pantau.seeds, pantau.deploy: `pantau serve` reads its prefect.yaml):
nothing collides with another project's "flows" or "connectors", and an installed wheel carries
everything it needs. Every folder is listed, data folders included, so the demo pages, templates and
seeds ship with the wheel.
"""

from setuptools import find_namespace_packages, setup

MAPPED = {
    "pantau": "src/pantau",
    "pantau.flows": "flows",
    "pantau.connectors": "connectors",
    "pantau.seeds": "seeds",
    "pantau.deploy": "deploy",
}
SKIP = ["__pycache__", "*.__pycache__", "*.egg-info"]

packages = []
for name, folder in MAPPED.items():
    packages += [name] + [f"{name}.{sub}" for sub in find_namespace_packages(where=folder, exclude=SKIP)]

setup(packages=sorted(set(packages)), package_dir=MAPPED)
