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
import os
import re
from urllib.parse import parse_qsl, unquote, urlencode

from pantau.errors import DeliveryError

_URLISH = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
MARKDOWN_SCHEMES = {"slack", "discord", "mattermost", "mmost", "rocket", "msteams", "tgram", "matrix", "zulip"}
HTML_SCHEMES = {"mailto", "mailtos", "email", "ses", "sendgrid", "mailgun", "smtp"}
WEBHOOK_SCHEMES = {"json", "jsons", "form", "forms", "xml", "xmls"}
MAIL_SCHEMES = {"mailto", "mailtos", "email"}


_SEPARATORS = re.compile(r"[/:@#,;]+")
_KNOWN: set[str] = set()  # the secret parts of every URL this process sent to (masked in Apprise's records)


def secret_parts(url: str) -> set[str]:
    """The parts of an Apprise URL that may be secret — tokens in its path, user, password, query values
    (also percent-decoded) — so an error that quotes only a piece of the URL (a request path, a login) is
    masked too. Not the host when it is a name or an address (it has dots), nor short or numeric parts."""
    _, _, rest = url.partition("://")
    base, _, query = rest.partition("?")
    host = base.split("/", 1)[0].rpartition("@")[2].rsplit(":", 1)[0]
    pieces = set(_SEPARATORS.split(base))
    for _, value in parse_qsl(query, keep_blank_values=True):
        pieces |= set(_SEPARATORS.split(value))
    pieces |= {unquote(p) for p in pieces}
    return {p for p in pieces if len(p) >= 6 and not p.isdigit() and not (p == host and "." in p)}


def mask(text: str, secret: str | None = None) -> str:
    if secret:
        text = text.replace(secret, "***")
        for part in sorted(secret_parts(secret), key=len, reverse=True):
            text = text.replace(part, "***")
    for part in sorted(_KNOWN, key=len, reverse=True):
        text = text.replace(part, "***")
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

    quiet_apprise(url)
    return apprise.Apprise().add(url)


def body_limit(url: str) -> int:
    """The longest message body the service behind ``url`` takes (Apprise's ``body_maxlen``; 0 when
    it has none): digests are cut to it ("+N more") rather than rejected or split."""
    import apprise

    plugin = apprise.Apprise.instantiate(url)
    return int(getattr(plugin, "body_maxlen", 0) or 0) if plugin else 0


class _Masked(logging.Filter):
    """Anything URL-like in an Apprise record masked (``--verbose``: Apprise's records reach the console)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask(record.getMessage()), None
        return True


def quiet_apprise(url: str) -> None:
    """Apprise's own log never reaches pantau's console or Prefect's: at DEBUG it prints the URLs it
    posts to (a Slack webhook's token, a password). ``send`` captures what Apprise says and reports
    it masked; with ``--verbose`` (``PANTAU_VERBOSE``) Apprise's records go to the console, URL-like
    text and the parts of every URL sent to masked."""
    _KNOWN.update(secret_parts(url))
    log = logging.getLogger("apprise")
    if not any(isinstance(f, _Masked) for f in log.filters):
        log.addFilter(_Masked())
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())  # no handler at all would mean Python's last-resort stderr
    log.propagate = bool(os.environ.get("PANTAU_VERBOSE"))


def with_options(url: str, timeout_s: float, key: str | None) -> str:
    """The Apprise URL with its read/connect timeouts (unless given) and, for webhooks, the key header.

    Apprise reads a URL as ``scheme://path?query`` with everything before the first ``?`` the path —
    ``#channel`` and ``@user`` included (``slack://A/B/C/#desk``). So the options are appended to the
    query part as it is written, never parsed with urlsplit (which would take ``#desk`` for a fragment
    and put the query before it: Apprise would then read ``cto=10#desk`` and lose the channel)."""
    base, _, query = url.partition("?")
    names = {k.lower() for k, _ in parse_qsl(query, keep_blank_values=True)}
    extra = [] if "rto" in names else [("rto", f"{timeout_s:g}")]
    extra += [] if "cto" in names else [("cto", f"{min(timeout_s, 10.0):g}")]
    if key and base.split("://", 1)[0].lower() in WEBHOOK_SCHEMES:
        extra.append(("+Idempotency-Key", key))
    if not extra:
        return url
    added = urlencode(extra, safe="+:/")
    return f"{base}?{query}&{added}" if query else f"{base}?{added}"


def _outcome_unknown(scheme: str, log: str) -> bool:
    """Did the request go out before the channel stopped answering?"""
    return "Read timed out" in log or (scheme in MAIL_SCHEMES and "timed out" in log)


def send(
    url: str, title: str, body: str, body_format: str = "markdown", key: str | None = None, timeout_s: float = 30.0
) -> None:
    """Send one message to one Apprise URL; raises DeliveryError (URL masked) when not delivered, with
    ``uncertain`` set when the message may have arrived."""
    import apprise

    quiet_apprise(url)
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
