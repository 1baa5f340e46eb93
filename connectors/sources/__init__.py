"""Where candidate links come from: one connector module per ``kind:`` of config.yaml (as Apprise
has one plugin per URL scheme), registered here. The connectors import ``base`` and each other,
never this registry.

======== ================== ===========================================================
kind     module             reads
======== ================== ===========================================================
rss      ``rss.py``         an RSS/Atom feed, with conditional GET
sitemap  ``sitemap.py``     a (Google News) sitemap or sitemap index, ``.gz`` too
homepage ``homepage.py``    a front page: its feeds (else robots.txt sitemaps) + article links
google_news ``google_news.py`` Google News search RSS for Indonesia; redirect links resolved once
gdelt    ``gdelt.py``       the GDELT DOC 2.0 article list, Indonesian-language sources
======== ================== ===========================================================
"""

from __future__ import annotations

from pantau.config import Source
from pantau.models import FeedResult

from ..net import Fetcher
from . import gdelt, google_news, homepage, rss, sitemap
from .base import Discover, SourceContext, limit

CONNECTORS: dict[str, Discover] = {
    "rss": rss.discover,
    "sitemap": sitemap.discover,
    "homepage": homepage.discover,
    "google_news": google_news.discover,
    "gdelt": gdelt.discover,
}

__all__ = ["CONNECTORS", "SourceContext", "discover"]


async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext) -> FeedResult:
    """Run the connector of ``source.kind`` and cap what it found at ``source.max_items``."""
    return limit(await CONNECTORS[source.kind](fetcher, source, ctx), source)
