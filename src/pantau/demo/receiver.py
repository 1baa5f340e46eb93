"""A loopback webhook receiver: what Apprise's ``json://`` delivers to in the demo and the tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from .server import Server


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

        self.httpd = Server(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.apprise_url = f"json://127.0.0.1:{self.port}/alerts"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
