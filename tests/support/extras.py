"""Optional parts of pantau (the ``postgres`` and ``dask`` extras) in the tests: `make install`
installs them; a test that needs one skips without it, saying which — except in CI, where it fails."""

from __future__ import annotations

import importlib.util
import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(why: str, how: str):
    """Skip with the reason and the remedy; in CI (CI=true) fail instead: CI never passes by skipping."""
    if in_ci():
        pytest.fail(f"required in CI (CI=true): {why}", pytrace=False)
    pytest.skip(f"{why}; {how}")


def need(module: str, extra: str) -> None:
    if importlib.util.find_spec(module) is None:
        unavailable(f"{module} is not installed", f"pip install -e '.[{extra}]' (make install does)")
