"""The ``sitemap`` connector: XML sitemaps (sitemaps.org 0.9), Google News sitemaps
(``news:publication_date``, ``news:title``), sitemap indexes, gzip-compressed (.gz) files.

An index is followed to its newest child sitemaps (at most ``MAX_CHILDREN`` per run, by ``lastmod``;
undated children count as new); items older than the source's ``max_age_hours`` are skipped.
XML is parsed without entity expansion or network access, and gzip output is capped.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree

from pantau.config import Source
from pantau.errors import FetchError, ParseError
from pantau.extract.dates import parse_date
from pantau.models import Candidate, FeedResult

from ..net import Fetcher
from .base import SourceContext, refuse_entity_tricks
from .rss import looks_like_xml

MAX_CHILDREN = 5
MAX_DEPTH = 2
MAX_UNCOMPRESSED = 50_000_000  # the sitemaps.org limit for one file
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def gunzip(content: bytes, limit: int = MAX_UNCOMPRESSED) -> bytes:
    """The content itself, or its gzip decompression when it is gzip (magic 1f 8b), capped at ``limit``."""
    if content[:2] != b"\x1f\x8b":
        return content
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(content, limit)
    except zlib.error as e:
        raise ParseError(f"broken gzip: {e}") from None
    if d.unconsumed_tail:
        raise ParseError(f"gzip expands beyond {limit} bytes")
    return out


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(el: Any, name: str) -> str | None:
    for c in el.iter():
        if _local(c.tag) == name and c.text and c.text.strip():
            return c.text.strip()
    return None


def parse_sitemap(content: bytes, source: Source) -> tuple[list[Candidate], list[tuple[str, datetime | None]]]:
    """(candidates of a urlset, child sitemaps of an index). Raises ParseError when it is not a sitemap."""
    content = gunzip(content)
    refuse_entity_tricks(content)
    try:
        root = etree.fromstring(content, parser=_PARSER)
    except etree.XMLSyntaxError as e:
        raise ParseError(f"malformed sitemap XML: {e}") from None
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = []
        for sm in root:
            loc = _child_text(sm, "loc") if _local(sm.tag) == "sitemap" else None
            if loc and loc.startswith(("http://", "https://")):
                children.append((loc, parse_date(_child_text(sm, "lastmod"))))
        return [], children
    if kind != "urlset":
        raise ParseError(f"not a sitemap (root element <{kind}>, expected <urlset> or <sitemapindex>)")
    out = []
    for u in root:
        if _local(u.tag) != "url":
            continue
        loc = _child_text(u, "loc")
        if not loc or not loc.startswith(("http://", "https://")):
            continue
        published = parse_date(_child_text(u, "publication_date") or _child_text(u, "lastmod"))
        out.append(
            Candidate(
                url=loc,
                source=source.name,
                title=_child_text(u, "title") or "",
                published=published,
                outlet=source.outlet or _child_text(u, "name"),
            )
        )
    return out, []


async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext) -> FeedResult:
    """The ``sitemap`` connector (see connectors/sources/__init__.py)."""
    result = FeedResult(source=source.name, url=source.key, etag=ctx.etag, last_modified=ctx.last_modified)
    cutoff = datetime.now(UTC) - timedelta(hours=source.max_age_hours)
    headers = {"Accept": "application/xml, text/xml;q=0.9, */*;q=0.5"}
    if ctx.etag:
        headers["If-None-Match"] = ctx.etag
    if ctx.last_modified:
        headers["If-Modified-Since"] = ctx.last_modified
    problems: list[str] = []
    seen: set[str] = set()

    async def visit(url: str, depth: int, conditional: bool) -> None:
        seen.add(url)
        try:
            r = await fetcher.get(url, headers=headers if conditional else {"Accept": headers["Accept"]})
        except FetchError as e:
            if e.transient and depth == 0:
                raise
            problems.append(f"{url}: {e}")
            return
        if depth == 0:
            result.status = r.status
            if r.status == 304:
                result.not_modified = True
                return
            result.etag, result.last_modified = r.headers.get("etag"), r.headers.get("last-modified")
        if not looks_like_xml(r):
            problems.append(f"{url}: not a sitemap (content-type {r.headers.get('content-type', '?')})")
            return
        try:
            items, children = parse_sitemap(r.content, source)
        except ParseError as e:
            problems.append(f"{url}: {e}")
            return
        result.candidates.extend(c for c in items if c.published is None or c.published >= cutoff)
        if depth >= MAX_DEPTH:
            return
        fresh = [(u, d) for u, d in children if u not in seen and (d is None or d >= cutoff)]
        fresh.sort(key=lambda x: x[1] or datetime.max.replace(tzinfo=UTC), reverse=True)
        for child, _ in fresh[:MAX_CHILDREN]:
            await visit(child, depth + 1, False)

    await visit(source.url, 0, True)
    if problems:
        result.error = "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else "")
    return result
