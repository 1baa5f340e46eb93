"""Every article URL pantau has fetched, is fetching or gave up on.

A run *claims* the URLs it is about to fetch (``claim``): a new URL is inserted as ``claimed`` and the
unique key lets only one of two overlapping runs win it, so each page is fetched once. After the
fetch the URL is ``done``, or ``error`` with a backoff before the next try (15 min, 1 h, 4 h …);
after ``max_attempts`` failures it is ``gave_up`` and reported once — never dropped silently. A claim
left by a run that died is taken over at once when that run was a process of this machine that no
longer exists, else after ``stale_after``; a run that stops early ``release``s the URLs it claimed
but did not fetch.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update

from ..clock import utcnow
from .connections import Database
from .schema import insert_new, seen_urls

CHUNK = 500
STALE_CLAIM = timedelta(minutes=30)
HOST = socket.gethostname()


def claimer(run_id: str) -> str:
    """Who claims: ``host:pid:run`` — so a run on the same machine can tell a dead claimer at once."""
    return f"{HOST}:{os.getpid()}:{run_id}"[:100]


_FINISHED: set[str] = set()  # claimers of this process's runs that have ended (a worker runs many)


def finished(run_id: str) -> None:
    """This process's run ``run_id`` (a ``claimer``) has ended, however it ended: the claims it left
    (a store that failed under it) are taken over at once by the next run, as a dead process's are."""
    _FINISHED.add(run_id)


def _dead(claimed_by: str | None) -> bool:
    """Is this claimer a run that has ended: a process of this machine that no longer exists (killed,
    crashed), or a run of this process that has finished?"""
    if claimed_by in _FINISHED:
        return True
    host, _, rest = (claimed_by or "").partition(":")
    pid = rest.partition(":")[0]
    if host != HOST or not pid.isdigit():
        return False  # another machine's: only time tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def retry_delay(attempts: int) -> timedelta:
    """Wait before fetching a failed URL again: 15 min, 1 h, 4 h, 16 h, at most a day."""
    return timedelta(minutes=min(24 * 60, 15 * 4 ** max(0, attempts - 1)))


class SeenUrls:
    def __init__(self, db: Database):
        self.db = db
        self.engine = db.engine

    def claim(
        self,
        urls: list[str],
        run_id: str,
        max_attempts: int,
        now: datetime | None = None,
        stale_after: timedelta = STALE_CLAIM,
    ) -> list[str]:
        """The URLs (in the given order) this run may fetch now: new ones, failed ones whose backoff
        has passed, and claims a dead run left behind; each won by exactly one run."""
        now = now or utcnow()
        won: set[str] = set()
        for i in range(0, len(urls), CHUNK):
            chunk = list(dict.fromkeys(urls[i : i + CHUNK]))
            with self.db.begin() as c:
                known = {r.url for r in c.execute(select(seen_urls.c.url).where(seen_urls.c.url.in_(chunk)))}
                fresh = sorted(u for u in chunk if u not in known)  # in key order: see insert_new
                if fresh:
                    insert_new(
                        c,
                        seen_urls,
                        [
                            dict(
                                url=u,
                                status="claimed",
                                attempts=0,
                                first_seen_at=now,
                                claimed_by=run_id,
                                claimed_at=now,
                            )
                            for u in fresh
                        ],
                    )
                retry = and_(
                    seen_urls.c.status == "error",
                    seen_urls.c.attempts < max_attempts,
                    or_(seen_urls.c.next_attempt_at.is_(None), seen_urls.c.next_attempt_at <= now),
                )
                stale = and_(seen_urls.c.status == "claimed", seen_urls.c.claimed_at < now - stale_after)
                c.execute(
                    update(seen_urls)
                    .where(seen_urls.c.url.in_(known), or_(retry, stale))
                    .values(status="claimed", claimed_by=run_id, claimed_at=now)
                )
                others = {
                    r.claimed_by
                    for r in c.execute(
                        select(seen_urls.c.claimed_by).where(
                            seen_urls.c.url.in_(known),
                            seen_urls.c.status == "claimed",
                            seen_urls.c.claimed_by != run_id,
                        )
                    )
                }
                for dead in filter(_dead, others):  # a killed run of this machine: take over now
                    c.execute(
                        update(seen_urls)
                        .where(
                            seen_urls.c.url.in_(known), seen_urls.c.status == "claimed", seen_urls.c.claimed_by == dead
                        )
                        .values(claimed_by=run_id, claimed_at=now)
                    )
                won |= {
                    r.url
                    for r in c.execute(
                        select(seen_urls.c.url).where(
                            seen_urls.c.url.in_(chunk),
                            seen_urls.c.status == "claimed",
                            seen_urls.c.claimed_by == run_id,
                        )
                    )
                }
        return [u for u in urls if u in won]

    def release(self, urls: list[str], run_id: str) -> None:
        """Give back claims this run will not use (it stopped early): new URLs are forgotten, failed
        ones return to ``error`` — either way a later run picks them up."""
        with self.db.begin() as c:
            for i in range(0, len(urls), CHUNK):
                mine = and_(
                    seen_urls.c.url.in_(urls[i : i + CHUNK]),
                    seen_urls.c.status == "claimed",
                    seen_urls.c.claimed_by == run_id,
                )
                c.execute(delete(seen_urls).where(mine, seen_urls.c.attempts == 0))
                c.execute(update(seen_urls).where(mine).values(status="error", claimed_by=None))

    def mark(self, url: str, error: str | None = None, max_attempts: int = 3, now: datetime | None = None) -> bool:
        """Record the outcome of fetching ``url``. True when this failure was its last try (gave up)."""
        now = now or utcnow()
        with self.db.begin() as c:  # a URL never claimed (a page's own URL) may be new
            insert_new(c, seen_urls, [dict(url=url, status="done", attempts=0, first_seen_at=now)])
            attempts = c.execute(
                select(seen_urls.c.attempts).where(seen_urls.c.url == url).with_for_update()
            ).scalar_one() + (1 if error else 0)
            gave_up = bool(error) and attempts >= max_attempts
            c.execute(
                update(seen_urls)
                .where(seen_urls.c.url == url)
                .values(
                    status="gave_up" if gave_up else "error" if error else "done",
                    attempts=attempts,
                    last_error=error,
                    claimed_by=None,
                    next_attempt_at=now + retry_delay(attempts) if error and not gave_up else None,
                )
            )
        return gave_up

    def status(self, url: str) -> tuple[str, int] | None:
        with self.db.connect() as c:
            row = c.execute(select(seen_urls.c.status, seen_urls.c.attempts).where(seen_urls.c.url == url)).first()
        return (row.status, row.attempts) if row else None
