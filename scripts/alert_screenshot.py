"""docs/img/alert-email.png and docs/img/digest-email.png: the sample alert (``pantau test-alert``) and a
three-story digest, sent as HTML email through Apprise to an SMTP server on 127.0.0.1 (aiosmtpd), and
the HTML part as received rendered by headless chromium. Usage: python scripts/alert_screenshot.py"""

from __future__ import annotations

import email
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller

from pantau.alerts import sample_alert
from pantau.alerts.digest import Entry, compose
from pantau.connectors.delivery import send
from pantau.store import ArticleRow

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


class Sink:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


def _article(i: int, site: str, title: str, text: str, score: float, day: datetime) -> ArticleRow:
    url = f"https://www.{site.lower()}.com/global/read/{day:%Y/%m/%d}/{i}"
    return ArticleRow(i, url, url, site.lower(), site, title, text, day, None, "id", "", "t", score, True)


def sample_digest() -> tuple[str, str]:
    d = datetime(2025, 6, 16, 9, tzinfo=UTC)
    meet = "Menteri Luar Negeri RI Sugiono bertemu Menlu Rusia Sergey Lavrov di Moskow, Senin (16/6/2025)."
    call = (
        "Presiden Prabowo Subianto berbicara melalui telepon dengan Presiden Ukraina Volodymyr Zelensky, "
        "Senin (16/6/2025)."
    )
    label = "G20 · Rusia · Ukraina"
    first = [
        _article(1, "Kompas", "Menlu Sugiono Temui Lavrov di Moskow", meet, 0.95, d),
        _article(2, "Antaranews", "Sugiono-Lavrov Bahas Kemitraan", "Sugiono dan Lavrov membahas kemitraan.", 0.9, d),
    ]
    second = [_article(3, "Tempo", "Prabowo Telepon Zelensky", call, 0.8, d)]
    entries = [
        Entry(1, "Menlu Sugiono Temui Lavrov di Moskow", label, 0.95, d, first),
        Entry(2, "Prabowo Telepon Zelensky", label, 0.8, d, second),
    ]
    title, body, _ = compose(entries, "html", d - timedelta(days=1), d, waiting=2)
    return title, body


def mailed(title: str, body: str) -> str:
    """The HTML part of the email as the SMTP server received it."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        send(f"mailto://127.0.0.1:{port}?from=pantau@example.org&to=desk@example.org", title, body, "html")
        end = time.time() + 5
        while not sink.messages and time.time() < end:
            time.sleep(0.05)
    finally:
        controller.stop()
    msg = email.message_from_bytes(sink.messages[0], policy=policy.default)
    html = msg.get_body(("html",)).get_content()
    subject = msg["subject"]
    head = '<div style="font:13px Arial;color:#555;border-bottom:1px solid #ddd;margin:0 0 12px;padding:0 0 6px">'
    return f"<html><body style='margin:16px'>{head}<b>Subject:</b> {subject}</div>{html}</body></html>"


def shoot(html: str, out: Path, height: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "mail.html"
        page.write_text(html, encoding="utf-8")
        cmd = [CHROMIUM, *FLAGS, f"--screenshot={out}", f"--window-size=720,{height}", page.as_uri()]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    print(f"wrote {out.relative_to(ROOT)}")


def main() -> int:
    shoot(mailed(*sample_alert("html")), ROOT / "docs" / "img" / "alert-email.png", 620)
    shoot(mailed(*sample_digest()), ROOT / "docs" / "img" / "digest-email.png", 420)
    return 0


if __name__ == "__main__":
    sys.exit(main())
