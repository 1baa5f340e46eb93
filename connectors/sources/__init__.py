"""Where candidate links come from: one connector module per ``kind:`` of config.yaml (as Apprise
has one plugin per URL scheme), found here by its name — ``kind: gdelt`` is ``gdelt.py``'s
``discover``. What a kind means to the rest of pantau (its public endpoint, whether a backfill's
lookback applies) is ``pantau.source_kinds.SOURCE_KINDS``. A new kind is one module here, one line
there, and its test; tests/connectors/test_registry.py checks that the two agree. The connectors
import ``base`` and each other, never this registry.

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

import importlib
import pkgutil

from pantau.config import Source
from pantau.models import FeedResult

from ..net import Fetcher
from .base import Discover, SourceContext, limit

SHARED = {"base"}  # modules here that are not a kind's connector


def _connectors() -> dict[str, Discover]:
    found = {}
    for m in pkgutil.iter_modules(__path__):
        if m.name not in SHARED:
            found[m.name] = importlib.import_module(f"{__name__}.{m.name}").discover
    return found


CONNECTORS: dict[str, Discover] = _connectors()

__all__ = ["CONNECTORS", "SourceContext", "discover"]


async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext) -> FeedResult:
    """Run the connector of ``source.kind`` and cap what it found at ``source.max_items``."""
    return limit(await CONNECTORS[source.kind](fetcher, source, ctx), source)
