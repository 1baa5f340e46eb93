"""Politeness between requests: at most ``max_per_host`` at once to one host, at least ``interval``
seconds between two requests to it (raised to its robots.txt Crawl-delay), and a host held back for
a ``Retry-After`` it asked for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from pantau.errors import FetchError


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


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


# Books a request to a host in a ledger shared with other runs: (host, interval, horizon) -> seconds
# to wait; a slot further away than the horizon is not booked (the answer is then > horizon).
SharedSlots = Callable[[str, float, float], Awaitable[float]]

HORIZON_S = 60.0


def horizon(interval: float, left: float | None) -> float:
    """How far ahead a host's turn may be booked: a minute (two intervals for a slower host), never
    past what is left of the run."""
    limit = max(HORIZON_S, 2 * interval)
    return limit if left is None else max(0.0, min(limit, left))


def _refused(host: str, wait: float) -> FetchError:
    return FetchError(f"{host}'s next turn is {wait:.0f}s away, past the run's deadline or horizon", deadline=True)


class HostPacer:
    def __init__(self, max_per_host: int, shared: SharedSlots | None = None):
        self.max_per_host = max_per_host
        self.shared = shared
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next_slot: dict[str, float] = {}  # host -> monotonic time of its next request
        self._last_sent: dict[str, float] = {}  # host -> when its last request was answered (or went out)
        self._sending: dict[str, asyncio.Lock] = {}  # host -> held from a request's dispatch to its answer
        self._lock = asyncio.Lock()

    def slot(self, url: str) -> asyncio.Semaphore:
        """The host's concurrency limit (``async with pacer.slot(url): …``)."""
        host = host_of(url)
        if host not in self._sems:
            self._sems[host] = asyncio.Semaphore(self.max_per_host)
        return self._sems[host]

    async def wait_turn(
        self,
        url: str,
        interval: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        left: float | None = None,
    ) -> None:
        """Space requests to one host at least ``interval`` seconds apart. A turn further away than
        the horizon (``horizon``: what is left of the run, at most a minute or two intervals) is
        refused without being booked, here or in the shared ledger: a FetchError with ``deadline``
        (the link is released for the next run)."""
        host = host_of(url)
        limit = horizon(interval, left)
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, 0.0))
            if slot - now > limit:
                raise _refused(host, slot - now)
            self._next_slot[host] = slot + interval
        shared = 0.0
        if self.shared is not None and interval > 0:  # and after other runs' requests to the host
            shared = await self.shared(host, interval, limit)
            if shared > limit:  # the ledger is booked beyond the horizon: nothing booked there
                async with self._lock:
                    if self._next_slot.get(host) == slot + interval:
                        self._next_slot[host] = slot  # give the turn back
                raise _refused(host, shared)
        wait = max(slot - time.monotonic(), shared)  # from now: booking in the ledger took time too
        if wait > 0:
            await sleep(wait)

    async def dispatch(self, url: str, interval: float, left: float | None = None) -> Callable[[], None] | None:
        """Just before a request goes out (its connection slot held): wait until the host's previous
        request has been answered and ``interval`` has passed since. Counting from the answer (when
        the request is known to have arrived) rather than from the dispatch means a request put on
        the wire late — a busy event loop, a slow connection — does not reach the site closer than
        ``interval`` to the next one. Returns ``answered``, to be called when the response's headers
        arrive or the request fails — or None when that wait would pass ``left`` (the run's deadline)."""
        if interval <= 0:
            return _nothing
        host = host_of(url)
        end = None if left is None else time.monotonic() + left
        lock = self._sending.setdefault(host, asyncio.Lock())
        try:
            async with asyncio.timeout(left):
                await lock.acquire()
        except TimeoutError:
            return None
        gap = time.monotonic() - self._last_sent.get(host, -1e9)
        if gap < interval:
            if end is not None and time.monotonic() + interval - gap > end:
                lock.release()
                return None
            try:
                await asyncio.sleep(interval - gap)
            except BaseException:
                lock.release()
                raise
        self._last_sent[host] = time.monotonic()

        held = True

        def answered() -> None:
            nonlocal held
            if held:  # once, however often it is called
                held = False
                self._last_sent[host] = time.monotonic()
                lock.release()

        return answered

    def hold(self, url: str, seconds: float) -> None:
        """Keep the host's next request at least ``seconds`` away (a Retry-After it asked for)."""
        host = host_of(url)
        self._next_slot[host] = max(self._next_slot.get(host, 0.0), time.monotonic() + seconds)


def _nothing() -> None:
    pass
