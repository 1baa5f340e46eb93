"""pantau command line. Commands that print a JSON summary print it as the last line with --json."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def _run_flow(config_path: str) -> dict:
    from flows.ingest import ingest
    import asyncio
    return asyncio.run(ingest(config_path=config_path))


def _summary_out(summary: dict, as_json: bool) -> None:
    from .report import summary_text
    print(summary_text(summary), flush=True)
    if as_json:
        out = dict(summary)
        out["errors"] = len(summary["errors"])
        out["error_details"] = summary["errors"]
        _print_json(out)


def cmd_run(args) -> int:
    from .config import ConfigError, load_config
    try:
        load_config(args.config)          # fail fast with a clear message before Prefect starts
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 2
    _summary_out(_run_flow(args.config), args.json)
    return 0


def cmd_demo(args) -> int:
    from . import demo
    with demo.running(Path(args.data_dir)) as d:
        summary = _run_flow(str(d.config_path))
        print()
        print(d.where_alerts_went(), flush=True)
    _summary_out(summary, args.json)
    return 0


def _matchers(config_path: str, threshold: float | None):
    from .config import load_config
    from .topic import Matcher, load_topic
    cfg = load_config(config_path)
    return [Matcher(load_topic(cfg.topic_dir(t), threshold if threshold is not None else t.threshold))
            for t in cfg.topics]


def cmd_evaluate(args) -> int:
    from .topic.evaluate import evaluate, format_errors, format_report, summary
    matcher = _matchers(args.config, args.threshold)[0]
    report = evaluate(matcher, Path(args.path))
    t = matcher.topic
    print(f"topic {t.name}: {len(t.positives)} positive, {len(t.negatives)} negative exemplars")
    print(format_report(report))
    if args.errors:
        print(format_errors(report))
    if args.json:
        _print_json({**summary(report, with_errors=True),
                     "exemplars": {"positive": len(t.positives), "negative": len(t.negatives)}})
    return 0


def _load_document(target: str, config_path: str):
    """(title, text, url) of a local file (HTML or plain text) or a URL."""
    from .extract import decode_html, extract_article
    if target.startswith(("http://", "https://")):
        import asyncio
        from connectors.http import Fetcher
        from connectors.pages import fetch_page
        from .config import load_config
        from .models import Candidate
        cfg = load_config(config_path)

        async def get():
            async with Fetcher(cfg.http) as f:        # robots.txt, pacing, size cap; pages followed
                return await fetch_page(f, Candidate(url=target, source="cli"), cfg.pipeline.max_pages)
        page = asyncio.run(get())
        if page.error:
            raise SystemExit(f"{target}: {page.error}")
        for note in page.notes:
            print(f"note: {note}", file=sys.stderr)
        html, url, more = page.html, page.final_url, page.more_html
    else:
        raw = Path(target).read_bytes()
        html, url, more = decode_html(raw), Path(target).resolve().as_uri(), []
        if "<" not in html[:2000]:        # plain text: first line is the title
            first, _, rest = html.partition("\n")
            return first.strip(), rest.strip() or first.strip(), url, None
    x = extract_article(html, url, more)
    if x is None:
        raise SystemExit(f"{target}: no article text found")
    return x.title, x.text, x.url or url, x


def cmd_explain(args) -> int:
    from .topic.evaluate import format_match
    title, text, url, _ = _load_document(args.target, args.config)
    for m in _matchers(args.config, args.threshold):
        match = m.score(title, text)
        print(format_match(title, match))
        if args.json:
            _print_json(match.to_dict())
    return 0


def cmd_exemplar_add(args) -> int:
    from .config import load_config
    from .errors import PantauError
    from .topic.feedback import add_exemplar, read_text_file, topic_dir
    folder = topic_dir(load_config(args.config), args.topic)
    target = args.target
    is_url = target.startswith(("http://", "https://"))
    if not is_url and not Path(target).is_file():
        raise PantauError(f"{target}: no such file")
    if not is_url and Path(target).suffix.lower() == ".txt":
        title, text, meta = read_text_file(Path(target))
        source, published = meta.get("source") or Path(target).resolve().as_uri(), meta.get("date")
    else:
        try:
            title, text, source, x = _load_document(target, args.config)
        except SystemExit as e:                   # fetch or extraction failed: say so in one line, exit 2
            raise PantauError(str(e.code)) from None
        published = x.published if x else None
    polarity = "positive" if args.positive else "negative"
    path = add_exemplar(folder, polarity, title, text, source, published)
    print(f"saved {polarity} exemplar of {folder.name}: {path}")
    if args.json:
        _print_json({"path": str(path), "polarity": polarity, "title": title, "source": source})
    return 0


def cmd_feedback(args) -> int:
    from sqlalchemy.exc import NoResultFound
    from .config import load_config
    from .store import Store
    from .topic.feedback import feedback
    cfg = load_config(args.config)
    store = Store(cfg.resolved_storage_url())

    def read_story(story_id: int) -> dict | None:
        try:
            story = store.get_story(story_id)
        except NoResultFound:
            return None
        return {**story, "articles": store.story_articles(story_id)}
    folders = {t.name: cfg.topic_dir(t) for t in cfg.topics}
    path, lead = feedback(args.story_id, args.right, read_story, folders)
    kind = "positive" if args.right else "negative"
    print(f"story {args.story_id} ({lead['title']}): saved as a {kind} exemplar: {path}")
    print("the next run uses it; `pantau evaluate FILE` shows the effect")
    if args.json:
        _print_json({"story_id": args.story_id, "path": str(path), "polarity": kind, "title": lead["title"]})
    return 0


def cmd_extract(args) -> int:
    from .language import detect_language
    title, text, url, x = _load_document(args.target, args.config)
    lang, _ = detect_language(f"{title}\n{text}")
    print(title)
    print(text)
    if args.json:
        _print_json({"title": title, "text": text, "date": x.published.isoformat() if x and x.published else None,
                     "url": url, "language": lang})
    return 0


def cmd_outbox(args) -> int:
    from .config import load_config
    from .store import Store
    cfg = load_config(args.config)
    store = Store(cfg.resolved_storage_url())
    if args.requeue:
        ok = store.requeue(args.requeue)
        print(f"outbox {args.requeue}: {'requeued' if ok else 'not requeued (only failed/uncertain rows can be)'}")
        return 0 if ok else 1
    rows = store.outbox_rows()
    for r in rows:
        if args.all or r["state"] != "sent":
            print(f"{r['id']:>5} {r['state']:<9} {r['channel']:<12} {r['kind']:<7} story {r['story_id']:<5} "
                  f"attempts {r['attempts']} {r['last_error'] or ''}")
    print(json.dumps(store.outbox_counts()))
    return 0


def cmd_test_alert(args) -> int:
    from connectors.notify import resolve_channels
    from .alerts import sample_alert
    from .config import ConfigError, load_config
    try:
        cfg = load_config(args.config)
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 2
    channels, warnings = resolve_channels(cfg)
    for w in warnings:
        print(f"skipped: {w}")
    chosen = [c for c in channels if (not args.channel or c.name == args.channel)
              and (not args.tag or args.tag in (c.tags or []))]
    if not chosen:
        print(f"no channel matches {args.channel or args.tag!r}", file=sys.stderr)
        return 2
    failures = 0
    results = {}
    for ch in chosen:
        title, body = sample_alert(ch.format, ch.template_dir)
        ok, err = ch.send(title, body, ch.format)
        failures += not ok
        results[ch.name] = "sent" if ok else f"FAILED: {err}"
        print(f"{ch.name:<12} {ch.format:<8} {results[ch.name]}")
    if args.json:
        _print_json(results)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="pantau", description="Indonesian news → topic match → alerts")
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(sp, json_flag=True):
        sp.add_argument("--config", default=os.environ.get("PANTAU_CONFIG", "config.yaml"))
        if json_flag:
            sp.add_argument("--json", action="store_true", help="print one JSON object as the last line")

    sp = sub.add_parser("run", help="one ingest run with config.yaml"); common(sp); sp.set_defaults(fn=cmd_run)
    sp = sub.add_parser("demo", help="one ingest run against a replay site on 127.0.0.1")
    common(sp); sp.add_argument("--data-dir", default="data/demo"); sp.set_defaults(fn=cmd_demo)
    sp = sub.add_parser("evaluate", help="precision/recall on a labeled JSONL file")
    common(sp); sp.add_argument("path"); sp.add_argument("--threshold", type=float)
    sp.add_argument("--errors", action="store_true", help="list misses and false alarms"); sp.set_defaults(fn=cmd_evaluate)
    sp = sub.add_parser("explain", help="why an article (file or URL) matches or not")
    common(sp); sp.add_argument("target"); sp.add_argument("--threshold", type=float); sp.set_defaults(fn=cmd_explain)
    sp = sub.add_parser("extract", help="extract one article (file or URL)")
    common(sp); sp.add_argument("target"); sp.set_defaults(fn=cmd_extract)
    sp = sub.add_parser("outbox", help="alert ledger: pending, failed and uncertain alerts")
    common(sp, json_flag=False); sp.add_argument("--all", action="store_true")
    sp.add_argument("--requeue", type=int, metavar="ID"); sp.set_defaults(fn=cmd_outbox)
    sp = sub.add_parser("test-alert", help="send a sample alert through each configured channel")
    common(sp); sp.add_argument("--channel"); sp.add_argument("--tag"); sp.set_defaults(fn=cmd_test_alert)
    sp = sub.add_parser("exemplar", help="teach a topic with example articles")
    esub = sp.add_subparsers(dest="action", required=True)
    sp = esub.add_parser("add", help="save an article (.txt, .html or URL) as a positive/negative exemplar")
    common(sp); sp.add_argument("target", metavar="PATH|URL"); sp.add_argument("--topic", metavar="NAME")
    side = sp.add_mutually_exclusive_group(required=True)
    side.add_argument("--positive", action="store_true"); side.add_argument("--negative", action="store_true")
    sp.set_defaults(fn=cmd_exemplar_add)
    sp = sub.add_parser("feedback", help="an alert was wrong (or right): its story becomes an exemplar")
    common(sp); sp.add_argument("story_id", type=int, metavar="STORY_ID")
    side = sp.add_mutually_exclusive_group(required=True)
    side.add_argument("--wrong", action="store_true"); side.add_argument("--right", action="store_true")
    sp.set_defaults(fn=cmd_feedback)
    args = p.parse_args(argv)
    from .config import ConfigError
    from .errors import PantauError
    try:
        return args.fn(args)
    except (PantauError, ConfigError) as e:      # a mistake a user can fix: one clear line, no traceback
        print(f"pantau: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
