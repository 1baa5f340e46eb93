"""What the store remembers of each source: its HTTP validators (conditional GET), its last result,
and redirect links (Google News) already resolved to an outlet's URL."""
from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from ..models import FeedResult
from .rows import FeedState
from .schema import feed_state, link_aliases

CHUNK = 500


class Feeds:
    def __init__(self, engine: Engine):
        self.engine = engine

    def validators(self, key: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the source's last full answer."""
        with self.engine.connect() as c:
            row = c.execute(select(feed_state.c.etag, feed_state.c.last_modified)
                            .where(feed_state.c.url == key)).first()
        return (row.etag, row.last_modified) if row else (None, None)

    def save(self, r: FeedResult) -> None:
        now = utcnow()
        with self.engine.begin() as c:
            row = c.execute(select(feed_state).where(feed_state.c.url == r.url)).first()
            values = {"source": r.source, "last_status": r.status, "last_error": r.error, "checked_at": now}
            if r.error:
                values["failures"] = (row.failures if row else 0) + 1
            else:
                values["failures"] = 0
                if not r.not_modified:
                    values.update(etag=r.etag, last_modified=r.last_modified)
            if row:
                c.execute(update(feed_state).where(feed_state.c.url == r.url).values(**values))
            else:
                c.execute(insert(feed_state).values(url=r.url, **values))
        if r.aliases:
            self.save_aliases(r.aliases)

    def states(self) -> list[FeedState]:
        """What the store remembers of every source (its last status, error, validators)."""
        with self.engine.connect() as c:
            return [FeedState.of(r._mapping) for r in c.execute(select(feed_state))]

    def aliases(self, links: list[str]) -> dict[str, str]:
        """The outlet URLs already known for these redirect links."""
        out: dict[str, str] = {}
        with self.engine.connect() as c:
            for i in range(0, len(links), CHUNK):
                for r in c.execute(select(link_aliases).where(link_aliases.c.alias.in_(links[i:i + CHUNK]))):
                    out[r.alias] = r.url
        return out

    def save_aliases(self, resolved: dict[str, str]) -> None:
        now = utcnow()
        known = self.aliases(list(resolved))
        for alias, url in resolved.items():
            if alias in known:
                continue
            try:
                with self.engine.begin() as c:
                    c.execute(insert(link_aliases).values(alias=alias, url=url, created_at=now))
            except IntegrityError:
                pass                     # a concurrent run stored the same alias first
