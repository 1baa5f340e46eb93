"""Where: a city (or a venue standing for one: "Istana Kremlin" → Moskow) the event sentence puts the
event in — after "di" or "ke", within a few words ("di Istana Maryinsky, Kyiv", "di ibu kota Laos,
Vientiane") — else a country named that way ("datang ke Ukraina"), never the war's theatre
("perang di Ukraina") nor the dateline."""

from __future__ import annotations

import re

from .field import Field
from .gazetteer import gazetteer
from .sentences import Sentence

# "di"/"ke" then at most five words (commas allowed) before the place
_BEFORE = re.compile(r"\b(?:di|ke)\s+(?:[\w.'’-]+,?\s+){0,5}$", re.IGNORECASE)
_THEATRE = re.compile(
    r"\b(perang|peperangan|konflik|invasi|serang\w*|situasi|krisis|perdamaian|damai|kemanusiaan|agresi|wilayah"
    r"|rakyat|warga|pasukan|pertempuran|operasi|aneksasi|pencaplokan|caplok\w*)\b[^,.]{0,20}$",
    re.IGNORECASE,
)


def _placed(text: str, start: int) -> bool:
    before = text[max(0, start - 60) : start]
    return bool(_BEFORE.search(before))


def cities_in(s: Sentence) -> list[tuple[int, str]]:
    """(position, city name) of the cities and venues the sentence places its event in."""
    gz = gazetteer()
    out = []
    for venue, pattern in gz.venue_patterns:
        out += [(m.start(), venue.city) for m in pattern.finditer(s.plain) if _placed(s.plain, m.start())]
    for city, pattern in gz.city_patterns:
        out += [(m.start(), city.name) for m in pattern.finditer(s.plain) if _placed(s.plain, m.start())]
    return sorted(out)


def countries_in(s: Sentence) -> list[tuple[int, str]]:
    gz = gazetteer()
    out = []
    for country, pattern in gz.country_patterns:
        for m in pattern.finditer(s.plain):
            before = s.plain[max(0, m.start() - 60) : m.start()]
            if re.search(r"\b(di|ke)\s+$", before, re.IGNORECASE) and not _THEATRE.search(before[:-4]):
                out.append((m.start(), country))
    return sorted(out)


def shown(name: str) -> str:
    city = gazetteer().cities.get(name)
    return f"{name}, {city.country}" if city and city.country != name else name


def find(sentences: list[Sentence]) -> Field | None:
    """The first city in the sentences (in the order given), else the first country."""
    for s in sentences:
        if found := cities_in(s):
            return Field(found[0][1], shown(found[0][1]), s.text)
    for s in sentences:
        if found := countries_in(s):
            return Field(found[0][1], found[0][1], s.text)
    return None


def country_of(place: str) -> str:
    """The country of a place value (a city's, or the place itself when it is a country)."""
    city = gazetteer().cities.get(place)
    return city.country if city else place
