"""A webhook receiver that answers late, or not at all."""

from __future__ import annotations

import json
import time
from typing import Any

from .loopback import TEXT, Conn, LoopbackServer, Request


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
