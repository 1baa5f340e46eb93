"""The alert ledger. Every alert is a row with a unique key (story, channel, kind) recorded *before*
it is sent; a run claims a row with a compare-and-set UPDATE (pending/failed → sending) so that two
runs can never both send it; the outcome is recorded after. A row left in ``sending`` by a run that
died is marked ``uncertain`` and never re-sent automatically (``pantau outbox --requeue ID``)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ..clock import aware, utcnow
from .connections import Database
from .rows import OutboxRow
from .schema import insert_one, outbox

RETRYABLE = ("pending", "failed")


class Outbox:
    def __init__(self, db: Database):
        self.db = db
        self.engine = db.engine

    def enqueue(self, key: str, story_id: int, channel: str, kind: str, article_ids: list[int]) -> bool:
        """Record the intent to alert. False if that exact alert was already recorded."""
        with self.db.begin() as c:
            row = dict(
                key=key,
                story_id=story_id,
                channel=channel,
                kind=kind,
                state="pending",
                attempts=0,
                article_ids=json.dumps(article_ids),
                created_at=utcnow(),
                token=uuid.uuid4().hex,
            )
            return insert_one(c, outbox, row) is not None

    def extend_unsent(self, row_id: int, article_ids: list[int]) -> bool:
        """Widen an alert nobody has tried to send yet (so a story that grows within one run goes
        out as one alert). Compare-and-set: fails once a run has claimed the row."""
        with self.db.begin() as c:
            res = c.execute(
                update(outbox)
                .where(outbox.c.id == row_id, outbox.c.state == "pending", outbox.c.attempts == 0)
                .values(article_ids=json.dumps(article_ids))
            )
            return res.rowcount == 1

    def rows(self, story_id: int | None = None, channel: str | None = None) -> list[OutboxRow]:
        q = select(outbox).order_by(outbox.c.id)
        if story_id is not None:
            q = q.where(outbox.c.story_id == story_id)
        if channel is not None:
            q = q.where(outbox.c.channel == channel)
        with self.db.connect() as c:
            return [OutboxRow.of(r._mapping) for r in c.execute(q)]

    def due(self, channel: str, now: datetime | None = None, max_attempts: int = 8) -> list[OutboxRow]:
        now = now or utcnow()
        with self.db.connect() as c:
            rows = c.execute(
                select(outbox)
                .where(outbox.c.channel == channel, outbox.c.state.in_(RETRYABLE), outbox.c.attempts < max_attempts)
                .order_by(outbox.c.id)
            )
            found = [OutboxRow.of(r._mapping) for r in rows]
        return [r for r in found if r.next_attempt_at is None or r.next_attempt_at <= now]

    def last_sent_at(self, channel: str) -> datetime | None:
        with self.db.connect() as c:
            return aware(c.execute(select(func.max(outbox.c.sent_at)).where(outbox.c.channel == channel)).scalar())

    def claim(self, row_id: int, run_id: str) -> bool:
        """Atomically move pending/failed → sending. Only one concurrent run can win."""
        with self.db.begin() as c:
            res = c.execute(
                update(outbox)
                .where(outbox.c.id == row_id, outbox.c.state.in_(RETRYABLE))
                .values(state="sending", claimed_by=run_id, claimed_at=utcnow(), attempts=outbox.c.attempts + 1)
            )
            return res.rowcount == 1

    def release(self, row_id: int) -> None:
        """Give a claimed row back untried (sending → pending, the attempt not counted): a digest
        that had no room for it leaves it for the next one."""
        with self.engine.begin() as c:
            c.execute(
                update(outbox)
                .where(outbox.c.id == row_id, outbox.c.state == "sending")
                .values(state="pending", claimed_by=None, claimed_at=None, attempts=outbox.c.attempts - 1)
            )

    def mark_sent(self, row_id: int) -> None:
        with self.db.begin() as c:
            c.execute(
                update(outbox).where(outbox.c.id == row_id).values(state="sent", sent_at=utcnow(), last_error=None)
            )

    def mark_failed(self, row_id: int, error: str, backoff: timedelta) -> None:
        with self.db.begin() as c:
            c.execute(
                update(outbox)
                .where(outbox.c.id == row_id)
                .values(state="failed", last_error=error[:2000], next_attempt_at=utcnow() + backoff)
            )

    def orphaned(self, older_than: timedelta) -> list[OutboxRow]:
        """Rows left in 'sending' by a run that died between send and record."""
        cutoff = utcnow() - older_than
        with self.db.connect() as c:
            rows = [OutboxRow.of(r._mapping) for r in c.execute(select(outbox).where(outbox.c.state == "sending"))]
        return [r for r in rows if r.claimed_at is not None and r.claimed_at <= cutoff]

    def mark_uncertain(self, row_id: int, note: str) -> None:
        with self.db.begin() as c:
            c.execute(
                update(outbox)
                .where(outbox.c.id == row_id, outbox.c.state == "sending")
                .values(state="uncertain", last_error=note)
            )

    def requeue(self, row_id: int) -> bool:
        with self.db.begin() as c:
            res = c.execute(
                update(outbox)
                .where(outbox.c.id == row_id, outbox.c.state.in_(("uncertain", "failed")))
                .values(state="pending", next_attempt_at=None)
            )
            return res.rowcount == 1

    def counts(self) -> dict[str, int]:
        with self.db.connect() as c:
            return {state: n for state, n in c.execute(select(outbox.c.state, func.count()).group_by(outbox.c.state))}
