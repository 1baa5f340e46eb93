"""make eval: topic quality on the dev set and the background pool, extraction quality on the gold pages,
and extraction on unseen layouts (pantau beside plain trafilatura).
Needs ../shared/corpus (skips cleanly without it) and data/eval/unseen (built by
scripts/build_unseen_eval.py; skips cleanly without it).
Usage: python scripts/eval.py [SHARED_DIR] [--only unseen|topic|gold]

Topic figures that count are those on data the matcher never saw:
  * the held-aside half of dev (pantau.topic.evaluate.held_aside; ids in scripts/dev-held-aside.txt):
    no exemplar comes from it and nothing was tuned on it;
  * 5-fold cross-validation over all of dev: each fold is scored with the seeds plus exemplars taken
    from the other folds by the same rule as the shipped set (relevant items, and not-relevant items
    naming an actor, CC BY part only) — and without the shipped exemplars copied from dev;
  * false alarms in the background pool (12,252 articles naming none of the topic's actors).
The full-dev line is for reference only: half of dev supplied the exemplars.

The modern (2022–26) figures need the local cache data/eval/modern-2022-26.jsonl (git-ignored: the
outlets' texts; scripts/build_modern_cache.py writes it). Labels come from
scripts/eval_sets/modern-2022-26.csv when present (the repository's copy: ids, URLs, labels, notes),
else from the cache. Printed overall, per kind, and for the third held out of all tuning
(pantau.topic.evaluate.modern_held_out).
"""

import csv
import gzip
import json
import sys
import time
from pathlib import Path
from statistics import mean

from pantau.extract.quality import (
    evaluate_extraction,
    evaluate_unseen,
    line_diff,
    pantau_text,
    plain_trafilatura,
    shingle_prf,
    shingles,
    trafilatura_defaults,
)
from pantau.topic import Matcher, load_topic
from pantau.topic.evaluate import (
    cross_validate,
    evaluate,
    evaluate_by,
    format_by,
    format_report,
    held_aside,
    modern_held_out,
    read_labeled,
)

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
ARGS = [a for a in ARGS if a != ONLY]
SHARED = Path(ARGS[0] if ARGS else "../shared")
CORPUS = SHARED / "corpus"
ROOT = Path(__file__).resolve().parent.parent
TOPIC = ROOT / "seeds" / "g20-russia-ukraine"
MODERN = ROOT / "data" / "eval" / "modern-2022-26.jsonl"
MODERN_LABELS = ROOT / "scripts" / "eval_sets" / "modern-2022-26.csv"
UNSEEN = ROOT / "data" / "eval" / "unseen"


def copyable(item: dict) -> bool:
    """CC BY 4.0 parts of dev (CLICK-ID 2018–2019, Indonesian News Corpus 2015), as the shipped rule."""
    return item.get("date", "")[:4] in ("2015", "2018", "2019")


def errors(r: dict) -> None:
    for kind, item, match in r["errors"]:
        print(f"  [{kind}] {match.score:.3f} {item.get('id', '')} {item['title'][:80]}  ({match.reason[:80]})")


def modern(m: Matcher) -> None:
    print("\n== modern news 2022–26 (local cache of real pages; labels by two readers)")
    if not MODERN.is_file():
        print(f"{MODERN.relative_to(ROOT)} not found: modern figures skipped (scripts/build_modern_cache.py)")
        return
    items = read_labeled(MODERN)
    if MODERN_LABELS.is_file():
        with MODERN_LABELS.open(encoding="utf-8", newline="") as f:
            labels = {r["id"]: int(r["label"]) for r in csv.DictReader(f) if (r.get("label") or "").strip()}
        items = [dict(i, label=labels[i["id"]]) for i in items if i.get("id") in labels]
        print(f"labels: {MODERN_LABELS.relative_to(ROOT)} ({len(items)} pages in the cache have one)")
    r = evaluate_by(m, items)
    print("all:            " + format_report(r))
    for name, part in (("tuned on (2/3):", False), ("held out (1/3):", True)):
        print(f"{name} " + format_report(evaluate_by(m, [i for i in items if modern_held_out(i["id"]) == part])))
    print(format_by(r))
    errors(r)


def _summary(label: str, rows: list[dict]) -> None:
    def m(name: str, k: int) -> float:
        return mean(r[name]["prf"][k] for r in rows)

    cols = []
    for name in ("pantau", "trafilatura", "defaults"):
        empty = sum(not r[name]["text"].strip() for r in rows)
        cols.append(f"{name} {m(name, 0):.3f} {m(name, 1):.3f} {m(name, 2):.3f} {empty}")
    delta = f"ΔF1 {m('pantau', 2) - m('trafilatura', 2):+.3f} / {m('pantau', 2) - m('defaults', 2):+.3f}"
    print(f"  {label:<12} {len(rows):>4}  " + "  |  ".join(cols) + f"  {delta}")


def unseen(worst: int = 8) -> None:
    """Extraction on layouts no rule was written for: pantau beside plain trafilatura."""
    print(
        "\n== extraction on unseen layouts: token P R F1 (mean per page) and empty outputs of pantau, plain\n"
        "   trafilatura 2.3.1 without comments (as pantau) and with its defaults (comments in); ΔF1 against both"
    )
    if not (UNSEEN / "index.jsonl").is_file():
        print(
            f"{UNSEEN} not found: skipped. Build it from a fetched test set, e.g. "
            "python scripts/build_unseen_eval.py /work/.mirror/scrapinghub+article-extraction-benchmark/repo "
            "(and /work/.mirror/mozilla+readability/repo)"
        )
        return
    rows = evaluate_unseen(
        UNSEEN, {"pantau": pantau_text, "trafilatura": plain_trafilatura, "defaults": trafilatura_defaults}
    )
    for split in ("tune", "held"):
        print(f" split {split!r}" + (" (rules tuned on it)" if split == "tune" else " (never tuned on)"))
        for name in sorted({r["set"] for r in rows}):
            _summary(name, [r for r in rows if r["set"] == name and r["split"] == split])
        _summary("all sets", [r for r in rows if r["split"] == split])
    print(" all pages")
    for name in sorted({r["set"] for r in rows}):
        _summary(name, [r for r in rows if r["set"] == name])
    _summary("all sets", rows)
    print(" benchmark measure (word 4-gram shingles, scrapinghub/article-extraction-benchmark's evaluate.py): P R F1")
    for name in sorted({r["set"] for r in rows}):
        cols = []
        for ex in ("pantau", "trafilatura", "defaults"):
            prf = shingle_prf([shingles(r[ex]["text"], r["gold"]) for r in rows if r["set"] == name])
            cols.append(f"{ex} {prf[0]:.3f} {prf[1]:.3f} {prf[2]:.3f}")
        print(f"  {name:<12} " + "  |  ".join(cols))
    print(f" worst {worst} pages for pantau against trafilatura (- missed gold lines, + extra lines)")
    for r in sorted(rows, key=lambda r: r["pantau"]["prf"][2] - r["trafilatura"]["prf"][2])[:worst]:
        p, t = r["pantau"]["prf"], r["trafilatura"]["prf"]
        print(
            f"  {r['set']}/{r['id'][:24]} ({r['split']}): pantau P/R/F1 {p[0]:.2f}/{p[1]:.2f}/{p[2]:.2f}, "
            f"trafilatura {t[0]:.2f}/{t[1]:.2f}/{t[2]:.2f}"
        )
        missed, extra = line_diff(r["pantau"]["text"], r["gold"])
        for line in missed:
            print(f"      - {line[:140]}")
        for line in extra:
            print(f"      + {line[:140]}")


def main() -> None:
    if ONLY in (None, "unseen"):
        unseen()
    if ONLY == "unseen":
        return
    if ONLY in (None, "topic", "modern"):
        modern(Matcher(load_topic(TOPIC)))
    if ONLY == "modern":
        return
    if not CORPUS.is_dir():
        print(f"{CORPUS} not found: nothing more to evaluate (the corpus is not part of the project)")
        return
    if ONLY in (None, "topic"):
        topics()
    if ONLY in (None, "gold"):
        extraction_gold()


def topics() -> None:
    topic = load_topic(TOPIC)
    m = Matcher(topic)
    print(f"topic {topic.name}: {len(topic.positives)} positive, {len(topic.negatives)} negative exemplars")
    dev = read_labeled(CORPUS / "articles" / "topic-dev.jsonl")

    print("\n== held-aside half of dev (never an exemplar, never tuned on)")
    r = evaluate(m, [i for i in dev if held_aside(i["id"])])
    print(format_report(r))
    errors(r)

    print("\n== 5-fold cross-validation over all of dev (exemplars from the other folds, CC BY part)")
    cv = cross_validate(
        topic,
        dev,
        folds=5,
        positive=lambda i: i["label"] == 1 and copyable(i),
        negative=lambda i: (
            i["label"] == 0 and copyable(i) and m.concept_evidence(i["title"], i["text"])["mass"]["actor"] > 0
        ),
    )
    print(format_report(cv))
    print("  per fold F1: " + ", ".join(f"{f['f1']:.3f}" for f in cv["folds"]))
    errors(cv)
    print("\n== 5-fold cross-validation, exemplars from all labeled items of the other folds (2025 part too)")
    cv_all = cross_validate(topic, dev, folds=5)
    print(format_report(cv_all))
    print("  per fold F1: " + ", ".join(f"{f['f1']:.3f}" for f in cv_all["folds"]))

    print("\n== all of dev, for reference (half of it supplied exemplars)")
    print(format_report(evaluate(m, dev)))

    print("\n== topic: background pool (false alarms)")
    n, hits = 0, []
    t = time.process_time()
    with gzip.open(CORPUS / "articles" / "pool-dev.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            n += 1
            x = m.score(a["title"], a["text"])
            if x.relevant:
                hits.append((x.score, a["title"], x.reason))
    rate = n / (time.process_time() - t)
    print(f"{len(hits)} of {n} matched ({len(hits) / n * 2000:.2f} per 2,000; target ≤ 1) · {rate:.0f} articles/s")
    for s, title, why in hits:
        print(f"  {s:.3f} {title[:90]}  ({why})")


def extraction_gold() -> None:
    print("\n== extraction: token F1 against the gold bodies")
    rows = evaluate_extraction(CORPUS / "html" / "EXPECTED_from_upstream_tests.jsonl", CORPUS / "html")
    for r in rows:
        leak = f"  BOILERPLATE {r['boilerplate']}" if r["boilerplate"] else ""
        print(f"  {r['name']:<32} F1 {r['f1']:.3f}  {r['published']}{leak}")
    avg = sum(r["f1"] for r in rows) / len(rows)
    print(f"mean token F1 {avg:.3f} over {len(rows)} pages (target 0.95; raw trafilatura 2.3.1: 0.848)")


main()
