"""The replay site: recorded Indonesian article pages on 127.0.0.1, and per outlet the documents each
kind of source reads (``formats.py``), with ETag / 304 like a real feed server. Real sockets, no mocks;
the tests use it too."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs

from .formats import feed_xml, gdelt_json, google_news_rss, homepage_html, sitemap_index_xml, sitemap_xml
from .server import Server

SITE = Path(__file__).resolve().parent / "replay"

# Which outlets the demo reads through which kind of source (the rest: RSS).
DEMO_KINDS = {"sindonews": "sitemap", "okezone": "homepage", "tempo": "gdelt", "kompas": "google_news"}


class ReplaySite:
    """Serves the recorded pages and, per outlet, the documents each kind of source reads:

    /feeds/<outlet>.xml (RSS), /sitemaps/index.xml → /sitemaps/<outlet>.xml.gz (news sitemap index,
    gzip), /outlets/<outlet>/ (front page), /gn/rss/search (Google News search RSS, with
    /gn/rss/articles/<id> redirects), /gdelt/api/v2/doc/doc (GDELT artlist JSON), /robots.txt.
    /feeds/broken-500.xml and /feeds/malformed.xml are deliberately broken sources. Tests may add
    ``extra_pages`` (path → (content type, body)) or ``routes`` (path → callable(query) returning
    (status, content type, body, headers)).
    """

    def __init__(self, port: int = 0, site: Path = SITE):
        self.site = site
        self.manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
        self.requests: list[str] = []
        self.searches: list[tuple[str, str]] = []
        self.user_agents: set[str] = set()
        self.extra_pages: dict[str, tuple[str, bytes]] = {}  # tests may add pages: path -> (ctype, body)
        self.routes: dict[str, Callable[[str], tuple[int, str, bytes, dict]]] = {}
        self.robots_txt = "User-agent: *\nDisallow: /private/\n"
        self.search_outlets = {"google_news": "kompas", "gdelt": "tempo"}
        self.page_delay = 0.0  # seconds before an article page is answered (tests: a slow site)
        site_ref = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                site_ref.requests.append(self.path)
                site_ref.user_agents.add(self.headers.get("User-Agent", ""))
                if site_ref.page_delay and self.path.startswith("/pages/"):
                    time.sleep(site_ref.page_delay)
                status, ctype, body, etag, extra = site_ref.respond(self.path)
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                site_ref.requests.append("POST " + self.path)
                form = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.split("?")[0] == "/gn/_/DotsSplashUi/data/batchexecute":
                    status, ctype, body = site_ref.batchexecute(form)
                else:
                    status, ctype, body = 404, "text/plain", b"not found"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = Server(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def outlets(self) -> list[str]:
        return sorted({m["outlet"] for m in self.manifest})

    def items(self, outlet: str) -> list[dict]:
        return [m for m in self.manifest if m["outlet"] == outlet]

    def respond(self, full_path: str) -> tuple[int, str, bytes, str | None, dict | None]:
        path, _, query = full_path.partition("?")
        if path in self.routes:
            status, ctype, body, headers = self.routes[path](query)
            return status, ctype, body, None, headers
        if path in self.extra_pages:
            ctype, body = self.extra_pages[path]
            return 200, ctype, body, None, None
        if path == "/robots.txt":
            return 200, "text/plain", self.robots_txt.encode(), None, None
        if path == "/feeds/broken-500.xml":
            return 500, "text/plain", b"internal server error", None, None
        if path == "/feeds/malformed.xml":
            return 200, "application/rss+xml", b"<rss><channel><title>x</title><item><title>unclosed", None, None
        if path.startswith("/feeds/") and path.endswith(".xml"):
            items = self.items(path[len("/feeds/") : -len(".xml")])
            if not items:
                return 404, "text/plain", b"no such feed", None, None
            body = feed_xml(self.base, items[0]["outlet"], items)
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            return 200, "application/rss+xml; charset=utf-8", body, etag, None
        if path == "/sitemaps/index.xml":
            locs = [f"{self.base}/sitemaps/{o}.xml.gz" for o, k in DEMO_KINDS.items() if k == "sitemap"]
            return 200, "application/xml", sitemap_index_xml(locs), None, None
        if path.startswith("/sitemaps/") and path.endswith(".xml.gz"):
            items = self.items(path[len("/sitemaps/") : -len(".xml.gz")])
            body = gzip.compress(sitemap_xml(self.base, items), mtime=0)
            return (200, "application/x-gzip", body, None, None) if items else (404, "text/plain", b"none", None, None)
        if path.startswith("/outlets/") and path.endswith("/"):
            outlet = path[len("/outlets/") : -1]
            items = self.items(outlet)
            feed = self.feed_url(outlet) if "feed=1" in query else None
            return (
                (200, "text/html; charset=utf-8", homepage_html(self.base, outlet, items, feed), None, None)
                if items
                else (404, "text/html", b"<html><body>not found</body></html>", None, None)
            )
        if path == "/gn/rss/search":
            self.searches.append(("google_news", query))
            body = google_news_rss(self.base, self.items(self.search_outlets["google_news"]))
            return 200, "application/xml; charset=utf-8", body, None, None
        if path.startswith("/gn/rss/articles/"):
            return self._google_redirect(path)
        if path == "/gdelt/api/v2/doc/doc":
            self.searches.append(("gdelt", query))
            body = gdelt_json(self.base, self.items(self.search_outlets["gdelt"]))
            return 200, "application/json; charset=utf-8", body, None, None
        for m in self.manifest:
            if path == "/" + m["path"]:
                return 200, f"text/html; charset={m['charset']}", (self.site / m["path"]).read_bytes(), None, None
        return 404, "text/html", b"<html><body>not found</body></html>", None, None

    def _google_redirect(self, path: str):
        """Google News article links: style 1 answers an HTTP redirect, style 2 an interstitial page
        naming the outlet URL in ``data-n-au`` (style 0 ids carry the URL and need no request)."""
        token = path.rsplit("/", 1)[1]
        items = self.items(self.search_outlets["google_news"])
        m = re.fullmatch(r"AU_yqL([123])x(\d+)", token)
        if not m or int(m.group(2)) >= len(items):
            return 404, "text/html", b"<html><body>not found</body></html>", None, None
        target = f"{self.base}/{items[int(m.group(2))]['path']}"
        if m.group(1) == "1":
            return 302, "text/html", b"", None, {"Location": target}
        if m.group(1) == "3":  # today's pages: a signature for Google's batchexecute call
            page = (
                f'<html><body><c-wiz><div jscontroller="aLI87" data-n-a-id="{token}" '
                f'data-n-a-ts="1700000000" data-n-a-sg="sig{m.group(2)}"></div></c-wiz></body></html>'
            )
        else:
            page = f'<html><body><c-wiz><div jsname="x" data-n-au="{target}"></div></c-wiz></body></html>'
        return 200, "text/html; charset=utf-8", page.encode(), None, None

    def batchexecute(self, form: bytes) -> tuple[int, str, bytes]:
        """Google News's decoding call: ``f.req`` names an article id, its timestamp and signature; the
        answer is ``)]}'`` + JSON holding ``["garturlres", url, 1]`` (the shape public decoders read)."""
        try:
            req = json.loads(parse_qs(form.decode())["f.req"][0])
            inner = json.loads(req[0][0][1])
            token, ts, sig = inner[2], inner[3], inner[4]
        except (KeyError, IndexError, ValueError, TypeError):
            return 400, "text/plain", b"bad request"
        items = self.items(self.search_outlets["google_news"])
        m = re.fullmatch(r"AU_yqL3x(\d+)", token)
        if not m or int(m.group(1)) >= len(items) or sig != f"sig{m.group(1)}" or ts != 1700000000:
            return 200, "application/json", b')]}\'\n\n[["er",null,null,null,null,400]]'
        url = f"{self.base}/{items[int(m.group(1))]['path']}"
        body = json.dumps(
            [
                ["wrb.fr", "Fbv4je", json.dumps(["garturlres", url, 1]), None, None, None, "generic"],
                ["di", 12],
                ["af.httprm", 11, "-123", 5],
            ]
        )
        return 200, "application/json; charset=utf-8", (")]}'\n\n" + body).encode()

    def feed_url(self, outlet: str) -> str:
        return f"{self.base}/feeds/{outlet}.xml"

    def page_requests(self) -> list[str]:
        return [r for r in self.requests if r.startswith("/pages/")]

    def start(self) -> ReplaySite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
