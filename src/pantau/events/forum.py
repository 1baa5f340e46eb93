"""Which forum or kind of meeting: the first one the event's sentences name (G20 summit or
ministerial, UNGA, BRICS, ASEAN, a phone call, a state visit …), not one the event is only ahead of
("jelang KTT ASEAN"); else a bilateral visit when a leader or minister meets or visits in another
state's country."""

from __future__ import annotations

import re

from .field import Field
from .gazetteer import gazetteer
from .sentences import Sentence

# a forum the event is only ahead of, or someone is invited to, is another event
_AHEAD = re.compile(r"\b(jelang|menjelang|sebelum|undang|mengundang|undangan|diundang)\b[^.]{0,30}$", re.IGNORECASE)
# a visit to a multilateral meeting is not a bilateral visit
MULTILATERAL = re.compile(r"\b(G-?20|G-?7|ASEAN|BRICS|PBB|KTT|forum|konferensi|sidang|SPIEF)\b", re.IGNORECASE)
VISITING_ROLES = {"Presiden", "Wapres", "PM", "Kanselir", "Menlu", "Menhan", "Wakil PM"}


def forum_in(s: Sentence) -> str | None:
    for forum, patterns in gazetteer().forums:
        for p in patterns:
            for m in p.finditer(s.plain):
                if not _AHEAD.search(s.plain[max(0, m.start() - 40) : m.start()]):
                    return forum.name
    return None


def find(sentences: list[Sentence]) -> Field | None:
    for s in sentences:
        if name := forum_in(s):
            return Field(name, name, s.text)
    return None


def visit(host_country: str, visitors: list[tuple[str, str]], sentence: str) -> Field | None:
    """A bilateral visit: someone in a visiting role (``visitors``: (role, country)) from a state other
    than the host's, the event being in the host's country."""
    if host_country and any(role in VISITING_ROLES and c and c != host_country for role, c in visitors):
        return Field("bilateral visit", "bilateral visit", sentence)
    return None
