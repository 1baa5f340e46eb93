"""Delivery through Apprise: one call per target URL, so one failing channel never blocks another.

The URL holds secrets (tokens, passwords): it is never logged or returned; errors are reported with
the channel's name and Apprise's own message with anything URL-like masked.
"""
from __future__ import annotations

import logging
import re

import apprise

_URLISH = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def mask(text: str, secret: str | None = None) -> str:
    if secret:
        text = text.replace(secret, "***")
    return _URLISH.sub("***", text)


def send(url: str, title: str, body: str, body_format: str = "markdown") -> tuple[bool, str | None]:
    """Send one message to one Apprise URL. Returns (delivered, error)."""
    ap = apprise.Apprise()
    if not ap.add(url):
        return False, "Apprise does not recognise this URL (check the scheme and its parameters)"
    fmt = {"markdown": apprise.NotifyFormat.MARKDOWN, "html": apprise.NotifyFormat.HTML,
           "text": apprise.NotifyFormat.TEXT}[body_format]
    with apprise.LogCapture(level=logging.WARNING) as logs:
        try:
            ok = ap.notify(title=title, body=body, body_format=fmt)
        except Exception as e:  # a plugin bug must not take the run down
            return False, mask(f"{type(e).__name__}: {e}", url)
        captured = logs.getvalue().strip()
    if ok:
        return True, None
    last = captured.splitlines()[-1] if captured else "delivery failed"
    last = re.sub(r"^\d{4}-\d\d-\d\d [\d:,]+ - \w+ - ", "", last)     # Apprise's log prefix
    return False, mask(last, url)


# ---- channels from config ----------------------------------------------------------------------
MARKDOWN_SCHEMES = {"slack", "discord", "mattermost", "mmost", "rocket", "msteams", "tgram", "matrix", "zulip"}
HTML_SCHEMES = {"mailto", "mailtos", "email", "ses", "sendgrid", "mailgun", "smtp"}


def auto_format(url: str) -> str:
    scheme = url.split("://", 1)[0].lower()
    if scheme in HTML_SCHEMES:
        return "html"
    if scheme in MARKDOWN_SCHEMES:
        return "markdown"
    return "text"


def secret_url(channel) -> str | None:
    """The channel's Apprise URL from its environment variable or Prefect Secret block."""
    import os
    if channel.url_env:
        return os.environ.get(channel.url_env) or None
    from prefect.blocks.system import Secret
    # _sync: inside the async flow, Secret.load would otherwise hand back a coroutine
    return Secret.load(channel.url_secret, _sync=True).get()


def console_send(title: str, body: str, fmt: str) -> tuple[bool, str | None]:
    print(f"\n=== ALERT {title}\n{body}\n", flush=True)
    return True, None


def resolve_channels(cfg) -> tuple[list, dict[str, str]]:
    """alerts.Channel objects for every configured channel whose URL is available, plus the built-in
    console channel; and the channels skipped, by name, with the reason (never their URLs)."""
    from pantau.alerts import Channel
    channels = [Channel("console", "text", console_send)]
    skipped: dict[str, str] = {}
    for ch in cfg.channels:
        if not ch.enabled:
            continue
        try:
            url = secret_url(ch)
        except Exception as e:
            skipped[ch.name] = f"cannot load Prefect Secret block {ch.url_secret!r} ({type(e).__name__})"
            continue
        if not url:
            skipped[ch.name] = f"${ch.url_env} is not set (alerts still recorded)"
            continue
        fmt = auto_format(url) if ch.format == "auto" else ch.format
        tmpl = None
        if ch.templates:
            tmpl = str(cfg.base_dir / ch.templates) if not ch.templates.startswith("/") else ch.templates
        channels.append(Channel(ch.name, fmt, lambda t, b, f, _u=url: send(_u, t, b, f),
                                topics=ch.topics, max_per_run=ch.max_per_run, update_mode=ch.update_mode,
                                mode=ch.mode, digest_cron=ch.digest_cron, timezone=cfg.timezone,
                                template_dir=tmpl, tags=ch.tags))
    return channels, skipped
