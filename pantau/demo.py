"""`pantau demo`: the real ingest flow against a replay site on 127.0.0.1.

ReplaySite serves the recorded pages in pantau/demo_site/ and one RSS 2.0 feed per outlet built from
its manifest (with ETag / 304 support, like a real feed server). WebhookReceiver is a loopback HTTP
endpoint that Apprise's ``json://`` delivers to; it keeps every alert in ``alerts.jsonl``.
Both are plain threads around http.server — real sockets, no mocks — and the tests use them too.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

SITE = Path(__file__).resolve().parent / "demo_site"
PROJECT = Path(__file__).resolve().parent.parent
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


class ReplaySite:
    """Serves /feeds/<outlet>.xml and /pages/…; /feeds/broken-500.xml and /feeds/malformed.xml are
    deliberately broken sources for resilience tests."""

    def __init__(self, port: int = 0, site: Path = SITE):
        self.site = site
        self.manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
        self.requests: list[str] = []
        self.extra_pages: dict[str, tuple[str, bytes]] = {}   # tests may add pages: path -> (ctype, body)
        site_ref = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                site_ref.requests.append(self.path)
                status, ctype, body, etag = site_ref.respond(self.path)
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = _Server(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def outlets(self) -> list[str]:
        return sorted({m["outlet"] for m in self.manifest})

    def respond(self, path: str) -> tuple[int, str, bytes, str | None]:
        path = path.split("?", 1)[0]
        if path in self.extra_pages:
            ctype, body = self.extra_pages[path]
            return 200, ctype, body, None
        if path == "/feeds/broken-500.xml":
            return 500, "text/plain", b"internal server error", None
        if path == "/feeds/malformed.xml":
            return 200, "application/rss+xml", b"<rss><channel><title>x</title><item><title>unclosed", None
        if path.startswith("/feeds/") and path.endswith(".xml"):
            outlet = path[len("/feeds/"):-len(".xml")]
            items = [m for m in self.manifest if m["outlet"] == outlet]
            if not items:
                return 404, "text/plain", b"no such feed", None
            body = _feed_xml(self.base, outlet, items)
            return 200, "application/rss+xml; charset=utf-8", body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        for m in self.manifest:
            if path == "/" + m["path"]:
                return 200, f"text/html; charset={m['charset']}", (self.site / m["path"]).read_bytes(), None
        return 404, "text/html", b"<html><body>not found</body></html>", None

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


def demo_config(site: ReplaySite, data_dir: Path, channel_env: str | None = "PANTAU_DEMO_WEBHOOK_URL",
                extra_sources: list[dict] | None = None, seeds: Path = PROJECT / "seeds") -> dict:
    cfg = {
        "storage_url": f"sqlite:///{(data_dir / 'pantau.db').resolve()}",
        "http": {"timeout_s": 10, "retries": 1, "retry_delay_s": 0, "max_per_host": 4},
        "sources": [{"name": f"replay-{o}", "outlet": o.capitalize(), "url": site.feed_url(o)} for o in site.outlets]
                   + (extra_sources or []),
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
