"""A plain (non-editable) install of pantau without the network: the wheel built from a copy of the
project (``pip wheel --no-deps --no-build-isolation``), installed into a fresh venv whose dependencies
are those of the project's .venv (a .pth file adds its site-packages after the venv's own; the .pth
files in there — the editable pantau's among them — are not processed, so only the wheel's pantau
can be imported)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from .paths import PROJECT

_SKIP = shutil.ignore_patterns("*.egg-info", "__pycache__", ".pytest_cache")


def project_copy(dest: Path) -> Path:
    """The project folder as the image has it (no .venv, data, build, .git)."""
    top = {".venv", "data", "build", ".git"}
    shutil.copytree(
        PROJECT,
        dest,
        ignore=lambda d, names: set(_SKIP(d, names)) | (top & set(names) if Path(d) == PROJECT else set()),
    )
    return dest


def build_wheel(tmp: Path) -> Path:
    src = project_copy(tmp / "wheel-src")
    out = tmp / "dist"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    shutil.rmtree(src)
    (wheel,) = out.glob("pantau-*.whl")
    return wheel


def plain_venv(tmp: Path, wheel: Path) -> Path:
    """A fresh venv with the wheel installed (not editable); its bin folder."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    # the dependencies' commands (prefect, uvicorn, …), as their install in the image would write them
    project_python = Path(sys.executable)
    for script in project_python.parent.iterdir():
        target = venv / "bin" / script.name
        if target.exists() or not script.is_file():
            continue
        head = script.read_bytes()[:200]
        if head.split(b"\n", 1)[0].startswith(b"#!" + str(project_python.parent).encode() + b"/python"):
            text = script.read_text()
            target.write_text(f"#!{python}\n" + text.split("\n", 1)[1])
            target.chmod(0o755)
    return venv / "bin"
