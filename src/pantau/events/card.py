"""The event card: who, where, which forum, when and what — read from the title and the lead.

The *event sentence* is the first lead sentence (else the title) that says what happened
(``action.py``). Who is read from it and the title; where, forum and when from it, the next lead
sentences that go on about the same event (up to two, stopping at background: "sebelumnya",
"pernah", "… lalu"), then the title. An article that says nothing happened (a statement, an
interview) gets only its people. A field the rules are unsure of is left out, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from . import action, forum, people, places, when
from .field import Field
from .gazetteer import gazetteer
from .sentences import Sentence, read

_BACKGROUND = re.compile(r"\b(sebelumnya|pernah|lalu|silam|mendatang|nanti|rencana\w*|belum)\b", re.IGNORECASE)
FIELDS = ("what", "who", "forum", "where", "when")


@dataclass
class EventCard:
    who: list[Field] = field(default_factory=list)
    where: Field | None = None
    forum: Field | None = None
    when: Field | None = None
    what: Field | None = None

    def __bool__(self) -> bool:
        return bool(self.what or self.who)

    def line(self) -> str:
        """One line: "met · Presiden RI Joko Widodo, Presiden Rusia Vladimir Putin · bilateral visit · …"."""
        bits = [self.what.shown if self.what else ""]
        bits.append(", ".join(p.shown for p in self.who))
        bits += [f.shown if f else "" for f in (self.forum, self.where, self.when)]
        return " · ".join(b for b in bits if b)

    def to_dict(self) -> dict:
        """For templates and JSON: each field's shown text (``who``: a list), plus ``line``."""
        out: dict = {"who": [p.shown for p in self.who], "line": self.line()}
        for name in ("where", "forum", "when", "what"):
            f = getattr(self, name)
            out[name] = f.shown if f else None
        return out

    def values(self) -> dict:
        """The canonical values, as the labels of scripts/eval_sets/event-cards.jsonl give them."""
        out: dict = {"who": [p.value for p in self.who]}
        for name in ("where", "forum", "when", "what"):
            f = getattr(self, name)
            out[name] = f.value if f else None
        return out

    def explain(self) -> list[str]:
        """Each field with the sentence it came from (``pantau explain``)."""
        if not self:
            return ["event: nothing the rules are sure of"]
        lines = [f"event: {self.line()}"]
        for name in FIELDS:
            f = getattr(self, name)
            for one in f if isinstance(f, list) else [f] if f else []:
                lines.append(f"  {name}: {one.shown}  ← “{_clip(one.sentence)}”")
        return lines


def _clip(text: str, size: int = 140) -> str:
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"


def _day(published: date | datetime | str | None) -> date | None:
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    if isinstance(published, str) and published:
        try:
            return date.fromisoformat(published[:10])
        except ValueError:
            return None
    return None


def _context(event: Sentence, sentences: list[Sentence]) -> list[Sentence]:
    """The event sentence, the lead sentences that go on about it, the one that sets it up (just
    before it), then the title."""
    out = [event]
    if event.region == "lead":
        for s in sentences:
            if s.region != "lead" or s.index <= event.index:
                continue
            if len(out) > 2 or _BACKGROUND.search(s.plain):
                break
            out.append(s)
        before = [s for s in sentences if s.region == "lead" and s.index == event.index - 1]
        out += [s for s in before if not _BACKGROUND.search(s.plain)]
    out += [s for s in sentences if s.region == "title" and s is not event]
    return out


def extract(title: str, text: str, published: date | datetime | str | None = None) -> EventCard:
    """The event card of one article (``published``: its date, which dates without a year need)."""
    day = _day(published)
    sentences = read(title, text)
    if not sentences:
        return EventCard()
    found = action.find(sentences)
    title_s = [s for s in sentences if s.region == "title"]
    if found is None:  # no event (a statement, an interview): who speaks, nothing more
        first = [s for s in sentences if s.region == "lead"][:1]
        return EventCard(who=people.find(first, day)[:1])
    name, event = found
    card = EventCard(what=Field(name, name, event.text))
    card.who = people.find([event] + [s for s in title_s if s is not event], day)
    context = _context(event, sentences)
    card.where = places.find(context)
    card.when = when.find(context, day)
    card.forum = forum.find(context)
    if card.forum is None and card.where is not None and name in ("met", "visited", "signed", "agreed"):
        card.forum = _visit(card, name, day, event.text, " ".join(s.plain for s in context))
    return card


def _visit(card: EventCard, name: str, day: date | None, sentence: str, context: str) -> Field | None:
    assert card.where is not None
    if forum.MULTILATERAL.search(context):
        return None
    host = places.country_of(card.where.value)
    gz = gazetteer()
    posts = [p.post_on(day) for p in gz.people if p.name in {w.value for w in card.who}]
    visitors = [(p.role, gz.country_of(p.state)) for p in posts if p is not None]
    hosted = any(c == host for _, c in visitors)
    if name == "visited" or hosted:
        return forum.visit(host, visitors, sentence)
    return None
