"""The bench's measurements: one method per row (``Bench``), each leaving its figures in ``results``
and what went wrong in ``problems``; ``report.py`` turns them into the table and the JSON line."""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

from . import corpus, raw, stages
from .prefect_server import PrefectServer, child_env
from .procs import run_measured
from .runs import ROOT, PantauRun, make_config, progress, run_pantau
from .site import FIRST_HOST, LoopbackSite

T0 = time.perf_counter()  # when the bench started: progress lines and host hits count from it
SERVER_ROWS = {"cold", "steady", "startup", "polite", "memory", "profile"}


def say(msg: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {msg}", flush=True)


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
