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

from .content import CHARSET_WORDS, article, article_html, gzip_bomb, rss
from .loopback import MB, Conn, Headers, LoopbackServer, Request
from .server import FaultServer
from .webhook import SlowWebhook

__all__ = [
    "CHARSET_WORDS",
    "MB",
    "Conn",
    "FaultServer",
    "Headers",
    "LoopbackServer",
    "Request",
    "SlowWebhook",
    "article",
    "article_html",
    "gzip_bomb",
    "rss",
]
