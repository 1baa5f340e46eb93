"""Where pantau finds what it ships and where it keeps what it writes (a leaf module).

Shipped with pantau (in a source checkout and inside an installed wheel alike): the topic seeds
(``seeds/``, installed as ``pantau/seeds``), the default ``config.yaml`` and the demo site.

Written by pantau: the store, Prefect's local database, the demo's files. Their folder is the
config file's own folder for a config.yaml of yours; for the packaged default config and the demo it
is the data home (``data_home``). pantau creates every folder it needs itself.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CONFIG_NAME = "config.yaml"


def shipped(name: str) -> Path:
    """A folder pantau ships: inside the installed package, or at the top of a source checkout
    (``seeds/`` is a top-level folder of the project beside ``src/``, installed as ``pantau/seeds``)."""
    inside = PACKAGE / name
    checkout = PACKAGE.parent.parent  # src/pantau/ in a source checkout
    if inside.exists() or not (checkout / "pyproject.toml").is_file():
        return inside
    return checkout / name


def seeds_dir() -> Path:
    return shipped("seeds")


def default_config() -> Path:
    """The packaged config.yaml (the project's own ``config.yaml``)."""
    return PACKAGE / "defaults" / CONFIG_NAME


def data_home() -> Path:
    """Where pantau writes when no config file of the user's says otherwise: ``$PANTAU_HOME``; else
    ``./data`` in a folder that has a ``config.yaml`` (a project folder); else the XDG data folder."""
    if os.environ.get("PANTAU_HOME"):
        return Path(os.environ["PANTAU_HOME"]).expanduser()
    if (Path.cwd() / CONFIG_NAME).is_file():
        return Path.cwd() / "data"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share") / "pantau"


def find_config(explicit: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """(config file, is it the packaged default): ``--config``, else ``$PANTAU_CONFIG``, else
    ``./config.yaml``, else the default shipped with pantau."""
    if explicit:
        path = Path(explicit)
        return path, os.path.abspath(path) == os.path.abspath(default_config())
    if os.environ.get("PANTAU_CONFIG"):
        return Path(os.environ["PANTAU_CONFIG"]), False
    here = Path.cwd() / CONFIG_NAME
    if here.is_file():
        return here, False
    return default_config(), True


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
