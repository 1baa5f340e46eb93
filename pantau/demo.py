"""`pantau demo`: the real ingest flow against a replay site on 127.0.0.1.

ReplaySite serves the recorded pages in pantau/demo_site/ and one RSS 2.0 feed per outlet built from
its manifest (with ETag / 304 support, like a real feed server). WebhookReceiver is a loopback HTTP
endpoint that Apprise's ``json://`` delivers to; it keeps every alert in ``alerts.jsonl``.
Both are plain threads around http.server — real sockets, no mocks — and the tests use them too.
"""
from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from .paths import seeds_dir

SITE = Path(__file__).resolve().parent / "demo_site"
DEMO_PORT = 18765


def _feed_xml(base: str, outlet: str, items: list[dict]) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0"><channel>',
           f"<title>{escape(outlet)} (pantau replay)</title><link>{base}/</link>",
           f"<description>Recorded articles of {escape(outlet)}</description><language>id</language>"]
    for it in items:
        pub = ""
        if it.get("published"):
            pub = f"<pubDate>{format_datetime(datetime.fromisoformat(it['published']))}</pubDate>"
        out.append(f"<item><title>{escape(it['title'])}</title><link>{base}/{it['path']}</link>"
                   f"<guid>{base}/{it['path']}</guid>{pub}</item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


# --- documents in the published formats of the non-RSS sources, crafted from the manifest --------
# (Google News and GDELT cannot be reached offline; these follow their documented formats.)

def _w3c(published: str | None) -> str | None:
    return datetime.fromisoformat(published).isoformat() if published else None


def _sitemap_xml(base: str, items: list[dict]) -> bytes:
    """A Google News sitemap (sitemaps.org 0.9 + the news extension)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">']
    for it in items:
        date = _w3c(it.get("published"))
        news = (f"<news:news><news:publication><news:name>{escape(it['outlet'])}</news:name>"
                f"<news:language>id</news:language></news:publication>"
                + (f"<news:publication_date>{date}</news:publication_date>" if date else "")
                + f"<news:title>{escape(it['title'])}</news:title></news:news>")
        out.append(f"<url><loc>{base}/{it['path']}</loc>{news}</url>")
    out.append("</urlset>")
    return "\n".join(out).encode("utf-8")


def _sitemap_index_xml(locs: list[str]) -> bytes:
    body = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>" for u in locs)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>').encode("utf-8")


def google_news_id(url: str) -> str:
    """An old-style Google News article id: base64 of a protobuf whose field 4 is the outlet URL."""
    raw = url.encode("utf-8")
    n, varint = len(raw), b""
    while True:
        b, n = n & 0x7F, n >> 7
        varint += bytes([b | (0x80 if n else 0)])
        if not n:
            break
    return base64.urlsafe_b64encode(b"\x08\x13\x22" + varint + raw + b"\xd2\x01\x00").decode().rstrip("=")


GN_STYLES = 4   # 0: id carries the URL; 1: HTTP redirect; 2: data-n-au page; 3: opaque id → batchexecute


def _google_news_rss(base: str, items: list[dict]) -> bytes:
    """Google News search RSS: links point at Google, in four styles (see GN_STYLES, google_news.py)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">',
           '<channel><title>"Rusia" - Google Berita</title><link>https://news.google.com/</link>',
           '<language>id</language><description>Google Berita</description>']
    for i, it in enumerate(items):
        style = i % GN_STYLES
        token = google_news_id(f"{base}/{it['path']}") if style == 0 else f"AU_yqL{style}x{i}"
        link = f"{base}/gn/rss/articles/{token}?oc=5"
        pub = f"<pubDate>{format_datetime(datetime.fromisoformat(it['published']))}</pubDate>" if it.get("published") else ""
        outlet = it["outlet"].capitalize()
        out.append(f"<item><title>{escape(it['title'])} - {escape(outlet)}</title><link>{link}</link>"
                   f'<guid isPermaLink="false">{token}</guid>{pub}'
                   f'<source url="{base}/">{escape(outlet)}</source></item>')
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def _gdelt_json(base: str, items: list[dict]) -> bytes:
    arts = []
    for it in items:
        seen = datetime.fromisoformat(it["published"]).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ") \
            if it.get("published") else ""
        arts.append({"url": f"{base}/{it['path']}", "url_mobile": "", "title": it["title"], "seendate": seen,
                     "socialimage": "", "domain": f"{it['outlet']}.example", "language": "Indonesian",
                     "sourcecountry": "Indonesia"})
    return json.dumps({"articles": arts}, ensure_ascii=False).encode("utf-8")


def _homepage_html(base: str, outlet: str, items: list[dict], feed: str | None) -> bytes:
    link = f'<link rel="alternate" type="application/rss+xml" href="{feed}">' if feed else ""
    lis = "".join(f'<li><a href="/{it["path"]}">{escape(it["title"])}</a></li>' for it in items)
    return (f"<!doctype html><html><head><title>{escape(outlet)}</title>{link}</head><body>"
            f'<nav><a href="/">Beranda</a> <a href="/tag/politik">Politik</a></nav>'
            f"<h1>{escape(outlet)}</h1><ul>{lis}</ul></body></html>").encode("utf-8")


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
        self.extra_pages: dict[str, tuple[str, bytes]] = {}   # tests may add pages: path -> (ctype, body)
        self.routes: dict[str, object] = {}
        self.robots_txt = "User-agent: *\nDisallow: /private/\n"
        self.search_outlets = {"google_news": "kompas", "gdelt": "tempo"}
        site_ref = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                site_ref.requests.append(self.path)
                site_ref.user_agents.add(self.headers.get("User-Agent", ""))
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

        self.httpd = _Server(("127.0.0.1", port), Handler)
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
            items = self.items(path[len("/feeds/"):-len(".xml")])
            if not items:
                return 404, "text/plain", b"no such feed", None, None
            body = _feed_xml(self.base, items[0]["outlet"], items)
            return 200, "application/rss+xml; charset=utf-8", body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"', None
        if path == "/sitemaps/index.xml":
            locs = [f"{self.base}/sitemaps/{o}.xml.gz" for o, k in DEMO_KINDS.items() if k == "sitemap"]
            return 200, "application/xml", _sitemap_index_xml(locs), None, None
        if path.startswith("/sitemaps/") and path.endswith(".xml.gz"):
            items = self.items(path[len("/sitemaps/"):-len(".xml.gz")])
            body = gzip.compress(_sitemap_xml(self.base, items), mtime=0)
            return (200, "application/x-gzip", body, None, None) if items else (404, "text/plain", b"none", None, None)
        if path.startswith("/outlets/") and path.endswith("/"):
            outlet = path[len("/outlets/"):-1]
            items = self.items(outlet)
            feed = self.feed_url(outlet) if "feed=1" in query else None
            return (200, "text/html; charset=utf-8", _homepage_html(self.base, outlet, items, feed), None, None) \
                if items else (404, "text/html", b"<html><body>not found</body></html>", None, None)
        if path == "/gn/rss/search":
            self.searches.append(("google_news", query))
            body = _google_news_rss(self.base, self.items(self.search_outlets["google_news"]))
            return 200, "application/xml; charset=utf-8", body, None, None
        if path.startswith("/gn/rss/articles/"):
            return self._google_redirect(path)
        if path == "/gdelt/api/v2/doc/doc":
            self.searches.append(("gdelt", query))
            return 200, "application/json; charset=utf-8", _gdelt_json(self.base, self.items(self.search_outlets["gdelt"])), None, None
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
        if m.group(1) == "3":        # today's pages: a signature for Google's batchexecute call
            page = (f'<html><body><c-wiz><div jscontroller="aLI87" data-n-a-id="{token}" '
                    f'data-n-a-ts="1700000000" data-n-a-sg="sig{m.group(2)}"></div></c-wiz></body></html>')
        else:
            page = f'<html><body><c-wiz><div jsname="x" data-n-au="{target}"></div></c-wiz></body></html>'
        return 200, "text/html; charset=utf-8", page.encode(), None, None

    def batchexecute(self, form: bytes) -> tuple[int, str, bytes]:
        """Google News's decoding call: ``f.req`` names an article id, its timestamp and signature; the
        answer is ``)]}'`` + JSON holding ``["garturlres", url, 1]`` (the shape public decoders read)."""
        from urllib.parse import parse_qs
        try:
            req = json.loads(parse_qs(form.decode())["f.req"][0])
            inner = json.loads(req[0][0][1])
            token, ts, sig = inner[2], inner[3], inner[4]
        except (KeyError, IndexError, ValueError, TypeError):
            return 400, "text/plain", b"bad request"
        items = self.items(self.search_outlets["google_news"])
        m = re.fullmatch(r"AU_yqL3x(\d+)", token)
        if not m or int(m.group(1)) >= len(items) or sig != f"sig{m.group(1)}" or ts != 1700000000:
            return 200, "application/json", b")]}'\n\n[[\"er\",null,null,null,null,400]]"
        url = f"{self.base}/{items[int(m.group(1))]['path']}"
        body = json.dumps([["wrb.fr", "Fbv4je", json.dumps(["garturlres", url, 1]), None, None, None, "generic"],
                           ["di", 12], ["af.httprm", 11, "-123", 5]])
        return 200, "application/json; charset=utf-8", (")]}'\n\n" + body).encode()

    def feed_url(self, outlet: str) -> str:
        return f"{self.base}/feeds/{outlet}.xml"

    def page_requests(self) -> list[str]:
        return [r for r in self.requests if r.startswith("/pages/")]

    def start(self) -> "ReplaySite":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class WebhookReceiver:
    """A loopback webhook: stores each POSTed JSON body; ``down = True`` answers 503 (an outage)."""

    def __init__(self, log_path: Path | None = None, port: int = 0):
        self.received: list[dict] = []
        self.down = False
        self.log_path = log_path
        ref = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if ref.down:
                    self.send_response(503)
                    self.end_headers()
                    return
                try:
                    doc = json.loads(body)
                except ValueError:
                    doc = {"raw": body.decode("utf-8", "replace")}
                ref.received.append(doc)
                if ref.log_path:
                    with ref.log_path.open("a", encoding="utf-8") as f:
                        f.write(json.dumps(doc, ensure_ascii=False) + "\n")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

        self.httpd = _Server(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.apprise_url = f"json://127.0.0.1:{self.port}/alerts"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


REPLAY_AGE_H = 24 * 365 * 15     # the replay site serves articles from 2015–2023: do not age them out


def demo_source(site: ReplaySite, outlet: str) -> dict:
    """The demo's source for an outlet: RSS, or the kind DEMO_KINDS gives it."""
    kind = DEMO_KINDS.get(outlet, "rss")
    src = {"name": f"replay-{outlet}", "outlet": outlet.capitalize(), "kind": kind}
    if kind == "rss":
        return {**src, "url": site.feed_url(outlet)}
    if kind == "sitemap":
        return {**src, "url": f"{site.base}/sitemaps/index.xml", "max_age_hours": REPLAY_AGE_H}
    if kind == "homepage":
        return {**src, "url": f"{site.base}/outlets/{outlet}/"}
    endpoint = {"google_news": "/gn/rss/search", "gdelt": "/gdelt/api/v2/doc/doc"}[kind]
    return {**src, "url": site.base + endpoint, "max_age_hours": REPLAY_AGE_H}


def demo_config(site: ReplaySite, data_dir: Path, channel_env: str | None = "PANTAU_DEMO_WEBHOOK_URL",
                extra_sources: list[dict] | None = None, seeds: Path | None = None) -> dict:
    seeds = seeds or seeds_dir()
    cfg = {
        "storage_url": f"sqlite:///{(data_dir / 'pantau.db').resolve()}",
        # one loopback "host" serves every outlet here, so per-host pacing is off for the demo
        "http": {"timeout_s": 10, "retries": 1, "retry_delay_s": 0, "max_per_host": 4, "per_host_interval_s": 0},
        "sources": [demo_source(site, o) for o in site.outlets] + (extra_sources or []),
        "topics": [{"name": "g20-russia-ukraine", "path": str((seeds / "g20-russia-ukraine").resolve())}],
        "channels": [{"name": "webhook", "url_env": channel_env}] if channel_env else [],
    }
    return cfg


@dataclass
class RunningDemo:
    site: ReplaySite
    receiver: WebhookReceiver
    data_dir: Path
    config_path: Path

    def where_alerts_went(self) -> str:
        n = len(self.receiver.received)
        return (f"Alerts went to: the console (above), and the loopback webhook {self.receiver.apprise_url.split('://')[1]} "
                f"via Apprise json:// — {n} received this run, all kept in {self.receiver.log_path}.\n"
                f"The store is {self.data_dir / 'pantau.db'}; `pantau outbox --config {self.config_path}` lists the ledger.")


@contextlib.contextmanager
def running(data_dir: Path, port: int = DEMO_PORT):
    """Start the replay site (on a fixed port, so a second run sees the same URLs) and the receiver."""
    import yaml
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        site = ReplaySite(port=port).start()
    except OSError as e:
        raise SystemExit(f"cannot start the replay site on 127.0.0.1:{port} ({e.strerror}); is another demo running?")
    receiver = WebhookReceiver(log_path=data_dir / "alerts.jsonl").start()
    os.environ["PANTAU_DEMO_WEBHOOK_URL"] = receiver.apprise_url
    config_path = data_dir / "config.yaml"
    config_path.write_text(yaml.safe_dump(demo_config(site, data_dir), sort_keys=False), encoding="utf-8")
    try:
        yield RunningDemo(site, receiver, data_dir, config_path)
    finally:
        receiver.stop()
        site.stop()
