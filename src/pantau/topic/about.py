"""What an article is ABOUT, sentence by sentence: the concept evidence the matcher's score is built on.

Each sentence's concept hits (from the topic's lexicon) are read in place: a hit inside a *setting* (from a
marker such as ``akibat`` or ``menjelang`` to the end of its clause) is a cause, a time or an occasion;
after a *subject* marker (``soal``, ``terkait``) an off-topic word is what an actor speaks about; a
headline opening with ``Who:`` is a statement. Every sentence with evidence votes, with its region's
weight, for diplomacy or for an off-topic frame; an article whose headline and whole text are about
another frame by a clear margin (``frame_dominance``) is judged by those votes.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .loading import Topic
from .sentences import Sentence
from .spec import KINDS, MARKERS

DIPLOMACY = "diplomacy"

# (kind, concept, phrase, position) of each phrase of the lexicon found in a sentence's words
Hits = Callable[[list[str]], list[tuple[str, str, str, int]]]


def _sat(x: float, scale: float) -> float:
    return 1.0 - math.exp(-x / scale) if x > 0 else 0.0


def concept_evidence(topic: Topic, sentences: list[Sentence], hits_of: Hits) -> dict:
    """The concept evidence and what the article is ABOUT.

    Per sentence: hits inside a setting (from a marker such as ``akibat`` or ``menjelang`` to the end
    of its clause) are a cause, a time or an occasion, not what the sentence says, and do not count.
    A sentence in which a topic actor and diplomacy occur adds to the co-occurrence mass. Each
    sentence with any evidence then votes, with its region's weight, for what it is about: diplomacy
    (its diplomacy words) against each off-topic frame (its words of that frame), in proportion.
    ``focus`` = (diplomacy votes + 1) / (all votes + 1)."""
    t, w = topic, topic.weights
    mass = {k: 0.0 for k in KINDS + MARKERS}
    found: dict[str, dict[str, float]] = {k: {} for k in mass}
    about: dict[str, float] = {}
    voters: list[dict] = []
    co = 0.0
    central = False
    for x in sentences:
        rw = t.regions[x.region]
        hits, setting_clause, subject_clause, speaking = [], None, None, False
        for kind, concept, phrase, pos in hits_of(x.words):
            clause = x.clauses[pos]
            about_it = clause == subject_clause  # after "soal", "terkait": what is spoken of
            if kind in ("setting", "subject"):
                setting_clause, subject_clause = (clause, None) if kind == "setting" else (None, clause)
                concept = phrase
            elif clause == setting_clause and kind != "backdrop":
                kind, concept = "setting", phrase
            speaking |= x.speaker and kind == "actor" and clause == 0
            hits.append((kind, concept, about_it))
        n = {k: 0 for k in mass}
        for kind, _, _ in hits:
            n[kind] += 1
        if speaking and not n["weak"]:
            n["weak"] = 1  # "Rusia: …" — the actor speaking is a statement
        acts = n["actor"] and (n["diplomacy"] or n["weak"])  # an actor acts or speaks in this sentence
        frames: dict[str, float] = {}
        for kind, concept, about_it in hits:
            inc = rw
            if kind == "offtopic":
                if acts and (about_it or concept in t.diplomatic_subjects):
                    continue  # the subject of an official message, not a backdrop
                inc *= t.offtopic_weights.get(concept, 1.0)
                frames[concept] = frames.get(concept, 0.0) + t.offtopic_weights.get(concept, 1.0)
            mass[kind] += inc
            found[kind][concept] = found[kind].get(concept, 0.0) + inc
        if n["actor"]:
            central |= x.region != "body"
            strength = 1.0 if n["diplomacy"] else (w["weak_factor"] if n["weak"] else 0.0)
            if not t.lexicon:
                strength = 0.0
            co += rw * min(n["actor"], 2) * strength
        # diplomacy words vote fully where an actor is named, at the weak factor where none is
        acting = n["diplomacy"] + w["weak_factor"] * n["weak"] if n["actor"] else w["weak_factor"] * n["diplomacy"]
        total = acting + sum(frames.values())
        if total > 0 and t.lexicon:
            votes = {DIPLOMACY: acting, **frames}
            for frame, v in votes.items():
                if v:
                    about[frame] = about.get(frame, 0.0) + rw * v / total
            top = max(votes, key=votes.__getitem__)
            voters.append(dict(region=x.region, frame=top, weight=rw, text=x.text))
    evidence = _sat(co, w["cooccurrence_scale"]) * (1.0 if central else w["passing_factor"])
    diplomacy = mass["diplomacy"] + w["weak_factor"] * mass["weak"]
    word_focus = (diplomacy + 1.0) / (diplomacy + mass["offtopic"] + 1.0)
    about_focus = (about.get(DIPLOMACY, 0.0) + 1.0) / (sum(about.values()) + 1.0)
    head: dict[str, float] = {}  # the votes of the title and the lead alone
    for voter in voters:
        if voter["region"] != "body":
            head[voter["frame"]] = head.get(voter["frame"], 0.0) + voter["weight"]
    decided = max(about, key=about.__getitem__) if about else None
    # an article whose headline and whole text are about another frame, by a clear margin, is judged by
    # its sentences' votes; otherwise by the word masses (a diplomacy article quotes prices and battles)
    elsewhere = (
        decided not in (None, DIPLOMACY)
        and head
        and max(head, key=head.__getitem__) == decided
        and about_focus < w["frame_dominance"]
    )
    focus = min(word_focus, about_focus) if elsewhere else word_focus
    return dict(
        co=co,
        central=central,
        evidence=evidence,
        focus=focus,
        mass=mass,
        found=found,
        diplomacy=diplomacy,
        about=about,
        decided=decided or "-",
        about_focus=about_focus,
        voters=voters,
    )
