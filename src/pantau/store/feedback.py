"""One-click feedback in the store: a link's nonce is used once — the row that claims it (an INSERT on
its primary key, atomic on every engine) is also the audit of who gave which verdict on which story,
when, and the exemplar it became. The next ingest run takes the rows no run has shown yet for its
artifact ("feedback since last run")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from .rows import FeedbackRow
from .schema import feedback


class FeedbackLog:
    def __init__(self, engine: Engine):
        self.engine = engine

    def get(self, nonce: str) -> FeedbackRow | None:
        with self.engine.connect() as c:
            row = c.execute(select(feedback).where(feedback.c.nonce == nonce)).first()
        return FeedbackRow.of(row._mapping) if row else None

    def claim(
        self,
        nonce: str,
        story_id: int,
        channel: str,
        verdict: str,
        who: str,
        client: str | None,
        at: datetime | None = None,
    ) -> bool:
        """Use ``nonce`` once: False when it was used before (by this or any other process)."""
        try:
            with self.engine.begin() as c:
                c.execute(
                    insert(feedback).values(
                        nonce=nonce,
                        story_id=story_id,
                        channel=channel,
                        verdict=verdict,
                        who=who,
                        client=client,
                        at=at or utcnow(),
                    )
                )
            return True
        except IntegrityError:
            return False

    def done(self, nonce: str, exemplar: str) -> None:
        with self.engine.begin() as c:
            c.execute(update(feedback).where(feedback.c.nonce == nonce).values(exemplar=exemplar))

    def release(self, nonce: str) -> None:
        """Give a nonce back (its verdict could not be saved), so the link can be tried again."""
        with self.engine.begin() as c:
            c.execute(delete(feedback).where(feedback.c.nonce == nonce, feedback.c.exemplar.is_(None)))

    def rows(self) -> list[FeedbackRow]:
        with self.engine.connect() as c:
            return [FeedbackRow.of(r._mapping) for r in c.execute(select(feedback).order_by(feedback.c.at))]

    def since_last_run(self, run_id: str) -> list[FeedbackRow]:
        """The saved verdicts no run has reported yet, now reported by ``run_id`` (compare-and-set:
        of two overlapping runs, one shows each verdict)."""
        with self.engine.begin() as c:
            c.execute(
                update(feedback)
                .where(feedback.c.reported_by.is_(None), feedback.c.exemplar.is_not(None))
                .values(reported_by=run_id)
            )
            found = c.execute(select(feedback).where(feedback.c.reported_by == run_id).order_by(feedback.c.at))
            return [FeedbackRow.of(r._mapping) for r in found]
