"""Stories: one event told by many outlets is one story.

Three layers, cheapest first: the canonical URL (``pantau/urls.py``), the exact content hash
(syndicated copies), and same-event similarity — the overlap of each article's most distinctive terms
(TF-IDF top terms: names, places, the event's own words) between articles of the same topic published
within a time window.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta
from functools import lru_cache

from .store import StoryRow
from .topic.normalize import STOPWORDS, tokens

SIGNATURE_SIZE = 30


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


def find_story(
    sig: list[str], published: datetime | None, candidates: list[StoryRow], threshold: float, window: timedelta
) -> StoryRow | None:
    """The most similar recent story above threshold, or None."""
    best, best_sim = None, threshold
    for s in candidates:
        ref = s.first_published
        if published and ref and abs(published - ref) > window:
            continue
        sim = similarity(sig, s.signature)
        if sim >= best_sim:
            best, best_sim = s, sim
    return best
