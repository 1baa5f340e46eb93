"""Topic matching: is this article about the topic, and why?

A topic lives in ``seeds/<topic>/``: ``topic.yaml`` (concept lexicons, region weights, threshold) and
exemplar texts. The decision combines two kinds of evidence, both explainable:

* **concept evidence** — how strongly the topic's ACTORS and DIPLOMACY vocabulary are present,
  weighted by where they occur (title 3×, lead 2×, body 1× by default: the title and lead say what an
  article is about, the tail often mentions things in passing), against OFF-TOPIC vocabulary (sport,
  markets, entertainment, battlefield) that signals the actor is only a backdrop;
* **exemplar similarity** — TF-IDF cosine to the positive exemplars (and negative ones users add).

score = actor · diplomacy · focus + similarity bonus − negative-exemplar penalty, in [0, 1].
"""
from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml

from .models import Match
from .normalize import STOPWORDS, phrase_key, tokens

REGIONS = ("title", "lead", "body")


class TopicError(ValueError):
    pass


@dataclass
class Exemplar:
    name: str
    text: str
    vector: dict[str, float] = field(default_factory=dict)


@dataclass
class Topic:
    name: str
    label: str
    threshold: float
    regions: dict[str, float]
    lead_chars: int
    body_chars: int
    concepts: dict[str, dict[str, list[tuple[str, ...]]]]   # kind → concept → phrases (token tuples)
    positives: list[Exemplar]
    negatives: list[Exemplar]
    weights: dict[str, float]


DEFAULT_WEIGHTS = {
    "actor_scale": 5.0,        # actor mass at which actor evidence is ~63 % saturated
    "diplomacy_scale": 6.0,
    "offtopic_weight": 1.0,    # how much off-topic vocabulary dilutes diplomacy vocabulary
    "similarity_weight": 0.5,  # bonus per unit of cosine to the nearest positive exemplar
    "negative_weight": 1.0,    # penalty per unit of cosine to the nearest negative exemplar
}


def _read_exemplars(base: Path, names: list[str], kind: str) -> list[Exemplar]:
    out = []
    for n in names:
        p = base / n
        paths = sorted(p.glob("*.txt")) if p.is_dir() else [p]
        for q in paths:
            try:
                out.append(Exemplar(q.stem, q.read_text(encoding="utf-8")))
            except OSError as e:
                raise TopicError(f"{base / 'topic.yaml'}: exemplars.{kind}: cannot read {q} ({e.strerror})") from None
    return out


def load_topic(path: str | Path, threshold: float | None = None) -> Topic:
    base = Path(path)
    spec_path = base / "topic.yaml"
    try:
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    except OSError as e:
        raise TopicError(f"{spec_path}: cannot read topic ({e.strerror})") from None
    except yaml.YAMLError as e:
        raise TopicError(f"{spec_path}: not valid YAML: {e}") from None
    try:
        concepts = {
            kind: {concept: [phrase_key(p) for p in phrases] for concept, phrases in (spec["concepts"].get(kind) or {}).items()}
            for kind in ("actor", "diplomacy", "offtopic")
        }
    except (KeyError, AttributeError, TypeError):
        raise TopicError(f"{spec_path}: concepts must map actor/diplomacy/offtopic to concept: [phrases]") from None
    if not concepts["actor"]:
        raise TopicError(f"{spec_path}: concepts.actor: at least one actor concept is required")
    ex = spec.get("exemplars") or {}
    topic = Topic(
        name=spec.get("name") or base.name,
        label=spec.get("label") or spec.get("name") or base.name,
        threshold=float(threshold if threshold is not None else spec.get("threshold", 0.5)),
        regions={**{"title": 3.0, "lead": 2.0, "body": 1.0}, **(spec.get("regions") or {})},
        lead_chars=int(spec.get("lead_chars", 400)),
        body_chars=int(spec.get("body_chars", 2500)),
        concepts=concepts,
        positives=_read_exemplars(base, ex.get("positive") or [], "positive"),
        negatives=_read_exemplars(base, ex.get("negative") or [], "negative"),
        weights={**DEFAULT_WEIGHTS, **(spec.get("weights") or {})},
    )
    if not topic.positives:
        raise TopicError(f"{spec_path}: exemplars.positive: at least one exemplar text is required")
    return topic


def load_idf() -> tuple[dict[str, float], float]:
    """Document frequencies of stems in a background of Indonesian news (see pantau/data/README.md)."""
    raw = resources.files("pantau").joinpath("data/idf.json.gz").read_bytes()
    data = json.loads(gzip.decompress(raw))
    n = data["n_docs"]
    idf = {t: math.log((n + 1) / (df + 1)) + 1.0 for t, df in data["df"].items()}
    return idf, math.log(n + 1) + 1.0


def _sat(x: float, scale: float) -> float:
    return 1.0 - math.exp(-x / scale) if x > 0 else 0.0


class Matcher:
    def __init__(self, topic: Topic, idf: tuple[dict[str, float], float] | None = None):
        self.topic = topic
        self.idf, self.idf_default = idf or load_idf()
        self._index: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for kind, concepts in topic.concepts.items():
            for concept, phrases in concepts.items():
                for ph in phrases:
                    if ph:
                        self._index.setdefault(ph[0], []).append((ph, kind, concept))
        for lst in self._index.values():
            lst.sort(key=lambda x: -len(x[0]))    # longest phrase first
        for e in topic.positives + topic.negatives:
            e.vector = self._vector(tokens(e.text))

    # ---- pieces --------------------------------------------------------------------------
    def _vector(self, toks: list[str]) -> dict[str, float]:
        tf = Counter(t for t in toks if t not in STOPWORDS and len(t) > 1 and not t.isdigit())
        vec = {t: (1.0 + math.log(c)) * self.idf.get(t, self.idf_default) for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    @staticmethod
    def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(t, 0.0) for t, v in a.items())

    def _hits(self, toks: list[str]) -> list[tuple[str, str, str]]:
        """(kind, concept, phrase) for each phrase occurrence, longest match first, no overlaps."""
        out, i, n = [], 0, len(toks)
        while i < n:
            for ph, kind, concept in self._index.get(toks[i], ()):
                if tuple(toks[i:i + len(ph)]) == ph:
                    out.append((kind, concept, " ".join(ph)))
                    i += len(ph)
                    break
            else:
                i += 1
        return out

    def regions(self, title: str, text: str) -> dict[str, str]:
        body = text[: self.topic.body_chars]
        cut = self.topic.lead_chars
        # end the lead at a sentence boundary after lead_chars when there is one close by
        dot = body.find(". ", cut)
        if 0 <= dot < cut + 200:
            cut = dot + 1
        return {"title": title or "", "lead": body[:cut], "body": body[cut:]}

    # ---- the judgement ---------------------------------------------------------------------
    def score(self, title: str, text: str) -> Match:
        t = self.topic
        w = t.weights
        mass = {"actor": 0.0, "diplomacy": 0.0, "offtopic": 0.0}
        concepts: dict[str, dict[str, float]] = {"actor": {}, "diplomacy": {}, "offtopic": {}}
        all_toks: list[str] = []
        for region, chunk in self.regions(title, text).items():
            toks = tokens(chunk, drop_stopwords=False)
            all_toks.extend(toks)
            rw = t.regions[region]
            for kind, concept, _ in self._hits(toks):
                mass[kind] += rw
                concepts[kind][concept] = concepts[kind].get(concept, 0.0) + rw
        actor = _sat(mass["actor"], w["actor_scale"])
        diplomacy = _sat(mass["diplomacy"], w["diplomacy_scale"])
        focus = (mass["diplomacy"] + 1.0) / (mass["diplomacy"] + w["offtopic_weight"] * mass["offtopic"] + 1.0)
        evidence = actor * diplomacy * focus

        vec = self._vector(all_toks)
        sims = sorted(((self._cosine(vec, e.vector), e.name) for e in t.positives), reverse=True)
        sim, nearest = sims[0] if sims else (0.0, None)
        neg = max((self._cosine(vec, e.vector) for e in t.negatives), default=0.0)
        bonus = w["similarity_weight"] * sim if actor > 0 else 0.0
        penalty = w["negative_weight"] * max(0.0, neg - sim)
        score = max(0.0, min(1.0, evidence + bonus - penalty))

        top_terms = []
        if nearest is not None:
            ev = next(e for e in t.positives if e.name == nearest).vector
            contrib = sorted(((v * ev.get(term, 0.0), term) for term, v in vec.items()), reverse=True)
            top_terms = [term for c, term in contrib[:8] if c > 0]
        found = {k: [c for c, _ in sorted(v.items(), key=lambda kv: -kv[1])] for k, v in concepts.items()}
        reason_bits = found["actor"][:3] + found["diplomacy"][:3]
        reason = " · ".join(reason_bits) if reason_bits else "no topic evidence"
        if nearest and sim >= 0.15:
            reason += f"; like {nearest}"
        return Match(
            topic=t.name, score=round(score, 4), relevant=score >= t.threshold, reason=reason,
            concepts=found, nearest_exemplar=nearest, similarity=round(sim, 4), top_terms=top_terms,
            contributions={"actor": round(actor, 4), "diplomacy": round(diplomacy, 4), "focus": round(focus, 4),
                           "similarity_bonus": round(bonus, 4), "negative_penalty": round(penalty, 4),
                           "actor_mass": mass["actor"], "diplomacy_mass": mass["diplomacy"],
                           "offtopic_mass": mass["offtopic"]},
        )
