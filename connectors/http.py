"""The one HTTP client: httpx.AsyncClient with an identifiable User-Agent, timeouts, a body-size cap,
bounded concurrency overall and per host. Pass ``transport=`` to test against anything."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from pantau.config import Http
from pantau.extract import decode_html


class FetchError(Exception):
    """A fetch failed; ``transient`` errors (timeouts, 5xx, 429) are worth retrying."""

    def __init__(self, message: str, transient: bool = False, status: int | None = None):
        super().__init__(message)
        self.transient = transient
        self.status = status


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

    async def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET with the body capped at max_body_bytes. 304 is returned, other ≥400 raise FetchError."""
        limit = self.settings.max_body_bytes
        async with self._global, self._host_sem(url):
            try:
                async with self.client.stream("GET", url, headers=headers) as r:
                    if r.status_code >= 400:
                        transient = r.status_code >= 500 or r.status_code == 429
                        raise FetchError(f"HTTP {r.status_code}", transient=transient, status=r.status_code)
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
                raise FetchError(f"timed out after {self.settings.timeout_s:g}s", transient=True) from None
            except httpx.InvalidURL as e:
                raise FetchError(f"invalid URL: {e}") from None
            except httpx.TransportError as e:
                raise FetchError(f"connection failed: {type(e).__name__}: {e}", transient=True) from None
