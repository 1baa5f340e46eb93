"""The store: everything pantau remembers between runs, through SQLAlchemy Core.

``Store(url)`` opens (and creates) the tables and offers one part per concern, each returning typed
rows (``rows.py``):

* ``store.feeds``    — source validators and results, resolved redirect links (``feeds.py``);
* ``store.seen``     — article URLs fetched or tried (``seen.py``);
* ``store.articles`` / ``store.stories`` — what was read and how it groups (``articles.py``);
* ``store.outbox``   — the alert ledger (``outbox.py``);
* ``store.hosts``    — per-host politeness shared by overlapping runs (``hosts.py``);
* ``store.feedback`` — one-click feedback: used link nonces and who said what (``feedback.py``);
* ``store.health`` / ``store.notices`` — source health and the ops notices told (``health.py``).

Every write that matters for "never lose, never repeat an alert" is one atomic statement (unique
keys, compare-and-set UPDATEs), so overlapping runs — on one SQLite file or one PostgreSQL — are safe;
``store.transaction()`` makes several calls one (recording an article with its story and its alerts,
``connections.py``).

``Store.scratch_copy(url)`` is a throwaway copy for a dry run: everything a real run would write goes
there, and closing it deletes it.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import AbstractContextManager, closing
from pathlib import Path

from ..errors import ConfigError
from .articles import Articles, Stories
from .connections import Database
from .feedback import FeedbackLog
from .feeds import Feeds
from .health import Health, NoticeLedger
from .hosts import HostSlots
from .outbox import Outbox
from .rows import ArticleRow, FeedbackRow, FeedState, OutboxRow, StoryRow
from .schema import make_engine
from .seen import SeenUrls
from .timeouts import unwatch

__all__ = ["Store", "ArticleRow", "FeedbackRow", "FeedState", "OutboxRow", "StoryRow"]


class Store:
    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.db = db = Database(self.engine)
        self.feeds = Feeds(db)
        self.seen = SeenUrls(db)
        self.articles = Articles(db)
        self.stories = Stories(db)
        self.outbox = Outbox(db)
        self.hosts = HostSlots(db)
        self.feedback = FeedbackLog(self.engine)
        self.health = Health(self.engine)
        self.notices = NoticeLedger(self.engine)
        self.scratch: Path | None = None  # a scratch_copy's file

    @classmethod
    def scratch_copy(cls, url: str) -> Store:
        """A copy of the SQLite store at ``url`` in a temporary file (an empty store when there is none
        yet), deleted by ``close()``. Other databases: a ConfigError (a dry run needs a SQLite store)."""
        prefix = "sqlite:///"
        if not url.startswith(prefix):
            raise ConfigError(f"a dry run needs a SQLite store; storage_url is {url.split(':', 1)[0]}:…")
        fd, name = tempfile.mkstemp(prefix="pantau-dry-run-", suffix=".db")
        os.close(fd)
        source = Path(url[len(prefix) :])
        if url != "sqlite:///:memory:" and source.is_file():
            with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(name)) as dst:
                src.backup(dst)
        store = cls(prefix + name)
        store.scratch = Path(name)
        return store

    def transaction(self) -> AbstractContextManager[None]:
        """Every store call of this thread inside the block commits together, or not at all."""
        return self.db.transaction()

    def close(self) -> None:
        unwatch(self.engine)
        self.engine.dispose()
        if self.scratch is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.scratch}{suffix}").unlink(missing_ok=True)
