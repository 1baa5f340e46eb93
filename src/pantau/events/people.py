"""Who: the people of the gazetteer named in the event's sentence and the title, each shown with the
post they held on the article's date ("Menlu RI Retno Marsudi", "Dubes Ukraina untuk Indonesia …")."""

from __future__ import annotations

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


def shown(person: Person, day: date | None) -> str:
    post = person.post_on(day)
    if post is None:
        return person.name
    to = f" untuk {post.to}" if post.to else ""
    return f"{post.role} {post.state}{to} {person.name}"


def find(sentences: list[Sentence], day: date | None) -> list[Field]:
    out: dict[str, Field] = {}
    for s in sentences:
        for _, person in mentions(s.plain):
            out.setdefault(person.name, Field(person.name, shown(person, day), s.text))
    return list(out.values())
