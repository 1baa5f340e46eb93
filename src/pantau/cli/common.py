"""What every command shares: the config check before a run (preflight), the --config/--json
options, JSON output, the topic matchers of the config in use, and one article read from a file or a URL."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import ConfigError, PantauError
from ..paths import CONFIG_NAME, find_config

VERBOSE_HELP = "every library's DEBUG lines on the console too (off by default: they may carry secrets)"


def add_common(sp: Any, json_flag: bool = True) -> None:
    sp.add_argument(
        "--config",
        default=None,
        help=f"config file (default: $PANTAU_CONFIG, else ./{CONFIG_NAME}, else pantau's own)",
    )
    sp.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    if json_flag:
        sp.add_argument("--json", action="store_true", help="print one JSON object as the last line")


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def preflight(config_path: str | None, channels: bool = False):
    """Load and check everything a run needs before Prefect starts: config, topics, store."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..config import load_config
    from ..store import Store
    from ..topic import TopicError, load_topic

    cfg = load_config(config_path)
    for t in cfg.topics:
        try:
            load_topic(cfg.topic_dir(t), t.threshold)
        except TopicError as e:
            raise ConfigError(f"topics.{t.name}: {e}") from None
    try:
        Store(cfg.resolved_storage_url()).engine.dispose()
    except (SQLAlchemyError, ModuleNotFoundError, OSError) as e:
        reason = str(getattr(e, "orig", None) or e).splitlines()[0]
        raise ConfigError(f"{cfg.origin}: storage_url: cannot open the store ({reason})") from None
    if channels:
        from ..connectors.delivery import require_channels

        require_channels(cfg)
    return cfg


def config_arg(path: str | None) -> str | None:
    """The config file to hand the flow: None for the packaged default (the flow finds it again)."""
    found, packaged = find_config(path)
    return None if packaged else str(found)


def matchers(config_path: str | None, threshold: float | None):
    from ..topic import Matcher, load_topic

    cfg = preflight(config_path)
    return [
        Matcher(load_topic(cfg.topic_dir(t), threshold if threshold is not None else t.threshold)) for t in cfg.topics
    ]


def load_document(target: str, config_path: str | None) -> tuple[str, str, str, Any]:
    """(title, text, url, Extracted or None) of a local file (HTML or plain text) or a URL."""
    from ..extract.document import read_html, read_local

    if not target.startswith(("http://", "https://")):
        return read_local(target)
    from ..connectors.net.pages import fetch_one

    cfg = preflight(config_path)
    page = fetch_one(target, cfg.http, cfg.pipeline.max_pages)  # robots.txt, pacing, size cap; pages followed
    if page.error:
        raise PantauError(f"{target}: {page.error}")
    for note in page.notes:
        print(f"note: {note}", file=sys.stderr)
    return read_html(target, page.html or "", page.final_url, page.more_html)
