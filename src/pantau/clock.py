"""Time, in one place (a leaf module): what "now" is, and the zones Indonesian news is written in.
Tests move the clock with ``--fake-now`` (tests/conftest.py) instead of depending on the hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")  # Western Indonesian Time (Jakarta)
WITA = timezone(timedelta(hours=8), "WITA")
WIT = timezone(timedelta(hours=9), "WIT")


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(dt: datetime | None) -> datetime | None:
    """A stored datetime as UTC-aware (SQLite hands them back naive; everything stored is UTC)."""
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt
