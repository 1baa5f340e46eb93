"""The fault server: one misbehaviour per path (see ``FaultServer``)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from .content import (
    BILLION_LAUGHS_DTD,
    PDF,
    PNG,
    RSS_CLOSE,
    article,
    article_html,
    charset_page,
    gzip_bomb,
    rss,
    rss_open,
)
from .loopback import CHUNK, HTML, MB, RSS, TEXT, BadRequest, Conn, LoopbackServer, Request

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
    /charset/<kind>                 latin1-declared-utf8 | no-charset | invalid-utf8 (see charset_page)
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
        page = charset_page(kind)
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
