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
    from pantau.extract import extract_article

    for url, html in pages[:5]:
        extract_article(html, url)
    t = time.process_time()
    for url, html in pages:
        extract_article(html, url)
    return Rate(len(pages), time.process_time() - t)
