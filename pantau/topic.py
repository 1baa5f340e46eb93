"""Topic matching: is this article about the topic, and why?

A topic lives in ``seeds/<topic>/``: ``topic.yaml`` (concept lexicons, region weights, threshold) and
exemplar texts. The decision combines two kinds of evidence, both explainable:

* **concept evidence** — sentences in which a topic ACTOR (Russia, Ukraine, G20 and their people) and
  DIPLOMACY vocabulary occur *together*, weighted by where they occur (title 3×, lead 2×, body 1× by
  default: the title and lead say what an article is about; the tail mentions things in passing), and
  diluted by OFF-TOPIC vocabulary (sport, markets, entertainment, crime, battle) that signals the
  actor is only a backdrop. An actor absent from title and lead is a passing mention.
* **exemplar similarity** — TF-IDF cosine (stemmed, IDF from real Indonesian news) to the positive
  exemplars, and a penalty for looking more like a negative exemplar users added.

score = sat(co-occurrence) · centrality · focus + similarity bonus − negative penalty, clipped to [0, 1].
"""
from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from .models import Match
from .normalize import STOPWORDS, phrase_key, tokens, words

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
    concepts: dict[str, dict[str, list[tuple[str, ...]]]]   # kind → concept → phrases (word tuples)
    offtopic_weights: dict[str, float]
    positives: list[Exemplar]
    negatives: list[Exemplar]
    weights: dict[str, float]
    search_any: list[str] = field(default_factory=list)      # search engines: any of these words…
    search_context: list[str] = field(default_factory=list)  # …together with any of these (may be empty)


DEFAULT_WEIGHTS = {
    "cooccurrence_scale": 6.0,  # co-occurrence mass at which evidence is ~63 % saturated
    "weak_factor": 0.3,         # weight of a sentence whose only diplomacy words are weak ones
    "passing_factor": 0.35,     # multiplier when no actor appears in title or lead
    "similarity_weight": 0.3,   # bonus per unit of cosine to the nearest positive exemplar
    "negative_weight": 1.0,     # penalty per unit of cosine to a negative exemplar (above the positive)
}
KINDS = ("actor", "diplomacy", "weak", "offtopic")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


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
    concepts: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    off_weights: dict[str, float] = {}
    try:
        for kind in KINDS:
            concepts[kind] = {}
            for concept, value in (spec["concepts"].get(kind) or {}).items():
                phrases = value
                if isinstance(value, dict):
                    phrases = value["phrases"]
                    off_weights[concept] = float(value.get("weight", 1.0))
                concepts[kind][concept] = [k for k in (phrase_key(str(p)) for p in phrases) if k]
    except (KeyError, AttributeError, TypeError, ValueError):
        raise TopicError(f"{spec_path}: concepts must map actor/diplomacy/weak/offtopic to "
                         f"concept: [phrases] (offtopic may be concept: {{weight: w, phrases: [...]}})") from None
    if not concepts["actor"]:
        raise TopicError(f"{spec_path}: concepts.actor: at least one actor concept is required")
    ex = spec.get("exemplars") or {}
    search = spec.get("search") or {}
    if not isinstance(search, dict) or not all(isinstance(search.get(k, []), list) for k in ("any", "context")):
        raise TopicError(f"{spec_path}: search must be {{any: [words], context: [words]}}")
    topic = Topic(
        name=spec.get("name") or base.name,
        label=spec.get("label") or spec.get("name") or base.name,
        threshold=float(threshold if threshold is not None else spec.get("threshold", 0.5)),
        regions={**{"title": 3.0, "lead": 2.0, "body": 1.0}, **(spec.get("regions") or {})},
        lead_chars=int(spec.get("lead_chars", 400)),
        body_chars=int(spec.get("body_chars", 2500)),
        concepts=concepts,
        offtopic_weights=off_weights,
        positives=_read_exemplars(base, ex.get("positive") or [], "positive"),
        negatives=_read_exemplars(base, ex.get("negative") or [], "negative"),
        weights={**DEFAULT_WEIGHTS, **(spec.get("weights") or {})},
        search_any=[str(w) for w in search.get("any") or concepts["actor"]],
        search_context=[str(w) for w in search.get("context") or []],
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
        self._exact: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        self._prefix: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for kind, concepts in topic.concepts.items():
            for concept, phrases in concepts.items():
                for ph in phrases:
                    first = ph[0]
                    if first.endswith("*"):
                        self._prefix.setdefault(first[:-1], []).append((ph, kind, concept))
                    else:
                        self._exact.setdefault(first, []).append((ph, kind, concept))
        self._prefix_lengths = sorted({len(p) for p in self._prefix})
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

    @staticmethod
    def _word_matches(pattern: str, word: str) -> bool:
        return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern

    def _hits(self, ws: list[str]) -> list[tuple[str, str, str]]:
        """(kind, concept, phrase) for each phrase occurrence in a word list; longest first, no overlaps."""
        out, i, n = [], 0, len(ws)
        while i < n:
            w = ws[i]
            cands = list(self._exact.get(w, ()))
            for L in self._prefix_lengths:
                if L <= len(w):
                    cands.extend(self._prefix.get(w[:L], ()))
            best = None
            for ph, kind, concept in cands:
                if (best is None or len(ph) > len(best[0])) and i + len(ph) <= n and \
                        all(self._word_matches(p, ws[i + k]) for k, p in enumerate(ph)):
                    best = (ph, kind, concept)
            if best:
                out.append((best[1], best[2], " ".join(best[0])))
                i += len(best[0])
            else:
                i += 1
        return out

    def regions(self, title: str, text: str) -> dict[str, str]:
        body = text[: self.topic.body_chars]
        cut = self.topic.lead_chars
        dot = body.find(". ", cut)            # end the lead at a sentence boundary close after lead_chars
        if 0 <= dot < cut + 200:
            cut = dot + 1
        return {"title": title or "", "lead": body[:cut], "body": body[cut:]}

    # ---- the judgement ---------------------------------------------------------------------
    def score(self, title: str, text: str) -> Match:
        t, w = self.topic, self.topic.weights
        mass = {k: 0.0 for k in KINDS}
        found: dict[str, dict[str, float]] = {k: {} for k in KINDS}
        co = 0.0
        central = False
        for region, chunk in self.regions(title, text).items():
            rw = t.regions[region]
            for sentence in _SENTENCE.split(chunk):
                hits = self._hits(words(sentence))
                n = {k: 0 for k in KINDS}
                for kind, concept, _ in hits:
                    n[kind] += 1
                    inc = rw * (t.offtopic_weights.get(concept, 1.0) if kind == "offtopic" else 1.0)
                    mass[kind] += inc
                    found[kind][concept] = found[kind].get(concept, 0.0) + inc
                if n["actor"]:
                    central |= region != "body"
                    strength = 1.0 if n["diplomacy"] else (w["weak_factor"] if n["weak"] else 0.0)
                    co += rw * min(n["actor"], 2) * strength
        evidence = _sat(co, w["cooccurrence_scale"]) * (1.0 if central else w["passing_factor"])
        diplomacy = mass["diplomacy"] + w["weak_factor"] * mass["weak"]
        focus = (diplomacy + 1.0) / (diplomacy + mass["offtopic"] + 1.0)

        vec = self._vector(tokens(f"{title}\n{text[: t.body_chars]}"))
        sims = sorted(((self._cosine(vec, e.vector), e.name) for e in t.positives), reverse=True)
        sim, nearest = sims[0] if sims else (0.0, None)
        neg = max((self._cosine(vec, e.vector) for e in t.negatives), default=0.0)
        bonus = w["similarity_weight"] * sim if mass["actor"] else 0.0
        penalty = w["negative_weight"] * max(0.0, neg - sim)
        score = max(0.0, min(1.0, evidence * focus + bonus - penalty))

        top_terms: list[str] = []
        if nearest is not None:
            ev = next(e for e in t.positives if e.name == nearest).vector
            contrib = sorted(((v * ev.get(term, 0.0), term) for term, v in vec.items()), reverse=True)
            top_terms = [term for c, term in contrib[:8] if c > 0]
        ranked = {k: [c for c, _ in sorted(v.items(), key=lambda kv: -kv[1])] for k, v in found.items()}
        bits = ranked["actor"][:3] + ranked["diplomacy"][:3]
        reason = " · ".join(bits) if bits else "no topic evidence"
        if not central and mass["actor"]:
            reason += " (actor only in passing)"
        if ranked["offtopic"] and mass["offtopic"] > diplomacy:
            reason += f" · mostly {ranked['offtopic'][0]}"
        if nearest and sim >= 0.15:
            reason += f"; like {nearest}"
        return Match(
            topic=t.name, score=round(score, 4), relevant=score >= t.threshold, reason=reason,
            concepts=ranked, nearest_exemplar=nearest, similarity=round(sim, 4), top_terms=top_terms,
            contributions={"cooccurrence": round(co, 2), "evidence": round(evidence, 4), "central": central,
                           "focus": round(focus, 4), "similarity_bonus": round(bonus, 4),
                           "negative_penalty": round(penalty, 4), "actor_mass": mass["actor"],
                           "diplomacy_mass": mass["diplomacy"], "weak_mass": mass["weak"],
                           "offtopic_mass": round(mass["offtopic"], 2)},
        )
