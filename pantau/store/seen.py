"""Every article URL pantau has fetched (or tried to): a URL done is never fetched again; one that
failed is tried again on later runs, up to ``max_attempts``."""
from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from ..clock import utcnow
from .schema import seen_urls

CHUNK = 500


class SeenUrls:
    def __init__(self, engine: Engine):
        self.engine = engine

    def unseen(self, urls: list[str], max_attempts: int) -> list[str]:
        """URLs never fetched to completion and not given up on, in the given order."""
        if not urls:
            return []
        known: dict[str, tuple[str, int]] = {}
        with self.engine.connect() as c:
            for i in range(0, len(urls), CHUNK):
                for r in c.execute(select(seen_urls.c.url, seen_urls.c.status, seen_urls.c.attempts)
                                   .where(seen_urls.c.url.in_(urls[i:i + CHUNK]))):
                    known[r.url] = (r.status, r.attempts)
        out = []
        for u in urls:
            st = known.get(u)
            if st is None or (st[0] == "error" and st[1] < max_attempts):
                out.append(u)
        return out

    def mark(self, url: str, error: str | None = None) -> None:
        now = utcnow()
        status = "error" if error else "done"
        with self.engine.begin() as c:
            row = c.execute(select(seen_urls.c.attempts).where(seen_urls.c.url == url)).first()
            if row is None:
                c.execute(insert(seen_urls).values(url=url, status=status, attempts=1,
                                                   last_error=error, first_seen_at=now))
            else:
                c.execute(update(seen_urls).where(seen_urls.c.url == url)
                          .values(status=status, attempts=row.attempts + 1, last_error=error))
