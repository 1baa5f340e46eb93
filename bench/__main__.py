"""python -m bench [SHARED] [--articles N] [--quick] [--only raw,plain,...] [--profile] [--keep]

Renders real articles from SHARED/corpus (default ../shared) into a loopback news site of ≥ 20 hosts
and measures, in one run, trafilatura alone on all cores, the plain sequential script, and
``pantau run`` cold / steady / polite / at scale. Prints progress, a table and, as the last line, one
JSON object. Exit status 1 when a run did not fetch every page it should have (or failed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import traceback
from pathlib import Path

from . import corpus
from .measure import Bench, say
from .report import report

ROWS = (
    "scoring",
    "extraction",
    "raw",
    "plain",
    "cold",
    "steady",
    "startup",
    "polite",
    "memory",
    "ephemeral",
    "profile",
)
DEFAULT_ROWS = tuple(r for r in ROWS if r != "profile")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    p.add_argument("shared", nargs="?", default="../shared", help="folder holding corpus/ (default ../shared)")
    p.add_argument("--articles", type=int, help="pages of the speed runs (default 2000; --quick 200)")
    p.add_argument("--memory-articles", type=int, help="pages of the memory run (default 5000; --quick 400)")
    p.add_argument("--polite-articles", type=int, help="pages of the polite run (default 800; --quick 100)")
    p.add_argument("--hosts", type=int, default=20, help="loopback hosts, one feed each (default 20)")
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke run of a minute or two")
    p.add_argument("--only", help="comma-separated rows: " + ",".join(ROWS))
    p.add_argument("--profile", action="store_true", help="also run pantau cold under cProfile; print the top 15")
    p.add_argument("--keep", action="store_true", help="keep the work folder (configs, stores, logs)")
    a = p.parse_args(argv)
    q = a.quick
    a.articles = a.articles or (200 if q else 2000)
    a.memory_articles = a.memory_articles or (400 if q else 5000)
    a.polite_articles = a.polite_articles or (100 if q else 800)
    rows = [r.strip() for r in a.only.split(",") if r.strip()] if a.only else list(DEFAULT_ROWS)
    unknown = sorted(set(rows) - set(ROWS))
    if unknown:
        p.error(f"--only: unknown rows {unknown}; choose from {','.join(ROWS)}")
    if a.profile and "profile" not in rows:
        rows.append("profile")
    if "steady" in rows and "cold" not in rows:
        rows.append("cold")  # steady state re-reads the cold run's store
    a.rows = [r for r in ROWS if r in rows]
    return a


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    shared = Path(args.shared)
    pool = shared / corpus.POOL
    if not pool.exists():
        print(f"bench: skipped — no article pool at {pool} (make bench renders its pages from it)")
        return 0
    say(f"reading {pool}")
    articles = corpus.load_pool(shared)
    need = max(args.articles, args.memory_articles, args.polite_articles)
    if need > len(articles):
        print(f"bench: the pool has {len(articles)} usable articles, {need} were asked for", file=sys.stderr)
        return 2
    articles = articles[:need]
    work = Path(tempfile.mkdtemp(prefix="pantau-bench-"))
    say(f"{len(articles)} articles; rows: {', '.join(args.rows)}; work folder {work}")
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    bench = Bench(args, articles, work)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > 0.5:
        say(f"note: the machine is already busy (load average {load:.2f}); figures will be lower")
    failed = False
    try:
        try:
            bench.run()
        except KeyboardInterrupt:
            print("bench: interrupted; every server and process it started has been ended", file=sys.stderr)
            return 130
        except Exception as e:  # noqa: BLE001 - report what was measured, and why the rest was not
            traceback.print_exc()
            bench.problems.append(f"bench failed: {type(e).__name__}: {e}")
            failed = True
        return report(bench, args, work, load, failed)
    finally:
        if not (args.keep or bench.problems):
            shutil.rmtree(work, ignore_errors=True)


def _terminate(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
