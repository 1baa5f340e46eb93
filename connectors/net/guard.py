"""Where pantau may connect: public addresses only (an SSRF guard).

Feeds and pages are written by others; a link (or a redirect) to ``127.0.0.1``, ``10.0.0.1``,
``[::1]`` or the cloud metadata address ``169.254.169.254`` must never be fetched on a worker that can
reach them. The check runs where the connection is made — after DNS resolution, for every address a
name resolves to, on every redirect hop (each hop opens its own connection) — and the connection goes
to the very address that was checked, so a name that resolves differently a moment later (DNS
rebinding) gains nothing. Nothing is sent to a blocked address.

``http.allow_private`` lists the exceptions: ``host:port`` (the demo's and the tests' loopback
servers) or a CIDR (an intranet feed server).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(httpcore.ConnectError):
    """A connection pantau refused to open (the address is not public and not allowed)."""

    def __init__(self, host: str, address: str, why: str):
        where = address if address == host.strip("[]") else f"{host} → {address}"
        super().__init__(f"blocked: {why} ({where})")
        self.host, self.address, self.why = host, address, why


def _kind(ip: IPAddress) -> str | None:
    """Why this address is not public, or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local or metadata address"
    if ip.is_multicast:
        return "multicast address"
    if ip.is_unspecified or ip.is_reserved:
        return "reserved address"
    if not ip.is_global:
        return "private address"
    return None


class Guard:
    def __init__(self, allow: Iterable[str] = ()):
        self.hosts: set[tuple[str, int]] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allow:
            host, sep, port = entry.rpartition(":")
            if sep and host and port.isdigit() and "/" not in entry:
                self.hosts.add((host.strip("[]").lower(), int(port)))
            else:
                self.networks.append(ipaddress.ip_network(entry, strict=False))

    def refusal(self, host: str, port: int, address: str) -> str | None:
        """Why a connection to ``address`` (``host`` resolved) on ``port`` is refused, or None."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        why = _kind(ip)
        if why is None:
            return None
        if (host.lower(), port) in self.hosts or (str(ip), port) in self.hosts:
            return None
        if any(ip in net for net in self.networks if net.version == ip.version):
            return None
        return why


class GuardedBackend(AsyncNetworkBackend):
    """httpcore's network backend with the guard in front of every TCP connection."""

    def __init__(self, guard: Guard, inner: AsyncNetworkBackend | None = None):
        self.guard = guard
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> AsyncNetworkStream:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as e:
            raise httpcore.ConnectError(str(e)) from e
        except UnicodeError:  # "a..b", a label over 63 characters: no resolver could take it
            raise httpcore.ConnectError(f"invalid host name {host[:100]!r}") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:  # every address the name has must be acceptable
            why = self.guard.refusal(host, port, address)
            if why:
                raise BlockedAddress(host, address, why)
        return await self.inner.connect_tcp(
            addresses[0], port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> AsyncNetworkStream:
        raise BlockedAddress(path, path, "unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
