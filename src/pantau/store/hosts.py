"""Per-host politeness across runs: every run on one store (one SQLite file, or one PostgreSQL shared
by several machines) books its requests to a host in the same ledger, so two overlapping runs — an
ingest and a backfill, or runs on two workers — still keep ``per_host_interval_s`` between them."""

from __future__ import annotations

import time

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from .connections import Database
from .schema import host_slots


class HostSlots:
    def __init__(self, db: Database):
        self.db = db
        self.engine = db.engine

    def reserve(self, host: str, interval: float, now: float | None = None, horizon: float | None = None) -> float:
        """Book the host's next free slot; the seconds to wait for it (compare-and-set, retried). A
        slot more than ``horizon`` seconds away is not booked (the answer is then > horizon): the
        ledger is never booked far ahead by a run that will not wait that long."""
        while True:
            t = time.time() if now is None else now
            with self.db.begin() as c:
                row = c.execute(select(host_slots.c.next_at).where(host_slots.c.host == host)).first()
                slot = max(t, row.next_at) if row else t
                if horizon is not None and slot - t > horizon:
                    return slot - t
                if row is None:
                    try:
                        with c.begin_nested():
                            c.execute(insert(host_slots).values(host=host, next_at=slot + interval))
                    except IntegrityError:
                        continue  # another run booked it first: read again
                    return slot - t
                done = c.execute(
                    update(host_slots)
                    .where(host_slots.c.host == host, host_slots.c.next_at == row.next_at)
                    .values(next_at=slot + interval)
                )
                if done.rowcount == 1:
                    return slot - t
