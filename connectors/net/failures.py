"""httpx's failures as pantau's own: one readable line each (``pantau.errors.FetchError``)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx

from pantau.errors import FetchError

from .guard import BlockedAddress


def _causes(e: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        yield e
        e = e.__cause__ or e.__context__


def connect_error(e: httpx.TransportError, url: str) -> FetchError:
    """A failed connection. A name that does not resolve is not retried within the run (it will not
    resolve five seconds later either); refused or reset connections are."""
    host = urlsplit(url).hostname or url
    for cause in _causes(e):
        if isinstance(cause, BlockedAddress):
            return FetchError(str(cause), blocked=True)
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


def timeout_error(url: str, seconds: float) -> FetchError:
    host = urlsplit(url).hostname or url
    return FetchError(f"{host} timed out after {seconds:g}s", transient=True, network=True)


def deadline_error(url: str, seconds: float, run_deadline: bool = False) -> FetchError:
    """No complete answer within the request's deadline — or the run's, when that came first (then
    the link is released for the next run, not counted as a failure)."""
    host = urlsplit(url).hostname or url
    if run_deadline:
        return FetchError(f"run deadline reached while {host} answered", deadline=True)
    return FetchError(f"{host} gave no complete answer within {seconds:g}s", transient=True, network=True)


PERMANENT = (404, 410)  # the page is not there and will not be: never tried again


def status_error(status: int, retry_after: float | None) -> FetchError:
    """An HTTP error status; 5xx and 429 are transient, 404 and 410 permanent."""
    msg = f"HTTP {status}" + (f" (Retry-After {retry_after:g}s)" if retry_after is not None else "")
    return FetchError(
        msg,
        transient=status >= 500 or status == 429,
        status=status,
        retry_after=retry_after,
        permanent=status in PERMANENT,
    )
