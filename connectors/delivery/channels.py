"""Channels from config.yaml: each one's Apprise URL from its environment variable or Prefect Secret
block, resolved here and closed over by its sender; plus the built-in console channel."""

from __future__ import annotations

import os
from typing import cast

from pantau.config import Channel as ChannelSettings
from pantau.config import Config
from pantau.errors import ConfigError
from pantau.models import Channel, Sender

from .apprise_send import auto_format, body_limit, recognised, send


def secret_url(settings: ChannelSettings) -> str | None:
    """The channel's Apprise URL from its environment variable or Prefect Secret block."""
    if settings.url_env:
        return os.environ.get(settings.url_env) or None
    from prefect.blocks.system import Secret

    # _sync: inside the async flow, Secret.load would otherwise hand back a coroutine
    block = cast(Secret, Secret.load(settings.url_secret or "", _sync=True))  # type: ignore[call-arg]
    return block.get()


def _sender(url: str, timeout_s: float) -> Sender:
    """A sender closed over the channel's secret URL."""

    def sender(title: str, body: str, fmt: str, key: str | None = None) -> None:
        send(url, title, body, fmt, key=key, timeout_s=timeout_s)

    return sender


def console_send(title: str, body: str, fmt: str, key: str | None = None) -> None:
    print(f"\n=== ALERT {title}\n{body}\n", flush=True)


def console() -> Channel:
    return Channel.internal("console", "text", console_send)


def require_channels(cfg: Config) -> list[Channel]:
    """Every enabled channel, ready to send — or a ConfigError naming each one that is not (its
    variable unset, its Secret block missing, its URL not one Apprise knows): a run does not start
    with a channel that cannot deliver."""
    channels, skipped = resolve_channels(cfg)
    if skipped:
        raise ConfigError(
            "; ".join(f"channels.{name}: {why}" for name, why in skipped.items())
            + " (set it, or give the channel `enabled: false`)"
        )
    return channels


def resolve_channels(cfg: Config) -> tuple[list[Channel], dict[str, str]]:
    """A Channel for every configured channel whose URL is available, plus the console channel; and
    the channels skipped, by name, with the reason (never their URLs)."""
    channels = [console()]
    skipped: dict[str, str] = {}
    for settings in cfg.channels:
        if not settings.enabled:
            continue
        try:
            url = secret_url(settings)
        except Exception as e:  # noqa: BLE001 - Prefect raises several kinds for a missing block
            skipped[settings.name] = f"cannot load Prefect Secret block {settings.url_secret!r} ({type(e).__name__})"
            continue
        if not url:
            skipped[settings.name] = f"${settings.url_env} is not set"
            continue
        if not recognised(url):
            where = f"${settings.url_env}" if settings.url_env else f"Secret block {settings.url_secret!r}"
            skipped[settings.name] = f"Apprise does not recognise the URL in {where} (check its scheme)"
            continue
        fmt = auto_format(url) if settings.format == "auto" else settings.format
        tmpl = None
        if settings.templates:
            tmpl = settings.templates if os.path.isabs(settings.templates) else str(cfg.base_dir / settings.templates)
        channels.append(
            Channel(
                settings,
                fmt,
                _sender(url, settings.timeout_s),
                timezone=cfg.timezone,
                template_dir=tmpl,
                max_chars=body_limit(url),
            )
        )
    return channels, skipped
