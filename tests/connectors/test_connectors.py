"""Connectors against real recorded feeds and a real HTTP server on 127.0.0.1."""

import asyncio

import pytest

from pantau.config import Source
from pantau.connectors.net import Fetcher, FetchError
from pantau.connectors.net.pages import fetch_pages
from pantau.connectors.sources.rss import fetch_feed, parse_feed
from pantau.models import Candidate
from support.paths import FIXTURES
from support.servers import allowing


def src(url="http://127.0.0.1/x", name="s"):
    return Source(name=name, url=url, outlet="Outlet")


@pytest.mark.parametrize(
    "fixture,first_title",
    [
        ("antara-rss.xml", None),
        ("republika-rss.xml", None),
        ("kapanlagi-rss.xml", None),
        ("detik-rss.xml", "Google Umbar Kelemahan Galaxy S6 Edge"),  # feedsportal redirect links
        ("tempo-ekonomi-2026-06.xml", "Kemendag: Harga Emas Turun seiring Pergeseran Minat Investor"),
    ],
)
def test_parse_real_feeds(fixture, first_title):
    items = parse_feed((FIXTURES / "feeds" / fixture).read_bytes(), src(), "https://example.org/")
    assert len(items) == (FIXTURES / "feeds" / fixture).read_bytes().count(b"<item>") >= 3
    assert all(c.url.startswith("http") and c.title for c in items)
    assert all(c.published is None or c.published.tzinfo is not None for c in items)
    if first_title:
        assert items[0].title == first_title


def test_malformed_feed_is_a_clear_error():
    with pytest.raises(ValueError, match="malformed feed"):
        parse_feed(b"<rss><channel><title>x</title><item><title>unclosed", src(), "https://e/")
    with pytest.raises(ValueError, match="not an RSS/Atom feed"):
        parse_feed(b"<html><body>hello</body></html>", src(), "https://e/")


def run(coro):
    return asyncio.run(coro)


def test_conditional_get_and_user_agent(replay_site):
    async def go():
        async with Fetcher(allowing(replay_site, per_host_interval_s=0)) as f:
            s = src(replay_site.feed_url("kompas"), "kompas")
            first = await fetch_feed(f, s)
            second = await fetch_feed(f, s, first.etag, first.last_modified)
            return first, second

    first, second = run(go())
    assert first.status == 200 and first.candidates and first.etag
    assert second.status == 304 and second.not_modified and not second.candidates


def test_broken_feeds(replay_site):
    async def go():
        async with Fetcher(allowing(replay_site, per_host_interval_s=0)) as f:
            with pytest.raises(FetchError) as e:  # 5xx is transient: the flow retries it
                await fetch_feed(f, src(f"{replay_site.base}/feeds/broken-500.xml"))
            assert e.value.transient and e.value.status == 500
            bad = await fetch_feed(f, src(f"{replay_site.base}/feeds/malformed.xml"))
            missing = await fetch_feed(f, src(f"{replay_site.base}/feeds/nope.xml"))
            return bad, missing

    bad, missing = run(go())
    assert "malformed feed" in bad.error
    assert missing.error == "HTTP 404" and missing.status == 404


def test_pages_bounded_and_errors_isolated(replay_site):
    replay_site.extra_pages["/big.html"] = ("text/html", b"<html>" + b"x" * 200_000 + b"</html>")
    replay_site.extra_pages["/doc.pdf"] = ("application/pdf", b"%PDF-1.4")
    good = replay_site.manifest[0]["path"]
    cands = [
        Candidate(url=f"{replay_site.base}/{good}", source="s"),
        Candidate(url=f"{replay_site.base}/big.html", source="s"),
        Candidate(url=f"{replay_site.base}/doc.pdf", source="s"),
        Candidate(url="http://127.0.0.1:9/refused", source="s"),
    ]

    async def go():
        async with Fetcher(allowing(replay_site, 9, max_body_bytes=100_000, timeout_s=5, per_host_interval_s=0)) as f:
            return await fetch_pages(f, cands)

    pages = run(go())
    assert pages[0].html and pages[0].error is None
    assert "body too large" in pages[1].error
    assert "not an HTML page" in pages[2].error
    assert pages[3].error == "connection refused by 127.0.0.1"
