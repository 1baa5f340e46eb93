"""Apprise, one URL per call, so one failing channel never blocks another.

The URL holds secrets (tokens, passwords): it is never logged, returned or stored; a failure is
reported with Apprise's own message, anything URL-like masked.
"""
from __future__ import annotations

import logging
import re

import apprise

from pantau.errors import DeliveryError

_URLISH = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
MARKDOWN_SCHEMES = {"slack", "discord", "mattermost", "mmost", "rocket", "msteams", "tgram", "matrix", "zulip"}
HTML_SCHEMES = {"mailto", "mailtos", "email", "ses", "sendgrid", "mailgun", "smtp"}
FORMATS = {"markdown": apprise.NotifyFormat.MARKDOWN, "html": apprise.NotifyFormat.HTML,
           "text": apprise.NotifyFormat.TEXT}


def mask(text: str, secret: str | None = None) -> str:
    if secret:
        text = text.replace(secret, "***")
    return _URLISH.sub("***", text)


def auto_format(url: str) -> str:
    scheme = url.split("://", 1)[0].lower()
    if scheme in HTML_SCHEMES:
        return "html"
    if scheme in MARKDOWN_SCHEMES:
        return "markdown"
    return "text"


def recognised(url: str) -> bool:
    """Can Apprise parse this URL (its scheme is known and its parameters make sense)? Sends nothing."""
    return apprise.Apprise().add(url)


def send(url: str, title: str, body: str, body_format: str = "markdown") -> None:
    """Send one message to one Apprise URL; raises DeliveryError (URL masked) when not delivered."""
    ap = apprise.Apprise()
    if not ap.add(url):
        raise DeliveryError("Apprise does not recognise this URL (check the scheme and its parameters)")
    with apprise.LogCapture(level=logging.WARNING) as logs:
        try:
            ok = ap.notify(title=title, body=body, body_format=FORMATS[body_format])
        except Exception as e:  # noqa: BLE001 - a plugin bug must not take the run down
            raise DeliveryError(mask(f"{type(e).__name__}: {e}", url)) from None
        captured = logs.getvalue().strip()
    if not ok:
        last = captured.splitlines()[-1] if captured else "delivery failed"
        last = re.sub(r"^\d{4}-\d\d-\d\d [\d:,]+ - \w+ - ", "", last)     # Apprise's log prefix
        raise DeliveryError(mask(last, url))
