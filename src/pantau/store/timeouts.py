"""Every wait on the store is bounded, on both engines:

* SQLite: the busy timeout (how long a write waits for another run's lock): 30 s, or the storage
  URL's ``?timeout=SECONDS``;
* PostgreSQL: ``connect_timeout`` (10 s), ``statement_timeout`` (60 s) and ``lock_timeout`` (30 s),
  each unless the storage URL sets it (``?connect_timeout=…``, ``?options=-c statement_timeout=…``);
  and, because a *frozen* server (SIGSTOPped, a hung VM) enforces none of its own timeouts, a
  watchdog on pantau's side: a statement, commit or rollback still waiting ``statement_timeout`` + 15 s
  later has its connection's socket shut down, so the call fails instead of waiting forever.

``store_error`` turns what the driver raised into the one line a run ends with (``StoreError``)."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import weakref

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError

SQLITE_BUSY_S = 30.0
PG_CONNECT_S = 10
PG_STATEMENT_MS = 60_000
PG_LOCK_MS = 30_000


def watchdog_limit(statement_s: float) -> float:
    """How long a call may wait before pantau gives up on the server: well past its own timeout."""
    return statement_s * 1.5 + 5


def sqlite_busy_ms(url: str) -> int:
    raw = make_url(url).query.get("timeout")
    try:
        return int(float(raw if isinstance(raw, str) else SQLITE_BUSY_S) * 1000)
    except ValueError:
        return int(SQLITE_BUSY_S * 1000)


def pg_connect_args(url: str) -> dict:
    """psycopg's connect arguments for the timeouts the storage URL does not set itself."""
    query = make_url(url).query
    args: dict = {}
    if "connect_timeout" not in query:
        args["connect_timeout"] = PG_CONNECT_S
    options = str(query.get("options") or "")
    extra = []
    if "statement_timeout" not in options:
        extra.append(f"-c statement_timeout={PG_STATEMENT_MS}")
    if "lock_timeout" not in options:
        extra.append(f"-c lock_timeout={PG_LOCK_MS}")
    if extra:
        args["options"] = " ".join([options, *extra]).strip()
    return args


def _ms(options: str, name: str, default: int) -> int:
    m = re.search(rf"{name}\s*=\s*(\d+)\s*(ms|s|min)?", options)
    if not m:
        return default
    return int(m.group(1)) * {"ms": 1, None: 1, "s": 1000, "min": 60_000}[m.group(2)]


def pg_statement_s(url: str, connect_args: dict) -> float:
    options = " ".join(str(x) for x in (make_url(url).query.get("options") or "", connect_args.get("options", "")))
    return _ms(options, "statement_timeout", PG_STATEMENT_MS) / 1000


class Watchdog:
    """Shuts down the socket of a PostgreSQL connection whose statement, commit or rollback has been
    waiting longer than ``limit`` seconds (a frozen server answers nothing, not even its timeouts)."""

    def __init__(self, engine: Engine, limit: float):
        self.limit = limit
        self._busy: dict[int, tuple[float, object]] = {}  # id(dbapi connection) -> (deadline, it)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        event.listen(engine, "before_cursor_execute", self._start)
        event.listen(engine, "after_cursor_execute", self._end)
        dialect = engine.dialect
        for name in ("do_ping", "do_commit", "do_rollback"):  # the pool's own calls fire no event
            setattr(dialect, name, self._guarded(getattr(dialect, name)))
        event.listen(engine, "handle_error", self._failed)
        event.listen(engine.pool, "checkin", self._checkin)
        thread = threading.Thread(target=self._watch, args=(weakref.ref(self),), name="pantau-store-watchdog")
        thread.daemon = True
        thread.start()

    def _start(self, conn, *_) -> None:
        self._begin(conn.connection.dbapi_connection)

    def _begin(self, dbapi) -> None:
        with self._lock:
            self._busy[id(dbapi)] = (time.monotonic() + self.limit, dbapi)

    def _guarded(self, call):
        def guarded(dbapi, *args, **kw):
            self._begin(dbapi)
            try:
                return call(dbapi, *args, **kw)
            finally:
                self._done(dbapi)

        return guarded

    def _end(self, conn, *_) -> None:
        self._done(conn.connection.dbapi_connection)

    def _failed(self, ctx) -> None:
        if ctx.connection is not None:
            self._done(ctx.connection.connection.dbapi_connection)

    def _done(self, dbapi) -> None:
        with self._lock:
            self._busy.pop(id(dbapi), None)

    def _checkin(self, dbapi, _record) -> None:
        self._done(dbapi)

    def stop(self) -> None:
        self._stop.set()

    @staticmethod
    def _watch(ref) -> None:
        while True:
            me = ref()
            if me is None or me._stop.is_set():
                return
            now = time.monotonic()
            with me._lock:
                late = [(k, c) for k, (deadline, c) in me._busy.items() if deadline < now]
                for k, _ in late:
                    me._busy.pop(k, None)
            for _, c in late:
                _cut(c)
            stop = me._stop
            del me
            stop.wait(0.5)


_WATCHDOGS: weakref.WeakKeyDictionary[Engine, Watchdog] = weakref.WeakKeyDictionary()


def watch(engine: Engine, limit: float) -> None:
    _WATCHDOGS[engine] = Watchdog(engine, limit)


def unwatch(engine: Engine) -> None:
    dog = _WATCHDOGS.pop(engine, None)
    if dog is not None:
        dog.stop()


def _cut(dbapi) -> None:
    """Shut the connection's socket down under it: the waiting call fails at once."""
    try:
        fd = dbapi.fileno()
    except Exception:  # noqa: BLE001 - closed already
        return
    try:
        s = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        s.close()


# What a failing store raises: the driver's errors (SQLAlchemy wraps them), and ours.
STORE_ERRORS = (SQLAlchemyError, StoreError)


def store_error(e: BaseException) -> StoreError:
    """The one line a run ends with when its store fails: the driver's own first line, no SQL."""
    if isinstance(e, StoreError):
        return e
    orig = getattr(e, "orig", None) if isinstance(e, SQLAlchemyError) else None
    reason = " ".join(str(orig or e).split())[:300] or type(e).__name__
    return StoreError(
        f"the store failed during the run ({reason}); what was recorded stays, the rest is picked up by the next run"
    )
