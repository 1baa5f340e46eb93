"""RSS/Atom source: conditional GET (ETag / Last-Modified), parsed with feedparser into candidates."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser

from pantau.config import Source
from pantau.errors import ParseError
from pantau.models import Candidate, FeedResult

from ..net import Fetcher, Response
from .base import SourceContext, fetch_for, refuse_entity_tricks


def entry_published(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            return datetime.fromtimestamp(calendar.timegm(t), tz=UTC)
    return None


def feed_entries(content: bytes, base_url: str) -> list:
    """The feedparser entries that have a link (whatever it is: the pipeline drops an invalid one with a
    note naming the source). Raises ParseError for a document that is not a feed."""
    refuse_entity_tricks(content)
    parsed = feedparser.parse(content, response_headers={"content-location": base_url})
    entries = [e for e in parsed.entries if isinstance(e.get("link"), str) and e.get("link").strip()]
    if not parsed.version and not entries:
        raise ParseError("not an RSS/Atom feed (no channel, no entries)")
    if parsed.bozo and not entries:
        exc = parsed.get("bozo_exception")
        raise ParseError(f"malformed feed: {type(exc).__name__}: {exc}" if exc else "malformed feed")
    return entries


def parse_feed(content: bytes, source: Source, base_url: str) -> list[Candidate]:
    """Candidates of a feed document. Raises ParseError for a document that is not a feed."""
    return [
        Candidate(
            url=e.link.strip(),
            source=source.name,
            title=(e.get("title") or "").strip(),
            published=entry_published(e),
            outlet=source.outlet,
        )
        for e in feed_entries(content, base_url)
    ]


XML_TYPES = ("xml", "rss", "atom", "text/plain", "octet-stream", "gzip")


def looks_like_xml(r: Response) -> bool:
    """A content-type check that tolerates servers' many spellings of XML, but not an HTML page."""
    if r.status == 304:
        return True
    ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
    if not ctype or any(t in ctype for t in XML_TYPES):
        return True
    return ctype == "text/html" and r.content.lstrip()[:5] in (b"<?xml", b"<rss ", b"<feed")


async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext) -> FeedResult:
    """The ``rss`` connector (see connectors/sources/__init__.py)."""
    return await fetch_feed(fetcher, source, ctx.etag, ctx.last_modified)


async def fetch_feed(
    fetcher: Fetcher, source: Source, etag: str | None = None, last_modified: str | None = None
) -> FeedResult:
    """One feed. Transient failures raise FetchError (the flow retries them); permanent ones
    (4xx, malformed XML) come back as a FeedResult with ``error`` set."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    result = FeedResult(source=source.name, url=source.key, etag=etag, last_modified=last_modified)
    r = await fetch_for(result, fetcher, source.url, headers=headers)
    if r is None:
        return result
    if not looks_like_xml(r):
        result.error = f"not a feed (content-type {r.headers.get('content-type', '?')})"
        return result
    if r.status == 304:
        result.not_modified = True
        return result
    result.etag = r.headers.get("etag")
    result.last_modified = r.headers.get("last-modified")
    try:
        result.candidates = parse_feed(r.content, source, r.url)
    except ParseError as e:
        result.error = str(e)
    return result
