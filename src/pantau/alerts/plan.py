"""Planning: record the intent to alert every channel about a new or grown story — before anything
is sent (the outbox row is what makes delivery exactly-once)."""

from __future__ import annotations

from ..models import Channel
from ..store import Store


def plan(store: Store, story_id: int, topic: str, channels: list[Channel]) -> int:
    """Outbox rows for a new or grown story on every channel that takes its topic. Returns rows added.

    A story that grows before its alert went out widens that alert (one alert listing every outlet);
    once sent, growth becomes a "+N outlets" update (``update_mode: update``) or nothing (``silent``).
    """
    ids = [a.id for a in store.articles.of_story(story_id)]
    added = 0
    for ch in channels:
        if ch.settings.topics and topic not in ch.settings.topics:
            continue
        previous = store.outbox.rows(story_id=story_id, channel=ch.name)
        if not previous:
            added += store.outbox.enqueue(f"{story_id}:{ch.name}:new", story_id, ch.name, "new", ids)
            continue
        covered = set().union(*(r.article_ids for r in previous))
        if not set(ids) - covered:
            continue
        if store.outbox.extend_unsent(previous[-1].id, ids):
            continue  # not sent yet: the pending alert now lists every outlet
        if ch.settings.update_mode == "update":
            added += store.outbox.enqueue(f"{story_id}:{ch.name}:update:{len(ids)}", story_id, ch.name, "update", ids)
    return added
