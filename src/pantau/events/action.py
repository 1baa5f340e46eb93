"""What happened — met, called, agreed, signed, voted, proposed, attended, visited — from the first
lead sentence (then the title) whose own words say it, outside quotations and not negated or planned
("belum tentu hadir", "akan bertemu")."""

from __future__ import annotations

import re

from .gazetteer import gazetteer
from .sentences import Sentence

_WORDS = re.compile(r"[\w-]+")
# a later lead sentence that opens like this recounts another, earlier or side event
_ASIDE = re.compile(
    r"^\W*(bahkan|sebelumnya|selain itu|sementara itu|adapun|di sisi lain|pada kesempatan lain)\b", re.I
)


def _negated(before: str, negations: set[str]) -> bool:
    words = [w.lower() for w in _WORDS.findall(before)[-3:]]
    return any(w in negations for w in words) or " ".join(words[-2:]) in negations


def _a_person_next(text: str) -> bool:
    """Does ``text`` open with a person — a gazetteer name or an office ("Presiden Putin", "Prabowo")?"""
    gz = gazetteer()
    head = text.lstrip()[:60]
    return any(p.match(head) for _, p in gz.person_patterns) or bool(gz.role_pattern.match(head))


def action_in(s: Sentence) -> str | None:
    """The action a sentence states (its first-listed kind when it states several), or None. Visiting
    a person ("mengunjungi Presiden Putin") is meeting them."""
    gz = gazetteer()
    for action, patterns in gz.actions:
        for p in patterns:
            for m in p.finditer(s.plain):
                if not _negated(s.plain[: m.start()], gz.negations):
                    visiting = m.group(0).lower().startswith(("mengunjungi", "berkunjung"))
                    if action.name == "visited" and visiting and _a_person_next(s.plain[m.end() :]):
                        return "met"
                    return action.name
    return None


def find(sentences: list[Sentence]) -> tuple[str, Sentence] | None:
    """(action, its sentence): the lead first, the title last (a headline's verb is often figurative)."""
    for s in sorted(sentences, key=lambda s: (s.region == "title", s.index)):
        if s.index > 1 and _ASIDE.match(s.plain):
            continue
        if (name := action_in(s)) is not None:
            return name, s
    return None
