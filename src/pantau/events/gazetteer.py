"""The gazetteers of the event card: YAML files shipped in ``pantau/events/gazetteer/`` (states, roles,
people with their posts by date, cities and venues, forums, actions), validated with pydantic and
compiled once into word-boundary patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..errors import PantauError


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class State(_Model):
    name: str  # as a card shows it after a role: "Menlu RI"
    country: str  # as a place: "Indonesia" ("" for the UN, the EU)
    aliases: list[str]


class Role(_Model):
    name: str
    aliases: list[str]


class Post(_Model):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    role: str
    state: str
    to: str = ""  # an ambassador's host state or body
    start: date = Field(alias="from")
    until: date | None = None

    def held_on(self, day: date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


class Person(_Model):
    name: str
    aliases: list[str]
    posts: list[Post] = []

    def post_on(self, day: date | None) -> Post | None:
        """The post held on ``day``; when the day is unknown, the person's only post (someone who held
        several is named without one rather than with the wrong one)."""
        if day is None:
            return self.posts[0] if len(self.posts) == 1 else None
        return next((p for p in reversed(self.posts) if p.held_on(day)), None)


class City(_Model):
    name: str
    country: str
    aliases: list[str]


class Venue(_Model):
    name: str
    city: str
    aliases: list[str]


class Forum(_Model):
    name: str
    patterns: list[str]


class Action(_Model):
    name: str
    patterns: list[str]


class _States(_Model):
    states: list[State]


class _Roles(_Model):
    roles: list[Role]


class _People(_Model):
    people: list[Person]


class _Places(_Model):
    cities: list[City]
    venues: list[Venue]


class _Forums(_Model):
    forums: list[Forum]


class _Actions(_Model):
    actions: list[Action]
    negations: list[str]


def alias_pattern(aliases: list[str]) -> re.Pattern:
    """One case-sensitive pattern for a list of spellings, longest first, at word boundaries."""
    alts = "|".join(re.escape(a) for a in sorted(set(aliases), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])")


@dataclass
class Gazetteer:
    states: dict[str, State]
    roles: list[Role]
    people: list[Person]
    cities: dict[str, City]
    venues: list[Venue]
    forums: list[tuple[Forum, list[re.Pattern]]]
    actions: list[tuple[Action, list[re.Pattern]]]
    negations: set[str]
    person_patterns: list[tuple[Person, re.Pattern]]
    city_patterns: list[tuple[City, re.Pattern]]
    venue_patterns: list[tuple[Venue, re.Pattern]]
    country_patterns: list[tuple[str, re.Pattern]]
    post_pattern: re.Pattern  # "Menlu Rusia", "Dubes Ukraina untuk Indonesia": a post named without its holder
    role_pattern: re.Pattern  # any office: "Presiden", "Menteri Luar Negeri" …
    role_names: dict[str, str]  # alias → role name
    state_names: dict[str, str]  # alias → state name

    def country_of(self, state_name: str) -> str:
        s = self.states.get(state_name)
        return s.country if s else ""

    def holders(self, role: str, state: str, to: str, day: date) -> list[Person]:
        """Who held the post ``role`` of ``state`` (accredited ``to``, when given) on ``day``."""
        out = []
        for p in self.people:
            post = p.post_on(day)
            if post and post.role == role and post.state == state:
                if not to or self.state_names.get(post.to, post.to) == to:
                    out.append(p)
        return out


def _read(name: str, model: type[_Model]):
    try:
        raw = resources.files("pantau.events").joinpath("gazetteer", name).read_text(encoding="utf-8")
        return model.model_validate(yaml.safe_load(raw))
    except (OSError, yaml.YAMLError, ValueError) as e:
        raise PantauError(f"events gazetteer {name}: {str(e).splitlines()[0]}") from None


def _compile(patterns: list[str]) -> list[re.Pattern]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


@cache
def gazetteer() -> Gazetteer:
    states = _read("states.yaml", _States).states
    roles = _read("roles.yaml", _Roles).roles
    people = _read("people.yaml", _People).people
    places = _read("places.yaml", _Places)
    forums = _read("forums.yaml", _Forums).forums
    acts = _read("actions.yaml", _Actions)
    role_names = {a: r.name for r in roles for a in r.aliases}
    state_names = {a: st.name for st in states for a in st.aliases}
    role_alt = alias_pattern(list(role_names)).pattern
    state_alt = alias_pattern(list(state_names)).pattern
    post = re.compile(rf"(?P<role>{role_alt})\s+(?P<state>{state_alt})(?:\s+untuk\s+(?P<to>{state_alt}))?")
    countries: dict[str, list[str]] = {}
    for s in states:
        if s.country:
            countries.setdefault(s.country, []).extend(a for a in s.aliases if len(a) > 3)  # "AS", "RI": not places
    return Gazetteer(
        states={s.name: s for s in states},
        roles=roles,
        people=people,
        cities={c.name: c for c in places.cities},
        venues=places.venues,
        forums=[(f, _compile(f.patterns)) for f in forums],
        actions=[(a, _compile(a.patterns)) for a in acts.actions],
        negations={n.lower() for n in acts.negations},
        person_patterns=[(p, alias_pattern(p.aliases)) for p in people],
        city_patterns=[(c, alias_pattern(c.aliases)) for c in places.cities],
        venue_patterns=[(v, alias_pattern(v.aliases)) for v in places.venues],
        country_patterns=[(name, alias_pattern(aliases)) for name, aliases in countries.items()],
        post_pattern=post,
        role_pattern=re.compile(role_alt),
        role_names=role_names,
        state_names=state_names,
    )
