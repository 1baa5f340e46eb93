"""pantau's CPU stages alone, one core, CPU time (the figures the old scripts/bench.py printed):
topic scoring per article, and pantau's own extraction (``pantau.extract.extract_article``) per page."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .corpus import Article
from .runs import TOPIC

SCORING_TARGET = 200.0  # articles/s on one core: the target the old bench reported against


@dataclass
class Rate:
    items: int
    cpu_s: float
    fallback: int = 0  # pages whose body took extraction's fallback path (trafilatura with its fallbacks)
    unpruned: int = 0  # pages whose short body was checked against trafilatura on the page as it came
    state: int = 0  # pages whose body came from the page's own script data

    @property
    def per_s(self) -> float:
        return self.items / self.cpu_s if self.cpu_s > 0 else float("inf")


def scoring(articles: list[Article]) -> Rate:
    from pantau.topic import Matcher, load_topic

    m = Matcher(load_topic(TOPIC))
    for a in articles[:50]:
        m.score(a.title, a.text)  # warm the caches
    t = time.process_time()
    for a in articles:
        m.score(a.title, a.text)
    return Rate(len(articles), time.process_time() - t)


def extraction(pages: list[tuple[str, str]]) -> Rate:
    from pantau.extract import PATHS, extract_article

    for url, html in pages[:5]:
        extract_article(html, url)
    before = PATHS["fallback"]
    t = time.process_time()
    for url, html in pages:
        extract_article(html, url)
    return Rate(len(pages), time.process_time() - t, PATHS["fallback"] - before)


def extraction_unseen(root) -> tuple[Rate, Rate] | None:
    """pantau.extract and plain trafilatura (defaults, fallbacks on) over the real pages of the
    unseen-layout set (data/eval/unseen, scripts/build_unseen_eval.py), one core: what the fallback
    path costs where layouts are varied. None when the set is not built."""
    import json

    import trafilatura

    from pantau.extract import PATHS, decode_html, extract_article

    index = root / "index.jsonl"
    if not index.is_file():
        return None
    pages = []
    for line in index.read_text(encoding="utf-8").splitlines():
        e = json.loads(line)
        pages.append((e["url"], (root / e["set"] / f"{e['id']}.html").read_bytes()))
    before = PATHS.copy()
    t = time.process_time()
    for url, raw in pages:
        extract_article(decode_html(raw), url)
    cpu = time.process_time() - t
    ours = Rate(len(pages), cpu, *(PATHS[k] - before[k] for k in ("fallback", "unpruned", "state")))
    t = time.process_time()
    for url, raw in pages:
        trafilatura.extract(raw, url=url, include_comments=False)
    return ours, Rate(len(pages), time.process_time() - t)
