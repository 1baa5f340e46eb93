"""The HTTP client's manners and the connectors' parsing on httpx.MockTransport: no sockets, no
server, milliseconds. (The same behaviour against a real server on 127.0.0.1: test_sources.py.)
Every test uses hosts of its own: robots.txt is cached per site for the whole process."""

import asyncio
import json
import socket
import time

import httpx
import pytest

from pantau.config import Http, Source
from pantau.connectors.net import Fetcher, FetchError
from pantau.connectors.sources import SourceContext, discover

FAST = Http(per_host_interval_s=0, retries=0, retry_after_waits=1, max_retry_after_s=2)


def run(coro):
    return asyncio.run(coro)


def serve(routes: dict, settings: Http = FAST, seen: list | None = None):
    """A Fetcher whose transport answers from ``routes``: path → Response or callable(request)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append((request.url.host, request.url.path, time.monotonic()))
        answer = routes.get(f"{request.url.host}{request.url.path}", routes.get(request.url.path))
        if answer is None:
            return httpx.Response(404, text="not found")
        if callable(answer):
            return answer(request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)  # a fresh copy

    return Fetcher(settings, transport=httpx.MockTransport(handler))


async def get(fetcher: Fetcher, url: str, **kw):
    async with fetcher as f:
        return await f.get(url, **kw)


def test_robots_wildcards_and_longest_match_are_honoured():
    """The stdlib parser ignores `*`/`$` and takes the first match; protego reads them as RFC 9309."""
    robots = "User-agent: *\nDisallow: /*?utm_\nDisallow: /berita/\nAllow: /berita/terkini$\n"
    routes = {
        "/robots.txt": httpx.Response(200, text=robots),
        "/berita/terkini": httpx.Response(200, text="ok"),
        "/a": httpx.Response(200, text="ok"),
    }
    fetch = serve(routes)

    async def go():
        async with fetch as f:
            return [
                await f.robots.allowed(f"http://wild.test{p}")
                for p in ("/a", "/a?utm_source=x", "/berita/lain", "/berita/terkini", "/berita/terkini/2")
            ]

    assert run(go()) == [True, False, False, True, False]
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        run(get(serve(routes), "http://wild.test/a?utm_medium=y"))


def test_robots_4xx_allows_everything_5xx_skips_the_site():
    assert run(get(serve({"/page": httpx.Response(200, text="ok")}), "http://no-robots.test/page")).status == 200
    down = {"/robots.txt": httpx.Response(503, text="busy"), "/page": httpx.Response(200, text="ok")}
    with pytest.raises(FetchError, match=r"^robots.txt unreachable \(HTTP 503\) — site skipped$") as e:
        run(get(serve(down), "http://robots-down.test/page"))
    assert e.value.transient and not e.value.network


def test_a_name_that_does_not_resolve_is_one_line_and_not_retried():
    def dns(request):
        raise httpx.ConnectError("[Errno -2] Name or service not known") from socket.gaierror(-2, "not known")

    with pytest.raises(FetchError) as e:
        run(get(serve({"/robots.txt": dns, "/feed": dns}), "http://nowhere.test/feed"))
    assert str(e.value) == "DNS lookup failed for nowhere.test" and e.value.network and not e.value.transient


def test_a_timeout_names_the_host():
    def slow(request):
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(FetchError, match=r"^slow.test timed out after 20s$") as e:
        run(get(serve({"/robots.txt": httpx.Response(404), "/x": slow}), "http://slow.test/x"))
    assert e.value.transient and e.value.network


def test_retry_after_is_waited_out_once_then_reported_and_the_host_held():
    seen: list = []
    calls = {"n": 0}

    def busy(request):
        calls["n"] += 1
        return httpx.Response(503, headers={"Retry-After": "1"}) if calls["n"] < 3 else httpx.Response(200, text="ok")

    routes = {"/robots.txt": httpx.Response(404), "/x": busy}
    with pytest.raises(FetchError, match=r"HTTP 503 \(Retry-After 1s\)"):
        run(get(serve(routes, seen=seen), "http://busy.test/x"))  # waited once (retry_after_waits=1)
    hits = [t for host, path, t in seen if path == "/x"]
    assert len(hits) == 2 and hits[1] - hits[0] >= 0.95
    n = {"calls": 0}

    def once_then_ok(request):
        n["calls"] += 1
        return httpx.Response(429, headers={"Retry-After": "3600"}) if n["calls"] == 1 else httpx.Response(200)

    async def twice():
        async with serve({"/robots.txt": httpx.Response(404), "/x": once_then_ok}) as f:
            start = time.monotonic()
            with pytest.raises(FetchError, match=r"HTTP 429 \(Retry-After 3600s\): longer than max_retry_after_s") as e:
                await f.get("http://long.test/x")
            failed_after = time.monotonic() - start
            await f.get("http://long.test/x")  # the host is held 2 s, not an hour
            return failed_after, time.monotonic() - start, e.value

    failed_after, total, err = run(twice())
    assert failed_after < 1 and not err.transient  # beyond max_retry_after_s: at once, not retried
    assert 1.8 < total < 3.5


def test_body_cap_while_streaming():
    big = httpx.Response(200, content=b"x" * 50_000, headers={"Content-Type": "text/html"})
    with pytest.raises(FetchError, match="body too large"):
        run(
            get(
                serve(
                    {"/robots.txt": httpx.Response(404), "/big": big},
                    Http(per_host_interval_s=0, max_body_bytes=10_000),
                ),
                "http://big.test/big",
            )
        )


def test_rss_conditional_get_answers_not_modified():
    def feed(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(
            200,
            headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"},
            text="<rss><channel><item><title>Putin bertemu Erdogan</title>"
            "<link>https://kompas.test/a</link></item></channel></rss>",
        )

    src = Source(name="k", url="http://rss.test/feed")
    routes = {"/robots.txt": httpx.Response(404), "/feed": feed}

    async def go(ctx):
        async with serve(routes) as f:
            return await discover(f, src, ctx)

    first = run(go(SourceContext()))
    assert [c.url for c in first.candidates] == ["https://kompas.test/a"] and first.etag == '"v1"'
    again = run(go(SourceContext(etag='"v1"')))
    assert again.not_modified and again.candidates == [] and again.error is None


def test_gdelt_artlist_and_its_plain_text_errors():
    arts = {
        "articles": [
            {
                "url": "https://antara.test/b",
                "title": "Menlu Retno bertemu Lavrov",
                "seendate": "20230303T101500Z",
                "domain": "antara.test",
            },
            {"url": "not a url", "title": "x"},
        ]
    }
    src = Source(name="g", kind="gdelt", url="http://gdelt.test/api/v2/doc/doc")
    ctx = SourceContext(search_any=["Rusia"], search_context=["diplomasi"])

    async def go(answer):
        async with serve({"/api/v2/doc/doc": answer}) as f:
            return await discover(f, src, ctx)

    r = run(go(httpx.Response(200, json=arts)))
    assert [c.url for c in r.candidates] == ["https://antara.test/b"] and r.candidates[0].published.hour == 10
    r = run(go(httpx.Response(200, text="Please limit requests to one every 5 seconds.")))
    assert r.error == "GDELT answered: Please limit requests to one every 5 seconds." and not r.candidates
    r = run(go(httpx.Response(200, text=json.dumps({"articles": "nope"}))))
    assert r.error == "GDELT answer has no article list"


def test_requests_to_a_host_arrive_interval_apart_even_when_one_is_late_on_the_wire():
    """Spacing counts from the previous request's answer, not from when it was dispatched: a request
    that reaches the site late (held 0.3 s in transit here) does not let the next one arrive
    right behind it. Counting from dispatch, the second would arrive 0.1 s after the first."""
    arrived: dict[str, float] = {}

    class LateFirst(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/late":
                await asyncio.sleep(0.3)  # still on its way
            arrived[request.url.path] = time.monotonic()
            return httpx.Response(200, text="ok")

    settings = Http(per_host_interval_s=0.4, max_per_host=2, retries=0)

    async def go():
        async with Fetcher(settings, transport=LateFirst()) as f:
            first = asyncio.create_task(f.get("http://late.test/late", respect_robots=False))
            await asyncio.sleep(0.01)
            await f.get("http://late.test/next", respect_robots=False)
            await first

    run(go())
    assert arrived["/next"] - arrived["/late"] >= 0.4 - 0.005
