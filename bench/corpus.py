"""The articles the bench renders: the shared pool (real Indonesian news), cleaned into paragraphs."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

POOL = Path("corpus") / "articles" / "pool-dev.jsonl.gz"
MIN_CHARS = 400  # shorter texts (empty scrapes, captions only) are left out
SEED = 13  # fixed shuffle: the same articles in the same order on every run

# CLICK-ID exports joined paragraphs with commas ("… musim ini.,Lorenzo mengatakan …",
# "Honda,,, mengaku"): a sentence end followed by commas, or a run of 2+ commas, is a break.
_PARA_BREAK = re.compile(r"(?<=[.!?\"”’)])\s*,+\s*(?=\S)|,{2,}\s*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass(frozen=True)
class Article:
    id: str
    outlet: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def paragraphs(text: str, longest: int = 700) -> list[str]:
    """The text's paragraphs: its line breaks and CLICK-ID comma runs; long ones cut at sentences."""
    out: list[str] = []
    for line in text.splitlines():
        for part in _PARA_BREAK.split(line):
            part = " ".join(part.split()).strip(" ,")
            if not part:
                continue
            if len(part) <= longest:
                out.append(part)
                continue
            cur = ""
            for sentence in _SENTENCE.split(part):
                if cur and len(cur) + len(sentence) > longest // 2:
                    out.append(cur)
                    cur = ""
                cur = f"{cur} {sentence}".strip()
            if cur:
                out.append(cur)
    return out


def from_record(rec: dict) -> Article | None:
    """An Article from one JSONL record, or None when it has too little text to be a page."""
    title = " ".join((rec.get("title") or "").split())
    paras = paragraphs(rec.get("text") or "")
    if not title or sum(len(p) for p in paras) < MIN_CHARS:
        return None
    rid = rec.get("id") or hashlib.sha1((title + paras[0]).encode()).hexdigest()[:16]
    return Article(id=str(rid), outlet=str(rec.get("outlet") or ""), title=title, paragraphs=tuple(paras))


def read_jsonl(path: Path) -> list[Article]:
    """Every usable article of a JSONL file (gzip when it ends in .gz), shuffled with a fixed seed."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        arts = [a for a in (from_record(json.loads(line)) for line in f if line.strip()) if a]
    random.Random(SEED).shuffle(arts)
    return arts


def load_pool(shared: Path) -> list[Article] | None:
    """The shared pool's usable articles, or None when ``shared`` has no corpus."""
    path = shared / POOL
    return read_jsonl(path) if path.exists() else None
