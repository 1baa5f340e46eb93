"""pantau run, demo and init: one ingest run (with the closing table and exit code), the demo, a starter config."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..paths import CONFIG_NAME, data_home, default_config, seeds_dir
from .common import add_common, config_arg, preflight, print_json

if TYPE_CHECKING:
    from prefect.states import State

    from ..models import RunSummary


def run_flow(config_path: str | None) -> RunSummary:
    """Run the ingest flow; its summary, whether the run ended Completed or Failed (the verdict)."""
    import asyncio

    from ..flows.ingest import ingest
    from ..temporary_api import prefect_api

    with prefect_api(data_home()):  # no API configured: a temporary server that never outlives this run
        run = cast("Coroutine[Any, Any, State]", ingest(config_path=config_path or "", return_state=True))
        state = asyncio.run(run)
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result  # a crash (a bug): keep its traceback
    return result


def summary_out(summary: RunSummary, as_json: bool) -> int:
    """The run's closing lines, and with --json the summary as JSON (the one place it becomes a dict)."""
    from ..report import EXIT_CODES, summary_text

    print(flush=True)
    print(summary_text(summary), flush=True)
    if as_json:
        out = summary.to_dict()
        out["error_details"] = out["errors"]
        out["errors"] = len(summary.errors)
        print_json(out)
    return EXIT_CODES.get(summary.outcome, 1)


def cmd_run(args) -> int:
    cfg = preflight(args.config, channels=True)
    where = (
        "pantau's default config (no ./config.yaml; `pantau init` writes one to edit)"
        if config_arg(args.config) is None
        else cfg.origin
    )
    print(
        f"pantau run · {where} · {sum(s.enabled for s in cfg.sources)} sources · "
        f"{len(cfg.topics)} topic{'s' if len(cfg.topics) != 1 else ''}",
        flush=True,
    )
    from prefect.exceptions import TerminationSignal

    try:
        summary = run_flow(config_arg(args.config))
    except (KeyboardInterrupt, TerminationSignal):  # Ctrl-C; SIGTERM (Prefect's own handler, or ours)
        print(INTERRUPTED, file=sys.stderr, flush=True)
        return 130
    return summary_out(summary, args.json)


INTERRUPTED = (
    "pantau run: interrupted — the run ended Crashed before its verdict; nothing was lost: "
    "the next run reads again what this one had not finished"
)


def cmd_demo(args) -> int:
    from .. import demo

    data_dir = Path(args.data_dir) if args.data_dir else data_home() / "demo"
    with demo.running(data_dir) as d:
        print(f"pantau demo · replay site {d.site.base} · data in {data_dir}", flush=True)
        summary = run_flow(str(d.config_path))
        print()
        print(d.where_alerts_went(), flush=True)
    return summary_out(summary, args.json)


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


def register(sub: Any) -> None:
    sp = sub.add_parser("run", help="one ingest run (exit 0 ok, 3 no source reachable, 4 alerts undelivered)")
    add_common(sp)
    sp.set_defaults(fn=cmd_run)
    sp = sub.add_parser("demo", help="one ingest run against a replay site on 127.0.0.1")
    add_common(sp)
    sp.add_argument("--data-dir", default=None, help="where the demo keeps its store (default: DATA_HOME/demo)")
    sp.set_defaults(fn=cmd_demo)
    sp = sub.add_parser("init", help="write a config.yaml and the topic folder to edit")
    sp.add_argument("dir", nargs="?", default=".")
    sp.add_argument("--force", action="store_true", help="overwrite existing files")
    sp.set_defaults(fn=cmd_init)
