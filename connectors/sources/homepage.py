"""The ``homepage`` connector: an outlet's front page as a source.

1. Feeds the page advertises (``<link rel="alternate" type="application/rss+xml">``, else feed-like
   links), found with ``trafilatura.feeds.determine_feed``; up to ``MAX_FEEDS`` are read.
2. If it advertises none: the sitemaps its robots.txt lists (``Sitemap:`` lines), read by the
   sitemap connector.
3. Always: the front page's own links that look like articles (same site; a path with a date, a long
   number, a slug of four or more words, or an .html page; anchor text of four or more words), so that stories
   that never reach a feed are still seen.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from pantau.config import Source
from pantau.errors import FetchError
from pantau.models import Candidate, FeedResult

from ..net import Fetcher
from . import rss, sitemap
from .base import SourceContext, fetch_for

MAX_FEEDS = 3
MAX_SITEMAPS = 2
_ARTICLE_PATH = re.compile(
    r"/(?:19|20)\d\d[/-]?\d\d|/\d{5,}|/read/|/berita/|/[a-z0-9]+(?:-[a-z0-9]+){3,}|"
    r"[^/]\.s?html?$",
    re.IGNORECASE,
)
_NOT_ARTICLE = re.compile(
    r"/(?:tag|tags|topik|topic|kategori|category|author|penulis|search|cari|indeks|index|"
    r"login|register|about|tentang|kontak|contact|privacy|video|foto|galeri)(?:/|$)",
    re.IGNORECASE,
)


def article_links(html: str, base: str, source: Source) -> list[Candidate]:
    """Links on a front page that look like articles on the same site."""
    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    host = (urlsplit(base).hostname or "").removeprefix("www.")
    seen, out = set(), []
    for a in tree.xpath("//a[@href]"):
        url = urljoin(base, a.get("href")).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or url in seen:
            continue
        link_host = (parts.hostname or "").removeprefix("www.")
        if not (link_host == host or link_host.endswith("." + host)):
            continue
        title = " ".join(" ".join(a.itertext()).split()) or (a.get("title") or "").strip()
        if len(title.split()) < 4 or not _ARTICLE_PATH.search(parts.path) or _NOT_ARTICLE.search(parts.path):
            continue
        seen.add(url)
        out.append(Candidate(url=url, source=source.name, title=title, outlet=source.outlet))
    return out


async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext) -> FeedResult:
    """The ``homepage`` connector (see connectors/sources/__init__.py)."""
    result = FeedResult(source=source.name, url=source.key)
    r = await fetch_for(result, fetcher, source.url, headers={"Accept": "text/html,application/xhtml+xml;q=0.9"})
    if r is None:
        return result
    ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and ctype not in ("text/html", "application/xhtml+xml"):
        result.error = f"not an HTML page ({ctype})"
        return result
    from trafilatura.feeds import FeedParameters, determine_feed  # on first use (it loads all of trafilatura)

    html = r.text
    parts = urlsplit(r.url)
    feeds = [
        f
        for f in determine_feed(html, FeedParameters(r.url, parts.hostname or "", r.url))
        if f.rstrip("/") != r.url.rstrip("/")
    ][:MAX_FEEDS]
    problems: list[str] = []
    found: list[Candidate] = []
    subs = [source.model_copy(update={"kind": "rss", "url": f}) for f in feeds]
    if not subs:
        for sm in (await fetcher.robots_sitemaps(r.url))[:MAX_SITEMAPS]:
            subs.append(source.model_copy(update={"kind": "sitemap", "url": sm}))
    for sub in subs:
        try:
            part = await (
                rss.fetch_feed(fetcher, sub) if sub.kind == "rss" else sitemap.discover(fetcher, sub, SourceContext())
            )
        except FetchError as e:
            problems.append(f"{sub.url}: {e}")
            continue
        if part.error:
            problems.append(f"{sub.url}: {part.error}")
        found.extend(part.candidates)
    found.extend(article_links(html, r.url, source))
    by_url: dict[str, Candidate] = {}
    for c in found:
        if c.url not in by_url or (not by_url[c.url].published and c.published):
            by_url[c.url] = c
    result.candidates = list(by_url.values())
    if problems:
        result.error = "; ".join(problems[:3])
    return result
