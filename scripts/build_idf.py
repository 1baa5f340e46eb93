"""Build src/pantau/data/idf.json.gz: document frequencies of normalised stems over real Indonesian news.

Input: shared/corpus/articles/pool-dev.jsonl.gz (background articles, see that corpus' README).
Only counts are stored (stems seen in ≥ 3 documents), never article text.
Usage: python scripts/build_idf.py ../shared/corpus/articles/pool-dev.jsonl.gz
"""

import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from pantau.topic.normalize import tokens

src = Path(sys.argv[1])
df: Counter = Counter()
n = 0
with gzip.open(src, "rt", encoding="utf-8") as f:
    for line in f:
        a = json.loads(line)
        df.update(set(tokens(f"{a.get('title', '')}\n{a.get('text', '')}")))
        n += 1
out = {"n_docs": n, "source": src.name, "df": {t: c for t, c in sorted(df.items()) if c >= 3}}
dest = Path(__file__).resolve().parent.parent / "src" / "pantau" / "data" / "idf.json.gz"
dest.write_bytes(gzip.compress(json.dumps(out, ensure_ascii=False).encode("utf-8"), mtime=0))
print(f"{dest}: {n} documents, {len(out['df'])} stems")
