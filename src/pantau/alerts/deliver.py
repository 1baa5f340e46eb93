"""Delivery: the outbox, exactly once per (story, channel, kind).

  1. intent is recorded first (``plan.py``): an outbox row with a unique key (pending);
  2. a run *claims* the row atomically (pending/failed → sending); a concurrent run cannot;
  3. it sends through that one channel's sender;
  4. it records the outcome: sent, or failed with the error and a backoff for a later run.
A crash between 3 and 4 leaves the row in ``sending``. A later run never resends it blindly: after
``ORPHAN_AFTER`` it becomes ``uncertain`` and is reported (``pantau outbox``) so a person can requeue it.
That is the remaining window: at most one alert per channel may be lost-but-reported, never duplicated.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim

from ..clock import utcnow
from ..errors import DeliveryError
from ..models import Channel, ChannelOutcome, Delivery, DigestMessage
from ..store import OutboxRow, Store
from . import digest
from .render import render

ORPHAN_AFTER = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """Wait before retrying a failed send: 2, 4, 8 … minutes, at most 6 hours."""
    return timedelta(minutes=min(360, 2**attempts))


def _compose(
    store: Store, row: OutboxRow, ch: Channel, topic_labels: dict[str, str], template_dir: str | None
) -> tuple[str, str]:
    story = store.stories.get(row.story_id)
    covered = set(row.article_ids)
    arts = [a for a in store.articles.of_story(row.story_id) if a.id in covered]
    new_ids = None
    if row.kind == "update":
        earlier: set[int] = set()
        for r in store.outbox.rows(story_id=row.story_id, channel=ch.name):
            if r.id != row.id and r.state == "sent":
                earlier |= set(r.article_ids)
        new_ids = covered - earlier
    return render(
        story,
        arts,
        row.kind,
        ch.format,
        topic_labels.get(story.topic, story.topic),
        new_ids=new_ids,
        template_dir=template_dir,
        feedback=ch.feedback(story.id, ch.name) if ch.feedback else None,
        max_chars=ch.max_chars,
    )


def _send(ch: Channel, title: str, body: str, key: str) -> DeliveryError | None:
    """Send; the error, or None when delivered."""
    try:
        ch.send(title, body, ch.format, key)
    except DeliveryError as e:
        return e
    return None


def _record(store: Store, row: OutboxRow, ch: Channel, err: DeliveryError | None, mine: ChannelOutcome) -> None:
    """Record the outcome of one send: sent; uncertain (never re-sent automatically); failed (retried)."""
    if err is None:
        store.outbox.mark_sent(row.id)
        mine.sent += 1
    elif err.uncertain:
        store.outbox.mark_uncertain(row.id, f"{ch.name}: {err} (check, then `pantau outbox --requeue {row.id}`)")
        mine.uncertain += 1
        mine.last_error = str(err)
    else:
        store.outbox.mark_failed(row.id, f"{ch.name}: {err}", backoff(row.attempts))
        mine.failed += 1
        mine.last_error = str(err)


def deliver(
    store: Store,
    channels: list[Channel],
    run_id: str,
    topic_labels: dict[str, str],
    now: datetime | None = None,
    template_dir: str | None = None,
    orphan_after: timedelta = ORPHAN_AFTER,
) -> Delivery:
    """Send what is due on every channel; one channel's failure never touches another's rows."""
    done = Delivery()
    for row in store.outbox.orphaned(orphan_after):
        store.outbox.mark_uncertain(
            row.id,
            "run ended between send and record; not resent automatically "
            "(see `pantau outbox`, requeue with `pantau outbox --requeue ID`)",
        )
        done.orphaned += 1
    for ch in channels:
        mine = done.channel(ch.name)
        if ch.settings.mode == "digest":
            _deliver_digest(store, ch, run_id, topic_labels, now or utcnow(), mine)
            mine.waiting = len(store.outbox.due(ch.name, now=now))  # "2 waiting for the digest"
            continue
        for row in store.outbox.due(ch.name, now=now):
            if mine.sent >= ch.settings.max_per_run:
                break
            if not store.outbox.claim(row.id, run_id):
                continue  # another run has it
            try:
                title, body = _compose(store, row, ch, topic_labels, template_dir or ch.template_dir)
                err = _send(ch, title, body, row.idempotency_key)
            except Exception as e:  # noqa: BLE001 - a template or sender bug is a failed delivery, not a crashed run
                err = DeliveryError(f"{type(e).__name__}: {e}")
            _record(store, row, ch, err, mine)
    return done


def digest_due(ch: Channel, last_sent: datetime | None, oldest_pending: datetime, now: datetime) -> bool:
    """Has a digest_cron tick (in the channel's timezone) passed since the last digest — or, before
    the first one, since the oldest waiting alert was recorded?"""
    since = (last_sent or oldest_pending).astimezone(ZoneInfo(ch.timezone))
    return next(CronSim(ch.settings.digest_cron, since)) <= now


def deliver_digests(
    store: Store,
    channels: list[Channel],
    run_id: str,
    topic_labels: dict[str, str],
    now: datetime | None = None,
    send_now: bool = False,
) -> Delivery:
    """The digest of every channel in ``mode: digest``: the stories waiting for it, in one message —
    when its digest_cron has ticked since its last digest, or at once with ``send_now``. Each channel's
    outcome carries the message sent or tried (``digest``; None when nothing was due)."""
    done = Delivery()
    for ch in channels:
        if ch.settings.mode == "digest":
            _deliver_digest(store, ch, run_id, topic_labels, now or utcnow(), done.channel(ch.name), send_now=send_now)
    return done


def _deliver_digest(
    store: Store,
    ch: Channel,
    run_id: str,
    topic_labels: dict[str, str],
    now: datetime,
    counts: ChannelOutcome,
    send_now: bool = False,
) -> None:
    due = store.outbox.due(ch.name, now=now)
    if not due:
        return
    oldest = min(r.created_at for r in due)
    last = store.outbox.last_sent_at(ch.name)
    if not send_now and not digest_due(ch, last, oldest, now):
        return
    rows = [r for r in due[: ch.settings.max_per_run] if store.outbox.claim(r.id, run_id)]
    if not rows:
        return
    try:
        items = digest.entries(store, rows, topic_labels)
        waiting = len({r.story_id for r in due})
        title, body, n = digest.compose(
            items, ch.format, last or oldest, now, ch.timezone, ch.max_chars, ch.template_dir, waiting
        )
        shown = [r for e in items[:n] for r in e.rows]
        for row_id in {r.id for r in rows} - {r.id for r in shown}:
            store.outbox.release(row_id)  # no room in this digest: the next one has it
        rows = shown
        counts.digest = DigestMessage(title, body, n)
        err = _send(ch, title, body, rows[0].idempotency_key)
    except Exception as e:  # noqa: BLE001 - as in deliver()
        err = DeliveryError(f"{type(e).__name__}: {e}")
    for r in rows:
        _record(store, r, ch, err, counts)
