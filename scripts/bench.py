"""make bench: throughput and memory of the CPU stages, printed as ratios to their targets.
Uses ../shared/corpus/articles/pool-dev.jsonl.gz when present, else the replay site's pages."""
import gzip
import json
import sys
import time
import tracemalloc
from pathlib import Path

from pantau.demo import SITE
from pantau.extract import extract_article
from pantau.topic import Matcher, load_topic

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
ROOT = Path(__file__).resolve().parent.parent


def articles():
    pool = SHARED / "corpus" / "articles" / "pool-dev.jsonl.gz"
    if pool.exists():
        with gzip.open(pool, "rt", encoding="utf-8") as f:
            return [json.loads(l) for _, l in zip(range(4000), f, strict=False)]
    return [{"title": "", "text": p.read_text(errors="replace")} for p in SITE.rglob("*.html")]


def main() -> None:
    m = Matcher(load_topic(ROOT / "seeds" / "g20-russia-ukraine"))
    docs = articles()
    for d in docs[:50]:
        m.score(d["title"], d["text"])          # warm the caches
    t = time.process_time()
    for d in docs:
        m.score(d["title"], d["text"])
    rate = len(docs) / (time.process_time() - t)
    print(f"topic scoring: {rate:.0f} articles/s on one core (CPU time, {len(docs)} articles) "
          f"= {rate / 200:.2f}× the 200/s target")

    pages = sorted((SITE / "pages").rglob("*.html"))
    htmls = [p.read_bytes().decode("utf-8", errors="replace") for p in pages]
    t = time.process_time()
    for h in htmls:
        extract_article(h, "http://127.0.0.1/x")
    erate = len(htmls) / (time.process_time() - t)
    print(f"extraction: {erate:.0f} pages/s ({len(htmls)} pages) = {erate / rate:.2f}× the scoring rate")

    tracemalloc.start()
    for d in docs[:1000]:
        m.score(d["title"], d["text"])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(len(d["text"]) for d in docs[:1000]) / 1000
    print(f"scoring peak traced memory over 1,000 articles: {peak / 1e6:.1f} MB "
          f"= {peak / size:.0f}× the mean article size ({size:.0f} chars)")


main()
