"""make eval: topic quality on the dev set and the background pool, extraction quality on the gold pages.
Needs ../shared/corpus (skips cleanly without it). Usage: python scripts/eval.py [SHARED_DIR]"""
import glob
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

from pantau.evaluate import evaluate, format_report
from pantau.extract import extract_article
from pantau.topic import Matcher, load_topic

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
CORPUS = SHARED / "corpus"
BOILERPLATE = re.compile(r"baca juga|advertisement|simak video|\[gambas:|lihat juga video", re.I)


def token_f1(pred: str, gold: str) -> float:
    p, g = Counter(re.findall(r"\w+", pred.lower())), Counter(re.findall(r"\w+", gold.lower()))
    common = sum((p & g).values())
    if not common:
        return 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return 2 * prec * rec / (prec + rec)


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
    rows = [json.loads(l) for l in (CORPUS / "html" / "EXPECTED_from_upstream_tests.jsonl").open(encoding="utf-8")]
    scores = []
    for e in rows:
        name = e["fixture"].rsplit("/", 1)[1]
        path = Path(glob.glob(str(CORPUS / "html" / f"*__{name}"))[0])
        raw = path.read_bytes()
        html = raw.decode("iso-8859-1" if "kapanlagi" in name else "utf-8", errors="replace")
        x = extract_article(html, e["url"])
        text = x.text if x else ""
        f1 = token_f1(text, e.get("content") or "")
        leak = bool(BOILERPLATE.search(text))
        scores.append(f1)
        print(f"  {name:<32} F1 {f1:.3f}{'  BOILERPLATE' if leak else ''}")
    print(f"mean token F1 {sum(scores) / len(scores):.3f} over {len(scores)} pages (raw trafilatura: 0.848)")


main()
