"""A reader's verdict on an alert — from ``pantau feedback`` or a feedback link — becomes an exemplar
of the story's topic (``topic/feedback.py``: the story's lead article, negative for "wrong", positive
for "right"). A link's verdict is also audited in the store, once per link (``store.feedback``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import NoResultFound

from ..config import Config
from ..store import FeedbackRow, Store
from ..topic.feedback import feedback
from .tokens import Token, Used


def story_reader(store: Store) -> Callable[[int], dict | None]:
    """``read_story(id)`` for topic.feedback.feedback: the story and its articles, or None."""

    def read_story(story_id: int) -> dict | None:
        try:
            story = store.stories.get(story_id)
        except NoResultFound:
            return None
        return {**asdict(story), "articles": [asdict(a) for a in store.articles.of_story(story_id)]}

    return read_story


def apply(cfg: Config, store: Store, story_id: int, right: bool) -> tuple[Path, dict]:
    """``pantau feedback STORY_ID --wrong|--right``: the exemplar written and the lead article."""
    folders = {t.name: cfg.topic_dir(t) for t in cfg.topics}
    return feedback(story_id, right, story_reader(store), folders)


def used(store: Store, token: Token) -> Used | None:
    """Used, saying when and which way, if the token's alert has had its verdict already."""
    row = store.feedback.get(token.nonce)
    if row is None:
        return None
    return Used(f"feedback on this alert was already given: {row.verdict}, on {row.at:%d %b %Y %H:%M} UTC")


def record(
    cfg: Config, store: Store, token: Token, who: str, client: str | None, now: datetime | None = None
) -> tuple[FeedbackRow, dict]:
    """Use a verified token once: claim its nonce, save the exemplar, audit it. Used when the nonce
    was used before; a PantauError (unknown story, already an exemplar) gives the nonce back."""
    if not store.feedback.claim(token.nonce, token.story_id, token.channel, token.verdict, who, client, now):
        raise used(store, token) or Used("feedback on this alert was already given")
    try:
        path, lead = apply(cfg, store, token.story_id, token.right)
    except BaseException:
        store.feedback.release(token.nonce)
        raise
    store.feedback.done(token.nonce, str(path))
    row = store.feedback.get(token.nonce)
    assert row is not None
    return row, lead
