"""The fault server's machinery: a threaded HTTP/1.1 server on 127.0.0.1 that hands each connection's one
request (``Request``) and its socket (``Conn``: heads, bodies, chunks, waits, resets, down to the bytes) to
``handle()``. One thread per connection, one request per connection; ``stop()`` returns at once even while
connections hang."""

from __future__ import annotations

import http
import ipaddress
import math
import select
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

MB = 1024 * 1024
CHUNK = 64 * 1024
MAX_HEAD = 64 * 1024  # request line + headers
MAX_BODY = 16 * MB  # request body read (webhook JSON and the like)
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


class BadRequest(Exception):
    """A parameter that does not parse: answered 400."""


class Headers(dict):
    """Request headers: a plain dict of the names as sent, read case-insensitively
    (``h["idempotency-key"]`` finds ``Idempotency-Key``)."""

    def _key(self, name: object) -> object:
        if isinstance(name, str):
            for k in self:
                if k.lower() == name.lower():
                    return k
        return name

    def __getitem__(self, name: object) -> Any:
        return super().__getitem__(self._key(name))

    def __contains__(self, name: object) -> bool:
        return super().__contains__(self._key(name))

    def get(self, name: object, default: Any = None) -> Any:
        return super().get(self._key(name), default)

    def add(self, name: str, value: str) -> None:
        key = self._key(name)
        self[key] = f"{self[key]}, {value}" if key in self else value


@dataclass
class Request:
    method: str
    target: str  # as sent: path and query
    path: str
    query: dict[str, list[str]]
    headers: Headers
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[-1]

    def num(self, name: str, default: float, most: float = math.inf) -> float:
        raw = self.arg(name)
        try:
            value = default if raw is None else float(raw)
        except ValueError:
            raise BadRequest(f"{name}={raw!r} is not a number") from None
        if not math.isfinite(value) or not 0 <= value <= most:
            raise BadRequest(f"{name}={raw!r} is out of range")
        return value


class Conn:
    """One client connection: read its request, write bytes, wait, hang up (politely or with RST)."""

    def __init__(self, sock: socket.socket, stopping: threading.Event):
        self.sock = sock
        self.stopping = stopping
        self.head_only = False  # HEAD: headers are sent, bodies are not

    def read_request(self) -> Request | None:
        buf = b""
        while b"\r\n\r\n" not in buf:
            if len(buf) > MAX_HEAD:
                return None
            data = self.sock.recv(65536)
            if not data:
                return None
            buf += data
        head, _, body = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None
        method, target = parts[0].upper(), parts[1]
        headers = Headers()
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers.add(name.strip(), value.strip())
        length = headers.get("Content-Length", "0").strip()
        want = min(int(length), MAX_BODY) if length.isdigit() else 0
        while len(body) < want:
            data = self.sock.recv(65536)
            if not data:
                break
            body += data
        url = urlsplit(target)
        self.head_only = method == "HEAD"
        return Request(method, target, url.path or "/", parse_qs(url.query, keep_blank_values=True), headers, body)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(self, status: int, headers: Iterable[tuple[str, str]] | dict[str, str]) -> None:
        """The status line and headers (``Connection: close`` added)."""
        pairs = list(headers.items()) if isinstance(headers, dict) else list(headers)
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {status} {reason}", "Server: pantau-faults"]
        lines += [f"{k}: {v}" for k, v in pairs] + ["Connection: close", "", ""]
        self.send("\r\n".join(lines).encode("latin-1"))

    def body(self, data: bytes) -> None:
        if not self.head_only:
            self.send(data)

    def chunk(self, data: bytes) -> None:
        """One chunk of a ``Transfer-Encoding: chunked`` body (``b""`` ends it)."""
        if not self.head_only:
            self.send(b"%x\r\n%s\r\n" % (len(data), data))

    def respond(self, status: int, ctype: str, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.head(status, {"Content-Type": ctype, "Content-Length": str(len(body)), **(extra or {})})
        self.body(body)

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds`` (``math.inf``: for ever); False as soon as the server stops or the
        client hangs up. Bytes the client sends meanwhile are read and dropped."""
        end = time.monotonic() + seconds
        poller = select.poll()
        poller.register(self.sock, select.POLLIN | select.POLLHUP | select.POLLERR)
        while not self.stopping.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return True
            if poller.poll(int(min(left, 0.1) * 1000) + 1):
                try:
                    if not self.sock.recv(65536):
                        return False
                except OSError:
                    return False
        return False

    def reset(self) -> None:
        """Abort the connection: SO_LINGER 0, so closing sends RST instead of FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128
    owner: LoopbackServer


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        cast(_TCPServer, self.server).owner.serve_connection(self.request)


class LoopbackServer:
    """The common part: a threaded TCP server on a loopback address, a request log, a clean stop."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        if not ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).version != 4:
            raise ValueError(f"{host} is not an IPv4 loopback address (127.0.0.0/8)")
        self.requests: list[tuple[str, str]] = []  # (method, target as sent, query included)
        self.request_headers: list[Headers] = []  # one per entry of .requests
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._tcp = _TCPServer((host, port), _Handler)
        self._tcp.owner = self
        self.host = host
        self.port: int = self._tcp.server_address[1]
        self.base = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._tcp.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, then shut down every open connection (hanging handlers wake and end)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._tcp.shutdown()
        with self._lock:
            conns = list(self._conns)
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._tcp.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def open_connections(self) -> int:
        """Connections a handler is still busy with."""
        with self._lock:
            return len(self._conns)

    def hits(self, path: str) -> int:
        """How many requests came for ``path``: compared with the query stripped, unless ``path``
        has a ``?`` (then with the target as sent)."""
        if "?" in path:
            return sum(1 for _, target in self.requests if target == path)
        return sum(1 for _, target in self.requests if urlsplit(target).path == path)

    def serve_connection(self, sock: socket.socket) -> None:
        with self._lock:
            self._conns.add(sock)
        try:
            if self._stopping.is_set():  # accepted while stop() ran: its snapshot may miss us
                return
            conn = Conn(sock, self._stopping)
            req = conn.read_request()
            if req is None:
                return
            self.requests.append((req.method, req.target))
            self.request_headers.append(req.headers)
            try:
                self.handle(conn, req)
            except BadRequest as e:
                conn.respond(400, TEXT, str(e).encode())
        except OSError:
            pass  # the client hung up, or stop() shut the socket
        finally:
            with self._lock:
                self._conns.discard(sock)

    def handle(self, conn: Conn, req: Request) -> None:
        raise NotImplementedError
