"""The kinds of source config.yaml's ``kind:`` can name, and what each means to the rest of pantau.

A leaf: it imports nothing of pantau. ``config.py`` validates a source's ``kind`` against this table; the
connectors (``connectors/sources/<kind>.py``) implement it; ``run_options.py`` applies a backfill's
lookback to ``LOOKBACK_KINDS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceKind:
    """What config.yaml's ``kind:`` of a source means to the rest of pantau: a search's public endpoint
    (None: the source names its own URL) and whether ``max_age_hours`` (backfill's lookback) applies.
    Its connector is ``connectors/sources/<kind>.py``, found there by name (tests/connectors/test_registry.py
    checks that every kind here has one and every connector a kind here)."""

    summary: str
    endpoint: str | None = None
    lookback: bool = False


SOURCE_KINDS: dict[str, SourceKind] = {
    "rss": SourceKind("an RSS/Atom feed"),
    "sitemap": SourceKind("a (news) sitemap or sitemap index, .gz allowed", lookback=True),
    "homepage": SourceKind("an outlet's front page: its feeds, else its robots.txt sitemaps, else its article links"),
    "google_news": SourceKind(
        "Google News search RSS for Indonesia", endpoint="https://news.google.com/rss/search", lookback=True
    ),
    "gdelt": SourceKind("the GDELT DOC 2.0 API", endpoint="https://api.gdeltproject.org/api/v2/doc/doc", lookback=True),
}
LOOKBACK_KINDS = tuple(k for k, v in SOURCE_KINDS.items() if v.lookback)
