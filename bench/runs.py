"""``pantau run`` as a user runs it: a generated config, a subprocess, its JSON summary checked.

The config copies the structure of config.yaml / ``pantau.demo.demo_config``: one ``rss`` source per
loopback host, the project's topic by absolute path, no channels, SQLite in the run's folder. Speed
runs switch politeness off (``per_host_interval_s: 0``, no robots.txt, 4 connections a host); the
polite run takes config.yaml's own ``http:`` block.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import render
from .prefect_server import child_env, tool
from .procs import Measured, run_measured
from .site import Hit, LoopbackSite

ROOT = Path(__file__).resolve().parent.parent
TOPIC = ROOT / "seeds" / "g20-russia-ukraine"
SPEED_HTTP = {"per_host_interval_s": 0, "respect_robots": False, "max_per_host": 4}


def shipped() -> dict:
    """config.yaml's settings (empty when it is missing)."""
    path = ROOT / "config.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def make_config(site: LoopbackSite, count: int, folder: Path, *, polite: bool = False, sources: bool = True) -> Path:
    """Write ``folder/config.yaml`` for a run over the first ``count`` articles; returns its path."""
    from pantau.config import Http, Source

    base = shipped()
    http = dict(base.get("http") or {}) if polite else dict(SPEED_HTTP)
    if "allow_private" in Http.model_fields:  # pantau refuses private addresses unless listed
        http["allow_private"] = ["127.0.0.0/8"]
    per_host = math.ceil(count / site.n_hosts)
    srcs = []
    for h, url in enumerate(site.feed_urls(count) if sources else []):
        src = {"name": f"warta-{h + 1:02d}", "kind": "rss", "url": url, "outlet": render.outlet_name(h)}
        default_max = Source.model_fields["max_items"].default if "max_items" in Source.model_fields else None
        if default_max is not None and per_host > default_max:
            src["max_items"] = per_host
        srcs.append(src)
    pipeline = dict(base.get("pipeline") or {})
    pipeline["max_articles_per_run"] = max(int(pipeline.get("max_articles_per_run", 0)), count)
    cfg = {
        "storage_url": f"sqlite:///{(folder / 'pantau.db').resolve()}",
        "timezone": base.get("timezone", "Asia/Jakarta"),
        "http": http,
        "pipeline": pipeline,
        "sources": srcs,
        "topics": [{"name": "g20-russia-ukraine", "path": str(TOPIC)}],
        "channels": [],
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Timeline:
    """When the loopback site saw the run's requests, in seconds from the process start."""

    first_request: float | None = None  # start-up: imports, config, Prefect, store
    first_page: float | None = None
    last_page: float | None = None
    page_requests: int = 0
    feed_requests: int = 0
    not_modified: int = 0
    robots_requests: int = 0
    min_host_gap: float | None = None  # least time between two requests to one host (robots.txt aside)
    hosts_per_s: float | None = None  # distinct hosts asked for pages in a second, mean over the fetch

    @classmethod
    def of(cls, hits: list[Hit], t0: float) -> Timeline:
        tl = cls()
        if hits:
            tl.first_request = min(h.t for h in hits) - t0
        pages = [h for h in hits if h.path.endswith(".html")]
        if pages:
            tl.first_page = min(h.t for h in pages) - t0
            tl.last_page = max(h.t for h in pages) - t0
        tl.page_requests = len(pages)
        feeds = [h for h in hits if h.path.startswith("/rss/")]
        tl.feed_requests = len(feeds)
        tl.not_modified = sum(1 for h in feeds if h.status == 304)
        tl.robots_requests = sum(1 for h in hits if h.path == "/robots.txt")
        by_host: dict[int, list[float]] = {}
        for h in hits:
            if h.path != "/robots.txt":
                by_host.setdefault(h.host, []).append(h.t)
        gaps = [b - a for ts in by_host.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False)]
        tl.min_host_gap = min(gaps) if gaps else None
        if pages:
            start = min(h.t for h in pages)
            seconds: dict[int, set[int]] = {}
            for h in pages:
                seconds.setdefault(int(h.t - start), set()).add(h.host)
            span = int(max(h.t for h in pages) - start) + 1
            tl.hosts_per_s = sum(len(v) for v in seconds.values()) / span
        return tl


@dataclass
class PantauRun:
    name: str
    expected: int  # pages that must be fetched
    measured: Measured
    summary: dict | None
    timeline: Timeline
    problems: list[str] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return self.measured.wall_s

    @property
    def pps(self) -> float | None:
        fetched = (self.summary or {}).get("fetched", 0)
        return fetched / self.wall_s if fetched and self.wall_s > 0 else None


def progress(name: str, site: LoopbackSite, mark: int, expected: int, every: float = 20.0):
    """A progress line every ``every`` seconds: pages served to the run so far."""
    last = [0.0]

    def tick(elapsed: float) -> None:
        if elapsed - last[0] >= every:
            last[0] = elapsed
            pages = sum(1 for h in site.since(mark) if h.path.endswith(".html"))
            print(f"           … {name}: {pages}/{expected} pages served after {elapsed:.0f} s", flush=True)

    return tick


def run_pantau(
    name: str,
    config: Path,
    site: LoopbackSite,
    *,
    home: Path,
    api_url: str | None,
    expected: int,
    log_dir: Path,
    profile_to: Path | None = None,
    timeout: float = 3600.0,
) -> PantauRun:
    """``pantau run --config CONFIG --json`` to completion; its summary checked against ``expected``.

    ``api_url``: an already-running Prefect server (None: pantau starts its ephemeral server).
    ``profile_to``: run it under cProfile, writing the stats there."""
    args = ["run", "--config", str(config), "--json"]
    argv = (
        [sys.executable, "-m", "cProfile", "-o", str(profile_to), "-m", "pantau.cli", *args]
        if profile_to
        else tool("pantau", "pantau.cli") + args
    )
    mark = site.mark()
    m = run_measured(
        argv,
        child_env(home, api_url),
        log_dir / f"{name}.out",
        timeout=timeout,
        cwd=config.parent,
        on_poll=progress(name, site, mark, expected),
    )
    summary = m.last_json()
    run = PantauRun(name, expected, m, summary, Timeline.of(site.since(mark), m.started))
    if m.timed_out:
        run.problems.append(f"{name}: stopped after {timeout:.0f}s")
    if m.returncode != 0:
        run.problems.append(f"{name}: pantau exited with {m.returncode} (log: {m.log})")
    if summary is None:
        run.problems.append(f"{name}: no JSON summary on the last line (log: {m.log})")
    else:
        fetched, extracted = summary.get("fetched", 0), summary.get("extracted", 0)
        if fetched != expected:
            run.problems.append(
                f"{name}: pantau fetched {fetched} of {expected} pages "
                f"(discovered {summary.get('discovered')}, "
                f"new {summary.get('new_candidates')}, "
                f"{summary.get('errors', 0)} errors; log: {m.log})"
            )
        elif extracted < expected:
            run.problems.append(f"{name}: pantau extracted {extracted} of {expected} fetched pages")
    return run
