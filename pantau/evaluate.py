"""Evaluate a topic matcher on labeled JSONL (title, text, label: 1 relevant, 0 not, 2 ambiguous → skipped)."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from .extract import decode_html, extract_article
from .models import Match
from .topic import Matcher


def evaluate(matcher: Matcher, path: Path) -> dict:
    tp = fp = fn = tn = skipped = 0
    errors = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                label = int(item["label"])
                title, text = item.get("title") or "", item["text"]
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError(f"{path}:{i}: each line needs title, text and label ({e})") from None
            if label == 2:
                skipped += 1
                continue
            m = matcher.score(title, text)
            if m.relevant and label == 1:
                tp += 1
            elif m.relevant:
                fp += 1
                errors.append(("false alarm", item, m))
            elif label == 1:
                fn += 1
                errors.append(("miss", item, m))
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return dict(n=tp + fp + fn + tn, tp=tp, fp=fp, fn=fn, tn=tn, skipped=skipped, precision=round(precision, 4),
                recall=round(recall, 4), f1=round(f1, 4), threshold=matcher.topic.threshold, errors=errors)


def format_report(r: dict) -> str:
    return (f"n {r['n']} (skipped {r['skipped']} ambiguous) · tp {r['tp']} fp {r['fp']} fn {r['fn']} · "
            f"precision {r['precision']:.3f} recall {r['recall']:.3f} F1 {r['f1']:.3f} @ threshold {r['threshold']}")


def format_match(title: str, m: Match) -> str:
    c = m.concepts
    lines = [f"{'MATCH' if m.relevant else 'no match'}  score {m.score:.3f} (threshold for {m.topic})  {title}",
             f"  reason: {m.reason}",
             f"  actors: {', '.join(c.get('actor', [])) or '-'}",
             f"  diplomacy: {', '.join(c.get('diplomacy', [])) or '-'}",
             f"  off-topic: {', '.join(c.get('offtopic', [])) or '-'}",
             f"  nearest exemplar: {m.nearest_exemplar} (cosine {m.similarity:.3f})",
             f"  top terms: {', '.join(m.top_terms) or '-'}",
             "  contributions: " + ", ".join(f"{k} {v}" for k, v in m.contributions.items())]
    return "\n".join(lines)


def format_errors(r: dict) -> str:
    out = []
    for kind, item, m in r["errors"]:
        out.append(f"[{kind}] {item.get('id', '')} {format_match(item.get('title', ''), m)}")
    return "\n".join(out) or "no errors"


# --- extraction ----------------------------------------------------------------------------------

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
        rows.append({"name": name, "f1": token_f1(text, e.get("content") or ""),
                     "boilerplate": sorted({m.lower() for m in BOILERPLATE.findall(text)}),
                     "published": x.published if x else None})
    return rows
