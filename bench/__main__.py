"""python -m bench [SHARED] [--articles N] [--quick] [--only raw,plain,...] [--profile] [--keep]

Renders real articles from SHARED/corpus (default ../shared) into a loopback news site of ≥ 20 hosts
and measures, in one run, trafilatura alone on all cores, the plain sequential script, and
``pantau run`` cold / steady / polite / at scale. Prints progress, a table and, as the last line, one
JSON object. Exit status 1 when a run did not fetch every page it should have (or failed).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import corpus, raw, stages
from .prefect_server import PrefectServer, child_env
from .procs import run_measured
from .report import report
from .runs import ROOT, PantauRun, make_config, progress, run_pantau
from .site import FIRST_HOST, LoopbackSite

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
SERVER_ROWS = {"cold", "steady", "startup", "polite", "memory", "profile"}
T0 = time.perf_counter()


def say(msg: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {msg}", flush=True)


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


class Bench:
    def __init__(self, args: argparse.Namespace, articles: list[corpus.Article], work: Path):
        self.args = args
        self.articles = articles
        self.work = work
        self.cores = os.cpu_count() or 1
        self.hosts = max(args.hosts, math.ceil(max(args.articles, args.memory_articles) / 1000))
        self.home = work / "prefect"  # PREFECT_HOME of every run (the server's database)
        self.results: dict[str, object] = {}
        self.problems: list[str] = []
        self.site: LoopbackSite | None = None

    # -- the rows -------------------------------------------------------------------------------

    def scoring(self) -> None:
        n = 200 if self.args.quick else 1000
        say(f"topic scoring: {n} articles on one core")
        self.results["scoring"] = stages.scoring(self.articles[:n])

    def extraction(self) -> None:
        n = 60 if self.args.quick else 300
        say(f"pantau.extract: {n} pages on one core")
        self.results["extraction"] = stages.extraction(self.site.pages(n))
        say("pantau.extract and trafilatura on the unseen-layout pages (data/eval/unseen), one core")
        unseen = stages.extraction_unseen(ROOT / "data" / "eval" / "unseen")
        if unseen:
            self.results["extraction_unseen"] = unseen

    def raw(self) -> None:
        n = self.args.articles
        say(f"raw: trafilatura.extract over {n} pages from memory, pool of {self.cores} processes")
        r = raw.run(self.site.pages(n), self.cores)
        if r.extracted < r.pages:
            self.problems.append(f"raw: trafilatura extracted {r.extracted} of {r.pages} pages")
        self.results["raw"] = r
        say(f"raw: {r.pps:.1f} pages/s ({r.seconds:.1f} s)")

    def plain(self) -> None:
        n = self.args.articles
        say(f"plain: feedparser → httpx → trafilatura, one page after another, {n} pages")
        mark = self.site.mark()
        m = run_measured(
            [sys.executable, "-m", "bench.plain", *self.site.feed_urls(n)],
            child_env(self.home, None),
            self.work / "logs" / "plain.out",
            cwd=ROOT,
            on_poll=progress("plain", self.site, mark, n),
        )
        out = m.last_json() or {}
        if m.returncode != 0 or out.get("pages") != n:
            self.problems.append(f"plain: fetched {out.get('pages')} of {n} pages (exit {m.returncode}, log {m.log})")
        self.results["plain"] = (m, out, self.site.since(mark))
        say(f"plain: {out.get('pages', 0) / m.wall_s:.1f} pages/s ({m.wall_s:.1f} s)")

    def _pantau(
        self,
        name: str,
        count: int,
        expected: int,
        server: PrefectServer | None,
        *,
        folder: str | None = None,
        polite: bool = False,
        sources: bool = True,
        profile: bool = False,
    ) -> PantauRun:
        d = self.work / (folder or name)
        cfg = d / "config.yaml" if folder else make_config(self.site, count, d, polite=polite, sources=sources)
        run = run_pantau(
            name,
            cfg,
            self.site,
            home=self.home,
            api_url=server.api_url if server else None,
            expected=expected,
            log_dir=self.work / "logs",
            profile_to=self.work / "pantau.prof" if profile else None,
        )
        self.problems.extend(run.problems)
        self.results[name] = run
        pps = f"{run.pps:.1f} pages/s, " if run.pps else ""
        say(
            f"{name}: {pps}{run.wall_s:.1f} s wall, peak RSS {run.measured.peak_rss_mb:.0f} MB"
            + (" — " + "; ".join(run.problems) if run.problems else "")
        )
        return run

    def pantau_rows(self) -> None:
        rows, n = self.args.rows, self.args.articles
        if SERVER_ROWS & set(rows):
            say("starting a Prefect server (prefect server start) on 127.0.0.1")
            with PrefectServer(self.home, self.work / "logs" / "prefect-server.log") as server:
                say(f"Prefect server up in {server.startup_s:.1f} s at {server.api_url}")
                if "cold" in rows:
                    say(f"pantau cold, running server: {n} pages, empty store")
                    self._pantau("cold", n, n, server)
                if "steady" in rows:
                    say("pantau steady state: the same feeds again, nothing new")
                    self._pantau("steady", n, 0, server, folder="cold")
                if "startup" in rows:
                    say("pantau with zero sources (start-up and shutdown alone)")
                    self._pantau("startup", 0, 0, server, sources=False)
                if "polite" in rows:
                    p = self.args.polite_articles
                    say(f"pantau polite (config.yaml's http: settings): {p} pages over {self.hosts} hosts")
                    self._pantau("polite", p, p, server, polite=True)
                if "memory" in rows:
                    mm = self.args.memory_articles
                    say(f"pantau memory: {mm} pages, empty store")
                    self._pantau("memory", mm, mm, server)
                if "profile" in rows:
                    say(f"pantau cold under cProfile: {n} pages")
                    self._pantau("profile", n, n, server, profile=True)
                say("stopping the Prefect server")
        if "ephemeral" in rows:
            say(f"pantau cold, ephemeral server (no PREFECT_API_URL): {n} pages, empty store")
            self._pantau("ephemeral", n, n, None)

    def run(self) -> None:
        rows = self.args.rows
        if "scoring" in rows:
            self.scoring()
        say(
            f"serving {len(self.articles)} articles over {self.hosts} loopback hosts "
            f"(127.0.0.2 … 127.0.0.{self.hosts + 1})"
        )
        with LoopbackSite(self.articles, self.hosts) as site:
            self.site = site
            try:
                for row in ("extraction", "raw", "plain"):
                    if row in rows:
                        getattr(self, row)()
                self.pantau_rows()
            finally:  # every request the site saw, for a look with --keep
                (self.work / "logs").mkdir(parents=True, exist_ok=True)
                with (self.work / "logs" / "requests.tsv").open("w", encoding="utf-8") as f:
                    f.write("t_s\thost\tstatus\tpath\n")
                    f.writelines(
                        f"{h.t - T0:.4f}\t127.0.0.{FIRST_HOST + h.host}\t{h.status}\t{h.path}\n" for h in site.hits
                    )


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
