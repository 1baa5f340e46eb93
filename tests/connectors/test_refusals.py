"""Permanent refusals — 404, 410, a robots.txt Disallow — are reported once and never tried again (a
transient failure, 503, keeps its backoff and retries). Real loopback server, both store engines."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from pantau import pipeline
from pantau.clock import utcnow
from pantau.connectors.net import Fetcher
from pantau.connectors.net.pages import fetch_pages
from pantau.models import Candidate, FeedResult
from pantau.store import Store
from pantau.store.seen import claimer
from support.faults import FaultServer
from support.servers import allowing


def _run(store: Store, fs: FaultServer, paths: list[str], name: str):
    run_id = claimer(name)
    cands = [Candidate(url=fs.base + p, source="feed") for p in paths]
    fresh, _ = pipeline.select_new(store, [FeedResult(source="feed", url=fs.base, candidates=cands)], 3, 100, run_id)

    async def go():
        async with Fetcher(allowing(fs, per_host_interval_s=0, respect_robots=True)) as f:
            return await fetch_pages(f, fresh, 1)

    pages = asyncio.run(go())
    return pipeline.record(store, [pipeline.Analysed(page=p, error=p.error) for p in pages], [], 3, run_id)


def test_404_410_and_robots_disallow_are_reported_once_and_never_retried(store_url):
    with FaultServer() as fs:
        fs.robots = "User-agent: *\nDisallow: /ok/dilarang\n"
        store = Store(store_url)
        refused = ["/status/404", "/status/410", "/ok/dilarang.html"]
        paths = [*refused, "/status/503"]
        first = _run(store, fs, paths, "run-1")
        reasons = {p.where.removeprefix(fs.base): p.reason for p in first.problems}
        for path in refused:
            assert "refused for good" in reasons[path], reasons
            assert store.seen.status(pipeline.canonical_url(fs.base + path)) == ("gave_up", 1)
        assert "tried again later" in reasons["/status/503"]
        later = utcnow() + timedelta(days=2)  # every backoff has passed
        urls = [pipeline.canonical_url(fs.base + p) for p in paths]
        assert store.seen.claim(urls, "run-2", 3, now=later) == [pipeline.canonical_url(fs.base + "/status/503")]
        hits = {p: fs.hits(p) for p in refused}
        second = _run(store, fs, paths, "run-3")
        assert not [p for p in second.problems if any(p.where.endswith(r) for r in refused)]  # not re-reported
        assert {p: fs.hits(p) for p in refused} == hits  # not fetched again
        store.close()
