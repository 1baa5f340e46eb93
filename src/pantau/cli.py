"""pantau command line. Commands that print a JSON summary print it as the last line with --json.

Every expected failure (a bad config, a missing topic folder, an unusable storage URL, a file that
cannot be read) is one line on stderr and exit code 2; an unexpected one keeps its traceback.
``pantau run`` exit codes: see pantau/report.py (0 ok, 3 no source reachable, 4 alerts undelivered).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .prefect_env import prepare

if TYPE_CHECKING:
    from prefect.states import State

prepare()  # before anything imports Prefect

from .errors import ConfigError, PantauError  # noqa: E402
from .paths import CONFIG_NAME, data_home, default_config, find_config, seeds_dir  # noqa: E402


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def _preflight(config_path: str | None, channels: bool = False):
    """Load and check everything a run needs before Prefect starts: config, topics, store."""
    from sqlalchemy.exc import SQLAlchemyError

    from .config import load_config
    from .store import Store
    from .topic import TopicError, load_topic

    cfg = load_config(config_path)
    for t in cfg.topics:
        try:
            load_topic(cfg.topic_dir(t), t.threshold)
        except TopicError as e:
            raise ConfigError(f"topics.{t.name}: {e}") from None
    try:
        Store(cfg.resolved_storage_url()).engine.dispose()
    except (SQLAlchemyError, ModuleNotFoundError, OSError) as e:
        reason = str(getattr(e, "orig", None) or e).splitlines()[0]
        raise ConfigError(f"{cfg.origin}: storage_url: cannot open the store ({reason})") from None
    if channels:
        from .connectors.delivery import require_channels

        require_channels(cfg)
    return cfg


def _run_flow(config_path: str | None) -> dict:
    """Run the ingest flow; its summary, whether the run ended Completed or Failed (the verdict)."""
    import asyncio

    from .flows.ingest import ingest

    run = cast("Coroutine[Any, Any, State]", ingest(config_path=config_path or "", return_state=True))
    state = asyncio.run(run)
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result  # a crash (a bug): keep its traceback
    return result


def _summary_out(summary: dict, as_json: bool) -> int:
    from .report import EXIT_CODES, summary_text

    print(flush=True)
    print(summary_text(summary), flush=True)
    if as_json:
        out = {k: v for k, v in summary.items() if k != "errors"}
        out["errors"] = len(summary["errors"])
        out["error_details"] = summary["errors"]
        _print_json(out)
    return EXIT_CODES.get(summary.get("outcome", "ok"), 1)


def _config_arg(path: str | None) -> str | None:
    """The config file to hand the flow: None for the packaged default (the flow finds it again)."""
    found, packaged = find_config(path)
    return None if packaged else str(found)


def cmd_run(args) -> int:
    cfg = _preflight(args.config, channels=True)
    where = (
        "pantau's default config (no ./config.yaml; `pantau init` writes one to edit)"
        if _config_arg(args.config) is None
        else cfg.origin
    )
    print(
        f"pantau run · {where} · {sum(s.enabled for s in cfg.sources)} sources · "
        f"{len(cfg.topics)} topic{'s' if len(cfg.topics) != 1 else ''}",
        flush=True,
    )
    return _summary_out(_run_flow(_config_arg(args.config)), args.json)


def cmd_demo(args) -> int:
    from . import demo

    data_dir = Path(args.data_dir) if args.data_dir else data_home() / "demo"
    with demo.running(data_dir) as d:
        print(f"pantau demo · replay site {d.site.base} · data in {data_dir}", flush=True)
        summary = _run_flow(str(d.config_path))
        print()
        print(d.where_alerts_went(), flush=True)
    return _summary_out(summary, args.json)


def cmd_init(args) -> int:
    """A config.yaml and copies of the topic folders to edit, in DIR."""
    import yaml

    target = Path(args.dir)
    target.mkdir(parents=True, exist_ok=True)
    cfg_path = target / CONFIG_NAME
    written = []
    if cfg_path.exists() and not args.force:
        print(f"{cfg_path} exists; left as it is (--force overwrites)")
    else:
        shutil.copyfile(default_config(), cfg_path)
        written.append(cfg_path)
    topics = (yaml.safe_load(default_config().read_text(encoding="utf-8")) or {}).get("topics") or []
    for t in topics:
        src = seeds_dir() / Path(t["path"]).name
        dst = target / t["path"]
        if dst.exists() and not args.force:
            print(f"{dst} exists; left as it is (--force overwrites)")
            continue
        shutil.copytree(src, dst, dirs_exist_ok=True)
        written.append(dst)
    for w in written:
        print(f"wrote {w}")
    print(
        f"next: edit {cfg_path} (sources, channels) and the topic in {target / 'seeds'}, then "
        f"`cd {target} && pantau run`"
    )
    return 0


def _matchers(config_path: str | None, threshold: float | None):
    from .topic import Matcher, load_topic

    cfg = _preflight(config_path)
    return [
        Matcher(load_topic(cfg.topic_dir(t), threshold if threshold is not None else t.threshold)) for t in cfg.topics
    ]


def cmd_evaluate(args) -> int:
    from .topic.evaluate import evaluate, format_errors, format_report, summary

    matcher = _matchers(args.config, args.threshold)[0]
    report = evaluate(matcher, Path(args.path))  # a missing or bad file: DataError, one line
    t = matcher.topic
    print(f"topic {t.name}: {len(t.positives)} positive, {len(t.negatives)} negative exemplars")
    print(format_report(report))
    if args.errors:
        print(format_errors(report))
    if args.json:
        _print_json(
            {
                **summary(report, with_errors=True),
                "exemplars": {"positive": len(t.positives), "negative": len(t.negatives)},
            }
        )
    return 0


def _load_document(target: str, config_path: str | None):
    """(title, text, url) of a local file (HTML or plain text) or a URL."""
    from .extract import decode_html, extract_article

    if target.startswith(("http://", "https://")):
        import asyncio

        from .connectors.net import Fetcher
        from .connectors.net.pages import fetch_page
        from .models import Candidate

        cfg = _preflight(config_path)

        async def get():
            async with Fetcher(cfg.http) as f:  # robots.txt, pacing, size cap; pages followed
                return await fetch_page(f, Candidate(url=target, source="cli"), cfg.pipeline.max_pages)

        page = asyncio.run(get())
        if page.error:
            raise PantauError(f"{target}: {page.error}")
        for note in page.notes:
            print(f"note: {note}", file=sys.stderr)
        html, url, more = page.html, page.final_url, page.more_html
    else:
        try:
            raw = Path(target).read_bytes()
        except OSError as e:
            raise PantauError(f"{target}: cannot read ({e.strerror})") from None
        html, url, more = decode_html(raw), Path(target).resolve().as_uri(), []
        if "<" not in html[:2000]:  # plain text: first line is the title
            first, _, rest = html.partition("\n")
            return first.strip(), rest.strip() or first.strip(), url, None
    x = extract_article(html, url, more)
    if x is None:
        raise PantauError(f"{target}: no article text found")
    return x.title, x.text, x.url or url, x


def cmd_explain(args) -> int:
    from .topic.evaluate import format_match

    matchers = _matchers(args.config, args.threshold)
    title, text, url, _ = _load_document(args.target, args.config)
    for m in matchers:
        match = m.score(title, text)
        print(format_match(title, match))
        if args.json:
            _print_json(match.to_dict())
    return 0


def cmd_exemplar_add(args) -> int:
    from .config import load_config
    from .topic.feedback import add_exemplar, read_text_file, topic_dir

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
        title, text, source, x = _load_document(target, args.config)  # failures: PantauError, one line
        published = x.published if x else None
    polarity = "positive" if args.positive else "negative"
    path = add_exemplar(folder, polarity, title, text, source, published)
    print(f"saved {polarity} exemplar of {folder.name}: {path}")
    if args.json:
        _print_json({"path": str(path), "polarity": polarity, "title": title, "source": source})
    return 0


def cmd_feedback(args) -> int:
    from dataclasses import asdict

    from sqlalchemy.exc import NoResultFound

    from .store import Store
    from .topic.feedback import feedback

    cfg = _preflight(args.config)
    store = Store(cfg.resolved_storage_url())

    def read_story(story_id: int) -> dict | None:
        try:
            story = store.stories.get(story_id)
        except NoResultFound:
            return None
        return {**asdict(story), "articles": [asdict(a) for a in store.articles.of_story(story_id)]}

    folders = {t.name: cfg.topic_dir(t) for t in cfg.topics}
    path, lead = feedback(args.story_id, args.right, read_story, folders)
    kind = "positive" if args.right else "negative"
    print(f"story {args.story_id} ({lead['title']}): saved as a {kind} exemplar: {path}")
    print("the next run uses it; `pantau evaluate FILE` shows the effect")
    if args.json:
        _print_json({"story_id": args.story_id, "path": str(path), "polarity": kind, "title": lead["title"]})
    return 0


def cmd_extract(args) -> int:
    from .extract.language import detect_language

    title, text, url, x = _load_document(args.target, args.config)
    lang, _ = detect_language(f"{title}\n{text}")
    print(title)
    print(text)
    if args.json:
        _print_json(
            {
                "title": title,
                "text": text,
                "date": x.published.isoformat() if x and x.published else None,
                "url": url,
                "language": lang,
            }
        )
    return 0


def cmd_outbox(args) -> int:
    from .store import Store

    cfg = _preflight(args.config)
    store = Store(cfg.resolved_storage_url())
    if args.requeue:
        ok = store.outbox.requeue(args.requeue)
        print(f"outbox {args.requeue}: {'requeued' if ok else 'not requeued (only failed/uncertain rows can be)'}")
        return 0 if ok else 1
    for r in store.outbox.rows():
        if args.all or r.state != "sent":
            print(
                f"{r.id:>5} {r.state:<9} {r.channel:<12} {r.kind:<7} story {r.story_id:<5} "
                f"attempts {r.attempts} {r.last_error or ''}"
            )
    print(json.dumps(store.outbox.counts()))
    return 0


def cmd_test_alert(args) -> int:
    from .alerts import sample_alert
    from .config import load_config
    from .connectors.delivery import resolve_channels
    from .errors import DeliveryError

    cfg = load_config(args.config)
    channels, skipped = resolve_channels(cfg)
    for name, why in skipped.items():
        print(f"{name:<12} skipped: {why}")
    chosen = [
        c
        for c in channels
        if (not args.channel or c.name == args.channel) and (not args.tag or args.tag in c.settings.tags)
    ]
    if not chosen:
        print(f"no channel matches {args.channel or args.tag!r}", file=sys.stderr)
        return 2
    failures = 0
    results = {}
    for ch in chosen:
        title, body = sample_alert(ch.format, ch.template_dir)
        try:
            ch.send(title, body, ch.format, None)
            results[ch.name] = "sent"
        except DeliveryError as e:
            failures += 1
            results[ch.name] = f"FAILED: {e}"
        print(f"{ch.name:<12} {ch.format:<8} {results[ch.name]}")
    if args.json:
        _print_json(results)
    return 1 if failures else 0


def cmd_serve(args) -> int:
    from .serve import serve

    _preflight(args.config, channels=True)  # a served run cannot start with a channel that cannot deliver
    found, _ = find_config(args.config)
    return serve(str(found.resolve()), args.port, args.paused, data_home())


def read_secret(name: str) -> str:
    """The value to store: from a hidden prompt on a terminal, else from stdin (one line, or all of it)."""
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(f"value for Prefect Secret block {name!r} (not shown): ")
    else:
        value = sys.stdin.read() if sys.stdin is not None else ""
    value = value.strip()
    if not value:
        raise PantauError(f"secret {name}: empty value; nothing stored")
    return value


def cmd_secret(args) -> int:
    """Store a Prefect Secret block (e.g. a channel's Apprise URL, for ``url_secret: NAME``)."""
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.name):
        raise PantauError(f"secret {args.name}: a block name takes lowercase letters, digits and dashes")
    value = read_secret(args.name)
    from prefect.blocks.system import Secret

    try:
        Secret(value=value).save(args.name, overwrite=True)  # type: ignore[arg-type]  # pydantic coerces
    except Exception as e:  # noqa: BLE001 - no server, refused, invalid: one line, never the value
        raise PantauError(
            f"secret {args.name}: not stored ({type(e).__name__}: "
            f"{str(e).replace(value, '***').splitlines()[0] if str(e) else 'no detail'})"
        ) from None
    print(
        f"stored Prefect Secret block {args.name!r} ({len(value)} characters); a channel uses it with "
        f"`url_secret: {args.name}`",
        flush=True,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pantau", description="Indonesian news → topic match → alerts")
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(sp, json_flag=True):
        sp.add_argument(
            "--config",
            default=None,
            help=f"config file (default: $PANTAU_CONFIG, else ./{CONFIG_NAME}, else pantau's own)",
        )
        if json_flag:
            sp.add_argument("--json", action="store_true", help="print one JSON object as the last line")

    sp = sub.add_parser("run", help="one ingest run (exit 0 ok, 3 no source reachable, 4 alerts undelivered)")
    common(sp)
    sp.set_defaults(fn=cmd_run)
    sp = sub.add_parser("demo", help="one ingest run against a replay site on 127.0.0.1")
    common(sp)
    sp.add_argument("--data-dir", default=None, help="where the demo keeps its store (default: DATA_HOME/demo)")
    sp.set_defaults(fn=cmd_demo)
    sp = sub.add_parser("init", help="write a config.yaml and the topic folder to edit")
    sp.add_argument("dir", nargs="?", default=".")
    sp.add_argument("--force", action="store_true", help="overwrite existing files")
    sp.set_defaults(fn=cmd_init)
    sp = sub.add_parser("evaluate", help="precision/recall on a labeled JSONL file")
    common(sp)
    sp.add_argument("path")
    sp.add_argument("--threshold", type=float)
    sp.add_argument("--errors", action="store_true", help="list misses and false alarms")
    sp.set_defaults(fn=cmd_evaluate)
    sp = sub.add_parser("explain", help="why an article (file or URL) matches or not")
    common(sp)
    sp.add_argument("target")
    sp.add_argument("--threshold", type=float)
    sp.set_defaults(fn=cmd_explain)
    sp = sub.add_parser("extract", help="extract one article (file or URL)")
    common(sp)
    sp.add_argument("target")
    sp.set_defaults(fn=cmd_extract)
    sp = sub.add_parser("outbox", help="alert ledger: pending, failed and uncertain alerts")
    common(sp, json_flag=False)
    sp.add_argument("--all", action="store_true")
    sp.add_argument("--requeue", type=int, metavar="ID")
    sp.set_defaults(fn=cmd_outbox)
    sp = sub.add_parser("test-alert", help="send a sample alert through each configured channel")
    common(sp)
    sp.add_argument("--channel")
    sp.add_argument("--tag")
    sp.set_defaults(fn=cmd_test_alert)
    sp = sub.add_parser("exemplar", help="teach a topic with example articles")
    esub = sp.add_subparsers(dest="action", required=True)
    sp = esub.add_parser("add", help="save an article (.txt, .html or URL) as a positive/negative exemplar")
    common(sp)
    sp.add_argument("target", metavar="PATH|URL")
    sp.add_argument("--topic", metavar="NAME", help="which topic of the config (needed when it has several)")
    side = sp.add_mutually_exclusive_group(required=True)
    side.add_argument("--positive", action="store_true")
    side.add_argument("--negative", action="store_true")
    sp.set_defaults(fn=cmd_exemplar_add)
    sp = sub.add_parser("feedback", help="an alert was wrong (or right): its story becomes an exemplar")
    common(sp)
    sp.add_argument("story_id", type=int, metavar="STORY_ID")
    side = sp.add_mutually_exclusive_group(required=True)
    side.add_argument("--wrong", action="store_true")
    side.add_argument("--right", action="store_true")
    sp.set_defaults(fn=cmd_feedback)
    sp = sub.add_parser("serve", help="serve deploy/prefect.yaml's deployments (schedules, UI runs) from this process")
    common(sp, json_flag=False)
    sp.add_argument(
        "--port", type=int, default=4200, help="with no PREFECT_API_URL: the local Prefect server's port (default 4200)"
    )
    sp.add_argument("--paused", action="store_true", help="schedules off: runs start only by hand (UI, API)")
    sp.set_defaults(fn=cmd_serve)
    sp = sub.add_parser("secret", help="store a Prefect Secret block (a channel's url_secret)")
    ssub = sp.add_subparsers(dest="action", required=True)
    sp = ssub.add_parser("set", help="store NAME; the value comes from a hidden prompt, or stdin when piped")
    sp.add_argument("name")
    sp.set_defaults(fn=cmd_secret)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except PantauError as e:
        print(f"pantau {args.cmd}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"pantau {args.cmd}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
