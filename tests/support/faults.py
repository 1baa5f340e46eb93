"""A fault server for reliability tests: an HTTP server on 127.0.0.1 that misbehaves on purpose,
down to the bytes (hangs, drips, resets, truncates, lies about sizes, charsets and types, bombs).

Real sockets, no mocks, never an address outside 127.0.0.0/8. One thread per connection, one
request per connection (every answer says ``Connection: close``). ``stop()`` returns at once even
while connections hang: it shuts their sockets down under the handlers.

    fs = FaultServer().start()          # or: with FaultServer() as fs:
    httpx.get(fs.base + "/status/503?retry_after=2")
    fs.hits("/status/503"); fs.stop()

``FaultServer`` lists the behaviours (one path each, parameters in the query string).
``SlowWebhook`` records a POST at once and answers late, or not at all (``down``).
"""

from __future__ import annotations

import functools
import http
import ipaddress
import json
import math
import random
import re
import select
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

MB = 1024 * 1024
CHUNK = 64 * 1024
MAX_HEAD = 64 * 1024  # request line + headers
MAX_BODY = 16 * MB  # request body read (webhook JSON and the like)
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
WIB = timezone(timedelta(hours=7))

# Words the /charset/<kind> pages carry, as they read when decoded right (tests may look for them).
CHARSET_WORDS = {"latin1-declared-utf8": "Zürich", "no-charset": "“perdamaian”", "invalid-utf8": "Ukraina"}


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


# --- documents ---------------------------------------------------------------------------------

_COUNTRIES = ["Indonesia", "India", "Brasil", "Turki", "Afrika Selatan", "Meksiko", "Arab Saudi", "Jerman"]
_CITIES = ["Bali", "Jakarta", "New Delhi", "Rio de Janeiro", "Johannesburg", "Osaka", "Roma", "Istanbul"]
_PEOPLE = [
    "Retno Marsudi",
    "Sugiono",
    "Antonio Guterres",
    "Josep Borrell",
    "Subrahmanyam Jaishankar",
    "Mauro Vieira",
    "Hakan Fidan",
    "Naledi Pandor",
]
_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
_UNIS = ["Indonesia", "Gadjah Mada", "Padjadjaran", "Airlangga", "Hasanuddin", "Diponegoro"]
_REPORTERS = ["Andi Pratama", "Siti Rahmawati", "Dewi Lestari", "Budi Santoso", "Rina Wulandari"]
_HEADLINES = [
    "Menlu {country} Bahas Perdamaian Rusia-Ukraina di Sela KTT G20 {city}",
    "{country} Dorong Dialog Rusia dan Ukraina Jelang Pertemuan G20 di {city}",
    "Lavrov dan Delegasi Ukraina Hadiri Pertemuan Menlu G20 di {city}",
    "{person} Serukan Gencatan Senjata Usai Kunjungan ke Kyiv dan Moskow",
    "Sanksi terhadap Rusia Jadi Sorotan Pertemuan Menteri G20 di {city}",
    "Diplomat G20 Cari Titik Temu soal Perang Ukraina di {city}",
]
_LEAD = (
    "Menteri Luar Negeri {country} menggelar pertemuan bilateral dengan delegasi Rusia dan Ukraina "
    "di {city} pada {day}, membahas peluang perundingan damai di sela rangkaian pertemuan G20."
)
_SENTENCES = [
    "Dalam keterangan pers, {person} menyebut kedua pihak sepakat membuka jalur komunikasi baru yang "
    "difasilitasi negara anggota G20.",
    "Pertemuan berlangsung sekitar {hours} jam dan dihadiri perwakilan dari {n} negara, termasuk negara "
    "berkembang yang selama ini memilih bersikap netral.",
    "Isu ketahanan pangan dan energi kembali menjadi sorotan karena perang di Ukraina mengganggu ekspor "
    "gandum dan pupuk ke berbagai kawasan.",
    "Sejumlah diplomat menilai forum G20 tetap penting sebagai ruang dialog meskipun perbedaan pandangan "
    "soal sanksi terhadap Moskow masih tajam.",
    "Pihak Kremlin menyatakan terbuka terhadap usulan mediasi, tetapi menolak syarat penarikan pasukan "
    "yang diajukan Kyiv.",
    "Pemerintah Ukraina menegaskan perdamaian hanya mungkin tercapai jika kedaulatan dan integritas "
    "wilayahnya dihormati sepenuhnya.",
    "{person} mengatakan {country} siap menjadi tuan rumah putaran perundingan berikutnya apabila kedua "
    "negara memberikan persetujuan.",
    "Para menteri juga membahas mekanisme pertukaran tahanan dan akses bantuan kemanusiaan ke wilayah "
    "yang terdampak pertempuran.",
    "Pengamat hubungan internasional dari Universitas {uni} menilai langkah itu sinyal positif, meski "
    "hasil konkret belum terlihat.",
    "Komunike bersama diharapkan rampung dalam {days} hari setelah tim perunding menyelesaikan paragraf "
    "yang masih diperdebatkan.",
]


@functools.lru_cache(maxsize=4096)
def article(name: str) -> tuple[str, list[str]]:
    """A headline and three paragraphs (~150 words) of a made-up Indonesian news article about
    G20, Russia and Ukraine diplomacy; the same ``name`` always gives the same article."""
    rnd = random.Random(zlib.crc32(name.encode("utf-8")))
    slots = {
        "country": rnd.choice(_COUNTRIES),
        "city": rnd.choice(_CITIES),
        "person": rnd.choice(_PEOPLE),
        "day": rnd.choice(_DAYS),
        "uni": rnd.choice(_UNIS),
        "hours": rnd.randint(2, 9),
        "n": rnd.randint(5, 20),
        "days": rnd.randint(2, 14),
    }
    sentences = [_LEAD] + rnd.sample(_SENTENCES, 8)
    text = [s.format(**slots) for s in sentences]
    return rnd.choice(_HEADLINES).format(**slots), [" ".join(text[i : i + 3]) for i in (0, 3, 6)]


def article_html(name: str, charset: str | None = "utf-8") -> str:
    headline, paragraphs = article(name)
    reporter = _REPORTERS[zlib.crc32(name.encode("utf-8")) % len(_REPORTERS)]
    now = datetime.now(WIB).replace(second=0, microsecond=0)
    stamp = f"{_DAYS[now.weekday()]}, {now:%d/%m/%Y %H:%M} WIB"
    meta = f'<meta charset="{charset}">\n' if charset else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="id">\n<head>\n{meta}'
        f"<title>{escape(headline)} - Warta Nusantara</title>\n"
        f'<meta property="og:title" content="{escape(headline)}">\n'
        f'<meta property="article:published_time" content="{now.isoformat()}">\n'
        '</head>\n<body>\n<header><nav><a href="/">Beranda</a> <a href="/internasional/">Internasional</a>'
        "</nav></header>\n<main><article>\n"
        f"<h1>{escape(headline)}</h1>\n"
        f'<p class="byline">Oleh {reporter} | <time datetime="{now.isoformat()}">{stamp}</time></p>\n'
        f"{body}\n</article></main>\n<footer>&copy; Warta Nusantara</footer>\n</body>\n</html>\n"
    )


def rss_items(items: Iterable[tuple[str, str]]) -> Iterator[str]:
    """``<item>`` elements for (title, link) pairs, dated a minute apart back from now."""
    now = datetime.now(UTC)
    for i, (title, link) in enumerate(items):
        pub = format_datetime(now - timedelta(minutes=i), usegmt=True)
        yield (
            f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{escape(link)}</guid><pubDate>{pub}</pubDate>'
            f"<description>{escape(title)}</description></item>\n"
        )


def rss_open(base: str, title: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<rss version="2.0"><channel>\n'
        f"<title>{escape(title)}</title><link>{base}/</link>"
        f"<description>{escape(title)}</description><language>id</language>\n"
    )


RSS_CLOSE = "</channel></rss>\n"


def rss(base: str, title: str, items: Iterable[tuple[str, str]]) -> bytes:
    return (rss_open(base, title) + "".join(rss_items(items)) + RSS_CLOSE).encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=8)
def gzip_bomb(mb: float) -> bytes:
    """A gzip stream of ``mb`` MB of zeros (about 1 KB per MB compressed), built once per size."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros, left, out = bytes(MB), int(mb * MB), []
    while left > 0:
        out.append(comp.compress(zeros[: min(left, MB)]))
        left -= MB
    return b"".join(out) + comp.flush()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PNG = _png()
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)

BILLION_LAUGHS_DTD = (
    '<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n"
)


def _charset_page(kind: str) -> tuple[str, bytes] | None:
    """(content type, body) of /charset/<kind>, or None for an unknown kind."""
    headline, paragraphs = article("charset-" + kind)
    if kind == "latin1-declared-utf8":
        extra = "Delegasi juga bertemu di Zürich dan Genève; « dialog » tetap dibuka, kata José Ramos."
        page = f"<html><head><title>{headline}</title></head><body><h1>{headline}</h1><p>{extra}</p>"
        page += "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
        return HTML, page.encode("iso-8859-1")
    if kind == "no-charset":
        extra = "Kedua pihak menyebut pertemuan itu langkah menuju “perdamaian” — bukan sekadar seremoni."
        page = f"<html><head><title>{headline}</title></head><body><h1>{headline}</h1><p>{extra}</p>"
        page += "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
        return "text/html", page.encode("cp1252")
    if kind == "invalid-utf8":
        rnd = random.Random(7)
        bad = [b"\xff", b"\xfe\xfe", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\x80\x80", b"\xf8\x88\x80\x80\x80"]
        words = article_html("charset-invalid", charset="utf-8").encode("utf-8").split(b" ")
        out = [w + (rnd.choice(bad) if rnd.random() < 0.08 else b"") for w in words]
        return HTML, b" ".join(out)
    return None


# --- the fault server --------------------------------------------------------------------------

Route = Callable[..., None]


class FaultServer(LoopbackServer):
    """Behaviours by path (query parameters in brackets, defaults after ``=``):

    /ok/<name>.html[?title=T]       200 text/html, an Indonesian article (headline + 3 paragraphs; T: its headline;
                                    untitled=1: no title, og:title or h1 at all)
    /feed.xml[?n=5&path=/ok/]       RSS 2.0, items link to {base}{path}item-<i>.html, i = 1..n (path as given;
                                    titles: the headlines /ok/item-<i>.html carries)
    /feed-links.xml?links=<u1,u2>   RSS whose items link to exactly these URLs (also: repeated link=<u>;
                                    title=<t> repeated: the items' titles, verbatim)
    /blackhole                      reads the request, never answers (until the client leaves or stop())
    /drip[?bytes=10&interval=1]     200, Content-Length bytes, then one byte after every interval seconds
    /reset                          headers + half the declared body, then RST (SO_LINGER 0)
    /truncated                      Content-Length 10000, 100 bytes, then a normal close (FIN)
    /status/<code>[?retry_after=S]  that status (200–599), Retry-After: S if given (verbatim)
    /burst/<code>[?n=3&retry_after] the first n requests to this path get <code>, then 200 RSS
    /redirect-loop                  302 to itself
    /redirect/<n>                   302 → /redirect/<n-1> … /redirect/1 → /ok/end.html (n redirects)
    /redirect-to?url=U[&code=302]   redirect with Location: U, verbatim
    /big[?mb=5]                     200 text/html, mb MB (MiB) streamed in 64 KB chunks, Content-Length set
    /big-undeclared[?mb=5&chunked=] the same without Content-Length: close-delimited, or chunked if chunked=1
    /gzip-bomb[?mb=10]              Content-Encoding: gzip, expands to mb MB of zeros (~1 KB per MB sent;
                                    mb ≤ 4096, each size built once and cached)
    /billion-laughs.xml             RSS with nested entities lol1…lol9 in an item title
    /xxe.xml                        RSS with an item title &xxe; = SYSTEM "file:///etc/passwd"
    /huge-feed.xml[?n=100000]       RSS with n items, generated while sent (chunked)
    /malformed.xml                  RSS cut off in the middle of an item
    /not-xml                        200 application/rss+xml with an HTML page
    /empty                          200 text/html, empty body
    /charset/<kind>                 latin1-declared-utf8 | no-charset | invalid-utf8 (see _charset_page)
    /type/pdf, /type/png            a small PDF / a 1×1 PNG, with their content types
    /slow-headers[?delay=5]         waits delay seconds, then answers like /ok/slow.html
    /robots.txt                     .robots_status with .robots (default: allow everything)
    anything else                   404
    """

    ROUTES: list[tuple[str, str]] = [
        (r"/ok/([^/]+)\.html", "ok"),
        (r"/feed\.xml", "feed"),
        (r"/feed-links\.xml", "feed_links"),
        (r"/blackhole", "blackhole"),
        (r"/drip", "drip"),
        (r"/reset", "reset"),
        (r"/truncated", "truncated"),
        (r"/status/([2-5]\d\d)", "status"),
        (r"/burst/([2-5]\d\d)", "burst"),
        (r"/redirect-loop", "redirect_loop"),
        (r"/redirect/(\d+)", "redirect"),
        (r"/redirect-to", "redirect_to"),
        (r"/big", "big"),
        (r"/big-undeclared", "big_undeclared"),
        (r"/gzip-bomb", "gzip_bomb"),
        (r"/billion-laughs\.xml", "billion_laughs"),
        (r"/xxe\.xml", "xxe"),
        (r"/huge-feed\.xml", "huge_feed"),
        (r"/malformed\.xml", "malformed"),
        (r"/not-xml", "not_xml"),
        (r"/empty", "empty"),
        (r"/charset/([\w-]+)", "charset"),
        (r"/type/(pdf|png)", "type"),
        (r"/slow-headers", "slow_headers"),
        (r"/robots\.txt", "robots_txt"),
    ]

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.robots = "User-agent: *\nDisallow:\n"
        self.robots_status = 200
        self._counts: dict[str, int] = {}
        self._routes = [(re.compile(p), getattr(self, "_" + name)) for p, name in self.ROUTES]

    def start(self) -> FaultServer:
        super().start()
        return self

    def reset_counts(self) -> None:
        """Start every /burst/<code> path over."""
        with self._lock:
            self._counts.clear()

    def handle(self, conn: Conn, req: Request) -> None:
        for pattern, route in self._routes:
            m = pattern.fullmatch(req.path)
            if m:
                route(conn, req, *m.groups())
                return
        conn.respond(404, TEXT, b"not found")

    def _ok(self, conn: Conn, req: Request, name: str) -> None:
        """A small Indonesian article page; the content depends on <name> (title= replaces its headline,
        verbatim: hostile characters stay)."""
        page = article_html(name)
        title = req.arg("title")
        if title is not None:
            page = page.replace(escape(article(name)[0]), escape(title))
        if req.arg("untitled"):  # no <title>, og:title or <h1>: a reader falls back on the feed's title
            page = re.sub(r"<title>.*?</title>\n|<meta property=\"og:title\"[^>]*>\n|<h1>.*?</h1>\n", "", page)
        conn.respond(200, HTML, page.encode("utf-8", "surrogatepass"))

    def _feed(self, conn: Conn, req: Request) -> None:
        """A valid RSS 2.0 feed of n items linking to {base}{path}item-<i>.html."""
        n, path = int(req.num("n", 5)), req.arg("path", "/ok/") or "/ok/"
        items = ((article(f"item-{i}")[0], f"{self.base}{path}item-{i}.html") for i in range(1, n + 1))
        conn.respond(200, RSS, rss(self.base, "Warta Nusantara", items))

    def _feed_links(self, conn: Conn, req: Request) -> None:
        """RSS whose items link to exactly the given URLs (links=comma-separated, or repeated link=)."""
        links = [u for v in req.query.get("links", []) for u in v.split(",") if u] + req.query.get("link", [])
        titles = req.query.get("title", [])  # one per link, in order, verbatim (NUL, bidi … stay)
        items = (
            (titles[i - 1] if i <= len(titles) else f"Tautan {i}: {article(u)[0]}", u) for i, u in enumerate(links, 1)
        )
        conn.respond(200, RSS, rss(self.base, "Tautan", items))

    def _blackhole(self, conn: Conn, req: Request) -> None:
        """Never answer; hold the socket until the client leaves or the server stops."""
        conn.wait(math.inf)

    def _drip(self, conn: Conn, req: Request) -> None:
        """Content-Length N, then one byte every S seconds (stopping if the client leaves)."""
        n, interval = int(req.num("bytes", 10)), req.num("interval", 1.0)
        conn.head(200, {"Content-Type": TEXT, "Content-Length": str(n)})
        for i in range(n):
            if not conn.wait(interval):
                return
            conn.body(b"drip."[i % 5 : i % 5 + 1])

    def _reset(self, conn: Conn, req: Request) -> None:
        """Headers and half of a 2048-byte body, then RST."""
        conn.head(200, {"Content-Type": HTML, "Content-Length": "2048"})
        conn.body(b"<p>" + b"x" * 1021)
        conn.wait(0.05)  # let the headers arrive first
        conn.reset()

    def _truncated(self, conn: Conn, req: Request) -> None:
        """Content-Length 10000, 100 bytes sent, normal close."""
        conn.head(200, {"Content-Type": HTML, "Content-Length": "10000"})
        conn.body(b"<html><body><p>" + b"t" * 85)

    def _status(self, conn: Conn, req: Request, code: str) -> None:
        """That status, with Retry-After if retry_after is given."""
        retry_after = req.arg("retry_after")
        extra = {"Retry-After": retry_after} if retry_after is not None else {}
        if code in ("204", "304"):  # no body, no framing
            conn.head(int(code), extra)
        else:
            conn.respond(int(code), TEXT, f"status {code}\n".encode(), extra)

    def _burst(self, conn: Conn, req: Request, code: str) -> None:
        """The first n requests to this path get <code>, the next ones 200 with an RSS feed."""
        with self._lock:
            count = self._counts[req.path] = self._counts.get(req.path, 0) + 1
        if count <= req.num("n", 3):
            self._status(conn, req, code)
        else:
            self._feed(conn, Request(req.method, req.target, req.path, {}, req.headers))

    def _redirect_loop(self, conn: Conn, req: Request) -> None:
        """302 to itself."""
        conn.respond(302, TEXT, b"", {"Location": f"{self.base}/redirect-loop"})

    def _redirect(self, conn: Conn, req: Request, n: str) -> None:
        """A chain of n 302s ending at /ok/end.html (/redirect/0 answers that page at once)."""
        hops = int(n)
        if hops == 0:
            self._ok(conn, req, "end")
            return
        target = f"/redirect/{hops - 1}" if hops > 1 else "/ok/end.html"
        conn.respond(302, TEXT, b"", {"Location": self.base + target})

    def _redirect_to(self, conn: Conn, req: Request) -> None:
        """A redirect (code=302) to url=, verbatim: other schemes, other loopback addresses."""
        url = req.arg("url")
        if url is None:
            raise BadRequest("url= missing")
        conn.respond(int(req.num("code", 302)), TEXT, b"", {"Location": url})

    def _big_body(self, conn: Conn, size: int, send: Callable[[bytes], None]) -> None:
        block = (b"<p>Berita panjang tentang diplomasi G20, Rusia dan Ukraina.</p>\n" * 1100)[:CHUNK]
        first = b"<!DOCTYPE html><html><body>\n"[:size]
        send(first)
        left = size - len(first)
        while left > 0:
            send(block[: min(left, CHUNK)])
            left -= CHUNK

    def _big(self, conn: Conn, req: Request) -> None:
        """mb MB of HTML, Content-Length declared, streamed in 64 KB chunks."""
        size = int(req.num("mb", 5) * MB)
        conn.head(200, {"Content-Type": HTML, "Content-Length": str(size)})
        self._big_body(conn, size, conn.body)

    def _big_undeclared(self, conn: Conn, req: Request) -> None:
        """mb MB of HTML without Content-Length: close-delimited, or chunked=1."""
        size = int(req.num("mb", 5) * MB)
        if req.arg("chunked") == "1":
            conn.head(200, {"Content-Type": HTML, "Transfer-Encoding": "chunked"})
            self._big_body(conn, size, conn.chunk)
            conn.chunk(b"")
        else:
            conn.head(200, {"Content-Type": HTML})
            self._big_body(conn, size, conn.body)

    def _gzip_bomb(self, conn: Conn, req: Request) -> None:
        """Content-Encoding: gzip expanding to mb MB of zeros; Content-Length = compressed size."""
        conn.respond(200, HTML, gzip_bomb(req.num("mb", 10, most=4096)), {"Content-Encoding": "gzip"})

    def _billion_laughs(self, conn: Conn, req: Request) -> None:
        """RSS with the classic nested entity expansion in an item title."""
        body = (
            rss_open(self.base, "Tawa", BILLION_LAUGHS_DTD)
            + f"<item><title>&lol9;</title><link>{self.base}/ok/laughs.html</link></item>\n"
            + RSS_CLOSE
        )
        conn.respond(200, RSS, body.encode())

    def _xxe(self, conn: Conn, req: Request) -> None:
        """RSS with an item title that is an external entity (file:///etc/passwd)."""
        dtd = '<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        body = (
            rss_open(self.base, "Entitas", dtd)
            + f"<item><title>&xxe;</title><link>{self.base}/ok/xxe.html</link></item>\n"
            + RSS_CLOSE
        )
        conn.respond(200, RSS, body.encode())

    def _huge_feed(self, conn: Conn, req: Request) -> None:
        """RSS with n items, generated batch by batch while sent (chunked)."""
        n = int(req.num("n", 100_000))
        conn.head(200, {"Content-Type": RSS, "Transfer-Encoding": "chunked"})
        conn.chunk(rss_open(self.base, "Umpan raksasa").encode())
        pub = format_datetime(datetime.now(UTC), usegmt=True)
        for start in range(1, n + 1, 1000):
            batch = "".join(
                f"<item><title>Berita {i}: diplomasi G20</title><link>{self.base}/ok/huge-{i}.html"
                f"</link><guid>{self.base}/ok/huge-{i}.html</guid><pubDate>{pub}</pubDate></item>\n"
                for i in range(start, min(start + 1000, n + 1))
            )
            conn.chunk(batch.encode())
        conn.chunk(RSS_CLOSE.encode())
        conn.chunk(b"")

    def _malformed(self, conn: Conn, req: Request) -> None:
        """RSS cut off in the middle of an item."""
        body = rss_open(self.base, "Rusak") + f"<item><title>Judul terpotong</title><link>{self.base}/ok/m"
        conn.respond(200, RSS, body.encode())

    def _not_xml(self, conn: Conn, req: Request) -> None:
        """200 application/rss+xml carrying an HTML page."""
        conn.respond(200, RSS, article_html("not-xml").encode())

    def _empty(self, conn: Conn, req: Request) -> None:
        """200 text/html with an empty body."""
        conn.respond(200, HTML, b"")

    def _charset(self, conn: Conn, req: Request, kind: str) -> None:
        """Pages whose charset is wrong or missing."""
        page = _charset_page(kind)
        if page is None:
            conn.respond(404, TEXT, b"kinds: latin1-declared-utf8, no-charset, invalid-utf8")
        else:
            conn.respond(200, *page)

    def _type(self, conn: Conn, req: Request, kind: str) -> None:
        """A PDF or a PNG, with its content type."""
        conn.respond(200, *(("application/pdf", PDF) if kind == "pdf" else ("image/png", PNG)))

    def _slow_headers(self, conn: Conn, req: Request) -> None:
        """Nothing for delay seconds, then an article page."""
        if conn.wait(req.num("delay", 5.0)):
            self._ok(conn, req, "slow")

    def _robots_txt(self, conn: Conn, req: Request) -> None:
        """.robots with .robots_status."""
        status = self.robots_status
        conn.respond(status, TEXT, self.robots.encode() if status == 200 else f"status {status}\n".encode())


# --- a webhook receiver that answers late ------------------------------------------------------


class SlowWebhook(LoopbackServer):
    """A webhook endpoint (any path, POST) that records each delivery in ``.received`` as soon as the
    body is read, then waits ``.delay`` seconds before answering 200 — a client with a shorter read
    timeout gives up although the message arrived. ``.down = True``: 503 at once, nothing recorded.
    ``.apprise_url`` is the Apprise ``json://`` URL of it, ``.url`` the plain HTTP one.

    Each delivery: ``{"path", "headers" (Headers: case-insensitive), "body" (the JSON, None if not
    JSON), "raw" (bytes), "at" (time.monotonic() when recorded)}``."""

    def __init__(self, delay: float = 5.0, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.delay = delay
        self.down = False
        self.received: list[dict[str, Any]] = []
        self.answered = 0  # 200s written out completely

    def start(self) -> SlowWebhook:
        super().start()
        return self

    @property
    def url(self) -> str:
        return f"{self.base}/hook"

    @property
    def apprise_url(self) -> str:
        return f"json://{self.host}:{self.port}/hook"

    def handle(self, conn: Conn, req: Request) -> None:
        if req.method != "POST":
            conn.respond(405, TEXT, b"POST only\n", {"Allow": "POST"})
            return
        if self.down:
            conn.respond(503, TEXT, b"down\n")
            return
        try:
            body = json.loads(req.body)
        except ValueError:
            body = None
        self.received.append(
            {"path": req.path, "headers": req.headers, "body": body, "raw": req.body, "at": time.monotonic()}
        )
        if conn.wait(self.delay):
            conn.respond(200, "application/json", b'{"ok": true}')
            with self._lock:
                self.answered += 1
