"""Check pantau's structure: the import rules of docs/architecture.md (import-linter, contracts in
pyproject.toml) and the types (mypy, settings in pyproject.toml), over the whole installed package.

Both tools read a package from one folder, while pantau's flows/ and connectors/ install inside it
(pantau.flows, pantau.connectors) from folders of their own. So this builds the installed shape as a
tree of symlinks in a temporary folder and points both at it. Exit status: 0 when both pass.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPED = {"flows": "flows", "connectors": "connectors", "seeds": "seeds"}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="pantau-imports-") as tmp:
        pkg = Path(tmp) / "pantau"
        pkg.mkdir()
        for entry in (ROOT / "src" / "pantau").iterdir():
            if entry.name != "__pycache__":
                (pkg / entry.name).symlink_to(entry)
        for name, folder in MAPPED.items():
            (pkg / name).symlink_to(ROOT / folder)
        env = {**os.environ, "PYTHONPATH": tmp}
        tool = Path(sys.executable).with_name
        config = str(ROOT / "pyproject.toml")
        imports = subprocess.call([str(tool("lint-imports")), config, "--no-cache"], env=env, cwd=tmp)
        types = subprocess.call(
            [str(tool("mypy")), "--config-file", config, "--cache-dir", str(Path(tmp) / ".mypy"), "-p", "pantau"],
            env=env,
            cwd=tmp,
        )
        return 1 if imports or types else 0


if __name__ == "__main__":
    sys.exit(main())
