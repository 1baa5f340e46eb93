"""Alerts: compose a story alert per format, and deliver the outbox exactly once per (story, channel, kind).

Delivery protocol (the outbox ledger in store.py):
  1. intent is recorded first: an outbox row with a unique key ``story:channel:kind[:n]`` (pending);
  2. a run *claims* the row atomically (pending/failed → sending); a concurrent run cannot;
  3. it sends through that one channel's sender;
  4. it records the outcome: sent, or failed with the error and a backoff for a later run.
A crash between 3 and 4 leaves the row in ``sending``. A later run never resends it blindly: after
``orphan_after`` it becomes ``uncertain`` and is reported (``pantau outbox``) so a person can requeue it.
That is the remaining window: at most one alert per channel may be lost-but-reported, never duplicated.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable
from urllib.parse import urlsplit

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from .extract import WIB
from .store import Store, aware, utcnow

Sender = Callable[[str, str, str], tuple[bool, "str | None"]]   # (title, body, format) -> (ok, error)

FORMATS = ("markdown", "html", "text")
ORPHAN_AFTER = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """Wait before retrying a failed send: 2, 4, 8 … minutes, at most 6 hours."""
    return timedelta(minutes=min(360, 2 ** attempts))


@dataclass
class Channel:
    """A resolved delivery target. ``send`` closes over the secret URL; nothing else sees it."""
    name: str
    format: str
    send: Sender
    topics: list[str] | None = None
    max_per_run: int = 50
    update_mode: str = "update"      # update: a story that grows is re-alerted as "+N outlets"; silent: not
    mode: str = "instant"            # instant, or digest: everything due goes out together on digest_cron
    digest_cron: str = "0 7 * * *"
    timezone: str = "Asia/Jakarta"
    template_dir: str | None = None
    tags: list[str] | None = None


# ---- untrusted text ---------------------------------------------------------------------------
_MENTION = re.compile(r"@(here|channel|everyone)\b", re.I)


def slack_escape(text: str) -> str:
    """Slack mrkdwn for untrusted text. Apprise's Slack plugin escapes & < > itself but keeps
    ``<url|label>`` links and turns ``@name`` into a mention, so: angle brackets become look-alikes
    (no <!channel>, <@U…> or injected links), every @ becomes a full-width ＠ (no mention),
    and formatting characters are neutralised."""
    text = text.replace("<", "\u2039").replace(">", "\u203a").replace("@", "\uff20")
    return text.replace("*", "\u2217").replace("`", "'").replace("|", "\u2758")


def text_escape(text: str) -> str:
    return _MENTION.sub(lambda m: "@\u200b" + m.group(1), text)


def _env(fmt: str, override_dir: str | None) -> Environment:
    loader = PackageLoader("pantau", "templates")
    if override_dir:                          # user templates win; missing ones fall back to ours
        loader = ChoiceLoader([FileSystemLoader(override_dir), loader])
    env = Environment(loader=loader, autoescape=select_autoescape(enabled_extensions=("j2",)) if fmt == "html" else False,
                      trim_blocks=False, keep_trailing_newline=False)
    if fmt == "markdown":
        env.finalize = lambda v: slack_escape(v) if isinstance(v, str) else v
    elif fmt == "text":
        env.finalize = lambda v: text_escape(v) if isinstance(v, str) else v
    return env


def outlet_name(article: dict) -> str:
    return article.get("site") or urlsplit(article["url"]).hostname or article["source"]


def wib(dt: datetime | None) -> str:
    if dt is None:
        return "time unknown"
    return aware(dt).astimezone(WIB).strftime("%d %b %Y %H:%M WIB")


def render(story: dict, articles: list[dict], kind: str, fmt: str, topic_label: str,
           new_ids: set[int] | None = None, template_dir: str | None = None) -> tuple[str, str]:
    """(title, body) of an alert for one story in one format."""
    lead = max(articles, key=lambda a: a.get("score") or 0)
    expl = json.loads(lead.get("explanation") or "{}")
    new_ids = new_ids or set()
    excerpt = " ".join(lead["text"].split())[:300]
    if len(lead["text"]) > 300:
        excerpt = excerpt.rsplit(" ", 1)[0] + " …"
    ctx = dict(
        kind=kind, title=story["title"], topic_label=topic_label, score=lead.get("score") or 0.0,
        reason=expl.get("reason", ""), published=wib(min((a["published"] for a in articles if a["published"]), default=None)),
        articles=[dict(outlet=outlet_name(a), url=a["url"], title=a["title"], is_new=a["id"] in new_ids) for a in articles],
        new_outlets=sorted({outlet_name(a) for a in articles if a["id"] in new_ids}), excerpt=excerpt,
        story_id=story.get("id"),            # for "Wrong alert? pantau feedback <id> --wrong"
    )
    body = _env(fmt, template_dir).get_template(f"{fmt}.j2").render(**ctx).strip()
    prefix = "[pantau] " + ("update: " if kind == "update" else "")
    title = story["title"][:200]
    title = slack_escape(title) if fmt == "markdown" else text_escape(title)   # a title is untrusted too
    return prefix + title, body


# ---- planning and delivery ----------------------------------------------------------------------
def plan(store: Store, story_id: int, topic: str, channels: list[Channel]) -> int:
    """Record the intent to alert every channel about a new or grown story. Returns rows added."""
    arts = store.story_articles(story_id)
    ids = [a["id"] for a in arts]
    added = 0
    for ch in channels:
        if ch.topics and topic not in ch.topics:
            continue
        previous = store.outbox_rows(story_id=story_id, channel=ch.name)
        if not previous:
            added += store.enqueue(f"{story_id}:{ch.name}:new", story_id, ch.name, "new", ids)
            continue
        covered = set().union(*(json.loads(r["article_ids"]) for r in previous))
        if not set(ids) - covered:
            continue
        if store.extend_unsent(previous[-1]["id"], ids):
            continue                          # not sent yet: the pending alert now lists every outlet
        if ch.update_mode == "update":
            added += store.enqueue(f"{story_id}:{ch.name}:update:{len(ids)}", story_id, ch.name, "update", ids)
    return added


def _compose(store: Store, row: dict, ch: Channel, topic_labels: dict[str, str],
             template_dir: str | None) -> tuple[str, str]:
    story = store.get_story(row["story_id"])
    covered = set(json.loads(row["article_ids"]))
    arts = [a for a in store.story_articles(row["story_id"]) if a["id"] in covered]
    new_ids = None
    if row["kind"] == "update":
        earlier: set[int] = set()
        for r in store.outbox_rows(story_id=row["story_id"], channel=ch.name):
            if r["id"] != row["id"] and r["state"] == "sent":
                earlier |= set(json.loads(r["article_ids"]))
        new_ids = covered - earlier
    return render(story, arts, row["kind"], ch.format, topic_labels.get(story["topic"], story["topic"]),
                  new_ids=new_ids, template_dir=template_dir)


def deliver(store: Store, channels: list[Channel], run_id: str, topic_labels: dict[str, str],
            now: datetime | None = None, template_dir: str | None = None) -> dict[str, int]:
    """Send what is due on every channel; one channel's failure never touches another's rows."""
    counts = {"sent": 0, "failed": 0, "uncertain": 0}
    for row in store.orphaned_sends(ORPHAN_AFTER):
        store.mark_uncertain(row["id"], "run ended between send and record; not resent automatically "
                                        "(see `pantau outbox`, requeue with `pantau outbox --requeue ID`)")
        counts["uncertain"] += 1
    for ch in channels:
        if ch.mode == "digest":
            _deliver_digest(store, ch, run_id, topic_labels, now or utcnow(), counts)
            continue
        sent_here = 0
        for row in store.due(ch.name, now=now):
            if sent_here >= ch.max_per_run:
                break
            if not store.claim(row["id"], run_id):
                continue                       # another run has it
            try:
                title, body = _compose(store, row, ch, topic_labels, template_dir or ch.template_dir)
                ok, err = ch.send(title, body, ch.format)
            except Exception as e:  # a template or sender bug is a failed delivery, not a crashed run
                ok, err = False, f"{type(e).__name__}: {e}"
            if ok:
                store.mark_sent(row["id"])
                counts["sent"] += 1
                sent_here += 1
            else:
                store.mark_failed(row["id"], f"{ch.name}: {err}", backoff(row["attempts"]))
                counts["failed"] += 1
    return counts


def digest_due(ch: Channel, last_sent: datetime | None, oldest_pending: datetime, now: datetime) -> bool:
    """Has a digest_cron tick (in the channel's timezone) passed since the last digest — or, before
    the first one, since the oldest waiting alert was recorded?"""
    from zoneinfo import ZoneInfo
    from cronsim import CronSim
    since = (last_sent or oldest_pending).astimezone(ZoneInfo(ch.timezone))
    return next(CronSim(ch.digest_cron, since)) <= now


def _deliver_digest(store: Store, ch: Channel, run_id: str, topic_labels: dict[str, str], now: datetime,
                    counts: dict[str, int]) -> None:
    rows = store.due(ch.name, now=now)
    if not rows:
        return
    sent = [r["sent_at"] for r in store.outbox_rows(channel=ch.name) if r["sent_at"]]
    last = max(sent) if sent else None
    if not digest_due(ch, aware(last), min(aware(r["created_at"]) for r in rows), now):
        return
    rows = [r for r in rows[: ch.max_per_run] if store.claim(r["id"], run_id)]
    if not rows:
        return
    try:
        parts = [_compose(store, r, ch, topic_labels, ch.template_dir) for r in rows]
        sep = "\n\n<hr>\n\n" if ch.format == "html" else "\n\n———\n\n"
        title = f"[pantau] digest: {len(rows)} stor{'y' if len(rows) == 1 else 'ies'}"
        ok, err = ch.send(title, sep.join(body for _, body in parts), ch.format)
    except Exception as e:
        ok, err = False, f"{type(e).__name__}: {e}"
    for r in rows:
        if ok:
            store.mark_sent(r["id"])
        else:
            store.mark_failed(r["id"], f"{ch.name}: {err}", backoff(r["attempts"]))
    counts["sent" if ok else "failed"] += len(rows)


def sample_alert(fmt: str, template_dir: str | None = None) -> tuple[str, str]:
    """A realistic alert (the seed story, two outlets) for `pantau test-alert`."""
    now = utcnow()
    story = {"id": None, "title": "[test] Blinken Bertemu Lavrov di Sela Pertemuan Menlu G20 New Delhi", "topic": "test"}
    expl = json.dumps({"reason": "Rusia · G20 · Ukraina · pertemuan · diplomat; like 000_d65872ee167d278c"})
    arts = [dict(id=1, site="Liputan6", url="https://www.liputan6.com/global/read/test", source="liputan6",
                 title="Blinken Desak Lavrov Akhiri Perang", published=now, score=0.97, explanation=expl,
                 text="Menteri Luar Negeri AS Antony Blinken meminta Menlu Rusia Sergei Lavrov mengakhiri perang "
                      "agresi melawan Ukraina saat keduanya bertatap muka di sela pertemuan G20 di New Delhi."),
            dict(id=2, site="Kompas", url="https://www.kompas.com/global/read/test", source="kompas",
                 title="Rusia Tuduh Barat Lakukan Pemerasan di Pertemuan G20", published=now, score=0.95,
                 explanation=expl, text="Rusia menuduh Barat melakukan pemerasan dan ancaman.")]
    title, body = render(story, arts, "new", fmt, "pantau test alert", template_dir=template_dir)
    return title, body
