"""Source health and ops notices: what ``pantau sources`` prints and what pantau's ops channel is told.

* ``record`` — after each run's discovery: per source, when it was last read without an error, since
  when it has been failing, when it last gave a link new to the store (counted per UTC day in
  ``source_days``: runs, failures, new links);
* ``rows`` — each source's health, for the table;
* ``NoticeLedger`` — one row per ops condition while it holds, so a condition is told once at its onset
  (and again on a later run only if telling it failed), and once more when it clears. It lives in the
  store, so a restart neither repeats nor forgets a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine

from ..clock import aware, utcnow
from ..models import FeedResult
from .schema import feed_state, insert_new, ops_notices, source_days

WINDOW_DAYS = 7


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_ok_at: datetime | None
    failures: int  # consecutive failed runs
    failing_since: datetime | None
    last_error: str | None
    new_per_day: float  # links new to the store per day, over the last WINDOW_DAYS days
    last_new_at: datetime | None
    first_checked_at: datetime | None


def _day(t: datetime) -> str:
    return t.date().isoformat()


class Health:
    def __init__(self, engine: Engine):
        self.engine = engine

    def record(self, results: list[FeedResult], new_links: dict[str, int], now: datetime | None = None) -> None:
        """One run's discovery, per source (``new_links``: links new to the store, by source name)."""
        now = now or utcnow()
        with self.engine.begin() as c:
            insert_new(
                c,
                source_days,
                sorted(({"source": r.source, "day": _day(now)} for r in results), key=lambda d: d["source"]),
            )
            for r in sorted(results, key=lambda r: r.source):
                new = new_links.get(r.source, 0)
                values: dict = {"first_checked_at": func.coalesce(feed_state.c.first_checked_at, now)}
                if r.error:
                    values["failing_since"] = func.coalesce(feed_state.c.failing_since, now)
                else:
                    values.update(last_ok_at=now, failing_since=None)
                if new:
                    values["last_new_at"] = now
                c.execute(update(feed_state).where(feed_state.c.url == r.url).values(**values))
                c.execute(
                    update(source_days)
                    .where(source_days.c.source == r.source, source_days.c.day == _day(now))
                    .values(
                        runs=source_days.c.runs + 1,
                        failures=source_days.c.failures + (1 if r.error else 0),
                        new_links=source_days.c.new_links + new,
                    )
                )

    def rows(self, now: datetime | None = None) -> list[SourceHealth]:
        """Every source the store has read, by name."""
        now = now or utcnow()
        since = _day(now - timedelta(days=WINDOW_DAYS - 1))
        with self.engine.connect() as c:
            new: dict[str, int] = {
                r[0]: int(r[1] or 0)
                for r in c.execute(
                    select(source_days.c.source, func.sum(source_days.c.new_links))
                    .where(source_days.c.day >= since)
                    .group_by(source_days.c.source)
                )
            }
            states = c.execute(select(feed_state).order_by(feed_state.c.source)).all()
        out = []
        for s in states:
            m = s._mapping
            out.append(
                SourceHealth(
                    source=m["source"],
                    last_ok_at=aware(m["last_ok_at"]),
                    failures=m["failures"] or 0,
                    failing_since=aware(m["failing_since"]),
                    last_error=m["last_error"],
                    new_per_day=(new.get(m["source"]) or 0) / WINDOW_DAYS,
                    last_new_at=aware(m["last_new_at"]),
                    first_checked_at=aware(m["first_checked_at"]),
                )
            )
        return out


class NoticeLedger:
    """Ops conditions told (or to tell), one row per condition while it holds."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def open(self, conditions: dict[str, str], now: datetime | None = None) -> list[tuple[str, str]]:
        """Record the conditions holding now; the (key, message) of those not yet told (new onsets, and
        earlier ones whose telling failed)."""
        now = now or utcnow()
        rows = [{"key": k, "message": m, "opened_at": now} for k, m in sorted(conditions.items())]
        with self.engine.begin() as c:
            if rows:
                insert_new(c, ops_notices, rows)
            untold = c.execute(select(ops_notices.c.key).where(ops_notices.c.notified_at.is_(None))).scalars()
            keys = set(untold) & set(conditions)
        return [(k, conditions[k]) for k in sorted(keys)]

    def told(self, key: str, now: datetime | None = None) -> None:
        with self.engine.begin() as c:
            c.execute(update(ops_notices).where(ops_notices.c.key == key).values(notified_at=now or utcnow()))

    def close(self, holding: set[str], prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
        """Forget the conditions under these key prefixes that no longer hold; the (key, message) of those
        that had been told (their clearing is worth telling too)."""
        with self.engine.begin() as c:
            rows = c.execute(select(ops_notices)).all()
            gone = [r for r in rows if r.key.startswith(prefixes) and r.key not in holding]
            if gone:
                c.execute(delete(ops_notices).where(ops_notices.c.key.in_([r.key for r in gone])))
        return [(r.key, r.message) for r in gone if r.notified_at is not None]
