"""A topic folder as the matcher uses it: ``topic.yaml`` read and checked (``spec.py``), its concept
lexicon compiled into phrase keys, its exemplars read (``exemplars.py``): a ``Topic``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TopicError
from .exemplars import Exemplar, read_exemplars
from .normalize import phrase_key
from .spec import KINDS, MARKERS, TopicSpec, read_spec

SEARCH_CONCEPT = "search terms"


@dataclass
class Topic:
    name: str
    label: str
    threshold: float
    regions: dict[str, float]
    lead_chars: int
    body_chars: int
    concepts: dict[str, dict[str, list[tuple[str, ...]]]]  # kind → concept → phrases (word tuples)
    offtopic_weights: dict[str, float]
    positives: list[Exemplar]
    negatives: list[Exemplar]
    weights: dict[str, float]
    search_any: list[str] = field(default_factory=list)  # search engines: any of these words…
    search_context: list[str] = field(default_factory=list)  # …together with any of these (may be empty)
    lexicon: bool = True  # False: the exemplars alone decide
    diplomatic_subjects: set[str] = field(default_factory=set)  # off-topic concepts a statement can be about
    folder: Path | None = None
    spec: TopicSpec | None = None


def _compile(spec: TopicSpec) -> tuple[dict, dict[str, float], set[str]]:
    concepts: dict[str, dict[str, list[tuple[str, ...]]]] = {k: {} for k in KINDS + MARKERS}
    weights: dict[str, float] = {}
    subjects: set[str] = set()

    def keys(phrases: list[str]) -> list[tuple[str, ...]]:
        return [k for k in (phrase_key(str(p)) for p in phrases) if k]

    if spec.concepts is None:  # no lexicon: the search words are the gate (and only that)
        concepts["actor"][SEARCH_CONCEPT] = keys(spec.search.any)
        return concepts, weights, subjects
    c = spec.concepts
    for kind in ("actor", "diplomacy", "weak") + MARKERS:
        for name, phrases in getattr(c, kind).items():
            concepts[kind][name] = keys(phrases)
    for name, value in c.offtopic.items():
        if isinstance(value, list):
            concepts["offtopic"][name] = keys(value)
            weights[name] = 1.0
        else:
            concepts["offtopic"][name] = keys(value.phrases)
            weights[name] = value.weight
            if value.subject_of_diplomacy:
                subjects.add(name)
    return concepts, weights, subjects


def load_topic(path: str | Path, threshold: float | None = None) -> Topic:
    """A topic folder (topic.yaml + exemplars/) as the matcher uses it. TopicError names what is wrong."""
    base = Path(path)
    if not base.is_dir():
        raise TopicError(f"{base}: cannot read topic (no such folder)")
    spec = read_spec(base)
    concepts, off_weights, subjects = _compile(spec)
    positives, negatives = read_exemplars(base)
    return Topic(
        name=spec.name or base.name,
        label=spec.label or spec.name or base.name,
        threshold=float(threshold if threshold is not None else spec.threshold),
        regions=spec.regions.model_dump(),
        lead_chars=spec.lead_chars,
        body_chars=spec.body_chars,
        concepts=concepts,
        offtopic_weights=off_weights,
        positives=positives,
        negatives=negatives,
        weights=spec.weights.model_dump(),
        search_any=list(spec.search.any) or list(spec.concepts.actor if spec.concepts else []),
        search_context=list(spec.search.context),
        lexicon=spec.concepts is not None,
        diplomatic_subjects=subjects,
        folder=base,
        spec=spec,
    )
