"""How runs read in the Prefect UI: a name that says the flow and when it ran in Indonesian time
(``ingest 05 Dec 04:45 WIB`` instead of Prefect's ``alpha4-evadne``), tags that say how it was started
(``scheduled`` or ``manual``; ``custom`` when the run form was changed; ``dry-run``), and the zone of a
schedule named as people in Jakarta say it (WIB)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from .clock import WIB

ZONES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_name(timezone: str | None) -> str:
    """``Asia/Jakarta`` → ``WIB (Asia/Jakarta)``; other zones as they are (none: UTC)."""
    if not timezone:
        return "UTC"
    short = ZONES.get(timezone)
    return f"{short} ({timezone})" if short else timezone


def run_name(flow: str, when: datetime) -> str:
    """``ingest 05 Dec 04:45 WIB``: the flow and the run's (scheduled) start in WIB."""
    return f"{flow} {when.astimezone(WIB):%d %b %H:%M} WIB"


def run_tags(auto_scheduled: bool, options: BaseModel) -> list[str]:
    """How a run was started: ``scheduled`` (by its deployment's schedule) or ``manual`` (the UI, the
    API, the CLI); ``custom`` when its options differ from their defaults; ``dry-run``."""
    tags = ["scheduled" if auto_scheduled else "manual"]
    if options.model_dump() != type(options)().model_dump():
        tags.append("custom")
    if getattr(options, "dry_run", False):
        tags.append("dry-run")
    return tags
