"""pantau command line: one module per group of commands, each with its ``register(sub)``.

Commands that print a JSON summary print it as the last line with --json. Every expected failure (a bad
config, a missing topic folder, an unusable storage URL, a file that cannot be read) is one line on
stderr and exit code 2; an unexpected one keeps its traceback. ``pantau run`` exit codes: see
src/pantau/report.py (0 ok, 3 no source reachable, 4 alerts undelivered).

| module | commands |
|---|---|
| runs.py | run, demo, init |
| topic.py | evaluate, explain, exemplar add, feedback |
| articles.py | extract |
| alerts.py | outbox, test-alert |
| sources.py | sources |
| ops.py | ops apply |
| serving.py | serve, secret set |
| common.py | what they share: preflight, --config/--json, one article read from a file or URL |
"""

from __future__ import annotations

import argparse
import sys

from ..prefect_env import prepare, verbose

prepare()  # before anything imports Prefect

from ..errors import PantauError  # noqa: E402
from . import alerts, articles, ops, runs, serving, sources, topic  # noqa: E402
from .common import VERBOSE_HELP  # noqa: E402

GROUPS = (runs, topic, articles, alerts, sources, ops, serving)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pantau", description="Indonesian news → topic match → alerts")
    p.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    sub = p.add_subparsers(dest="cmd", required=True)
    for group in GROUPS:
        group.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "verbose", False):
        verbose()
    try:
        return args.fn(args)
    except PantauError as e:
        print(f"pantau {args.cmd}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"pantau {args.cmd}: interrupted", file=sys.stderr)
        return 130
