"""Evaluate a topic matcher on labeled JSONL (title, text, label: 1 relevant, 0 not, 2 ambiguous → skipped).

Also the two honest ways of measuring a topic whose exemplars came from the same labeled data:
``held_aside`` (a fixed half of the dev set that no exemplar and no tuning ever saw) and
``cross_validate`` (k folds; each fold is scored by the topic with the exemplars of the *other*
folds, and without any shipped exemplar that came from the fold itself).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import PantauError
from ..models import Match
from .exemplars import Exemplar
from .loading import Topic
from .matcher import Matcher


class DataError(PantauError, ValueError):
    """A labeled file is missing or a line of it is not a labeled article."""


def read_labeled(path: Path) -> list[dict]:
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            item["label"] = int(item["label"])
            item["title"], item["text"] = item.get("title") or "", str(item["text"])
        except (ValueError, KeyError, TypeError) as e:
            raise DataError(f"{path}:{i}: each line needs title, text and label ({e})") from None
        items.append(item)
    return items


def evaluate(matcher: Matcher, data: Path | Iterable[dict]) -> dict:
    items = read_labeled(Path(data)) if isinstance(data, (str, Path)) else data
    tp = fp = fn = tn = skipped = 0
    errors = []
    for item in items:
        label = int(item["label"])
        if label == 2:
            skipped += 1
            continue
        m = matcher.score(item.get("title") or "", item["text"])
        if m.relevant and label == 1:
            tp += 1
        elif m.relevant:
            fp += 1
            errors.append(("false_alarm", item, m))
        elif label == 1:
            fn += 1
            errors.append(("miss", item, m))
        else:
            tn += 1
    return dict(
        **_scores(tp, fp, fn, tn),
        skipped=skipped,
        threshold=matcher.topic.threshold,
        errors=errors,
    )


def evaluate_by(matcher: Matcher, items: Iterable[dict], key: str = "kind") -> dict:
    """Figures overall and per value of ``key`` (e.g. the kind of story), each item scored once."""
    counts: dict[str, list[int]] = {}
    overall = [0, 0, 0, 0]
    errors = []
    skipped = 0
    for item in items:
        label = int(item["label"])
        if label == 2:
            skipped += 1
            continue
        m = matcher.score(item.get("title") or "", item["text"])
        slot = (0 if label == 1 else 1) if m.relevant else (2 if label == 1 else 3)  # tp fp fn tn
        for c in (overall, counts.setdefault(str(item.get(key) or "-"), [0, 0, 0, 0])):
            c[slot] += 1
        if slot in (1, 2):
            errors.append(("false_alarm" if slot == 1 else "miss", item, m))
    return dict(
        **_scores(*overall),
        skipped=skipped,
        threshold=matcher.topic.threshold,
        errors=errors,
        by={k: _scores(*v) for k, v in sorted(counts.items())},
    )


def format_by(r: dict, key: str = "kind") -> str:
    """One line per group: its counts, and precision/recall/F1 where the group has what they need."""
    lines = [f"  {key:<24} {'n':>4} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4}   precision  recall    F1"]
    for name, g in r["by"].items():
        p = f"{g['precision']:.3f}" if g["tp"] + g["fp"] else "-"
        rc = f"{g['recall']:.3f}" if g["tp"] + g["fn"] else "-"
        f1 = f"{g['f1']:.3f}" if g["tp"] + g["fn"] else "-"
        counts = " ".join(f"{g[k]:>4}" for k in ("n", "tp", "fp", "fn", "tn"))
        lines.append(f"  {name:<24} {counts}   {p:>9} {rc:>7} {f1:>5}")
    return "\n".join(lines)


def _scores(tp: int, fp: int, fn: int, tn: int) -> dict:
    """The counts and what follows from them: n, precision, recall and F1 of the relevant class."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return dict(
        n=tp + fp + fn + tn,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
    )


SUMMARY_KEYS = ("n", "tp", "fp", "fn", "tn", "skipped", "precision", "recall", "f1", "threshold")


def summary(r: dict, with_errors: bool = False) -> dict:
    """The JSON-able part of a report; ``errors`` as rows a script can feed back."""
    out = {k: r[k] for k in SUMMARY_KEYS if k in r}
    if with_errors:
        out["errors"] = [
            {"kind": kind, "id": item.get("id"), "title": item.get("title", ""), "score": m.score}
            for kind, item, m in r["errors"]
        ]
    return out


def format_report(r: dict) -> str:
    return (
        f"n {r['n']} (skipped {r['skipped']} ambiguous) · tp {r['tp']} fp {r['fp']} fn {r['fn']} · "
        f"precision {r['precision']:.3f} recall {r['recall']:.3f} F1 {r['f1']:.3f} "
        f"@ threshold {r['threshold']}"
    )


def format_match(title: str, m: Match, describe: Callable[[str], str] | None = None) -> str:
    """``describe``: an exemplar's file name → how a reader knows it (Matcher.describe), shown after it."""
    c, k = m.concepts, m.contributions

    def named(name: str | None) -> str:
        return f"{name} — {describe(name)}" if name and describe is not None else str(name)

    neg = f"{named(m.nearest_negative)} (cosine {m.negative_similarity:.3f})" if m.nearest_negative else "- (none)"
    verdict = "MATCH" if m.relevant else "no match"
    votes = ", ".join(f"{k} {v:.0%}" for k, v in m.about_votes.items())
    lines = [
        f"{verdict}  score {m.score:.3f} (threshold for {m.topic})  {title}",
        f"  reason: {m.reason}",
        f"  actors: {', '.join(c.get('actor', [])) or '-'}",
        f"  diplomacy: {', '.join(c.get('diplomacy', []) + c.get('weak', [])) or '-'}",
        f"  off-topic: {', '.join(c.get('offtopic', [])) or '-'}"
        + (f"  (not the actor: {', '.join(c['backdrop'])})" if c.get("backdrop") else ""),
        f"  about: {m.about or '-'}" + (f"  (sentence votes: {votes})" if votes else ""),
        *(f"    {line}" for line in m.about_sentences),
        f"  not the act (a cause, time or occasion): {', '.join(c['setting'])}" if c.get("setting") else "",
        f"  nearest positive exemplar: {named(m.nearest_exemplar)} (cosine {m.similarity:.3f})",
        f"  nearest negative exemplar: {neg}",
        f"  top terms: {', '.join(m.top_terms) or '-'}",
        f"  score = concepts {k.get('concepts', 0):.3f} + exemplars {k.get('exemplars', 0):+.3f} "
        f"(similarity weight × (positive {k.get('positive_similarity', 0):.3f} − negative "
        f"{k.get('negative_similarity', 0):.3f}))",
        "  details: "
        + ", ".join(
            f"{key} {v}"
            for key, v in k.items()
            if key not in ("concepts", "exemplars", "positive_similarity", "negative_similarity")
        ),
    ]
    return "\n".join(line for line in lines if line)


def format_errors(r: dict) -> str:
    out = []
    for kind, item, m in r["errors"]:
        head = f"[{kind.replace('_', ' ')}] {item.get('id', '')}"
        out.append(f"{head} {format_match(item.get('title', ''), m)}")
    return "\n".join(out) or "no errors"


# ---- measuring without fooling ourselves ----------------------------------------------------------
def held_aside(item_id: str) -> bool:
    """The dev items kept aside for measuring: those whose SHA-256 of the id starts with an even
    32-bit number. No exemplar is taken from them and nothing was tuned on them."""
    return int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) % 2 == 0


def modern_held_out(item_id: str) -> bool:
    """The third of the modern (2022–26) set kept out of all tuning: SHA-256 of ``modern:<id>`` ≡ 0 mod 3."""
    return int(hashlib.sha256(("modern:" + item_id).encode()).hexdigest()[:8], 16) % 3 == 0


def fold_of(item_id: str, folds: int) -> int:
    return int(hashlib.sha256(("cv:" + item_id).encode()).hexdigest()[:8], 16) % folds


_ID = re.compile(r"\bid ([0-9a-f]{16})\b")


def exemplar_item_id(e: Exemplar) -> str | None:
    """The dev item an exemplar file was copied from, read from its ``source:`` line (``… id <hex>``)."""
    m = _ID.search(e.source)
    return m.group(1) if m else None


def item_exemplar(item: dict, polarity: str) -> Exemplar:
    return Exemplar(
        f"dev:{item.get('id', '')}",
        polarity,
        item.get("title") or "",
        item["text"],
        {"source": f"id {item.get('id', '')}"},
    )


def with_exemplars(
    topic: Topic,
    positives: Iterable[Exemplar] = (),
    negatives: Iterable[Exemplar] = (),
    drop: Callable[[Exemplar], bool] = lambda e: False,
) -> Topic:
    """A copy of a topic with exemplars added in memory (and some of its own dropped)."""

    def fresh(es):
        return [dataclasses.replace(e, vector={}) for e in es]

    return dataclasses.replace(
        topic,
        positives=fresh([e for e in topic.positives if not drop(e)]) + fresh(positives),
        negatives=fresh([e for e in topic.negatives if not drop(e)]) + fresh(negatives),
    )


def cross_validate(
    topic: Topic,
    items: list[dict],
    folds: int = 5,
    positive: Callable[[dict], bool] = lambda i: i["label"] == 1,
    negative: Callable[[dict], bool] | None = None,
    idf: tuple | None = None,
) -> dict:
    """k-fold figures: fold f is scored by the topic with its own exemplar files minus those copied
    from ``items`` (the seeds stay), plus the items of the other folds that ``positive`` /
    ``negative`` select (default: relevant items; not-relevant items that name an actor)."""
    base = Matcher(topic, idf)
    idf = (base.idf, base.idf_default)
    if negative is None:

        def negative(i):
            return i["label"] == 0 and base.concept_evidence(i["title"], i["text"])["mass"]["actor"] > 0

    items = [i for i in items if i["label"] != 2]
    all_ids = {i["id"] for i in items}
    pos_ids = {i["id"] for i in items if positive(i)}
    neg_ids = {i["id"] for i in items if negative(i)}
    tp = fp = fn = tn = 0
    per_fold = []
    errors = []
    for f in range(folds):
        test = [i for i in items if fold_of(i["id"], folds) == f]
        test_ids = {i["id"] for i in test}
        train = [i for i in items if i["id"] not in test_ids]
        t = with_exemplars(
            topic,
            [item_exemplar(i, "positive") for i in train if i["id"] in pos_ids],
            [item_exemplar(i, "negative") for i in train if i["id"] in neg_ids],
            drop=lambda e: exemplar_item_id(e) in all_ids,
        )
        r = evaluate(Matcher(t, idf), test)
        tp, fp, fn, tn = tp + r["tp"], fp + r["fp"], fn + r["fn"], tn + r["tn"]
        errors.extend(r["errors"])
        per_fold.append(summary(r))
    return dict(
        **_scores(tp, fp, fn, tn),
        skipped=0,
        threshold=topic.threshold,
        folds=per_fold,
        errors=errors,
    )
