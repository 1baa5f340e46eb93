"""The store's tables (SQLAlchemy Core). SQLite is the default; PostgreSQL is tested too
(``postgresql+psycopg://…``, the ``postgres`` extra); another SQLAlchemy URL may work. Unique keys
carry the guarantees: one row per canonical article URL, per seen URL, per alert key.

The engines differ where the types below make them agree: a time goes in and comes out as UTC
(SQLite keeps no offset, PostgreSQL answers in its session's zone), and text is cut to its
column's length (PostgreSQL refuses a longer value; SQLite would keep it)."""

from __future__ import annotations

import contextlib
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    create_engine,
    event,
    inspect,
    types,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..errors import ConfigError, StoreError
from ..models import storable
from . import timeouts


class DateTime(types.TypeDecorator):
    """A moment, stored in UTC on every engine and handed back UTC-aware (a naive one is taken as UTC)."""

    impl = types.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo is not None else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class String(types.TypeDecorator):
    """Text of at most ``length`` characters: what a page or a server sends longer is cut, not an
    error; characters no engine can store (``storable``) are dropped."""

    impl = types.String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        value = storable(value)
        n = getattr(self.impl_instance, "length", None)
        return value[:n] if isinstance(value, str) and n and len(value) > n else value


class Text(types.TypeDecorator):
    """Text of any length, without the characters no engine can store (``storable``)."""

    impl = types.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return storable(value)


metadata = MetaData()

feed_state = Table(
    "feed_state",
    metadata,
    Column("url", String(2000), primary_key=True),
    Column("source", String(200), nullable=False),
    Column("etag", String(500)),
    Column("last_modified", String(200)),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, default=0),
    Column("checked_at", DateTime(timezone=True)),
    Column("first_checked_at", DateTime(timezone=True)),  # health (health.py): since when pantau reads it
    Column("last_ok_at", DateTime(timezone=True)),  # the last run that read it without an error
    Column("failing_since", DateTime(timezone=True)),  # the first failure of the current run of failures
    Column("last_new_at", DateTime(timezone=True)),  # the last run that found a link new to the store
)

source_days = Table(  # health (health.py): per source and UTC day, its runs, failures and new links
    "source_days",
    metadata,
    Column("source", String(200), primary_key=True),
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD, UTC
    Column("runs", Integer, nullable=False, default=0),
    Column("failures", Integer, nullable=False, default=0),
    Column("new_links", Integer, nullable=False, default=0),
)

ops_notices = Table(  # ops notices (health.py): one row per condition onset, so each is told once
    "ops_notices",
    metadata,
    Column("key", String(300), primary_key=True),  # e.g. source-failing:<source>
    Column("message", Text, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("notified_at", DateTime(timezone=True)),  # None: not yet told (retried on the next run)
)

seen_urls = Table(
    "seen_urls",
    metadata,
    Column("url", String(2000), primary_key=True),
    Column("status", String(20), nullable=False),  # claimed | done | error | gave_up
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("first_seen_at", DateTime(timezone=True)),
    Column("next_attempt_at", DateTime(timezone=True)),  # error: not before this
    Column("claimed_by", String(100)),  # claimed: the run fetching it
    Column("claimed_at", DateTime(timezone=True)),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("signature", Text, nullable=False),  # JSON: terms used for same-event matching
    Column("first_published", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles",
    metadata,
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
    Column("explanation", Text),  # JSON of Match
    Column("story_id", Integer, ForeignKey("stories.id"), index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

host_slots = Table(  # per-host politeness shared by every run on this store
    "host_slots",
    metadata,
    Column("host", String(300), primary_key=True),
    Column("next_at", Float, nullable=False),  # epoch seconds of the host's next free slot
)

link_aliases = Table(  # redirect links (Google News) already resolved to the outlet's URL
    "link_aliases",
    metadata,
    Column("alias", String(2000), primary_key=True),
    Column("url", String(2000), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False, unique=True),  # idempotency key story:channel:kind:n
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # new | update | digest
    Column("state", String(20), nullable=False),  # pending | sending | sent | failed | uncertain
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("claimed_by", String(100)),
    Column("claimed_at", DateTime(timezone=True)),
    Column("article_ids", Text, nullable=False, default="[]"),  # JSON: the articles this alert covers
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("token", String(40)),  # random: travels as the Idempotency-Key
)

feedback = Table(  # one-click feedback: a nonce is used once (its row is the audit of who, when, what)
    "feedback",
    metadata,
    Column("nonce", String(40), primary_key=True),  # the alert's, shared by its wrong and right links
    Column("story_id", Integer, nullable=False, index=True),
    Column("channel", String(200)),
    Column("verdict", String(10), nullable=False),  # wrong | right
    Column("who", String(300), nullable=False),  # the form's name/email, else the client's address
    Column("client", String(100)),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("exemplar", Text),  # the exemplar file written
    Column("reported_by", String(100)),  # the run whose artifact showed it
)


def make_engine(url: str) -> Engine:
    """The engine of a storage URL, every wait on it bounded (``timeouts.py``), the tables created."""
    postgres = url.startswith(("postgresql", "postgres:"))
    connect_args = timeouts.pg_connect_args(url) if postgres else {}
    try:
        engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"), connect_args=connect_args)
    except ModuleNotFoundError as e:  # postgresql+psycopg:// without psycopg installed
        raise ConfigError(
            f"storage_url: the driver {e.name!r} is not installed (for PostgreSQL: pip install 'pantau[postgres]')"
        ) from None
    if engine.dialect.name == "sqlite":
        busy_ms = timeouts.sqlite_busy_ms(url)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={busy_ms}")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    elif engine.dialect.name == "postgresql":
        timeouts.watch(engine, timeouts.watchdog_limit(timeouts.pg_statement_s(url, connect_args)))
    create(engine)
    return engine


SCHEMA_LOCK = zlib.crc32(b"pantau.store.schema")


def create(engine: Engine, tries: int = 5) -> None:
    """Create the tables and add new columns (``upgrade``), safe when several runs open a new store
    at once: on PostgreSQL one at a time (an advisory lock for the transaction); on SQLite the loser
    of a race finds the tables there and tries again."""
    for attempt in range(tries):
        try:
            with engine.begin() as c:
                if engine.dialect.name == "postgresql":
                    c.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
                metadata.create_all(c)
                upgrade(c)
            return
        except DBAPIError:
            if attempt == tries - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def upgrade(c: Connection) -> None:
    """Add the columns a newer pantau defines to tables an older one created (all are nullable), so an
    existing store keeps working after an upgrade."""
    existing = inspect(c)
    for table in metadata.sorted_tables:
        have = {col["name"] for col in existing.get_columns(table.name)}
        for col in table.columns:
            if col.name not in have:
                kind = col.type.compile(dialect=c.dialect)
                c.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{col.name}" {kind}')


@contextlib.contextmanager
def exclusive(engine: Engine, name: str, wait_s: float = 600.0) -> Iterator[None]:
    """One holder at a time across every process using this PostgreSQL database (a session advisory
    lock, held by a connection of its own while the block runs on others). On SQLite: nothing — its
    runs share one machine, where overlapping runs are rare and the unique keys still hold."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = zlib.crc32(f"pantau.{name}".encode())
    with engine.connect() as c:
        end = time.monotonic() + wait_s
        while not c.exec_driver_sql(f"SELECT pg_try_advisory_lock({key})").scalar():
            c.commit()
            if time.monotonic() > end:  # every wait is bounded: a run never queues forever behind another
                raise StoreError(f"another run has held the {name} lock for {wait_s:g}s; try again later")
            time.sleep(0.2)
        try:
            yield
        finally:
            c.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
            c.commit()


def insert_new(c: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows, skipping those whose primary key another run inserted first (that run's row stays).
    On PostgreSQL a row another transaction is inserting is waited for, so pass rows in key order:
    two runs then never wait for each other in a circle."""
    if not rows:  # an empty list would execute one INSERT of no values (a NOT NULL failure)
        return
    name = c.dialect.name
    if name in ("sqlite", "postgresql"):
        ins = (sqlite.insert if name == "sqlite" else postgresql.insert)(table)
        c.execute(ins.on_conflict_do_nothing(), rows)
        return
    for row in rows:  # other databases: one at a time
        try:
            with c.begin_nested():
                c.execute(table.insert().values(**row))
        except IntegrityError:
            pass


def insert_one(c: Connection, table: Table, values: dict) -> int | None:
    """Insert one row; its new ``id``, or None when a unique key already holds it (that row stays).
    No error is raised inside the transaction, so a caller's larger transaction goes on (PostgreSQL
    aborts a transaction at its first failed statement)."""
    name = c.dialect.name
    if name in ("sqlite", "postgresql"):
        ins = (sqlite.insert if name == "sqlite" else postgresql.insert)(table).values(**values)
        row = c.execute(ins.on_conflict_do_nothing().returning(table.c.id)).first()
        return None if row is None else int(row[0])
    try:  # other databases: a savepoint
        with c.begin_nested():
            key = c.execute(table.insert().values(**values)).inserted_primary_key
    except IntegrityError:
        return None
    assert key is not None
    return int(key[0])
