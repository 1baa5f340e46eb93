"""How the store's parts reach the database: one short transaction per call — or, inside
``transaction()``, every call of this thread on one connection, committed together or not at all.

``record`` (pantau/pipeline.py) stores an article, marks its URLs done, joins or starts its story and
plans its alerts in one ``transaction()``: a store that fails at any statement in between leaves
nothing half-done (a URL ``done`` without its outbox row was an alert lost for good). On SQLite the
transaction takes the write lock at once (``BEGIN IMMEDIATE``), so it never fails half-way because
another run wrote first; the busy timeout bounds the wait for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine


class Database:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._bound = threading.local()

    def _current(self) -> Connection | None:
        return getattr(self._bound, "conn", None)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction: this thread's open ``transaction()``, else a new one
        committed when the block ends."""
        c = self._current()
        if c is not None:
            yield c
            return
        with self.engine.begin() as c:
            yield c

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection to read with (inside ``transaction()``: that one, so a read sees its writes)."""
        c = self._current()
        if c is not None:
            yield c
            return
        with self.engine.connect() as c:
            yield c

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Every store call of this thread inside the block in one transaction (nested: the outer one)."""
        if self._current() is not None:
            yield
            return
        with self.engine.connect() as c:
            if self.engine.dialect.name == "sqlite":
                c.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not at the first write
            self._bound.conn = c
            try:
                yield
                c.commit()
            except BaseException:
                try:
                    c.rollback()
                except Exception:  # noqa: BLE001 - the connection is gone: the error that broke it matters
                    pass
                raise
            finally:
                self._bound.conn = None
