"""PostgreSQL for the store's tests: the server named by ``$PANTAU_TEST_POSTGRES_URL`` (started by
``scripts/test_postgres.sh``, or by .ci/run), and a fresh database on it for each test.

Without the variable the PostgreSQL cases skip, saying how to run them — except in CI (``CI=true``),
where a missing or unreachable server fails them: CI must never pass by skipping them."""

from __future__ import annotations

import os
import uuid

import pytest

from .extras import need, unavailable

ENV = "PANTAU_TEST_POSTGRES_URL"


def base_url() -> str:
    """The server's URL, or skip (fail in CI) with the reason."""
    url = os.environ.get(ENV)
    if not url:
        unavailable(f"PostgreSQL case: ${ENV} is not set", 'run `eval "$(scripts/test_postgres.sh start)"` first')
    need("psycopg", "postgres")
    return url  # type: ignore[return-value]


class Database:
    """A database of its own on the test server, dropped (connections and all) by ``drop()``."""

    def __init__(self, server_url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import OperationalError
        from sqlalchemy.pool import NullPool

        self.name = f"pantau_t_{uuid.uuid4().hex[:12]}"
        self.url = make_url(server_url).set(database=self.name).render_as_string(hide_password=False)
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with self._admin.connect() as c:
                c.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        except OperationalError as e:
            pytest.fail(f"${ENV} is set but the server does not answer: {str(e).splitlines()[0]}", pytrace=False)

    def drop(self) -> None:
        """Ends the test's own connections, then drops the database.

        Not ``WITH (FORCE)``: for a role without superuser or pg_signal_backend, FORCE refuses when
        an autovacuum worker happens to be in the database ("must be a member of the role whose
        process is being terminated"). A plain DROP signals autovacuum itself; it is retried while
        a connection being ended is still counted."""
        import time

        from sqlalchemy.exc import OperationalError

        end_own = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %(db)s AND pid <> pg_backend_pid() AND usename = current_user"
        )
        try:
            for attempt in range(20):
                with self._admin.connect() as c:
                    c.exec_driver_sql(end_own, {"db": self.name})
                    try:
                        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}"')
                        return
                    except OperationalError:  # "is being accessed by other users"
                        if attempt == 19:
                            raise
                time.sleep(0.25)
        finally:
            self._admin.dispose()
