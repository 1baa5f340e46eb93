"""Storage through SQLAlchemy Core: feed state, seen URLs, articles, stories and the alert outbox.

SQLite is the default; any SQLAlchemy URL works. Every write that matters for "never lose, never
repeat an alert" is a single-row atomic statement (unique keys, compare-and-set UPDATEs), so two
overlapping runs cannot both claim the same alert.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import (
    Boolean, Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text,
    create_engine, event, func, insert, select, update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .models import Article, FeedResult, Match

metadata = MetaData()

feed_state = Table(
    "feed_state", metadata,
    Column("url", String(2000), primary_key=True),
    Column("source", String(200), nullable=False),
    Column("etag", String(500)),
    Column("last_modified", String(200)),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, default=0),
    Column("checked_at", DateTime(timezone=True)),
)

seen_urls = Table(
    "seen_urls", metadata,
    Column("url", String(2000), primary_key=True),
    Column("status", String(20), nullable=False),          # done | error
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("first_seen_at", DateTime(timezone=True)),
)

stories = Table(
    "stories", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("signature", Text, nullable=False),               # JSON: terms used for same-event matching
    Column("first_published", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False, unique=True),
    Column("fetched_url", String(2000), nullable=False),
    Column("source", String(200), nullable=False),
    Column("site", String(200)),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("published", DateTime(timezone=True)),
    Column("author", String(500)),
    Column("language", String(10)),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("topic", String(200)),
    Column("score", Float),
    Column("relevant", Boolean, nullable=False, default=False),
    Column("explanation", Text),                             # JSON of Match
    Column("story_id", Integer, ForeignKey("stories.id"), index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

link_aliases = Table(              # redirect links (Google News) already resolved to the outlet's URL
    "link_aliases", metadata,
    Column("alias", String(2000), primary_key=True),
    Column("url", String(2000), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False, unique=True),   # idempotency key story:channel:kind:n
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("kind", String(20), nullable=False),                # new | update | digest
    Column("state", String(20), nullable=False),               # pending | sending | sent | failed | uncertain
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("claimed_by", String(100)),
    Column("claimed_at", DateTime(timezone=True)),
    Column("article_ids", Text, nullable=False, default="[]"),  # JSON: the articles this alert covers
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(dt: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything we store is UTC."""
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    return engine


class Store:
    def __init__(self, url: str):
        self.engine = make_engine(url)
        metadata.create_all(self.engine)

    # ---- feed state (conditional GET) -------------------------------------------------------
    def feed_validators(self, url: str) -> tuple[str | None, str | None]:
        with self.engine.connect() as c:
            row = c.execute(select(feed_state.c.etag, feed_state.c.last_modified)
                            .where(feed_state.c.url == url)).first()
        return (row.etag, row.last_modified) if row else (None, None)

    def aliases(self, links: list[str]) -> dict[str, str]:
        """The outlet URLs already known for these redirect links."""
        out: dict[str, str] = {}
        with self.engine.connect() as c:
            for i in range(0, len(links), 500):
                chunk = links[i:i + 500]
                for r in c.execute(select(link_aliases).where(link_aliases.c.alias.in_(chunk))):
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

    def save_feed_result(self, r: FeedResult) -> None:
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

    def feed_states(self) -> list[dict]:
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(select(feed_state))]

    # ---- seen URLs -----------------------------------------------------------------------------
    def unseen(self, urls: list[str], max_attempts: int) -> list[str]:
        """URLs never fetched to completion and not given up on."""
        if not urls:
            return []
        known: dict[str, tuple[str, int]] = {}
        with self.engine.connect() as c:
            for i in range(0, len(urls), 500):
                chunk = urls[i:i + 500]
                for r in c.execute(select(seen_urls.c.url, seen_urls.c.status, seen_urls.c.attempts)
                                   .where(seen_urls.c.url.in_(chunk))):
                    known[r.url] = (r.status, r.attempts)
        out = []
        for u in urls:
            st = known.get(u)
            if st is None or (st[0] == "error" and st[1] < max_attempts):
                out.append(u)
        return out

    def mark_seen(self, url: str, error: str | None = None) -> None:
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

    # ---- articles ------------------------------------------------------------------------------
    def find_article(self, url: str | None = None, content_hash: str | None = None):
        q = select(articles)
        q = q.where(articles.c.url == url) if url else q.where(articles.c.content_hash == content_hash)
        with self.engine.connect() as c:
            return c.execute(q.limit(1)).first()

    def add_article(self, a: Article, m: Match | None) -> int | None:
        """Insert; None if the canonical URL is already stored (a re-publish under another link)."""
        values = dict(
            url=a.url, fetched_url=a.fetched_url, source=a.source, site=a.site, title=a.title,
            text=a.text, published=a.published, author=a.author, language=a.language,
            content_hash=a.content_hash, created_at=utcnow(),
            topic=m.topic if m else None, score=m.score if m else None,
            relevant=bool(m and m.relevant), explanation=json.dumps(m.to_dict()) if m else None,
        )
        try:
            with self.engine.begin() as c:
                return c.execute(insert(articles).values(**values)).inserted_primary_key[0]
        except IntegrityError:
            return None

    def set_article_story(self, article_id: int, story_id: int) -> None:
        with self.engine.begin() as c:
            c.execute(update(articles).where(articles.c.id == article_id).values(story_id=story_id))

    def story_articles(self, story_id: int) -> list[dict]:
        with self.engine.connect() as c:
            rows = c.execute(select(articles).where(articles.c.story_id == story_id)
                             .order_by(articles.c.published, articles.c.id))
            return [dict(r._mapping) for r in rows]

    def count_articles(self, relevant_only: bool = False) -> int:
        q = select(func.count()).select_from(articles)
        if relevant_only:
            q = q.where(articles.c.relevant.is_(True))
        with self.engine.connect() as c:
            return c.execute(q).scalar_one()

    # ---- stories -------------------------------------------------------------------------------
    def recent_stories(self, topic: str, since: datetime) -> list[dict]:
        with self.engine.connect() as c:
            rows = c.execute(select(stories).where(stories.c.topic == topic, stories.c.updated_at >= since))
            return [dict(r._mapping) for r in rows]

    def create_story(self, topic: str, title: str, signature: list[str], published: datetime | None) -> int:
        now = utcnow()
        with self.engine.begin() as c:
            return c.execute(insert(stories).values(
                topic=topic, title=title, signature=json.dumps(signature), first_published=published,
                created_at=now, updated_at=now)).inserted_primary_key[0]

    def touch_story(self, story_id: int) -> None:
        with self.engine.begin() as c:
            c.execute(update(stories).where(stories.c.id == story_id).values(updated_at=utcnow()))

    def get_story(self, story_id: int) -> dict:
        with self.engine.connect() as c:
            return dict(c.execute(select(stories).where(stories.c.id == story_id)).one()._mapping)

    def count_stories(self) -> int:
        with self.engine.connect() as c:
            return c.execute(select(func.count()).select_from(stories)).scalar_one()

    # ---- outbox --------------------------------------------------------------------------------
    def enqueue(self, key: str, story_id: int, channel: str, kind: str, article_ids: list[int]) -> bool:
        """Record the intent to alert. False if that exact alert was already recorded."""
        try:
            with self.engine.begin() as c:
                c.execute(insert(outbox).values(
                    key=key, story_id=story_id, channel=channel, kind=kind, state="pending", attempts=0,
                    article_ids=json.dumps(article_ids), created_at=utcnow()))
            return True
        except IntegrityError:
            return False

    def extend_unsent(self, row_id: int, article_ids: list[int]) -> bool:
        """Widen an alert nobody has tried to send yet (so a story that grows within one run goes
        out as one alert). Compare-and-set: fails once a run has claimed the row."""
        with self.engine.begin() as c:
            res = c.execute(update(outbox).where(outbox.c.id == row_id, outbox.c.state == "pending",
                                                 outbox.c.attempts == 0)
                            .values(article_ids=json.dumps(article_ids)))
            return res.rowcount == 1

    def outbox_rows(self, story_id: int | None = None, channel: str | None = None) -> list[dict]:
        q = select(outbox).order_by(outbox.c.id)
        if story_id is not None:
            q = q.where(outbox.c.story_id == story_id)
        if channel is not None:
            q = q.where(outbox.c.channel == channel)
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(q)]

    def due(self, channel: str, now: datetime | None = None, max_attempts: int = 8) -> list[dict]:
        now = now or utcnow()
        with self.engine.connect() as c:
            rows = c.execute(select(outbox).where(
                outbox.c.channel == channel, outbox.c.state.in_(("pending", "failed")),
                outbox.c.attempts < max_attempts).order_by(outbox.c.id))
            return [dict(r._mapping) for r in rows
                    if r.next_attempt_at is None or aware(r.next_attempt_at) <= now]

    def claim(self, row_id: int, run_id: str) -> bool:
        """Atomically move pending/failed → sending. Only one concurrent run can win."""
        with self.engine.begin() as c:
            res = c.execute(update(outbox).where(outbox.c.id == row_id,
                                                 outbox.c.state.in_(("pending", "failed")))
                            .values(state="sending", claimed_by=run_id, claimed_at=utcnow(),
                                    attempts=outbox.c.attempts + 1))
            return res.rowcount == 1

    def mark_sent(self, row_id: int) -> None:
        with self.engine.begin() as c:
            c.execute(update(outbox).where(outbox.c.id == row_id)
                      .values(state="sent", sent_at=utcnow(), last_error=None))

    def mark_failed(self, row_id: int, error: str, backoff: timedelta) -> None:
        with self.engine.begin() as c:
            c.execute(update(outbox).where(outbox.c.id == row_id)
                      .values(state="failed", last_error=error[:2000], next_attempt_at=utcnow() + backoff))

    def orphaned_sends(self, older_than: timedelta) -> list[dict]:
        """Rows left in 'sending' by a run that died between send and record."""
        cutoff = utcnow() - older_than
        with self.engine.connect() as c:
            rows = c.execute(select(outbox).where(outbox.c.state == "sending"))
            return [dict(r._mapping) for r in rows if aware(r.claimed_at) <= cutoff]

    def mark_uncertain(self, row_id: int, note: str) -> None:
        with self.engine.begin() as c:
            c.execute(update(outbox).where(outbox.c.id == row_id, outbox.c.state == "sending")
                      .values(state="uncertain", last_error=note))

    def requeue(self, row_id: int) -> bool:
        with self.engine.begin() as c:
            res = c.execute(update(outbox).where(outbox.c.id == row_id,
                                                 outbox.c.state.in_(("uncertain", "failed")))
                            .values(state="pending", next_attempt_at=None))
            return res.rowcount == 1

    def outbox_counts(self) -> dict[str, int]:
        with self.engine.connect() as c:
            counts: dict[str, int] = {}
            for (state,) in c.execute(select(outbox.c.state)):
                counts[state] = counts.get(state, 0) + 1
            return counts
