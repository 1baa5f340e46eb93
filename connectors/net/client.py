"""The one HTTP client: ``Fetcher`` — httpx.AsyncClient with pantau's manners around every request.

An identifiable User-Agent; public addresses only, checked at every connection (``guard.py``);
robots.txt honoured with its Crawl-delay (``robots.py``); bounded concurrency overall and per host,
``per_host_interval_s`` between two requests to one host and a ``Retry-After`` on 429/503 waited out
when short, reported at once when long (``pacing.py``); a total deadline per request and a minimum
transfer rate; a body-size cap enforced while streaming, on the *decoded* bytes, before a compressed
body has been inflated (``body.py``); every failure one readable FetchError (``failures.py``).
Pass ``transport=`` (e.g. ``httpx.MockTransport``) to test against anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from pantau.config import Http
from pantau.errors import FetchError
from pantau.extract.charset import decode_html

from .body import BodyReader
from .failures import connect_error, deadline_error, status_error, timeout_error
from .guard import Guard, GuardedBackend
from .pacing import HostPacer, SharedSlots, retry_after_seconds
from .robots import Robots

RATE_GRACE_S = 5.0  # the minimum transfer rate applies after this long


@dataclass
class Response:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return decode_html(self.content, self.headers.get("content-type", ""))


def guarded_transport(settings: Http) -> httpx.AsyncHTTPTransport:
    """httpx's transport with the SSRF guard in front of every connection it opens."""
    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=settings.max_connections), trust_env=False)
    transport._pool._network_backend = GuardedBackend(Guard(settings.allow_private))  # noqa: SLF001
    return transport


class Fetcher:
    def __init__(
        self,
        settings: Http,
        transport: httpx.AsyncBaseTransport | None = None,
        deadline: float | None = None,
        shared_slots: SharedSlots | None = None,
    ):
        self.settings = settings
        self.deadline = deadline  # time.monotonic() after which nothing new starts or sleeps
        self._global = asyncio.Semaphore(settings.max_connections)
        self.pacer = HostPacer(settings.max_per_host, shared_slots)
        self.robots = Robots(settings.user_agent, self._robots_text)
        self.client = httpx.AsyncClient(
            headers={
                "User-Agent": settings.user_agent,
                "Accept-Language": "id,en;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(settings.timeout_s),
            follow_redirects=True,
            max_redirects=5,
            transport=transport or guarded_transport(settings),
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    # -- deadlines ----------------------------------------------------------------------------

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but never past the run's deadline."""
        left = self.remaining()
        if left is not None and seconds > left:
            raise FetchError(f"run deadline reached (a {seconds:.0f}s wait would pass it)", deadline=True)
        await asyncio.sleep(seconds)

    # -- manners ------------------------------------------------------------------------------

    async def _robots_text(self, url: str) -> str:
        """robots.txt itself: paced like any request to its site."""
        await self.pacer.wait_turn(url, self.settings.per_host_interval_s, self._sleep, self.remaining())
        return (await self._request("GET", url, None, None, True, self.settings.per_host_interval_s)).text

    async def robots_sitemaps(self, url: str) -> list[str]:
        """The ``Sitemap:`` URLs of the robots.txt of ``url``'s site."""
        return await self.robots.sitemaps(url)

    async def _interval(self, url: str, respect_robots: bool, min_interval: float | None) -> float:
        crawl_delay = 0.0
        if respect_robots and self.settings.respect_robots:
            crawl_delay = min(await self.robots.crawl_delay(url), self.settings.max_crawl_delay_s)
        return max(self.settings.per_host_interval_s, min_interval or 0.0, crawl_delay)

    async def get(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        respect_robots: bool = True,
        min_interval: float | None = None,
        follow_redirects: bool = True,
    ) -> Response:
        """GET with manners: robots.txt, per-host pacing, Retry-After, deadlines, body cap.

        304 is returned; other statuses ≥ 400 raise FetchError (``transient`` for 5xx, 429 and
        network errors). ``respect_robots=False`` is for API endpoints the user configured
        (Google News, GDELT). ``min_interval`` raises the per-host spacing.
        """
        if respect_robots and self.settings.respect_robots and not await self.robots.allowed(url):
            raise FetchError("disallowed by robots.txt", permanent=True)
        interval = await self._interval(url, respect_robots, min_interval)
        waits = 0
        while True:
            await self.pacer.wait_turn(url, interval, self._sleep, self.remaining())
            try:
                return await self._request("GET", url, headers, None, follow_redirects, interval)
            except FetchError as e:
                if e.status not in (429, 503) or e.retry_after is None:
                    raise
                limit = self.settings.max_retry_after_s
                self.pacer.hold(url, min(e.retry_after, limit))  # never held longer than the limit
                waits += 1
                if e.retry_after > limit:
                    raise FetchError(
                        f"{e}: longer than max_retry_after_s ({limit:g}s), not retried this run",
                        status=e.status,
                        retry_after=e.retry_after,
                    ) from None
                if waits > self.settings.retry_after_waits:
                    raise
                await self._sleep(e.retry_after)

    async def post(
        self, url: str, content: bytes, headers: dict[str, str] | None = None, *, min_interval: float | None = None
    ) -> Response:
        """POST to an API endpoint (no robots.txt: APIs are not crawled), paced like GET."""
        interval = await self._interval(url, False, min_interval)
        await self.pacer.wait_turn(url, interval, self._sleep, self.remaining())
        return await self._request("POST", url, headers, content, False, interval)

    # -- the request ----------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None,
        content: bytes | None,
        follow_redirects: bool,
        interval: float = 0.0,
    ) -> Response:
        if (left := self.remaining()) is not None and left <= 0:
            raise FetchError("run deadline reached", deadline=True)
        async with contextlib.AsyncExitStack() as held:
            try:  # every wait for a connection and for the host's turn ends at the run's deadline
                async with asyncio.timeout(left):
                    await held.enter_async_context(self._global)
                    await held.enter_async_context(self.pacer.slot(url))
            except TimeoutError:
                raise FetchError("run deadline reached while waiting for a connection", deadline=True) from None
            answered = await self.pacer.dispatch(url, interval, self.remaining())
            if answered is None:
                raise FetchError("run deadline reached while waiting for the host's turn", deadline=True)
            limit, left = self.settings.request_deadline_s, self.remaining()
            run_bound = left is not None and left < limit
            if run_bound:
                limit = max(0.0, left or 0.0)
            try:
                async with asyncio.timeout(limit):
                    return await self._stream(method, url, headers, content, follow_redirects, answered)
            except TimeoutError:
                raise deadline_error(url, limit, run_deadline=run_bound) from None
            except httpx.TimeoutException:
                raise timeout_error(url, self.settings.timeout_s) from None
            except httpx.TooManyRedirects:
                raise FetchError("too many redirects (a redirect loop?)") from None
            except httpx.UnsupportedProtocol as e:
                raise FetchError(f"refused: not an http(s) URL ({e})") from None
            except httpx.InvalidURL as e:
                raise FetchError(f"invalid URL: {e}") from None
            except httpx.TransportError as e:
                raise connect_error(e, url) from None
            except httpx.HTTPError as e:
                raise FetchError(f"request failed: {type(e).__name__}: {e}", transient=True) from None
            finally:
                answered()  # a failed request frees the host's turn too
        raise AssertionError("unreachable")  # pragma: no cover

    async def _stream(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None,
        content: bytes | None,
        follow_redirects: bool,
        answered: Callable[[], None] = lambda: None,
    ) -> Response:
        async with self.client.stream(
            method, url, headers=headers, content=content, follow_redirects=follow_redirects
        ) as r:
            answered()  # the site has the request: the host's next one may be spaced from now
            if r.status_code >= 400:
                raise status_error(r.status_code, retry_after_seconds(r.headers.get("retry-after")))
            in_memory = r.is_stream_consumed  # an httpx.MockTransport answer, already decoded
            body = BodyReader(self.settings.max_body_bytes, r.headers, decoded=in_memory)
            started = time.monotonic()
            async for chunk in r.aiter_bytes() if in_memory else r.aiter_raw():
                body.feed(chunk)
                elapsed = time.monotonic() - started
                if elapsed > RATE_GRACE_S and body.received / elapsed < self.settings.min_bytes_per_s:
                    raise FetchError(
                        f"{r.url.host} sends too slowly ({body.received / elapsed:.0f} bytes/s)",
                        transient=True,
                        network=True,
                    )
            return Response(str(r.url), r.status_code, r.headers, body.finish())
