"""The ``google_news`` connector: Google News search RSS for Indonesia.

The query is the source's ``query`` or the topic's search terms —
``(Rusia OR Ukraina OR …) (diplomasi OR pertemuan OR …) when:48h`` — asked with ``hl=id&gl=ID&ceid=ID:id``
(Indonesian edition). Item links point at Google (``/rss/articles/<id>``), not at the outlet; each is
resolved to the outlet's URL: old-style ids carry the URL inside their base64 payload; otherwise the
link is requested and the redirect (HTTP, ``<meta refresh>``, the page's ``data-n-au`` / first
outside link, or — for today's opaque ids — the page's ``data-n-a-ts``/``data-n-a-sg`` passed to Google
News's own ``batchexecute`` decoding call) is read — once: resolutions are kept in the store and offered back through
``ctx.known_aliases``. Links that cannot be resolved are dropped and counted in the error.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
import re
from urllib.parse import quote, urljoin, urlsplit

from lxml import html as lxml_html

from pantau.config import Source
from pantau.errors import FetchError, ParseError
from pantau.models import Candidate, FeedResult

from ..net import Fetcher
from .base import SourceContext, fetch_for
from .rss import entry_published, feed_entries, looks_like_xml

RESOLVE_INTERVAL_S = 1.0  # at most one redirect lookup per second at Google


def build_query(source: Source, ctx: SourceContext) -> str:
    if source.query:
        return source.query
    q = ctx.expression()
    hours = math.ceil(source.max_age_hours)
    return f"{q} when:{hours}h" if hours < 48 else f"{q} when:{math.ceil(hours / 24)}d"


def search_url(source: Source, ctx: SourceContext) -> str:
    return f"{source.url}?q={quote(build_query(source, ctx))}&hl=id&gl=ID&ceid=ID:id"


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while i < len(data):
        b = data[i]
        value |= (b & 0x7F) << shift
        i += 1
        if not b & 0x80:
            return value, i
        shift += 7
    raise ValueError("truncated varint")


def decode_article_id(link: str) -> str | None:
    """The outlet URL inside an old-style Google News article id (``CBMi…``), or None."""
    m = re.search(r"/articles/([A-Za-z0-9_-]+)", urlsplit(link).path)
    if not m:
        return None
    token = m.group(1)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    if not raw.startswith(b"\x08\x13\x22"):
        return None
    try:
        length, start = _varint(raw, 3)
    except ValueError:
        return None
    url = raw[start : start + length].decode("utf-8", "replace")
    return url if url.startswith(("http://", "https://")) and len(raw) >= start + length else None


BATCHEXECUTE_PATH = "/_/DotsSplashUi/data/batchexecute"


def batchexecute_request(article_id: str, timestamp: str, signature: str) -> bytes:
    """The form body that asks Google News to decode one article id (the ``Fbv4je`` / ``garturlreq``
    call its own pages make; its shape is known from public decoders, not from Google's docs)."""
    inner = (
        f'["garturlreq",[["X","X",["X","X"],null,null,1,1,"ID:id",null,1,null,null,null,null,null,0,1],'
        f'"X","X",1,[1,1,1],1,1,null,0,0,null,0],"{article_id}",{int(timestamp)},"{signature}"]'
    )
    return ("f.req=" + quote(json.dumps([[["Fbv4je", inner, None, "generic"]]]), safe="")).encode()


def parse_batchexecute(text: str) -> str | None:
    """The outlet URL in a batchexecute answer (``)]}'`` then JSON; the payload is ``["garturlres", url, …]``)."""
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text.removeprefix(")]}'")
    try:
        for entry in json.loads(body.strip()):
            if isinstance(entry, list) and len(entry) > 2 and entry[:2] == ["wrb.fr", "Fbv4je"] and entry[2]:
                payload = json.loads(entry[2])
                if payload and payload[0] == "garturlres" and str(payload[1]).startswith(("http://", "https://")):
                    return payload[1]
    except (ValueError, TypeError, IndexError):
        pass
    m = re.search(r'garturlres\\",\\"(https?://[^"\\]+)', text)
    return m.group(1) if m else None


def _from_interstitial(html: str, base: str, google_host: str) -> str | tuple[str, str] | None:
    """The outlet URL an interstitial page names, or (timestamp, signature) for a batchexecute call."""
    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for el in tree.xpath("//*[@data-n-au]"):
        return el.get("data-n-au")
    for el in tree.xpath("//*[@data-n-a-sg][@data-n-a-ts]"):
        return el.get("data-n-a-ts"), el.get("data-n-a-sg")
    for meta in tree.xpath("//meta[@http-equiv]"):
        if meta.get("http-equiv", "").lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\";]+)", meta.get("content", ""), re.IGNORECASE)
            if m:
                return urljoin(base, m.group(1).strip())
    for a in tree.xpath("//a[@href]"):
        href = urljoin(base, a.get("href"))
        host = urlsplit(href).hostname or ""
        if href.startswith(("http://", "https://")) and host != google_host and not host.endswith("google.com"):
            return href
    return None


def google_root(endpoint: str) -> str:
    """https://news.google.com for https://news.google.com/rss/search."""
    return (
        endpoint.split("/rss/", 1)[0]
        if "/rss/" in endpoint
        else f"{urlsplit(endpoint).scheme}://{urlsplit(endpoint).netloc}"
    )


async def resolve(fetcher: Fetcher, link: str, endpoint: str, hops: int = 3) -> str | None:
    """The outlet URL behind a Google News link (None when it cannot be found). Redirects are read,
    not followed, so the article itself is not downloaded here."""
    google_host = urlsplit(endpoint).hostname or ""
    if (urlsplit(link).hostname or "") != google_host:
        return link
    decoded = decode_article_id(link)
    if decoded:
        return decoded
    url = link
    for _ in range(hops):
        try:
            r = await fetcher.get(
                url,
                respect_robots=False,
                min_interval=RESOLVE_INTERVAL_S,
                follow_redirects=False,
                headers={"Accept": "text/html"},
            )
        except FetchError:
            return None
        if 300 <= r.status < 400 and r.headers.get("location"):
            url = urljoin(url, r.headers["location"])
            parts = urlsplit(url)
            on_google = (parts.hostname or "").endswith("google.com") or (
                (parts.hostname or "") == google_host and "/articles/" in parts.path
            )
            if not on_google:
                return url  # the redirect names the outlet
            continue
        found = _from_interstitial(r.text, r.url, google_host)
        if isinstance(found, tuple):
            return await _batchexecute(fetcher, link, google_root(endpoint), *found)
        return found
    return None


async def _batchexecute(fetcher: Fetcher, link: str, root: str, timestamp: str, signature: str) -> str | None:
    m = re.search(r"/articles/([A-Za-z0-9_-]+)", urlsplit(link).path)
    if not m or not timestamp.isdigit():
        return None
    try:
        r = await fetcher.post(
            root + BATCHEXECUTE_PATH,
            batchexecute_request(m.group(1), timestamp, signature),
            {"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
            min_interval=RESOLVE_INTERVAL_S,
        )
    except FetchError:
        return None
    return parse_batchexecute(r.text)


def _strip_outlet(title: str, outlet: str | None) -> str:
    if outlet and title.endswith(" - " + outlet):
        return title[: -len(outlet) - 3].strip()
    return title


async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext) -> FeedResult:
    """The ``google_news`` connector (see connectors/sources/__init__.py)."""
    result = FeedResult(source=source.name, url=source.key)
    r = await fetch_for(
        result,
        fetcher,
        search_url(source, ctx),
        "search failed: ",
        respect_robots=False,
        headers={"Accept": "application/rss+xml, */*;q=0.5"},
    )
    if r is None:
        return result
    if not looks_like_xml(r):
        result.error = f"search did not return RSS (content-type {r.headers.get('content-type', '?')})"
        return result
    try:
        entries = feed_entries(r.content, r.url)[: source.max_items]
    except ParseError as e:
        result.error = str(e)
        return result
    known = ctx.known_aliases([entry.link for entry in entries])

    async def one(link: str) -> str | None:
        if link in known:
            return known[link]
        real = await resolve(fetcher, link.strip(), source.url)
        if real and real != link:
            result.aliases[link] = real
        return real

    resolved = await asyncio.gather(*(one(entry.link) for entry in entries))
    lost = 0
    for entry, real in zip(entries, resolved, strict=True):
        if not real:
            lost += 1
            continue
        outlet = (entry.get("source") or {}).get("title")
        result.candidates.append(
            Candidate(
                url=real,
                source=source.name,
                title=_strip_outlet((entry.get("title") or "").strip(), outlet),
                published=entry_published(entry),
                outlet=source.outlet or outlet,
            )
        )
    if lost:
        result.error = f"{lost} of {len(entries)} Google News links could not be resolved to an outlet URL"
    return result
