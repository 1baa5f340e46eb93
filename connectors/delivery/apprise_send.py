"""Apprise, one URL per call, so one failing channel never blocks another.

The URL holds secrets (tokens, passwords): it is never logged, returned or stored; a failure is
reported with Apprise's own message, anything URL-like masked.

Exactly once: a send that fails *before* the message went out (refused, connect timeout, an HTTP
error status) is retried later; a send whose outcome is unknown — the request was written but no
answer came within the channel's ``timeout_s`` — raises ``DeliveryError(uncertain=True)`` and is
never re-sent automatically. Webhook targets (json://, form://, xml://) also get an
``Idempotency-Key`` header, the same on every attempt, so a receiver can drop a duplicate itself.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pantau.errors import DeliveryError

_URLISH = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
MARKDOWN_SCHEMES = {"slack", "discord", "mattermost", "mmost", "rocket", "msteams", "tgram", "matrix", "zulip"}
HTML_SCHEMES = {"mailto", "mailtos", "email", "ses", "sendgrid", "mailgun", "smtp"}
WEBHOOK_SCHEMES = {"json", "jsons", "form", "forms", "xml", "xmls"}
MAIL_SCHEMES = {"mailto", "mailtos", "email"}


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
    import apprise  # imported when a channel is used: a run with nothing to send skips it

    return apprise.Apprise().add(url)


def body_limit(url: str) -> int:
    """The longest message body the service behind ``url`` takes (Apprise's ``body_maxlen``; 0 when
    it has none): digests are cut to it ("+N more") rather than rejected or split."""
    import apprise

    plugin = apprise.Apprise.instantiate(url)
    return int(getattr(plugin, "body_maxlen", 0) or 0) if plugin else 0


def with_options(url: str, timeout_s: float, key: str | None) -> str:
    """The Apprise URL with its read/connect timeouts (unless given) and, for webhooks, the key header."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = {k for k, _ in query}
    extra = [] if "rto" in names else [("rto", f"{timeout_s:g}")]
    extra += [] if "cto" in names else [("cto", f"{min(timeout_s, 10.0):g}")]
    if key and parts.scheme.lower() in WEBHOOK_SCHEMES:
        extra.append(("+Idempotency-Key", key))
    return urlunsplit(parts._replace(query=urlencode(query + extra, safe="+:/")))


def _outcome_unknown(scheme: str, log: str) -> bool:
    """Did the request go out before the channel stopped answering?"""
    return "Read timed out" in log or (scheme in MAIL_SCHEMES and "timed out" in log)


def send(
    url: str, title: str, body: str, body_format: str = "markdown", key: str | None = None, timeout_s: float = 30.0
) -> None:
    """Send one message to one Apprise URL; raises DeliveryError (URL masked) when not delivered, with
    ``uncertain`` set when the message may have arrived."""
    import apprise

    ap = apprise.Apprise()
    if not ap.add(with_options(url, timeout_s, key)):
        raise DeliveryError("Apprise does not recognise this URL (check the scheme and its parameters)")
    with apprise.LogCapture(level=logging.DEBUG) as logs:
        try:
            ok = ap.notify(title=title, body=body, body_format=apprise.NotifyFormat(body_format))
        except Exception as e:  # noqa: BLE001 - a plugin bug must not take the run down
            raise DeliveryError(mask(f"{type(e).__name__}: {e}", url)) from None
        captured = logs.getvalue()
    if not ok:
        warnings = [line for line in captured.splitlines() if " - WARNING - " in line or " - ERROR - " in line]
        last = warnings[-1] if warnings else (captured.strip().splitlines() or ["delivery failed"])[-1]
        last = re.sub(r"^\d{4}-\d\d-\d\d [\d:,]+ - \w+ - ", "", last)  # Apprise's log prefix
        if _outcome_unknown(url.split("://", 1)[0].lower(), captured):
            raise DeliveryError(
                f"{mask(last, url)} — no answer within {timeout_s:g}s after sending; it may have arrived",
                uncertain=True,
            )
        raise DeliveryError(mask(last, url))
