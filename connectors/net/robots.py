"""robots.txt, read with protego (wildcards ``*``/``$`` and longest-match precedence, as Google and
RFC 9309 read them; the stdlib parser does neither).

Fetched once per site and cached for a day in the process (a long-running worker does not re-read it
every run). RFC 9309 §2.3.1: a 4xx robots.txt allows everything; a 5xx or unreachable one allows
nothing for now — that site is skipped and robots.txt is tried again in ten minutes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from pantau.errors import FetchError

TTL_S = 24 * 3600
RETRY_UNREACHABLE_S = 600


@dataclass
class RobotsFile:
    rules: Protego | None  # None: everything allowed (no robots.txt)
    unreachable: FetchError | None  # why robots.txt could not be read (5xx, network): fetch nothing
    fetched: float

    def fresh(self) -> bool:
        ttl = RETRY_UNREACHABLE_S if self.unreachable else TTL_S
        return time.time() - self.fetched < ttl


# per (origin, user agent), shared by every Robots of this process
_CACHE: dict[tuple[str, str], RobotsFile] = {}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Robots:
    """robots.txt of every site one client visits. ``get_text(url)`` fetches a document (status
    errors and network failures raise FetchError)."""

    def __init__(self, user_agent: str, get_text: Callable[[str], Awaitable[str]]):
        self.user_agent = user_agent
        self._get_text = get_text
        self._locks: dict[str, asyncio.Lock] = {}

    async def file(self, url: str) -> RobotsFile:
        site = origin(url)
        key = (site, self.user_agent)
        cached = _CACHE.get(key)
        if cached and cached.fresh():
            return cached
        async with self._locks.setdefault(site, asyncio.Lock()):
            cached = _CACHE.get(key)
            if cached and cached.fresh():
                return cached
            try:
                entry = RobotsFile(Protego.parse(await self._get_text(site + "/robots.txt")), None, time.time())
            except FetchError as e:
                if e.blocked or e.deadline:  # our own refusal says nothing about the site: not cached
                    raise
                unreachable = e.transient or e.status is None
                entry = RobotsFile(None, e if unreachable else None, time.time())
            _CACHE[key] = entry
            return entry

    async def allowed(self, url: str) -> bool:
        """May this URL be fetched? Raises FetchError when robots.txt itself cannot be read (then
        nothing on that site is fetched this time)."""
        rob = await self.file(url)
        e = rob.unreachable
        if e is not None:
            if e.status is None:  # the site itself is unreachable: say so plainly
                raise FetchError(str(e), transient=e.transient, network=e.network)
            raise FetchError(f"robots.txt unreachable ({e}) — site skipped", transient=True, status=e.status)
        return rob.rules is None or rob.rules.can_fetch(url, self.user_agent)

    async def crawl_delay(self, url: str) -> float:
        rob = await self.file(url)
        delay = rob.rules.crawl_delay(self.user_agent) if rob.rules else None
        return float(delay or 0.0)

    async def sitemaps(self, url: str) -> list[str]:
        """The ``Sitemap:`` URLs of the robots.txt of ``url``'s site."""
        try:
            rob = await self.file(url)
        except FetchError:
            return []
        return list(rob.rules.sitemaps) if rob.rules else []
