"""The one HTTP client: ``Fetcher`` — httpx.AsyncClient with pantau's manners around every request.

An identifiable User-Agent; timeouts; a body-size cap enforced while streaming; bounded concurrency
overall and per host; robots.txt honoured with its Crawl-delay (``robots.py``); at least
``per_host_interval_s`` between two requests to one host and a ``Retry-After`` on 429/503 waited out
when short, reported when long (``pacing.py``); every failure one readable FetchError
(``failures.py``). Pass ``transport=`` (e.g. ``httpx.MockTransport``) to test against anything.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from pantau.config import Http
from pantau.errors import FetchError
from pantau.extract.charset import decode_html

from .failures import connect_error, status_error, timeout_error
from .pacing import HostPacer, retry_after_seconds
from .robots import Robots


@dataclass
class Response:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return decode_html(self.content, self.headers.get("content-type", ""))


class Fetcher:
    def __init__(self, settings: Http, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self._global = asyncio.Semaphore(settings.max_connections)
        self.pacer = HostPacer(settings.max_per_host)
        self.robots = Robots(settings.user_agent, self._robots_text)
        self.client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent, "Accept-Language": "id,en;q=0.5"},
            timeout=httpx.Timeout(settings.timeout_s),
            follow_redirects=True,
            limits=httpx.Limits(max_connections=settings.max_connections),
            transport=transport,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.aclose()

    async def _robots_text(self, url: str) -> str:
        return (await self._request("GET", url, None, None, True)).text

    async def robots_sitemaps(self, url: str) -> list[str]:
        """The ``Sitemap:`` URLs of the robots.txt of ``url``'s site."""
        return await self.robots.sitemaps(url)

    async def _interval(self, url: str, respect_robots: bool, min_interval: float | None) -> float:
        crawl_delay = 0.0
        if respect_robots and self.settings.respect_robots:
            crawl_delay = min(await self.robots.crawl_delay(url), self.settings.max_crawl_delay_s)
        return max(self.settings.per_host_interval_s, min_interval or 0.0, crawl_delay)

    async def get(self, url: str, headers: dict[str, str] | None = None, *, respect_robots: bool = True,
                  min_interval: float | None = None, follow_redirects: bool = True) -> Response:
        """GET with manners: robots.txt, per-host pacing, Retry-After, body cap.

        304 is returned; other statuses ≥ 400 raise FetchError (``transient`` for 5xx, 429 and
        network errors). ``respect_robots=False`` is for API endpoints the user configured
        (Google News, GDELT). ``min_interval`` raises the per-host spacing.
        """
        if respect_robots and self.settings.respect_robots and not await self.robots.allowed(url):
            raise FetchError("disallowed by robots.txt")
        interval = await self._interval(url, respect_robots, min_interval)
        waits = 0
        while True:
            await self.pacer.wait_turn(url, interval)
            try:
                return await self._request("GET", url, headers, None, follow_redirects)
            except FetchError as e:
                if e.status not in (429, 503) or e.retry_after is None:
                    raise
                self.pacer.hold(url, e.retry_after)
                waits += 1
                if e.retry_after > self.settings.max_retry_after_s or waits > self.settings.retry_after_waits:
                    raise
                await asyncio.sleep(e.retry_after)

    async def post(self, url: str, content: bytes, headers: dict[str, str] | None = None, *,
                   min_interval: float | None = None) -> Response:
        """POST to an API endpoint (no robots.txt: APIs are not crawled), paced like GET."""
        await self.pacer.wait_turn(url, await self._interval(url, False, min_interval))
        return await self._request("POST", url, headers, content, False)

    async def _request(self, method: str, url: str, headers: dict[str, str] | None, content: bytes | None,
                       follow_redirects: bool) -> Response:
        limit = self.settings.max_body_bytes
        async with self._global, self.pacer.slot(url):
            try:
                async with self.client.stream(method, url, headers=headers, content=content,
                                              follow_redirects=follow_redirects) as r:
                    if r.status_code >= 400:
                        raise status_error(r.status_code, retry_after_seconds(r.headers.get("retry-after")))
                    declared = r.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > limit:
                        raise FetchError(f"body too large ({declared} bytes > {limit})")
                    chunks, size = [], 0
                    async for chunk in r.aiter_bytes():
                        size += len(chunk)
                        if size > limit:
                            raise FetchError(f"body too large (> {limit} bytes)")
                        chunks.append(chunk)
                    return Response(str(r.url), r.status_code, r.headers, b"".join(chunks))
            except httpx.TimeoutException:
                raise timeout_error(url, self.settings.timeout_s) from None
            except httpx.InvalidURL as e:
                raise FetchError(f"invalid URL: {e}") from None
            except httpx.TransportError as e:
                raise connect_error(e, url) from None
