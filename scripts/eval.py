"""make eval: topic quality on the dev set and the background pool, extraction quality on the gold pages.
Needs ../shared/corpus (skips cleanly without it). Usage: python scripts/eval.py [SHARED_DIR]"""
import gzip
import json
import sys
from pathlib import Path

from pantau.evaluate import evaluate, evaluate_extraction, format_report
from pantau.topic import Matcher, load_topic

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
CORPUS = SHARED / "corpus"


def main() -> None:
    if not CORPUS.is_dir():
        print(f"{CORPUS} not found: nothing to evaluate (the corpus is not part of the project)")
        return
    m = Matcher(load_topic(Path(__file__).resolve().parent.parent / "seeds" / "g20-russia-ukraine"))
    print("== topic: dev set (relevant class)")
    r = evaluate(m, CORPUS / "articles" / "topic-dev.jsonl")
    print(format_report(r))
    for kind, item, match in r["errors"]:
        print(f"  [{kind}] {match.score:.3f} {item['title'][:90]}  ({match.reason})")

    print("\n== topic: background pool (false alarms)")
    n, hits = 0, []
    with gzip.open(CORPUS / "articles" / "pool-dev.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            n += 1
            x = m.score(a["title"], a["text"])
            if x.relevant:
                hits.append((x.score, a["title"], x.reason))
    print(f"{len(hits)} of {n} matched ({len(hits) / n * 2000:.2f} per 2,000; target ≤ 1)")
    for s, t, why in hits:
        print(f"  {s:.3f} {t[:90]}  ({why})")

    print("\n== extraction: token F1 against the gold bodies")
    rows = evaluate_extraction(CORPUS / "html" / "EXPECTED_from_upstream_tests.jsonl", CORPUS / "html")
    for r in rows:
        leak = f"  BOILERPLATE {r['boilerplate']}" if r["boilerplate"] else ""
        print(f"  {r['name']:<32} F1 {r['f1']:.3f}  {r['published']}{leak}")
    mean = sum(r["f1"] for r in rows) / len(rows)
    print(f"mean token F1 {mean:.3f} over {len(rows)} pages (target 0.95; raw trafilatura 2.3.1: 0.848)")


main()
