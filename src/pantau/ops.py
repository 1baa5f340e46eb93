"""Noticed when quiet: pantau's own health — each source's table (``pantau sources``, and the
``ingest-sources`` artifact of every ingest run) and the ops notices told to channels in ``mode: ops``.

The conditions, checked at the end of every ingest run from the store:

* ``ingest-failed``          — the run ended Failed (its verdict: no source readable, alerts undelivered);
* ``source-failing:<name>``  — a source has failed on every run for ``FAILING_FOR`` (24 h);
* ``source-quiet:<name>``    — a source gave no link new to the store for its ``quiet_days`` (default 3).

Each is told once when it starts holding and once when it clears (the store's NoticeLedger: restarts
neither repeat nor forget one). What a run cannot tell about itself — it crashed, or no run completes at
all — Prefect tells: deploy/automations.yaml (pantau/ops_automations.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .clock import utcnow
from .config import Source
from .store.health import WINDOW_DAYS, SourceHealth

FAILING_FOR = timedelta(hours=24)
PREFIXES = ("ingest-failed", "source-failing:", "source-quiet:")


def _ago(t: datetime | None, now: datetime) -> str:
    if t is None:
        return "never"
    s = (now - t).total_seconds()
    if s < 90:
        return "just now"
    if s < 90 * 60:
        return f"{s / 60:.0f} min ago"
    if s < 36 * 3600:
        return f"{s / 3600:.0f} h ago"
    return f"{s / 86400:.0f} d ago"


def conditions(
    health: Iterable[SourceHealth], sources: list[Source], run_failed: str | None, now: datetime | None = None
) -> dict[str, str]:
    """The ops conditions holding now, by key, each with its one-line message (no URL: only names)."""
    now = now or utcnow()
    out: dict[str, str] = {}
    if run_failed:
        out["ingest-failed"] = f"pantau ingest failed: {run_failed}"
    settings = {s.name: s for s in sources if s.enabled}
    for h in health:
        src = settings.get(h.source)
        if src is None:
            continue
        if h.failing_since is not None and now - h.failing_since >= FAILING_FOR:
            out[f"source-failing:{h.source}"] = (
                f"source {h.source} has failed on every run since {_ago(h.failing_since, now)} "
                f"({h.failures} runs; last: {(h.last_error or '').splitlines()[0][:200] if h.last_error else '?'})"
            )
        since = h.last_new_at or h.first_checked_at
        if src.quiet_days and since is not None and now - since >= timedelta(days=src.quiet_days):
            out[f"source-quiet:{h.source}"] = (
                f"source {h.source} has given no new link for {src.quiet_days:g} days "
                f"(last new link: {_ago(h.last_new_at, now)}); its feed may have moved"
            )
    return out


HEADER = ("source", "last success", "failures in a row", f"new links/day ({WINDOW_DAYS} d)", "last new link")


def table_rows(health: Iterable[SourceHealth], now: datetime | None = None) -> list[list[str]]:
    """One row per source, the most worrying last (failing, then quiet, then by name)."""
    now = now or utcnow()

    def worry(h: SourceHealth) -> tuple:
        quiet_for = (now - (h.last_new_at or h.first_checked_at or now)).total_seconds()
        return (h.failures > 0, h.failures, quiet_for, h.source)

    return [
        [h.source, _ago(h.last_ok_at, now), str(h.failures), f"{h.new_per_day:.1f}", _ago(h.last_new_at, now)]
        for h in sorted(health, key=worry)
    ]


def table_text(health: Iterable[SourceHealth], now: datetime | None = None) -> str:
    """The aligned table ``pantau sources`` prints."""
    rows = [list(HEADER), *table_rows(health, now)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = []
    for r in rows:
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def table_artifact(health: Iterable[SourceHealth], now: datetime | None = None) -> list[dict[str, str]]:
    """The same table as rows for a Prefect table artifact."""
    return [dict(zip(HEADER, r, strict=True)) for r in table_rows(health, now)]


def _tell(channels: list, title: str, body: str) -> bool:
    """Send to every ops channel; did at least one take it?"""
    from .errors import DeliveryError

    ok = False
    for ch in channels:
        try:
            ch.send(title, body, ch.format, None)
            ok = True
        except DeliveryError:
            pass  # told again on the next run (its ledger row stays untold)
    return ok


def notify(store, channels: list, holding: dict[str, str], now: datetime | None = None) -> list[str]:
    """Tell the ops channels each condition that started holding (once; again on a later run only if no
    channel took it) and each told one that cleared; the titles told."""
    if not channels:
        return []
    told = []
    for _key, message in store.notices.close(set(holding), PREFIXES):
        title = f"pantau: resolved — {message}"
        if _tell(channels, title, f"{title}\n\n`pantau sources` shows every source's health."):
            told.append(title)
    for key, message in store.notices.open(holding, now):
        title = f"pantau: {message}"
        if _tell(channels, title, f"{title}\n\n`pantau sources` shows every source's health."):
            store.notices.told(key, now)
            told.append(title)
    return told
