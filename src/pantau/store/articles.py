"""Articles (one row per canonical URL, with the match that decided) and the stories they form."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import CursorResult

from ..clock import utcnow
from ..models import Article, Match
from .connections import Database
from .rows import ArticleRow, StoryRow
from .schema import articles, exclusive, insert_one, stories


def _new_id(result: CursorResult) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


class Articles:
    def __init__(self, db: Database):
        self.db = db
        self.engine = db.engine

    def find(self, url: str | None = None, content_hash: str | None = None) -> ArticleRow | None:
        q = select(articles)
        q = q.where(articles.c.url == url) if url else q.where(articles.c.content_hash == content_hash)
        with self.db.connect() as c:
            row = c.execute(q.limit(1)).first()
        return ArticleRow.of(row._mapping) if row else None

    def add(self, a: Article, m: Match | None) -> int | None:
        """Insert; None if the canonical URL is already stored (a re-publish under another link)."""
        values = dict(
            url=a.url,
            fetched_url=a.fetched_url,
            source=a.source,
            site=a.site,
            title=a.title,
            text=a.text,
            published=a.published,
            author=a.author,
            language=a.language,
            content_hash=a.content_hash,
            created_at=utcnow(),
            topic=m.topic if m else None,
            score=m.score if m else None,
            relevant=bool(m and m.relevant),
            explanation=json.dumps(m.to_dict()) if m else None,
        )
        with self.db.begin() as c:
            return insert_one(c, articles, values)

    def set_story(self, article_id: int, story_id: int) -> None:
        with self.db.begin() as c:
            c.execute(update(articles).where(articles.c.id == article_id).values(story_id=story_id))

    def of_story(self, story_id: int) -> list[ArticleRow]:
        with self.db.connect() as c:
            rows = c.execute(
                select(articles).where(articles.c.story_id == story_id).order_by(articles.c.published, articles.c.id)
            )
            return [ArticleRow.of(r._mapping) for r in rows]

    def count(self, relevant_only: bool = False) -> int:
        q = select(func.count()).select_from(articles)
        if relevant_only:
            q = q.where(articles.c.relevant.is_(True))
        with self.db.connect() as c:
            return c.execute(q).scalar_one()


class Stories:
    def __init__(self, db: Database):
        self.db = db
        self.engine = db.engine

    def grouping(self) -> AbstractContextManager[None]:
        """Hold while joining articles to stories: two runs on one PostgreSQL store then never start
        the same event's story twice (each would alert it). Only one run at a time records."""
        return exclusive(self.engine, "stories")

    def recent(self, topic: str, since: datetime) -> list[StoryRow]:
        with self.db.connect() as c:
            rows = c.execute(select(stories).where(stories.c.topic == topic, stories.c.updated_at >= since))
            return [StoryRow.of(r._mapping) for r in rows]

    def create(self, topic: str, title: str, signature: list[str], published: datetime | None) -> int:
        now = utcnow()
        with self.db.begin() as c:
            return _new_id(
                c.execute(
                    insert(stories).values(
                        topic=topic,
                        title=title,
                        signature=json.dumps(signature),
                        first_published=published,
                        created_at=now,
                        updated_at=now,
                    )
                )
            )

    def touch(self, story_id: int) -> None:
        with self.db.begin() as c:
            c.execute(update(stories).where(stories.c.id == story_id).values(updated_at=utcnow()))

    def get(self, story_id: int) -> StoryRow:
        with self.db.connect() as c:
            return StoryRow.of(c.execute(select(stories).where(stories.c.id == story_id)).one()._mapping)
