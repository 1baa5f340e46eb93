"""Teaching and checking a topic: pantau evaluate, explain, exemplar add and feedback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import PantauError
from .common import add_common, load_document, matchers, preflight, print_json


def cmd_evaluate(args) -> int:
    from ..topic.evaluate import evaluate, format_errors, format_report, summary

    matcher = matchers(args.config, args.threshold)[0]
    report = evaluate(matcher, Path(args.path))  # a missing or bad file: DataError, one line
    t = matcher.topic
    print(f"topic {t.name}: {len(t.positives)} positive, {len(t.negatives)} negative exemplars")
    print(format_report(report))
    if args.errors:
        print(format_errors(report))
    if args.json:
        print_json(
            {
                **summary(report, with_errors=True),
                "exemplars": {"positive": len(t.positives), "negative": len(t.negatives)},
            }
        )
    return 0


def cmd_explain(args) -> int:
    from ..events import extract
    from ..topic.evaluate import format_match

    found = matchers(args.config, args.threshold)
    title, text, url, doc = load_document(args.target, args.config)
    card = extract(title, text, getattr(doc, "published", None))  # the event at a glance
    for m in found:
        match = m.score(title, text)
        print(format_match(title, match, m.describe))
        print("\n".join("  " + line for line in card.explain()))  # each field with the sentence it came from
        if args.json:
            print_json({**match.to_dict(), "event": card.to_dict()})
    return 0


def cmd_exemplar_add(args) -> int:
    from ..config import load_config
    from ..topic.feedback import add_exemplar, read_text_file, topic_dir

    folder = topic_dir(load_config(args.config), args.topic)
    target = args.target
    is_url = target.startswith(("http://", "https://"))
    if not is_url and not Path(target).is_file():
        raise PantauError(f"{target}: no such file")
    published: object = None
    if not is_url and Path(target).suffix.lower() == ".txt":
        title, text, meta = read_text_file(Path(target))
        source, published = meta.get("source") or Path(target).resolve().as_uri(), meta.get("date")
    else:
        title, text, source, x = load_document(target, args.config)  # failures: PantauError, one line
        published = x.published if x else None
    polarity = "positive" if args.positive else "negative"
    path = add_exemplar(folder, polarity, title, text, source, published)
    print(f"saved {polarity} exemplar of {folder.name}: {path}")
    if args.json:
        print_json({"path": str(path), "polarity": polarity, "title": title, "source": source})
    return 0


def cmd_feedback(args) -> int:
    from ..alerts.verdicts import apply
    from ..store import Store

    cfg = preflight(args.config)
    path, lead = apply(cfg, Store(cfg.resolved_storage_url()), args.story_id, args.right)
    kind = "positive" if args.right else "negative"
    print(f"story {args.story_id} ({lead['title']}): saved as a {kind} exemplar: {path}")
    print("the next run uses it; `pantau evaluate FILE` shows the effect")
    if args.json:
        print_json({"story_id": args.story_id, "path": str(path), "polarity": kind, "title": lead["title"]})
    return 0


def register(sub: Any) -> None:
    sp = sub.add_parser("evaluate", help="precision/recall on a labeled JSONL file")
    add_common(sp)
    sp.add_argument("path")
    sp.add_argument("--threshold", type=float)
    sp.add_argument("--errors", action="store_true", help="list misses and false alarms")
    sp.set_defaults(fn=cmd_evaluate)
    sp = sub.add_parser("explain", help="why an article (file or URL) matches or not")
    add_common(sp)
    sp.add_argument("target")
    sp.add_argument("--threshold", type=float)
    sp.set_defaults(fn=cmd_explain)
    sp = sub.add_parser("exemplar", help="teach a topic with example articles")
    esub = sp.add_subparsers(dest="action", required=True)
    sp = esub.add_parser("add", help="save an article (.txt, .html or URL) as a positive/negative exemplar")
    add_common(sp)
    sp.add_argument("target", metavar="PATH|URL")
    sp.add_argument("--topic", metavar="NAME", help="which topic of the config (needed when it has several)")
    side = sp.add_mutually_exclusive_group(required=True)
    side.add_argument("--positive", action="store_true")
    side.add_argument("--negative", action="store_true")
    sp.set_defaults(fn=cmd_exemplar_add)
    sp = sub.add_parser("feedback", help="an alert was wrong (or right): its story becomes an exemplar")
    add_common(sp)
    sp.add_argument("story_id", type=int, metavar="STORY_ID")
    side = sp.add_mutually_exclusive_group(required=True)
    side.add_argument("--wrong", action="store_true")
    side.add_argument("--right", action="store_true")
    sp.set_defaults(fn=cmd_feedback)
