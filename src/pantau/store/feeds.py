"""What the store remembers of each source: its HTTP validators (conditional GET), its last result,
and redirect links (Google News) already resolved to an outlet's URL."""

from __future__ import annotations

from sqlalchemy import select, update

from ..clock import utcnow
from ..models import FeedResult
from .connections import Database
from .rows import FeedState
from .schema import feed_state, insert_new, link_aliases

CHUNK = 500


class Feeds:
    def __init__(self, db: Database):
        self.db = db
        self.engine = db.engine

    def validators(self, key: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the source's last full answer."""
        with self.db.connect() as c:
            row = c.execute(
                select(feed_state.c.etag, feed_state.c.last_modified).where(feed_state.c.url == key)
            ).first()
        return (row.etag, row.last_modified) if row else (None, None)

    def save(self, r: FeedResult) -> None:
        values = {
            "source": r.source,
            "last_status": r.status,
            "last_error": r.error,
            "checked_at": utcnow(),
            "failures": feed_state.c.failures + 1 if r.error else 0,
        }
        if not r.error and not r.not_modified:
            values.update(etag=r.etag, last_modified=r.last_modified)
        with self.db.begin() as c:  # overlapping runs may save a new source at once
            insert_new(c, feed_state, [{"url": r.url, "source": r.source, "failures": 0}])
            c.execute(update(feed_state).where(feed_state.c.url == r.url).values(**values))
        if r.aliases:
            self.save_aliases(r.aliases)

    def forget_validators(self, sources: set[str]) -> None:
        """Ask these sources (by name) for their whole document next time: links of theirs were left for a
        later run, and a 304 Not Modified would hide them from it."""
        if sources:
            with self.db.begin() as c:
                c.execute(
                    update(feed_state)
                    .where(feed_state.c.source.in_(sorted(sources)))
                    .values(etag=None, last_modified=None)
                )

    def states(self) -> list[FeedState]:
        """What the store remembers of every source (its last status, error, validators)."""
        with self.db.connect() as c:
            return [FeedState.of(r._mapping) for r in c.execute(select(feed_state))]

    def aliases(self, links: list[str]) -> dict[str, str]:
        """The outlet URLs already known for these redirect links."""
        out: dict[str, str] = {}
        with self.db.connect() as c:
            for i in range(0, len(links), CHUNK):
                for r in c.execute(select(link_aliases).where(link_aliases.c.alias.in_(links[i : i + CHUNK]))):
                    out[r.alias] = r.url
        return out

    def save_aliases(self, resolved: dict[str, str]) -> None:
        now = utcnow()
        rows = [dict(alias=a, url=u, created_at=now) for a, u in sorted(resolved.items())]
        with self.db.begin() as c:  # a concurrent run may store the same alias first
            for i in range(0, len(rows), CHUNK):
                insert_new(c, link_aliases, rows[i : i + CHUNK])
