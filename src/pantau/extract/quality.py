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


def _tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def token_prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 (case-folded word tokens); an empty output scores 0, 0, 0."""
    p, g = _tokens(pred), _tokens(gold)
    common = sum((p & g).values())
    if not common:
        return 0.0, 0.0, 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return prec, rec, 2 * prec * rec / (prec + rec)


def line_diff(pred: str, gold: str, n: int = 3) -> tuple[list[str], list[str]]:
    """Up to ``n`` gold lines the output misses and ``n`` output lines the gold lacks (most words first):
    a line counts as missed/extra when under half of its words are on the other side."""
    p, g = _tokens(pred), _tokens(gold)

    def off(text: str, other: Counter) -> list[str]:
        out = []
        for line in text.splitlines():
            t = _tokens(line)
            if sum(t.values()) >= 3 and sum((t & other).values()) < 0.5 * sum(t.values()):
                out.append(line.strip())
        return sorted(out, key=lambda s: -len(s.split()))[:n]

    return off(gold, p), off(pred, g)


def plain_trafilatura(raw: bytes, url: str) -> str:
    """Plain trafilatura 2.x with its defaults (fallbacks on), comments left out as in pantau."""
    import trafilatura

    return trafilatura.extract(raw, url=url, include_comments=False) or ""


def trafilatura_defaults(raw: bytes, url: str) -> str:
    """trafilatura 2.x exactly as a plain script calls it: every default (comments included)."""
    import trafilatura

    return trafilatura.extract(raw, url=url) or ""


def pantau_text(raw: bytes, url: str) -> str:
    x = extract_article(decode_html(raw), url)
    return x.text if x else ""


def evaluate_unseen(root: Path, extractors: dict) -> list[dict]:
    """Score each of ``extractors`` (name → function(raw html bytes, url) → text) on the unseen-layout
    set built by scripts/build_unseen_eval.py in ``root`` (``index.jsonl`` + ``<set>/<id>.html|.txt``).
    One row per page: set, id, split, and per extractor name its text and (p, r, f1)."""
    rows = []
    for line in (root / "index.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        e = json.loads(line)
        raw = (root / e["set"] / f"{e['id']}.html").read_bytes()
        gold = (root / e["set"] / f"{e['id']}.txt").read_text(encoding="utf-8")
        row = {"set": e["set"], "id": e["id"], "split": e["split"], "gold": gold}
        for name, fn in extractors.items():
            text = fn(raw, e["url"])
            row[name] = {"text": text, "prf": token_prf(text, gold)}
        rows.append(row)
    return rows


def shingles(pred: str, gold: str, n: int = 4) -> tuple[float, float, float]:
    """Shares of true positive, false positive and false negative word 4-grams of one page — the measure
    of scrapinghub/article-extraction-benchmark's evaluate.py (case kept; each page weighs the same)."""

    def grams(text: str) -> Counter:
        t = re.findall(r"\w+", text or "")
        return Counter(tuple(t[i : i + n]) for i in range(max(1, len(t) - n + 1)) if t[i : i + n])

    p, g = grams(pred), grams(gold)
    tp = sum((p & g).values())
    fp, fn = sum((p - g).values()), sum((g - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def shingle_prf(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Precision (mean over pages with output), recall (mean over pages with gold text) and the F1 of
    the two, as the benchmark aggregates them."""

    def score(a: float, b: float, other: float) -> float:
        if b == other == 0:
            return 1.0
        return 0.0 if a == b == 0 else a / (a + b)

    ps = [score(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0]
    rs = [score(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0]
    prec = sum(ps) / len(ps) if ps else 0.0
    rec = sum(rs) / len(rs) if rs else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)
