"""The one HTTP client, and its manners.

httpx.AsyncClient with an identifiable User-Agent, timeouts and a body-size cap; bounded concurrency
overall and per host; a minimum interval between requests to one host (raised to the site's
``Crawl-delay``); robots.txt fetched once per host, cached for a day and honoured (RFC 9309: a
missing robots.txt allows everything, an unreachable one allows nothing for now); ``Retry-After``
on 429/503 obeyed by waiting when short, reported as a transient error when long. Pass
``transport=`` to test against anything.
"""
from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from pantau.config import Http
from pantau.errors import FetchError
from pantau.extract import decode_html

__all__ = ["Fetcher", "FetchError", "Response", "retry_after_seconds", "connect_error"]


def _causes(e: BaseException):
    seen = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        yield e
        e = e.__cause__ or e.__context__


def connect_error(e: httpx.TransportError, url: str) -> FetchError:
    """One readable line for a failed connection. A name that does not resolve is not retried
    within the run (it will not resolve five seconds later either); refused or reset connections are."""
    host = urlsplit(url).hostname or url
    for cause in _causes(e):
        if isinstance(cause, socket.gaierror):
            return FetchError(f"DNS lookup failed for {host}", network=True)
        if isinstance(cause, ConnectionRefusedError):
            return FetchError(f"connection refused by {host}", transient=True, network=True)
        if isinstance(cause, ConnectionResetError):
            return FetchError(f"connection reset by {host}", transient=True, network=True)
    text = str(e) or type(e).__name__
    if "name resolution" in text or "Name or service not known" in text:
        return FetchError(f"DNS lookup failed for {host}", network=True)
    return FetchError(f"connection to {host} failed ({text})", transient=True, network=True)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class _Robots:
    parser: RobotFileParser | None      # None: everything allowed (no robots.txt)
    unreachable: FetchError | None      # why robots.txt could not be read (5xx, network): fetch nothing
    fetched: float


# robots.txt per (scheme://host, user agent), shared by every Fetcher of this process for a day:
# a long-running worker does not re-read it every run.
_ROBOTS: dict[tuple[str, str], _Robots] = {}
ROBOTS_TTL_S = 24 * 3600


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
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._next_slot: dict[str, float] = {}         # host -> monotonic time of its next request
        self._slot_lock = asyncio.Lock()
        self._robot_locks: dict[str, asyncio.Lock] = {}
        self.robots_fetches = 0
        self.client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent, "Accept-Language": "id,en;q=0.5"},
            timeout=httpx.Timeout(settings.timeout_s),
            follow_redirects=True,
            limits=httpx.Limits(max_connections=settings.max_connections),
            transport=transport,
        )

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.aclose()

    def _host_sem(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).hostname or ""
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.settings.max_per_host)
        return self._hosts[host]

    # -- robots.txt ---------------------------------------------------------------------------

    async def _robots(self, url: str) -> _Robots:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        key = (origin, self.settings.user_agent)
        cached = _ROBOTS.get(key)
        if cached and time.time() - cached.fetched < ROBOTS_TTL_S:
            return cached
        lock = self._robot_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = _ROBOTS.get(key)
            if cached and time.time() - cached.fetched < ROBOTS_TTL_S:
                return cached
            self.robots_fetches += 1
            try:
                r = await self._get(origin + "/robots.txt", None)
                rp = RobotFileParser()
                rp.parse(r.text.splitlines())
                entry = _Robots(rp, None, time.time())
            except FetchError as e:
                # RFC 9309 §2.3.1: 4xx → no restrictions; 5xx or unreachable → assume complete disallow
                entry = _Robots(None, e if e.transient or e.status is None else None, time.time())
                if entry.unreachable:                   # and look again in ten minutes, not a day
                    entry.fetched = time.time() - ROBOTS_TTL_S + 600
            _ROBOTS[key] = entry
            return entry

    async def allowed(self, url: str) -> bool:
        """May this URL be fetched under its site's robots.txt? Raises a transient FetchError
        when robots.txt itself cannot be read (then nothing on that site is fetched this time)."""
        if not self.settings.respect_robots:
            return True
        rob = await self._robots(url)
        e = rob.unreachable
        if e is not None:
            if e.network:                        # the site itself is unreachable: say so plainly
                raise FetchError(str(e), transient=e.transient, network=True)
            raise FetchError(f"robots.txt unreachable ({e}) — site skipped", transient=True, status=e.status)
        return rob.parser is None or rob.parser.can_fetch(self.settings.user_agent, url)

    async def robots_sitemaps(self, url: str) -> list[str]:
        """The ``Sitemap:`` URLs of the robots.txt of ``url``'s site."""
        try:
            rob = await self._robots(url)
        except FetchError:
            return []
        return list(rob.parser.site_maps() or []) if rob.parser else []

    async def _crawl_delay(self, url: str) -> float:
        if not self.settings.respect_robots:
            return 0.0
        rob = await self._robots(url)
        delay = rob.parser.crawl_delay(self.settings.user_agent) if rob.parser else None
        return min(float(delay or 0), self.settings.max_crawl_delay_s)

    # -- pacing -------------------------------------------------------------------------------

    async def _wait_turn(self, url: str, interval: float) -> None:
        """Space requests to one host at least ``interval`` seconds apart."""
        host = urlsplit(url).hostname or ""
        async with self._slot_lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, 0.0))
            self._next_slot[host] = slot + interval
        if slot > now:
            await asyncio.sleep(slot - now)

    def _hold_host(self, url: str, seconds: float) -> None:
        host = urlsplit(url).hostname or ""
        self._next_slot[host] = max(self._next_slot.get(host, 0.0), time.monotonic() + seconds)

    # -- requests -----------------------------------------------------------------------------

    async def get(self, url: str, headers: dict[str, str] | None = None, *, respect_robots: bool = True,
                  min_interval: float | None = None, follow_redirects: bool = True) -> Response:
        """GET with manners: robots.txt, per-host pacing, Retry-After, body cap.

        304 is returned; other statuses ≥ 400 raise FetchError (``transient`` for 5xx, 429 and
        network errors). ``respect_robots=False`` is for API endpoints the user configured
        (Google News, GDELT) and robots.txt itself. ``min_interval`` raises the per-host spacing.
        """
        if respect_robots and not await self.allowed(url):
            raise FetchError("disallowed by robots.txt", status=None)
        interval = max(self.settings.per_host_interval_s, min_interval or 0.0,
                       await self._crawl_delay(url) if respect_robots else 0.0)
        attempts = 0
        while True:
            await self._wait_turn(url, interval)
            try:
                return await self._request("GET", url, headers, None, follow_redirects)
            except FetchError as e:
                if e.status not in (429, 503) or e.retry_after is None:
                    raise
                self._hold_host(url, e.retry_after)
                attempts += 1
                if e.retry_after > self.settings.max_retry_after_s or attempts > self.settings.retries:
                    raise
                await asyncio.sleep(e.retry_after)

    async def post(self, url: str, content: bytes, headers: dict[str, str] | None = None, *,
                   min_interval: float | None = None) -> Response:
        """POST to an API endpoint (no robots.txt: APIs are not crawled), paced like GET."""
        await self._wait_turn(url, max(self.settings.per_host_interval_s, min_interval or 0.0))
        return await self._request("POST", url, headers, content, False)

    async def _get(self, url: str, headers: dict[str, str] | None) -> Response:
        return await self._request("GET", url, headers, None, True)

    async def _request(self, method: str, url: str, headers: dict[str, str] | None, content: bytes | None,
                       follow_redirects: bool) -> Response:
        limit = self.settings.max_body_bytes
        async with self._global, self._host_sem(url):
            try:
                async with self.client.stream(method, url, headers=headers, content=content,
                                              follow_redirects=follow_redirects) as r:
                    if r.status_code >= 400:
                        transient = r.status_code >= 500 or r.status_code == 429
                        wait = retry_after_seconds(r.headers.get("retry-after"))
                        msg = f"HTTP {r.status_code}" + (f" (Retry-After {wait:g}s)" if wait is not None else "")
                        raise FetchError(msg, transient=transient, status=r.status_code, retry_after=wait)
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
                host = urlsplit(url).hostname or url
                raise FetchError(f"{host} timed out after {self.settings.timeout_s:g}s", transient=True,
                                 network=True) from None
            except httpx.InvalidURL as e:
                raise FetchError(f"invalid URL: {e}") from None
            except httpx.TransportError as e:
                raise connect_error(e, url) from None
