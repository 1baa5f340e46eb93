"""Who: the people of the gazetteer named in the event's sentence and the title, each shown with the
post they held on the article's date ("Menlu RI Retno Marsudi", "Dubes Ukraina untuk Indonesia …").
A post named without a name in the body ("bertemu Menlu Rusia di …") is its holder on that date,
when exactly one person of the gazetteer held it; not a former or deputy one ("mantan Menlu AS",
"Wakil Menlu Rusia"), not when a name follows (someone the gazetteer does not know)."""

from __future__ import annotations

import re
from datetime import date

from .field import Field
from .gazetteer import Person, gazetteer
from .sentences import Sentence


def mentions(text: str) -> list[tuple[int, Person]]:
    """(position, person) of every gazetteer person in ``text``, in order, each once."""
    found: dict[str, tuple[int, Person]] = {}
    for person, pattern in gazetteer().person_patterns:
        m = pattern.search(text)
        if m and person.name not in found:
            found[person.name] = (m.start(), person)
    return sorted(found.values(), key=lambda t: t[0])


# a name follows (someone the gazetteer may not know), or not the holder of that day ("… terpilih": elect)
_NAME_FOLLOWS = re.compile(r"\s*,?\s*\(?[A-Z]|\s+(terpilih|sebelumnya|terdahulu|pertama|periode|ke-\d)\b")
_NOT_THE_HOLDER = {"mantan", "eks", "bekas", "calon", "wakil", "wamen", "jubir", "penasihat", "utusan", "staf", "istri"}


def holders_named(text: str, day: date | None) -> list[tuple[int, Person]]:
    """(position, person) of each post named without its holder's name."""
    if day is None:
        return []
    gz = gazetteer()
    out = []
    for m in gz.post_pattern.finditer(text):
        before = text[: m.start()].split()
        if _NAME_FOLLOWS.match(text[m.end() :]) or (before and before[-1].lower() in _NOT_THE_HOLDER):
            continue
        to = gz.state_names[m.group("to")] if m.group("to") else ""
        found = gz.holders(gz.role_names[m.group("role")], gz.state_names[m.group("state")], to, day)
        if len(found) == 1:
            out.append((m.start(), found[0]))
    return out


def shown(person: Person, day: date | None) -> str:
    post = person.post_on(day)
    if post is None:
        return person.name
    to = f" untuk {post.to}" if post.to else ""
    return f"{post.role} {post.state}{to} {person.name}"


def find(sentences: list[Sentence], day: date | None) -> list[Field]:
    out: dict[str, Field] = {}
    for s in sentences:
        named = mentions(s.plain) + (holders_named(s.plain, day) if s.region != "title" else [])
        for _, person in sorted(named, key=lambda t: t[0]):
            out.setdefault(person.name, Field(person.name, shown(person, day), s.text))
    return list(out.values())
