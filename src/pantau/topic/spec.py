"""topic.yaml: read and validate with pydantic, with errors that name the offending key.

A topic folder holds ``topic.yaml`` and ``exemplars/positive/`` (+ optional ``exemplars/negative/``).
Everything in topic.yaml is optional except what the matcher cannot do without: a topic needs either a
concept lexicon (``concepts.actor``) or a ``search.any`` list whose words gate exemplar similarity.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import TopicError

KINDS = ("actor", "diplomacy", "weak", "offtopic")
MARKERS = ("backdrop", "setting", "subject")  # concept kinds that change what other words mean


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfftopicConcept(_Strict):
    weight: float = Field(default=1.0, ge=0, description="how strongly one phrase dilutes the topic focus")
    subject_of_diplomacy: bool = Field(
        default=False,
        description="not off-topic in a sentence where an actor does diplomacy: there these words "
        "are the subject of an official message (arms sales, troops, missiles)",
    )
    phrases: list[str]


class Concepts(_Strict):
    actor: dict[str, list[str]] = Field(description="who the topic is about (Russia, Ukraine, G20 …)")
    diplomacy: dict[str, list[str]] = {}
    weak: dict[str, list[str]] = Field(default={}, description="weaker diplomacy words (presiden, pernyataan)")
    offtopic: dict[str, OfftopicConcept | list[str]] = {}
    backdrop: dict[str, list[str]] = Field(
        default={},
        description="phrases in which an actor word is a place, a company, a product or a person "
        "rather than a state acting (perusahaan Rusia, pesawat Rusia, warga Rusia)",
    )
    subject: dict[str, list[str]] = Field(
        default={},
        description="markers after which, to the end of the clause, off-topic words are what an actor "
        "acting or speaking in the sentence speaks of (kecewa soal usulan cabut visa)",
    )
    setting: dict[str, list[str]] = Field(
        default={},
        description="markers after which, to the end of the clause, words are a cause, a time or an "
        "occasion rather than what the sentence says (akibat sanksi, menjelang KTT G20)",
    )

    @field_validator("actor")
    @classmethod
    def _some_actor(cls, v: dict) -> dict:
        if not v:
            raise ValueError("at least one actor concept is required")
        return v


class Search(_Strict):
    any: list[str] = Field(default=[], description="search sources ask for any of these words …")
    context: list[str] = Field(default=[], description="… together with any of these (may be empty)")


class Regions(_Strict):
    title: float = Field(default=3.0, ge=0)
    lead: float = Field(default=2.0, ge=0)
    body: float = Field(default=1.0, ge=0)


class Weights(_Strict):
    cooccurrence_scale: float = Field(
        default=6.0, gt=0, description="co-occurrence mass at which concept evidence is ~63 % saturated"
    )
    weak_factor: float = Field(default=0.3, ge=0, description="a sentence with only weak diplomacy words")
    passing_factor: float = Field(default=0.35, ge=0, description="no actor in title or lead")
    similarity_weight: float = Field(
        default=1.0, ge=0, description="score per unit of (nearest positive − nearest negative) cosine"
    )
    neighbours: int = Field(default=1, ge=1, le=10, description="k: mean of the k nearest exemplars per side")
    frame_dominance: float = Field(
        default=0.45,
        ge=0,
        le=1,
        description="an article whose sentences vote for another frame (war, market …) in its headline and "
        "overall, with diplomacy's share of the votes below this, is judged by that share",
    )
    similarity_floor: float = Field(
        default=0.0, ge=0, le=1, description="cosines below this count as 0 (unrelated texts share words)"
    )


class TopicSpec(_Strict):
    name: str | None = None
    label: str | None = None
    threshold: float = Field(default=0.5, ge=0, le=1)
    regions: Regions = Regions()
    lead_chars: int = Field(default=400, ge=0)
    body_chars: int = Field(default=2500, ge=100)
    weights: Weights = Weights()
    concepts: Concepts | None = Field(
        default=None, description="optional hand lexicon; without it the exemplars decide, gated by search.any"
    )
    search: Search = Search()

    @model_validator(mode="before")
    @classmethod
    def _moved_keys(cls, data):
        if isinstance(data, dict) and "exemplars" in data:
            raise ValueError(
                "exemplars: no longer listed here: put exemplar .txt files in the topic's "
                "exemplars/positive/ and exemplars/negative/ folders"
            )
        return data

    @model_validator(mode="after")
    def _gate(self) -> TopicSpec:
        if self.concepts is None and not self.search.any:
            raise ValueError(
                "a topic needs concepts.actor (a lexicon) or search.any (words that an "
                "article must contain before its exemplar similarity counts)"
            )
        return self


def _format_errors(err: ValidationError, path: Path) -> str:
    """One line: the file, then each offending key and what is wrong with it."""
    parts = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"] if not str(p).startswith(("function-", "OfftopicConcept", "list[")))
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key (check spelling)"
        parts.append(f"{key or '(top level)'}: {msg}")
    return f"{path}: invalid topic: " + "; ".join(parts)


def read_spec(folder: Path) -> TopicSpec:
    """The validated topic.yaml of a topic folder; TopicError names the file and the key."""
    path = folder / "topic.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise TopicError(f"{path}: cannot read topic ({e.strerror})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise TopicError(f"{path}: not valid YAML{where}: {getattr(e, 'problem', None) or e}") from None
    if not isinstance(data, dict):
        raise TopicError(f"{path}: top level must be a mapping of keys")
    try:
        return TopicSpec.model_validate(data)
    except ValidationError as e:
        raise TopicError(_format_errors(e, path)) from None
