"""Extraction quality: token F1 of ``extract_article`` against gold bodies, and boilerplate left in.

(The topic half of evaluation lives in ``pantau.topic.evaluate``.)
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from . import decode_html, extract_article

BOILERPLATE = re.compile(r"baca juga|advertisement|simak video|\[gambas:|lihat juga video", re.IGNORECASE)


def token_f1(pred: str, gold: str) -> float:
    """Bag-of-words F1 between an extracted body and the gold body (case-folded word tokens)."""
    p, g = Counter(re.findall(r"\w+", pred.lower())), Counter(re.findall(r"\w+", gold.lower()))
    common = sum((p & g).values())
    if not common:
        return 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return 2 * prec * rec / (prec + rec)


def evaluate_extraction(gold_path: Path, pages_dir: Path) -> list[dict]:
    """Score ``extract_article`` on pages with gold bodies.

    ``gold_path`` is JSONL with ``fixture`` (its last path part names the page file, found in
    ``pages_dir`` as ``*__<name>``), ``url`` and ``content`` (the gold body). Returns one row per page:
    name, f1, boilerplate (the boilerplate phrases found in the output), published.
    """
    rows = []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        e = json.loads(line)
        name = e["fixture"].rsplit("/", 1)[-1]
        path = next(pages_dir.glob(f"*__{name}"))
        x = extract_article(decode_html(path.read_bytes()), e["url"])
        text = x.text if x else ""
        rows.append(
            {
                "name": name,
                "f1": token_f1(text, e.get("content") or ""),
                "boilerplate": sorted({m.lower() for m in BOILERPLATE.findall(text)}),
                "published": x.published if x else None,
            }
        )
    return rows
