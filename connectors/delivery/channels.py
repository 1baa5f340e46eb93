"""Channels from config.yaml: each one's Apprise URL from its environment variable or Prefect Secret
block, resolved here and closed over by its sender; plus the built-in console channel. The feedback
links' signing secret (config ``feedback:``) is resolved here the same way."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import cast

from pantau.alerts.tokens import Signer
from pantau.config import Channel as ChannelSettings
from pantau.config import Config
from pantau.config import Feedback as FeedbackSettings
from pantau.errors import ConfigError
from pantau.models import Channel, FeedbackLinks, Sender

from .apprise_send import auto_format, body_limit, recognised, send

log = logging.getLogger("pantau.feedback")


def secret_value(env: str | None, block_name: str | None) -> str | None:
    """A secret from an environment variable, else from a Prefect Secret block."""
    if env:
        return os.environ.get(env) or None
    from prefect.blocks.system import Secret

    # _sync: inside the async flow, Secret.load would otherwise hand back a coroutine
    block = cast(Secret, Secret.load(block_name or "", _sync=True))  # type: ignore[call-arg]
    return block.get()


def secret_url(settings: ChannelSettings) -> str | None:
    """The channel's Apprise URL from its environment variable or Prefect Secret block."""
    return secret_value(settings.url_env, settings.url_secret)


def feedback_signer(settings: FeedbackSettings) -> Signer | None:
    """The signer of the feedback links, or None when there is no base URL; a ConfigError (one line,
    never the secret) when the base URL is set but the secret is not available."""
    if not settings.base_url:
        return None
    where = f"${settings.secret_env}" if settings.secret_env else f"Prefect Secret block {settings.secret_block!r}"
    try:
        secret = secret_value(settings.secret_env, settings.secret_block)
    except Exception as e:  # noqa: BLE001 - Prefect raises several kinds for a missing block
        raise ConfigError(f"feedback: cannot load {where} ({type(e).__name__})") from None
    if not secret:
        raise ConfigError(f"feedback: base_url is set but {where} is not (set it, or remove feedback.base_url)")
    return Signer(secret, settings.base_url, timedelta(days=settings.ttl_days))


def _feedback_links(cfg: Config) -> FeedbackLinks | None:
    """Links for the alerts; None (alerts keep the command) when they cannot be signed."""
    try:
        signer = feedback_signer(cfg.feedback)
    except ConfigError as e:
        log.warning("%s; alerts show the `pantau feedback` command instead of links", e)
        return None
    return None if signer is None else signer.links


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
    links = _feedback_links(cfg)
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
                feedback=links,
                max_chars=body_limit(url),
            )
        )
    return channels, skipped
