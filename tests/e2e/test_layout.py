"""A layout no source folder can shadow (issue 18, defect 1): from the project folder — where
deploy/Dockerfile's worker and `prefect deploy` run — every entrypoint of deploy/prefect.yaml loads with
Prefect's own loader, under the editable install (.venv) and under a plain one (the wheel in a fresh
venv, as the image installs it). Before the src layout, the plain case failed: the top-level ``pantau/``
folder shadowed the installed package, which alone has ``pantau.flows``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.paths import PROJECT
from support.wheel import build_wheel, plain_venv

pytestmark = pytest.mark.integration

PROBE = """
import json, sys
from prefect.flows import load_flow_from_entrypoint
import pantau
out = {"pantau": pantau.__file__, "flows": {}}
for ep in sys.argv[1:]:
    out["flows"][ep] = load_flow_from_entrypoint(ep).name
print(json.dumps(out))
"""


def entrypoints() -> list[str]:
    spec = yaml.safe_load((PROJECT / "deploy" / "prefect.yaml").read_text())
    return [d["entrypoint"] for d in spec["deployments"]]


@pytest.fixture(scope="module")
def plain_bin(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plain")
    return plain_venv(tmp, build_wheel(tmp))


@pytest.mark.parametrize("install", ["editable", "plain"])
def test_every_entrypoint_loads_from_the_project_folder(install, request, tmp_path):
    import json

    python = Path(sys.executable) if install == "editable" else request.getfixturevalue("plain_bin") / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PANTAU_", "PYTHON"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    eps = entrypoints()
    r = subprocess.run([python, "-c", PROBE, *eps], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["flows"] == {ep: ep.rsplit(":", 1)[1] for ep in eps}
    where = Path(out["pantau"]).resolve()
    if install == "editable":
        assert where.is_relative_to(PROJECT / "src")
    else:
        assert where.is_relative_to(python.parent.parent) and "site-packages" in where.parts
