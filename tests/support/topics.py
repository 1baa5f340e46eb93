"""A topic folder as a new user starts it, for tests that must not lean on the curated exemplars."""

from __future__ import annotations

import shutil
from pathlib import Path

from .paths import SEEDS


def seeds_only(tmp_path: Path, spec: str | None = None) -> Path:
    """The shipped topic as a new user starts it: its topic.yaml (or ``spec``) and the two seeds, in
    ``tmp_path/topic``."""
    d = tmp_path / "topic"
    (d / "exemplars" / "positive").mkdir(parents=True)
    for p in (SEEDS / "exemplars" / "positive").glob("0*.txt"):
        shutil.copy(p, d / "exemplars" / "positive" / p.name)
    spec = spec or (SEEDS / "topic.yaml").read_text(encoding="utf-8")
    (d / "topic.yaml").write_text(spec, encoding="utf-8")
    return d
