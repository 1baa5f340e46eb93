"""The bench's report: the figures (the JSON object printed last), the table of the runs, the cProfile top and
the problems, from what a ``Bench`` measured."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from . import stages
from .runs import shipped

if TYPE_CHECKING:
    from .measure import Bench


def report(bench: Bench, args: argparse.Namespace, work: Path, load: float, failed: bool) -> int:
    """Print the table, the cProfile top and the problems, then the figures as one JSON line; the exit status."""
    fig = figures(bench)
    fig["load_avg_at_start"] = _r(load)
    print()
    print(table(bench, fig))
    if "profile" in bench.results and (work / "pantau.prof").exists():
        from .profile import top

        print()
        print("pantau cold under cProfile — top 15 by own time:")
        print(top(work / "pantau.prof", 15))
    for p in bench.problems:
        print(f"!! {p}")
    if bench.problems or args.keep:
        print(f"work folder (configs, stores, logs) kept: {work}")
    print(json.dumps(fig, ensure_ascii=False), flush=True)
    return 1 if failed or bench.problems else 0


def figures(bench: Bench) -> dict:
    """The bench's figures: the JSON object of its last line."""
    R = bench.results
    raw_pps = R["raw"].pps if "raw" in R else None
    plain_pps = R["plain"][1].get("pages", 0) / R["plain"][0].wall_s if "plain" in R else None
    cold, steady, startup = R.get("cold"), R.get("steady"), R.get("startup")
    polite, memory, eph = R.get("polite"), R.get("memory"), R.get("ephemeral")
    pantau_pps = cold.pps if cold else None
    interval = float((shipped().get("http") or {}).get("per_host_interval_s", 0.5) or 0)
    limit = bench.hosts / interval if interval > 0 and polite else None
    if limit is not None and raw_pps is not None:
        limit = min(limit, raw_pps)
    first = steady or cold
    runs = [r for r in (memory, cold, eph, polite, steady, startup) if r]
    rss_run = memory or max(runs, key=lambda r: r.measured.peak_rss_mb, default=None)
    scoring, extraction = R.get("scoring"), R.get("extraction")
    return {
        "raw_pps": _r(raw_pps, 1),
        "plain_pps": _r(plain_pps, 1),
        "pantau_pps": _r(pantau_pps, 1),
        "pantau_vs_raw": _r(_ratio(pantau_pps, raw_pps), 3),
        "pantau_vs_plain": _r(_ratio(pantau_pps, plain_pps), 3),
        "steady_state_s": _r(steady.wall_s if steady else None),
        "startup_s": _r(first.timeline.first_request if first else None),
        "polite_pps": _r(polite.pps if polite else None),
        "polite_vs_limit": _r(_ratio(polite.pps if polite else None, limit), 3),
        "peak_rss_mb": _r(rss_run.measured.peak_rss_mb, 0) if rss_run else None,
        "machine": bench.cores,
        "articles": bench.args.articles,
        "hosts": bench.hosts,
        "raw_pps_cpu": _r(bench.cores * 1000 / R["raw"].cpu_ms_per_page, 1) if "raw" in R else None,
        "pantau_ephemeral_pps": _r(eph.pps if eph else None, 1),
        "empty_run_s": _r(startup.wall_s if startup else None),
        "polite_limit_pps": _r(limit, 1),
        "peak_rss_articles": rss_run.expected if rss_run else None,
        "scoring_aps": _r(scoring.per_s, 0) if scoring else None,
        "extract_pps_1core": _r(extraction.per_s, 1) if extraction else None,
        "problems": bench.problems,
    }


def table(bench: Bench, fig: dict) -> str:
    """The table of the runs, one row each, with the figures beside them."""
    R = bench.results
    raw_pps, plain_pps = fig["raw_pps"], fig["plain_pps"]
    head = f"{'row':<34}{'pages':>6}{'wall s':>8}{'pages/s':>9}{'×raw':>7}{'×plain':>8}{'RSS MB':>8}  notes"
    lines = [head, "-" * len(head)]

    def row(name, pages, wall, pps, rss=None, notes="", ratios=True):
        vr = f"{pps / raw_pps:7.2f}" if ratios and pps and raw_pps else f"{'':7}"
        vp = f"{pps / plain_pps:8.2f}" if ratios and pps and plain_pps else f"{'':8}"
        wall_s = "" if wall is None else f"{wall:.1f}"
        rate = "" if not pps else f"{pps:.1f}"
        rss_mb = "" if rss is None else f"{rss:.0f}"
        lines.append(
            f"{name:<34}{pages if pages is not None else '':>6}{wall_s:>8}{rate:>9}{vr}{vp}{rss_mb:>8}  {notes}"
        )

    if "raw" in R:
        r = R["raw"]
        row(
            f"raw trafilatura, {r.workers} processes",
            r.pages,
            r.seconds,
            r.pps,
            notes=f"pages from memory, workers warm; CPU {r.cpu_ms_per_page:.1f} ms a page, "
            f"{r.cpu_s / r.seconds:.2f} cores busy",
        )
    if "plain" in R:
        m, out, hits = R["plain"]
        first = min((h.t for h in hits), default=m.started) - m.started
        row(
            "plain script, sequential",
            out.get("pages"),
            m.wall_s,
            fig["plain_pps"],
            m.peak_rss_mb,
            f"start→1st request {first:.1f} s; CPU {m.cpu_s / m.wall_s:.2f} cores "
            f"(site {m.bench_cpu_s / m.wall_s:.2f})",
        )
    for key, label in (
        ("cold", "pantau cold, running server"),
        ("ephemeral", "pantau cold, ephemeral server"),
        ("memory", "pantau cold, memory run"),
        ("profile", "pantau cold under cProfile"),
    ):
        if key in R:
            run = R[key]
            tl, m = run.timeline, run.measured
            notes = (
                f"start→1st request {tl.first_request or 0:.1f} s, pages {tl.first_page or 0:.1f}"
                f"–{tl.last_page or 0:.1f} s, exit +{m.wall_s - (tl.last_page or 0):.1f} s; "
                f"CPU {m.cpu_s / m.wall_s:.2f} cores (site {m.bench_cpu_s / m.wall_s:.2f})"
            )
            if key == "ephemeral":
                notes += f"; with server {m.peak_rss_all_mb:.0f} MB"
            row(label, (run.summary or {}).get("fetched"), run.wall_s, run.pps, m.peak_rss_mb, notes)
    if "steady" in R:
        run = R["steady"]
        tl = run.timeline
        row(
            "pantau steady state, nothing new",
            (run.summary or {}).get("fetched"),
            run.wall_s,
            None,
            run.measured.peak_rss_mb,
            f"start→1st request {tl.first_request or 0:.1f} s; feeds {tl.not_modified}/{tl.feed_requests} answered 304",
        )
    if "startup" in R:
        run = R["startup"]
        row("pantau, zero sources", 0, run.wall_s, None, run.measured.peak_rss_mb, "start-up + shutdown")
    if "polite" in R:
        run = R["polite"]
        tl = run.timeline
        gap = f"{tl.min_host_gap:.2f}" if tl.min_host_gap is not None else "?"
        row(
            "pantau polite, config.yaml http",
            (run.summary or {}).get("fetched"),
            run.wall_s,
            run.pps,
            run.measured.peak_rss_mb,
            f"limit {fig['polite_limit_pps']} pages/s → "
            f"{fig['polite_vs_limit']}×; {tl.hosts_per_s or 0:.1f} of {bench.hosts} hosts busy a second; "
            f"least gap per host {gap} s; robots.txt {tl.robots_requests}×",
        )
    if "scoring" in R:
        s = R["scoring"]
        row(
            "topic scoring, 1 core (CPU time)",
            None,
            s.cpu_s,
            None,
            notes=f"{s.per_s:.0f} articles/s ({s.items}) = {s.per_s / stages.SCORING_TARGET:.2f}× the "
            f"{stages.SCORING_TARGET:.0f}/s target",
        )
    if "extraction" in R:
        e = R["extraction"]
        per_core = raw_pps / R["raw"].workers if raw_pps and "raw" in R else None
        row(
            "pantau.extract, 1 core (CPU time)",
            e.items,
            e.cpu_s,
            e.per_s,
            notes=(f"trafilatura alone: {per_core:.1f} pages/s a process (wall); " if per_core else "")
            + f"fallback path on {e.fallback} of {e.items} pages",
            ratios=False,
        )
    if "extraction_unseen" in R:
        ours, plain = R["extraction_unseen"]
        row(
            "pantau.extract, unseen layouts",
            ours.items,
            ours.cpu_s,
            ours.per_s,
            notes=f"real pages of data/eval/unseen, 1 core CPU; fallback path on {ours.fallback} of "
            f"{ours.items}, short body checked against the page as it came on {ours.unpruned}, body from the "
            f"page's data on {ours.state}; trafilatura.extract (fallbacks on) {plain.per_s:.1f} pages/s, "
            f"{plain.cpu_s:.1f} s",
            ratios=False,
        )
    return "\n".join(lines)


def _r(x: float | None, nd: int = 2) -> float | None:
    return None if x is None else round(x, nd)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None
