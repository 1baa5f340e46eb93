"""A loopback news site: one HTTP server per host (127.0.0.2, 127.0.0.3, …), each its own outlet.

Article k lives on host k mod H. Every host serves its article pages, a robots.txt and RSS feeds
``/rss/n<count>.xml`` listing its articles among the first ``count`` (newest first, with ETag and
Last-Modified, answering 304 to a conditional GET when nothing changed) — one site, several feed
sizes, so each run of the bench reads its own article set. Pages are rendered when requested.
Every request is logged with its arrival time (``time.perf_counter``) for the bench's timings.
"""

from __future__ import annotations

import hashlib
import re
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import render
from .corpus import Article

FIRST_HOST = 2  # 127.0.0.1 is left to everything else on the machine
_FEED = re.compile(r"/rss/n(\d+)\.xml")
NOT_FOUND = b"<html><body><h1>404</h1>Halaman tidak ditemukan</body></html>"


@dataclass(frozen=True)
class Hit:
    t: float
    host: int
    path: str
    status: int


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        """A client that hangs up (a run ended mid-request) is not an error worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackSite:
    def __init__(self, articles: list[Article], hosts: int = 20, newest: datetime | None = None):
        if hosts < 1 or hosts > 250:
            raise ValueError("hosts must be 1..250 (127.0.0.2 … 127.0.0.251)")
        self.articles = articles
        self.n_hosts = hosts
        self.newest = (newest or datetime.now(UTC)).replace(microsecond=0)
        self.hits: list[Hit] = []
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self.bases: list[str] = []
        self.when = [render.published_at(self.newest, k) for k in range(len(articles))]
        self.section = [render.pick(render.SECTIONS[:6], a.id, "section") for a in articles]
        self._paths = [
            render.article_path(a.id, a.title, w, s) for a, w, s in zip(articles, self.when, self.section, strict=True)
        ]
        self._by_path = {p: k for k, p in enumerate(self._paths)}

    # -- addresses ---------------------------------------------------------------------------

    def host_of(self, k: int) -> int:
        return k % self.n_hosts

    def url(self, k: int) -> str:
        return self.bases[self.host_of(k)] + self._paths[k]

    def feed_urls(self, count: int) -> list[str]:
        return [f"{b}/rss/n{count}.xml" for b in self.bases]

    # -- documents ---------------------------------------------------------------------------

    def _others(self, k: int, n: int = 31) -> list[dict]:
        """n other articles of k's host (k + multiples of the host count), for the page's link boxes."""
        out, j = [], k
        while len(out) < n:
            j = (j + self.n_hosts) % len(self.articles)
            if j == k:
                break
            a = self.articles[j]
            out.append(
                {
                    "id": a.id,
                    "title": a.title,
                    "url": self.url(j),
                    "when": self.when[j],
                    "section": self.section[j],
                    "lead": a.paragraphs[0],
                }
            )
        return out

    def page(self, k: int) -> str:
        a, h = self.articles[k], self.host_of(k)
        return render.page_html(
            base=self.bases[h],
            outlet=render.outlet_name(h),
            art_id=a.id,
            title=a.title,
            paragraphs=a.paragraphs,
            when=self.when[k],
            section=self.section[k],
            others=self._others(k),
        )

    def pages(self, count: int) -> list[tuple[str, str]]:
        """(url, html) of the first ``count`` articles — what the raw extraction row reads."""
        return [(self.url(k), self.page(k)) for k in range(count)]

    def feed(self, host: int, count: int) -> bytes:
        ks = range(host, min(count, len(self.articles)), self.n_hosts)
        items = [
            {
                "title": self.articles[k].title,
                "url": self.url(k),
                "published": self.when[k],
                "section": self.section[k],
                "description": self.articles[k].paragraphs[0][:200],
            }
            for k in ks
        ]
        return render.feed_xml(
            base=self.bases[host],
            outlet=render.outlet_name(host),
            items=items,
            built=self.when[ks[0]] if ks else self.newest,
        )

    def respond(self, host: int, path: str) -> tuple[int, str, bytes, dict]:
        path = path.split("?", 1)[0]
        if path == "/robots.txt":
            robots = render.ROBOTS_TXT.format(base=self.bases[host]).encode()
            return 200, "text/plain; charset=utf-8", robots, {}
        m = _FEED.fullmatch(path)
        if m:
            body = self.feed(host, int(m.group(1)))
            headers = {
                "ETag": '"' + hashlib.sha1(body).hexdigest()[:20] + '"',
                "Last-Modified": format_datetime(self.newest.astimezone(UTC), usegmt=True),
            }
            return 200, "application/rss+xml; charset=utf-8", body, headers
        k = self._by_path.get(path)
        if k is not None and self.host_of(k) == host:
            return 200, "text/html; charset=utf-8", self.page(k).encode("utf-8"), {}
        return 404, "text/html; charset=utf-8", NOT_FOUND, {}

    # -- serving -----------------------------------------------------------------------------

    def _handler(self, host: int):
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

            def log_message(self, *a):
                pass

            def do_GET(self):
                t = time.perf_counter()
                status, ctype, body, headers = site.respond(host, self.path)
                etag = headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                site.hits.append(Hit(t, host, self.path, status))
                self.send_response(status)
                if status != 304:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def start(self) -> LoopbackSite:
        try:
            for h in range(self.n_hosts):
                srv = _Server((f"127.0.0.{FIRST_HOST + h}", 0), self._handler(h))
                self._servers.append(srv)
                self.bases.append(f"http://127.0.0.{FIRST_HOST + h}:{srv.server_address[1]}")
            for srv in self._servers:
                th = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
                th.start()
                self._threads.append(th)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for srv in self._servers:
            srv.shutdown()
        for srv in self._servers:
            srv.server_close()
        self._servers, self._threads = [], []

    def __enter__(self) -> LoopbackSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the request log -----------------------------------------------------------------------

    def mark(self) -> int:
        return len(self.hits)

    def since(self, mark: int) -> list[Hit]:
        return self.hits[mark:]
