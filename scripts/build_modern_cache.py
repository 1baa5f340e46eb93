"""Build the local modern evaluation cache: data/eval/modern-2022-26.jsonl (git-ignored).

The repository keeps only ids, URLs, labels and notes (scripts/eval_sets/modern-2022-26.csv); the texts
are the outlets' and stay in a local file. This joins a pages file (JSONL: id, url, outlet, date, kind,
title, text) with a label CSV (id, label[, note]) into the cache that ``make eval`` reads.

Usage: python scripts/build_modern_cache.py PAGES.jsonl [LABELS.csv] [-o data/eval/modern-2022-26.jsonl]
LABELS defaults to scripts/eval_sets/modern-2022-26.csv. Label 2 (ambiguous) is kept (evaluation skips it).
"""

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = ROOT / "scripts" / "eval_sets" / "modern-2022-26.csv"
DEFAULT_OUT = ROOT / "data" / "eval" / "modern-2022-26.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", type=Path)
    ap.add_argument("labels", type=Path, nargs="?", default=DEFAULT_LABELS)
    ap.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    a = ap.parse_args()
    try:
        with a.labels.open(encoding="utf-8", newline="") as f:
            labels = {r["id"]: int(r["label"]) for r in csv.DictReader(f) if (r.get("label") or "").strip()}
        pages = [json.loads(line) for line in a.pages.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError, KeyError) as e:
        print(f"build_modern_cache: {e}", file=sys.stderr)
        return 2
    a.out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with a.out.open("w", encoding="utf-8") as f:
        for p in pages:
            if p["id"] not in labels:
                continue
            row = {k: p.get(k) for k in ("id", "kind", "date", "outlet", "title", "text")}
            row["label"] = labels[p["id"]]
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    print(f"{a.out}: {n} labeled pages ({len(pages) - n} without a label left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
