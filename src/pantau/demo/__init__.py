"""``pantau demo``: the real ingest flow against a replay site on 127.0.0.1.

* ``site.py``     — ReplaySite: the recorded pages (``replay/``) and every kind of source built from them;
* ``formats.py``  — the documents each kind of source reads, crafted in their published formats;
* ``receiver.py`` — WebhookReceiver: the loopback endpoint Apprise's ``json://`` delivers to;
* this module    — the demo's config and ``running()``.

Nothing in pantau's core imports this package.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..paths import seeds_dir
from .receiver import WebhookReceiver
from .site import DEMO_KINDS, SITE, ReplaySite

__all__ = ["DEMO_PORT", "SITE", "ReplaySite", "WebhookReceiver", "demo_config", "demo_source", "running"]

DEMO_PORT = 18765
REPLAY_AGE_H = 24 * 365 * 15  # the replay site serves articles from 2015–2023: do not age them out


def demo_source(site: ReplaySite, outlet: str) -> dict:
    """The demo's source for an outlet: RSS, or the kind DEMO_KINDS gives it."""
    kind = DEMO_KINDS.get(outlet, "rss")
    src = {"name": f"replay-{outlet}", "outlet": outlet.capitalize(), "kind": kind}
    if kind == "rss":
        return {**src, "url": site.feed_url(outlet)}
    if kind == "sitemap":
        return {**src, "url": f"{site.base}/sitemaps/index.xml", "max_age_hours": REPLAY_AGE_H}
    if kind == "homepage":
        return {**src, "url": f"{site.base}/outlets/{outlet}/"}
    endpoint = {"google_news": "/gn/rss/search", "gdelt": "/gdelt/api/v2/doc/doc"}[kind]
    return {**src, "url": site.base + endpoint, "max_age_hours": REPLAY_AGE_H}


def demo_config(
    site: ReplaySite,
    data_dir: Path,
    channel_env: str | None = "PANTAU_DEMO_WEBHOOK_URL",
    extra_sources: list[dict] | None = None,
    seeds: Path | None = None,
) -> dict:
    seeds = seeds or seeds_dir()
    cfg = {
        "storage_url": f"sqlite:///{(data_dir / 'pantau.db').resolve()}",
        # one loopback "host" serves every outlet here, so per-host pacing is off for the demo
        "http": {
            "timeout_s": 10,
            "retries": 1,
            "retry_delay_s": 0,
            "max_per_host": 4,
            "per_host_interval_s": 0,
            "allow_private": [f"127.0.0.1:{site.port}"],
        },  # the replay site, and nothing else local
        "sources": [demo_source(site, o) for o in site.outlets] + (extra_sources or []),
        "topics": [{"name": "g20-russia-ukraine", "path": str((seeds / "g20-russia-ukraine").resolve())}],
        "channels": [{"name": "webhook", "url_env": channel_env}] if channel_env else [],
    }
    return cfg


@dataclass
class RunningDemo:
    site: ReplaySite
    receiver: WebhookReceiver
    data_dir: Path
    config_path: Path

    def where_alerts_went(self) -> str:
        n = len(self.receiver.received)
        hook = self.receiver.apprise_url.split("://")[1]
        return (
            f"Alerts went to: the console (above), and the loopback webhook {hook} "
            f"via Apprise json:// — {n} received this run, all kept in {self.receiver.log_path}.\n"
            f"The store is {self.data_dir / 'pantau.db'}; `pantau outbox --config {self.config_path}` "
            "lists the ledger."
        )


@contextlib.contextmanager
def running(data_dir: Path, port: int = DEMO_PORT):
    """Start the replay site (on a fixed port, so a second run sees the same URLs) and the receiver."""
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        site = ReplaySite(port=port).start()
    except OSError as e:
        raise SystemExit(
            f"cannot start the replay site on 127.0.0.1:{port} ({e.strerror}); is another demo running?"
        ) from None
    receiver = WebhookReceiver(log_path=data_dir / "alerts.jsonl").start()
    os.environ["PANTAU_DEMO_WEBHOOK_URL"] = receiver.apprise_url
    config_path = data_dir / "config.yaml"
    config_path.write_text(yaml.safe_dump(demo_config(site, data_dir), sort_keys=False), encoding="utf-8")
    try:
        yield RunningDemo(site, receiver, data_dir, config_path)
    finally:
        receiver.stop()
        site.stop()
