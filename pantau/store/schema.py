"""The store's tables (SQLAlchemy Core). SQLite is the default; any SQLAlchemy URL works
(PostgreSQL: ``postgresql+psycopg://…``). Unique keys carry the guarantees: one row per canonical
article URL, per seen URL, per alert key."""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.engine import Engine

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
    Column("status", String(20), nullable=False),          # claimed | done | error | gave_up
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("first_seen_at", DateTime(timezone=True)),
    Column("next_attempt_at", DateTime(timezone=True)),     # error: not before this
    Column("claimed_by", String(100)),                      # claimed: the run fetching it
    Column("claimed_at", DateTime(timezone=True)),
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

host_slots = Table(                # per-host politeness shared by every run on this store
    "host_slots", metadata,
    Column("host", String(300), primary_key=True),
    Column("next_at", Float, nullable=False),                  # epoch seconds of the host's next free slot
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
    Column("token", String(40)),                               # random: travels as the Idempotency-Key
)


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
    metadata.create_all(engine)
    upgrade(engine)
    return engine


def upgrade(engine: Engine) -> None:
    """Add the columns a newer pantau defines to tables an older one created (all are nullable), so an
    existing store keeps working after an upgrade."""
    existing = inspect(engine)
    with engine.begin() as c:
        for table in metadata.sorted_tables:
            have = {col["name"] for col in existing.get_columns(table.name)}
            for col in table.columns:
                if col.name not in have:
                    kind = col.type.compile(dialect=engine.dialect)
                    c.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{col.name}" {kind}')
