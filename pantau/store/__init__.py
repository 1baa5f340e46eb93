"""The store: everything pantau remembers between runs, through SQLAlchemy Core.

``Store(url)`` opens (and creates) the tables and offers one part per concern, each returning typed
rows (``rows.py``):

* ``store.feeds``    — source validators and results, resolved redirect links (``feeds.py``);
* ``store.seen``     — article URLs fetched or tried (``seen.py``);
* ``store.articles`` / ``store.stories`` — what was read and how it groups (``articles.py``);
* ``store.outbox``   — the alert ledger (``outbox.py``).

Every write that matters for "never lose, never repeat an alert" is one atomic statement (unique
keys, compare-and-set UPDATEs), so overlapping runs — on one SQLite file or one PostgreSQL — are safe.
"""
from __future__ import annotations

from .articles import Articles, Stories
from .feeds import Feeds
from .outbox import Outbox
from .rows import ArticleRow, OutboxRow, StoryRow
from .schema import make_engine
from .seen import SeenUrls

__all__ = ["Store", "ArticleRow", "OutboxRow", "StoryRow"]


class Store:
    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.feeds = Feeds(self.engine)
        self.seen = SeenUrls(self.engine)
        self.articles = Articles(self.engine)
        self.stories = Stories(self.engine)
        self.outbox = Outbox(self.engine)

    def close(self) -> None:
        self.engine.dispose()
