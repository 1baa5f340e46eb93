"""Event cards (pantau.events) against hand labels: per-field precision and recall.

Labels: scripts/eval_sets/event-cards.jsonl (URL, article date, the five fields as a reader would fill
them in from the title and lead; null where the article does not say), in two splits: ``dev`` — the
articles the rules were written and refined on — and ``held-out`` — labeled after the rules were
frozen, never looked at through the rules before measuring. The page texts are not part of
the project (outlets' copyright): data/eval/event-pages.jsonl, one {"url", "date", "title", "text"}
a line, kept locally (git-ignored). Without it this prints one line and exits 0.

Usage: python scripts/eval_events.py [--errors] [PAGES_JSONL]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pantau.events import FIELDS, extract

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "scripts" / "eval_sets" / "event-cards.jsonl"
PAGES = ROOT / "data" / "eval" / "event-pages.jsonl"


def score(pairs: list[tuple[dict, dict]]) -> dict[str, dict[str, float]]:
    """Per field: tp, fp, fn, precision, recall. ``who`` counts names; the others one value each
    (a wrong value is a false positive and, when the label has one, a miss too)."""
    out = {}
    for name in FIELDS:
        tp = fp = fn = 0
        for got, gold in pairs:
            if name == "who":
                g, p = set(gold["who"]), set(got["who"])
                tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
                continue
            p, g = got[name], gold[name]
            if p is not None and p == g:
                tp += 1
            else:
                fp += p is not None
                fn += g is not None
        out[name] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
        }
    return out


def main(argv: list[str]) -> int:
    show_errors = "--errors" in argv
    args = [a for a in argv if not a.startswith("--")]
    pages_path = Path(args[0]) if args else PAGES
    if not pages_path.is_file():
        print(f"{pages_path} not found: event cards not measured (the page texts are kept locally, not in the repo)")
        return 0
    pages = {p["url"]: p for p in map(json.loads, pages_path.read_text(encoding="utf-8").splitlines()) if p}
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs: dict[str, list] = {"dev": [], "held-out": [], "held-out-2": []}
    missing = 0
    for gold in labels:
        page = pages.get(gold["url"])
        if page is None:
            missing += 1
            continue
        got = extract(page["title"], page["text"], page.get("date") or gold.get("date")).values()
        pairs.setdefault(gold.get("split", "dev"), []).append((got, gold))
        if show_errors:
            for name in FIELDS:
                g, p = gold[name], got[name]
                if (set(g) != set(p)) if name == "who" else (g != p):
                    print(f"  [{name}] got {p!r}, label {g!r}  {gold['url'][:90]}")
    every = [p for split in pairs.values() for p in split]
    print(f"event cards: {len(every)} labeled articles" + (f" ({missing} without a local text)" if missing else ""))
    for split, these in [*pairs.items(), ("all", every)]:
        print(f"\n== {split}: {len(these)} articles")
        print(f"  {'field':<7} {'precision':>9} {'recall':>7}   tp  fp  fn")
        for name, r in score(these).items():
            print(f"  {name:<7} {r['precision']:>9.2f} {r['recall']:>7.2f}  {r['tp']:>3} {r['fp']:>3} {r['fn']:>3}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
