"""Typed rows: what the store hands back. JSON columns come back decoded, datetimes UTC-aware."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from ..clock import aware

_JSON = {"signature", "article_ids", "explanation"}


def _convert(cls, mapping) -> Any:
    values = {}
    for f in fields(cls):
        v = mapping[f.name]
        if f.name in _JSON:
            v = json.loads(v) if v else ({} if f.name == "explanation" else [])
        elif isinstance(v, datetime):
            v = aware(v)
        values[f.name] = v
    return cls(**values)


@dataclass(frozen=True)
class FeedState:
    url: str
    source: str
    etag: str | None
    last_modified: str | None
    last_status: int | None
    last_error: str | None
    failures: int
    checked_at: datetime | None

    @classmethod
    def of(cls, m) -> FeedState:
        return _convert(cls, m)


@dataclass(frozen=True)
class ArticleRow:
    id: int
    url: str
    fetched_url: str
    source: str
    site: str | None
    title: str
    text: str
    published: datetime | None
    author: str | None
    language: str | None
    content_hash: str
    topic: str | None
    score: float | None
    relevant: bool
    explanation: dict = field(default_factory=dict)  # the Match that decided, as a dict
    story_id: int | None = None
    created_at: datetime | None = None

    @classmethod
    def of(cls, m) -> ArticleRow:
        return _convert(cls, m)


@dataclass(frozen=True)
class StoryRow:
    id: int
    topic: str
    title: str
    signature: list[str]
    first_published: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, m) -> StoryRow:
        return _convert(cls, m)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    story_id: int
    channel: str
    kind: str  # new | update | digest
    state: str  # pending | sending | sent | failed | uncertain
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    claimed_by: str | None
    claimed_at: datetime | None
    article_ids: list[int]
    created_at: datetime
    sent_at: datetime | None
    token: str | None = None

    @property
    def idempotency_key(self) -> str:
        """The same on every attempt to send this alert, different for every alert ever recorded."""
        return f"pantau-{self.token or self.key}"

    @classmethod
    def of(cls, m) -> OutboxRow:
        return _convert(cls, m)


@dataclass(frozen=True)
class FeedbackRow:
    nonce: str
    story_id: int
    channel: str | None
    verdict: str
    who: str
    client: str | None
    at: datetime
    exemplar: str | None
    reported_by: str | None

    @classmethod
    def of(cls, m) -> FeedbackRow:
        return _convert(cls, m)
