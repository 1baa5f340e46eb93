"""Topic matching: is this article about the topic, and why?

A topic lives in ``seeds/<topic>/``: ``topic.yaml`` (threshold, weights, an optional concept lexicon,
search words) and ``exemplars/positive/`` + ``exemplars/negative/`` (article texts). The decision adds
two kinds of evidence, both explainable:

* **concept evidence** (when the topic has a lexicon) — sentences in which a topic ACTOR (Russia,
  Ukraine, G20 and their people) and DIPLOMACY vocabulary occur *together*, weighted by where they
  occur (title 3×, lead 2×, body 1×), diluted by OFF-TOPIC vocabulary (sport, markets, entertainment,
  crime) that signals the actor is only a backdrop. An actor absent from title and lead is a passing
  mention; an actor word inside a BACKDROP phrase (``perusahaan Rusia``, ``warga Rusia``) or the
  dateline (``Liputan6.com, Moskow -``) is not the actor at all.
* **exemplar similarity** — TF-IDF cosine (Sastrawi stems, IDF from real Indonesian news) to the
  k nearest positive and the k nearest negative exemplars. An article that reads like a known
  relevant article gains, one that reads like a known false alarm loses.

    score = sat(co-occurrence) · centrality · focus  +  similarity_weight · (s⁺ − s⁻)

clipped to [0, 1]; similarity counts only when the article names an actor (or, in a topic without a
lexicon, one of its ``search.any`` words). Adding a positive exemplar can only raise scores and adding
a negative one can only lower them: the IDF is fixed, so no other vector moves.

This module loads a topic and combines the parts; the article is read into regions and sentences by
``sentences.py``, and what it is ABOUT (the concept evidence: sentence votes, settings, ``focus``) is
judged by ``about.py``.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from importlib import resources

from ..models import Match
from .about import DIPLOMACY, concept_evidence
from .exemplars import Exemplar
from .loading import Topic
from .normalize import STOPWORDS, stem
from .sentences import Sentence, read_sentences, regions_of


def load_idf() -> tuple[dict[str, float], float]:
    """Document frequencies of stems in a background of Indonesian news (see pantau/data/README.md)."""
    raw = resources.files("pantau").joinpath("data/idf.json.gz").read_bytes()
    data = json.loads(gzip.decompress(raw))
    n = data["n_docs"]
    idf = {t: math.log((n + 1) / (df + 1)) + 1.0 for t, df in data["df"].items()}
    return idf, math.log(n + 1) + 1.0


class ExemplarIndex:
    """Cosine of one vector against many exemplar vectors at once, through an inverted index
    (term → [(exemplar, weight)]): cost grows with the postings of the article's terms, not with the
    number of exemplars times the article's length."""

    def __init__(self, exemplars: list[Exemplar]):
        self.exemplars = exemplars
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for i, e in enumerate(exemplars):
            for t, w in e.vector.items():
                self.postings.setdefault(t, []).append((i, w))

    def cosines(self, vec: dict[str, float]) -> list[float]:
        acc = [0.0] * len(self.exemplars)
        post = self.postings
        for t, v in vec.items():
            for i, w in post.get(t, ()):
                acc[i] += v * w
        return acc

    def nearest(self, vec: dict[str, float], k: int) -> list[tuple[float, Exemplar]]:
        sims = self.cosines(vec)
        order = sorted(range(len(sims)), key=sims.__getitem__, reverse=True)[:k]
        return [(sims[i], self.exemplars[i]) for i in order]


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
            e.vector = self.vector(e.title, e.text)
        self.positive_index = ExemplarIndex(topic.positives)
        self.negative_index = ExemplarIndex(topic.negatives)

    # ---- pieces --------------------------------------------------------------------------
    def _vector(self, toks: list[str]) -> dict[str, float]:
        tf = Counter(t for t in toks if t not in STOPWORDS and len(t) > 1 and not t.isdigit())
        vec = {t: (1.0 + math.log(c)) * self.idf.get(t, self.idf_default) for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def _sentences(self, title: str, text: str) -> list[Sentence]:
        """Every sentence of title, lead and body (topic/sentences.py): read once, used by both the concept
        evidence and the vector."""
        return read_sentences(self.regions(title, text))

    def _vector_of(self, sentences: list[Sentence]) -> dict[str, float]:
        return self._vector([stem(w) for x in sentences for w in x.words if w not in STOPWORDS])

    def vector(self, title: str, text: str) -> dict[str, float]:
        """The TF-IDF vector (Sastrawi stems) an article is compared with exemplars by: title + scored body."""
        return self._vector_of(self._sentences(title, text))

    @staticmethod
    def _word_matches(pattern: str, word: str) -> bool:
        return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern

    def _hits(self, ws: list[str]) -> list[tuple[str, str, str, int]]:
        """(kind, concept, phrase, position) for each phrase occurrence in a word list; longest first, no
        overlaps."""
        out, i, n = [], 0, len(ws)
        while i < n:
            w = ws[i]
            cands = list(self._exact.get(w, ()))
            for L in self._prefix_lengths:
                if L <= len(w):
                    cands.extend(self._prefix.get(w[:L], ()))
            best = None
            for ph, kind, concept in cands:
                if (
                    (best is None or len(ph) > len(best[0]))
                    and i + len(ph) <= n
                    and all(self._word_matches(p, ws[i + k]) for k, p in enumerate(ph))
                ):
                    best = (ph, kind, concept)
            if best:
                out.append((best[1], best[2], " ".join(best[0]), i))
                i += len(best[0])
            else:
                i += 1
        return out

    def regions(self, title: str, text: str) -> dict[str, str]:
        return regions_of(title, text, self.topic.lead_chars, self.topic.body_chars)

    def _exemplar_side(self, index: ExemplarIndex, vec: dict[str, float]) -> tuple[float, list]:
        w = self.topic.weights
        k, floor = int(w["neighbours"]), w["similarity_floor"]
        near = index.nearest(vec, k) if index.exemplars else []
        s = sum(max(0.0, c - floor) for c, _ in near) / (k * (1.0 - floor))
        return s, [(e.name, round(c, 4)) for c, e in near]

    # ---- the judgement ---------------------------------------------------------------------
    def concept_evidence(self, title: str, text: str, sentences: list[Sentence] | None = None) -> dict:
        """The concept evidence and what the article is ABOUT (topic/about.py)."""
        if sentences is None:
            sentences = self._sentences(title, text)
        return concept_evidence(self.topic, sentences, self._hits)

    def score(self, title: str, text: str) -> Match:
        t, w = self.topic, self.topic.weights
        sentences = self._sentences(title, text)
        ev = self.concept_evidence(title, text, sentences)
        mass, found = ev["mass"], ev["found"]
        concept_part = ev["evidence"] * ev["focus"]

        vec = self._vector_of(sentences)
        s_pos, near_pos = self._exemplar_side(self.positive_index, vec)
        s_neg, near_neg = self._exemplar_side(self.negative_index, vec)
        gate = mass["actor"] > 0
        exemplar_part = w["similarity_weight"] * (s_pos - s_neg) if gate else 0.0
        score = max(0.0, min(1.0, concept_part + exemplar_part))

        nearest, sim = near_pos[0] if near_pos else (None, 0.0)
        top_terms: list[str] = []
        if nearest is not None:
            ev_vec = next(e for e in t.positives if e.name == nearest).vector
            contrib = sorted(((v * ev_vec.get(term, 0.0), term) for term, v in vec.items()), reverse=True)
            top_terms = [term for c, term in contrib[:8] if c > 0]
        ranked = {k: [c for c, _ in sorted(v.items(), key=lambda kv: -kv[1])] for k, v in found.items()}
        reason = self._reason(ranked, ev, near_pos, near_neg, exemplar_part, gate)
        total = sum(ev["about"].values()) or 1.0
        votes = {k: round(v / total, 3) for k, v in sorted(ev["about"].items(), key=lambda kv: -kv[1])}
        order = {"title": 0, "lead": 1, "body": 2}
        shown = sorted(
            (v for v in ev["voters"] if v["frame"] in (ev["decided"], DIPLOMACY)),
            key=lambda v: (v["frame"] != ev["decided"], order[v["region"]]),
        )[:6]
        return Match(
            topic=t.name,
            score=round(score, 4),
            relevant=score >= t.threshold,
            reason=reason,
            concepts=ranked,
            nearest_exemplar=nearest,
            similarity=round(sim, 4),
            top_terms=top_terms,
            nearest_negative=near_neg[0][0] if near_neg else None,
            negative_similarity=near_neg[0][1] if near_neg else 0.0,
            about=ev["decided"],
            about_votes=votes,
            about_sentences=[f"[{v['region']}] {v['frame']}: {v['text'][:160]}" for v in shown],
            contributions={
                "concepts": round(concept_part, 4),
                "exemplars": round(exemplar_part, 4),
                "cooccurrence": round(ev["co"], 2),
                "evidence": round(ev["evidence"], 4),
                "central": ev["central"],
                "focus": round(ev["focus"], 4),
                "positive_similarity": round(s_pos, 4),
                "negative_similarity": round(s_neg, 4),
                "actor_mass": mass["actor"],
                "diplomacy_mass": mass["diplomacy"],
                "weak_mass": mass["weak"],
                "offtopic_mass": round(mass["offtopic"], 2),
                "about_focus": round(ev["about_focus"], 4),
            },
        )

    def _reason(self, ranked: dict, ev: dict, near_pos: list, near_neg: list, exemplar_part: float, gate: bool) -> str:
        mass = ev["mass"]
        bits = ranked["actor"][:3] + ranked["diplomacy"][:3]
        reason = " · ".join(bits) if bits else "no topic evidence"
        if not ev["central"] and mass["actor"] and self.topic.lexicon:
            reason += " (actor only in passing)"
        if ev["decided"] not in ("-", DIPLOMACY):
            reason += f" · about {ev['decided']}"
        elif ranked["offtopic"] and mass["offtopic"] > ev["diplomacy"]:
            reason += f" · mostly {ranked['offtopic'][0]}"
        if gate and near_pos and abs(exemplar_part) >= 0.02:
            side = near_pos[0] if exemplar_part > 0 else (near_neg[0] if near_neg else near_pos[0])
            words = "reads like" if exemplar_part > 0 else "reads like the false alarm"
            reason += f"; {words} {self.describe(side[0])}"
        return reason

    def describe(self, name: str) -> str:
        """An exemplar as a reader knows it: “title” (outlet, date); its file name when unknown."""
        e = next((e for e in self.topic.positives + self.topic.negatives if e.name == name), None)
        return e.describe() if e is not None else name
