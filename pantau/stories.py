"""Stories: one event told by many outlets is one story.

Three layers, cheapest first: the canonical URL (tracking parameters, AMP and mobile variants
removed), the exact content hash (syndicated copies), and same-event similarity — the overlap of each
article's most distinctive terms (TF-IDF top terms: names, places, the event's own words) between
articles of the same topic published within a time window.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .topic.normalize import STOPWORDS, tokens

TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|ref|ref_src|src|"
                      r"source|medium|campaign|from|cmpid|share|amp|outputType|_gl|igshid)$", re.I)
SIGNATURE_SIZE = 30


def canonical_url(url: str) -> str:
    """Stable identity of an article URL across tracking, AMP and mobile variants."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    for prefix in ("amp.", "m.", "mobile."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = "www." + host[len(prefix):] if host[len(prefix):].count(".") == 1 else host[len(prefix):]
            break
    path = re.sub(r"/amp/?$|^/amp(?=/)", "", parts.path) or "/"
    path = re.sub(r"\.amp$", "", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING.match(k) and not (k.lower() in ("page", "single") and v.lower() in ("all", "1"))]
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    scheme = "https" if parts.scheme in ("http", "https") and not port else parts.scheme
    return urlunsplit((scheme, host + port, path, urlencode(sorted(query)), ""))


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    from .topic import load_idf
    return load_idf()


def signature(title: str, text: str, size: int = SIGNATURE_SIZE) -> list[str]:
    """The article's most distinctive terms (title terms count double)."""
    idf, default = _idf()
    tf = Counter(t for t in tokens(text[:3000]) if len(t) > 2 and not t.isdigit() and t not in STOPWORDS)
    for t in tokens(title):
        if len(t) > 2 and not t.isdigit():
            tf[t] += 2
    scored = sorted(((1 + math.log(c)) * idf.get(t, default), t) for t, c in tf.items())
    return [t for _, t in reversed(scored[-size:])]


def similarity(a: list[str], b: list[str]) -> float:
    """Overlap coefficient of two signatures: shared distinctive terms / the smaller signature."""
    if not a or not b:
        return 0.0
    return len(set(a) & set(b)) / min(len(a), len(b))


def find_story(sig: list[str], published: datetime | None, candidates: list[dict],
               threshold: float, window: timedelta) -> dict | None:
    """The most similar recent story above threshold, or None."""
    best, best_sim = None, threshold
    for s in candidates:
        ref = s.get("first_published")
        if published and ref:
            if ref.tzinfo is None:
                ref = ref.replace(tzinfo=published.tzinfo)
            if abs(published - ref) > window:
                continue
        sim = similarity(sig, json.loads(s["signature"]))
        if sim >= best_sim:
            best, best_sim = s, sim
    return best
