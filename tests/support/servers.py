"""Test helpers for real servers on 127.0.0.1: Http settings that may fetch them, and an SMTP sink."""

from __future__ import annotations

import socket
import time


def allowing(*servers, **settings):
    """Http settings that may fetch these loopback servers (objects with a .port, or ports): the
    SSRF guard refuses loopback addresses unless http.allow_private lists them."""
    from pantau.config import Http

    ports = [s if isinstance(s, int) else s.port for s in servers]
    return Http(allow_private=[f"127.0.0.1:{p}" for p in ports], **settings)


class SmtpSink:
    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(envelope)
                return "250 OK"

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.apprise_url = f"mailto://127.0.0.1:{self.port}?from=pantau@example.org&to=desk@example.org"

    def wait_for(self, n: int, timeout: float = 5.0):
        end = time.time() + timeout
        while len(self.messages) < n and time.time() < end:
            time.sleep(0.05)
        return self.messages
