"""A digest that reads as one: a header (the period, how many stories, from which outlets), then one
compact entry per story — its title, its outlets, one line (the event at a glance, else the start of
the lead article), its link — best first (score, then the newest), within the channel's size: what
does not fit is left for the next digest and counted ("+3 more in the next digest"), never cut
mid-entry nor sent too long. Templates ``digest-<format>.j2`` (overridable per channel)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from ..store import ArticleRow, OutboxRow, Store
from .render import environment, event_of, excerpt_of, outlet_name, wib


@dataclass
class Entry:
    """One story of a digest."""

    story_id: int
    title: str
    topic_label: str
    score: float
    published: datetime | None
    articles: list[ArticleRow]
    rows: list[OutboxRow] = field(default_factory=list)  # the outbox rows it answers

    @property
    def lead(self) -> ArticleRow:
        return max(self.articles, key=lambda a: a.score or 0)

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(outlet_name(a) for a in self.articles))

    def context(self) -> dict:
        lead = self.lead
        event = event_of(lead)
        gist = event["line"] if event and event.get("what") else excerpt_of(lead.text, 160)
        return dict(
            story_id=self.story_id,
            title=self.title,
            topic_label=self.topic_label,
            score=self.score,
            published=wib(self.published),
            outlets=self.outlets,
            gist=gist,
            link=lead.url,
            is_update=any(r.kind == "update" for r in self.rows) and not any(r.kind == "new" for r in self.rows),
        )


def entries(store: Store, rows: list[OutboxRow], topic_labels: dict[str, str]) -> list[Entry]:
    """One entry per story of ``rows`` (a story's new alert and its update are one entry), best first:
    by score, then the newest."""
    by_story: dict[int, Entry] = {}
    for r in rows:
        e = by_story.get(r.story_id)
        if e is None:
            story = store.stories.get(r.story_id)
            e = by_story[r.story_id] = Entry(
                r.story_id, story.title, topic_labels.get(story.topic, story.topic), 0.0, None, []
            )
        e.rows.append(r)
        have = {a.id for a in e.articles}
        e.articles += [a for a in store.articles.of_story(r.story_id) if a.id in set(r.article_ids) - have]
    out = [e for e in by_story.values() if e.articles]
    for e in out:
        e.score = max(a.score or 0.0 for a in e.articles)
        e.published = min((a.published for a in e.articles if a.published), default=None)
    return sorted(out, key=lambda e: (-e.score, -(e.published.timestamp() if e.published else 0.0)))


def period(since: datetime, until: datetime, tz: str) -> str:
    """ "04 Dec 07:00 – 05 Dec 07:00 WIB" in the channel's timezone."""
    a, b = since.astimezone(ZoneInfo(tz)), until.astimezone(ZoneInfo(tz))
    fmt = "%d %b %Y %H:%M" if a.year != b.year else "%d %b %H:%M"
    return f"{a.strftime(fmt)} – {b.strftime(fmt)} {b.strftime('%Z')}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def compose(
    items: list[Entry],
    fmt: str,
    since: datetime,
    until: datetime,
    tz: str = "Asia/Jakarta",
    max_chars: int = 0,
    template_dir: str | None = None,
    waiting: int | None = None,
) -> tuple[str, str, int]:
    """(title, body, how many entries it holds) of the digest of ``items`` (best first). ``waiting``:
    all the stories waiting (default: the items), so "+N more" counts those not even claimed."""
    template = environment(fmt, template_dir).get_template(f"digest-{fmt}.j2")
    contexts = [e.context() for e in items]
    total = max(waiting or 0, len(items))

    def body_of(n: int) -> str:
        shown = contexts[:n]
        outlets = Counter(o for c in contexts for o in c["outlets"])
        return template.render(
            period=period(since, until, tz),
            stories=_count(total, "story", "stories"),
            outlets=[o for o, _ in outlets.most_common()],
            outlet_count=_count(len(outlets), "outlet", "outlets"),
            entries=shown,
            more=total - n,
        ).strip()

    n = len(contexts)
    body = body_of(n)
    while max_chars and len(body) > max_chars and n > 1:
        n -= 1
        body = body_of(n)
    if max_chars and len(body) > max_chars and fmt != "html":
        body = body[: max_chars - 1] + "…"
    outlets = len({o for c in contexts for o in c["outlets"]})
    # pantau's own words and two counts: nothing in the title comes from a feed
    title = f"[pantau] digest: {_count(total, 'story', 'stories')} from {_count(outlets, 'outlet', 'outlets')}"
    return title, body, n
