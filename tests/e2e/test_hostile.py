"""Hostile sites and network faults, one by one, against the loopback fault server (tests/support/
faults/): each ends as one readable line, within stated time and memory bounds, and never crashes."""

import asyncio
import random
import re
import time
import tracemalloc
from urllib.parse import quote

import pytest

from pantau.config import Source
from pantau.connectors.net import Fetcher, FetchError
from pantau.connectors.net.pages import fetch_page
from pantau.connectors.sources import SourceContext, discover
from pantau.connectors.sources.gdelt import parse_artlist
from pantau.connectors.sources.rss import parse_feed
from pantau.connectors.sources.sitemap import parse_sitemap
from pantau.errors import ParseError
from pantau.extract import decode_html, extract_article
from pantau.models import Candidate
from pantau.urls import canonical_url
from support.faults import CHARSET_WORDS, FaultServer
from support.servers import allowing

CAP = 5_000_000  # http.max_body_bytes (the default)


@pytest.fixture(scope="module")
def faults():
    fs = FaultServer().start()
    yield fs
    fs.stop()


def settings(fs, **kw):
    base = dict(
        per_host_interval_s=0, retries=0, timeout_s=2, request_deadline_s=6, max_retry_after_s=2, retry_after_waits=1
    )
    return allowing(fs, **{**base, **kw})


def fetch(fs, path: str, **kw):
    async def go():
        async with Fetcher(settings(fs, **kw)) as f:
            return await f.get(fs.base + path)

    return asyncio.run(go())


def measured(fn):
    """(result or the FetchError, seconds, peak traced MB)."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        out = fn()
    except FetchError as e:
        out = e
    seconds = time.monotonic() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return out, seconds, peak


# path → (the one line it ends as, the most seconds it may take)
FAULTS = {
    "/blackhole": (r"^127.0.0.1 timed out after 2s$", 4),
    "/slow-headers?delay=30": (r"^127.0.0.1 timed out after 2s$", 4),
    "/drip?bytes=100000&interval=0.5": (r"^127.0.0.1 gave no complete answer within 6s$|sends too slowly", 8),
    "/reset": (r"^connection reset by 127.0.0.1$|^connection to 127.0.0.1 failed", 3),
    "/truncated": (r"^connection to 127.0.0.1 failed", 3),
    "/status/503?retry_after=3600": (r"HTTP 503 \(Retry-After 3600s\): longer than max_retry_after_s", 1),
    "/status/429?retry_after=1": (r"^HTTP 429 \(Retry-After 1s\)$", 3),
    "/status/500": (r"^HTTP 500$", 1),
    "/redirect-loop": (r"^too many redirects", 2),
    "/redirect-to?url=" + quote("ftp://example.org/x", safe=""): (r"^refused: not an http\(s\) URL", 2),
    "/redirect-to?url=" + quote("file:///etc/passwd", safe=""): (r"^refused: not an http\(s\) URL", 2),
    "/big?mb=50": (r"^body too large \(52428800 bytes > 5000000\)$", 2),
    "/big-undeclared?mb=50": (r"^body too large \(> 5000000 bytes\)$", 5),
    "/gzip-bomb?mb=200": (r"^body too large \(> 5000000 bytes\)$", 5),
}


@pytest.mark.parametrize("path", FAULTS)
def test_each_network_fault_is_one_line_within_bounds(faults, path):
    pattern, most = FAULTS[path]
    err, seconds, peak = measured(lambda: fetch(faults, path))
    assert isinstance(err, FetchError), err
    assert "\n" not in str(err)

    assert re.search(pattern, str(err)), str(err)
    assert seconds < most, f"{seconds:.1f}s"
    assert peak < 2 * CAP / 1e6 + 20, f"peak {peak:.0f} MB"  # the cap, plus one inflated slice


def test_a_burst_of_5xx_recovers_within_the_retries(faults):
    faults.reset_counts()
    src = Source(name="b", url=f"{faults.base}/burst/503?n=1")

    async def go():
        async with Fetcher(settings(faults)) as f:
            try:
                return await discover(f, src, SourceContext())
            except FetchError as e:
                return e

    first = asyncio.run(go())
    assert isinstance(first, FetchError) and first.transient  # the flow's retry will try again
    second = asyncio.run(go())
    assert second.error is None and len(second.candidates) == 5


@pytest.mark.parametrize(
    "path, expect",
    [
        ("/billion-laughs.xml", "refused: the document declares XML entities"),
        ("/xxe.xml", "refused: the document declares XML entities"),
        ("/malformed.xml", "malformed feed"),
        ("/not-xml", "not an RSS/Atom feed"),
        ("/huge-feed.xml?n=100000", "body too large"),
    ],
)
def test_hostile_feeds_are_refused_without_expanding_anything(faults, path, expect):
    src = Source(name="h", url=faults.base + path)

    async def go():
        async with Fetcher(settings(faults)) as f:
            return await discover(f, src, SourceContext())

    r, seconds, peak = measured(lambda: asyncio.run(go()))
    assert expect in (r.error or str(r)) and not getattr(r, "candidates", None)
    assert "root:" not in str(r.error)  # /etc/passwd was never read
    assert seconds < 10 and peak < 40, (seconds, peak)


@pytest.mark.parametrize("kind", sorted(CHARSET_WORDS))
def test_wrong_missing_and_invalid_charsets_still_read(faults, kind):
    page = asyncio.run(_page(faults, f"/charset/{kind}"))
    assert page.error is None and page.html
    x = extract_article(page.html, page.final_url)
    if kind != "invalid-utf8":
        assert CHARSET_WORDS[kind] in page.html
    assert x is None or isinstance(x.text, str)


async def _page(fs, path):
    async with Fetcher(settings(fs)) as f:
        return await fetch_page(f, Candidate(url=fs.base + path, source="t"))


@pytest.mark.parametrize(
    "path, expect",
    [
        ("/type/pdf", "not an HTML page (application/pdf)"),
        ("/type/png", "not an HTML page (image/png)"),
    ],
)
def test_non_html_pages_are_one_line(faults, path, expect):
    assert asyncio.run(_page(faults, path)).error == expect


def test_an_empty_page_extracts_to_nothing(faults):
    page = asyncio.run(_page(faults, "/empty"))
    assert extract_article(page.html or "", page.final_url) is None


# --- fuzz: no input can crash a parser ---------------------------------------------------------


def _mutations(seed: int, docs: list[bytes], n: int) -> list[bytes]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        doc = bytearray(rnd.choice(docs))
        for _ in range(rnd.randint(1, 12)):
            op = rnd.random()
            pos = rnd.randrange(len(doc) + 1)
            if op < 0.3 and doc:
                del doc[pos : pos + rnd.randint(1, 40)]
            elif op < 0.6:
                doc[pos:pos] = rnd.choice(
                    [
                        b"<",
                        b"&",
                        b"\x00",
                        b"\xff\xfe",
                        b"]]>",
                        b"<!ENTITY",
                        b"\xc3",
                        b"http://:99999/x",
                        b"http://[::1",
                        b"<item>",
                        b"</channel>",
                    ]
                )
            else:
                doc[pos : pos + 1] = bytes([rnd.randrange(256)])
        out.append(bytes(doc))
    out += [bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 400))) for _ in range(n // 4)]
    return out


def test_fuzzed_feeds_sitemaps_api_answers_and_pages_never_raise_anything_but_parse_errors():
    from pantau.demo import SITE
    from support.paths import FIXTURES

    feeds = [p.read_bytes() for p in (FIXTURES / "feeds").glob("*.xml")]
    pages = [p.read_bytes() for p in sorted((SITE / "pages" / "recorded").glob("*.html"))[:6]]
    sitemap = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://a.example/1</loc><lastmod>2023-03-03</lastmod></url></urlset>"
    )
    artlist = b'{"articles": [{"url": "https://a.example/1", "title": "t", "seendate": "20230303T101500Z"}]}'
    src = Source(name="fuzz", url="https://fuzz.example/feed")
    n = 0
    for doc in _mutations(1, feeds + [sitemap], 300):
        for parse in (lambda d: parse_feed(d, src, "https://fuzz.example/"), lambda d: parse_sitemap(d, src)):
            try:
                for c in _cands(parse(doc)):
                    assert canonical_url(c.url) is None or canonical_url(c.url).startswith("http")
            except ParseError:
                pass
            n += 1
    for doc in _mutations(2, [artlist], 100):
        try:
            _cands(parse_artlist(doc, src))
        except ParseError:
            pass
        n += 1
    for doc in _mutations(3, pages, 60):
        x = extract_article(decode_html(doc), "https://fuzz.example/a")
        assert x is None or isinstance(x.text, str)
        n += 1
    assert n > 800


def _cands(result):
    return result[0] if isinstance(result, tuple) else result
