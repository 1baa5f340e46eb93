"""Deadlines bound every wait — a host's turn (a robots.txt Crawl-delay, the ledger shared with other
runs), a slow host, the wait for a connection — and what the deadline keeps from being fetched is
RELEASED for the next run: not a failed fetch, no backoff. The shared host ledger is never booked
beyond a small horizon. Real loopback servers (tests/support/faults/), both store engines."""

from __future__ import annotations

import asyncio
import time

from pantau import pipeline
from pantau.connectors.net import Fetcher
from pantau.connectors.net.pages import fetch_pages
from pantau.models import Candidate, FeedResult
from pantau.store import Store
from pantau.store.seen import claimer
from support.faults import FaultServer
from support.servers import allowing


def _run(store: Store, fs: FaultServer, paths: list[str], deadline_s: float, **http):
    """select_new → fetch (with the run's deadline and the store's shared host ledger) → record."""
    run_id = claimer(f"deadline-{time.monotonic()}")
    cands = [Candidate(url=fs.base + p, source="feed") for p in paths]
    fresh, _ = pipeline.select_new(store, [FeedResult(source="feed", url=fs.base, candidates=cands)], 3, 100, run_id)

    async def shared(host, interval, horizon):
        return await asyncio.to_thread(store.hosts.reserve, host, interval, None, horizon)

    async def go():
        async with Fetcher(allowing(fs, **http), deadline=time.monotonic() + deadline_s, shared_slots=shared) as f:
            return await fetch_pages(f, fresh, 1)

    start = time.monotonic()
    pages = asyncio.run(go())
    took = time.monotonic() - start
    analysed = [pipeline.Analysed(page=p, error=p.error) for p in pages if p.error]
    counts = pipeline.record(store, analysed, [], 3, run_id)
    return pages, took, counts


def test_a_crawl_delay_host_is_fetched_until_the_deadline_and_the_rest_released(store_url):
    with FaultServer() as fs:
        fs.robots = "User-agent: *\nCrawl-delay: 2\n"
        store = Store(store_url)
        paths = [f"/ok/jeda-{i}.html" for i in range(8)]
        pages, took, counts = _run(store, fs, paths, 5, per_host_interval_s=0.1, respect_robots=True)
        assert took < 5 + 1.5, f"the run's deadline (5 s) overrun: {took:.1f}s"
        fetched = [p for p in pages if p.html]
        released = [p for p in pages if p.released]
        assert 1 <= len(fetched) <= 3 and len(fetched) + len(released) == len(paths)
        assert all(p.html or p.released for p in pages)  # nothing else: no failed fetch
        for p in released:  # given back: the next run claims them afresh, no backoff
            assert store.seen.status(pipeline.canonical_url(p.candidate.url)) is None
        assert not [x for x in counts.problems if x.stage == "fetch"]
        ahead = store.hosts.reserve("127.0.0.1", 0, horizon=0) - 0  # the ledger's next slot, from now
        assert ahead <= 5 + 2, f"host ledger booked {ahead:.0f}s ahead"
        store.close()


def test_a_host_booked_far_ahead_by_another_run_is_not_waited_for_nor_booked_further(store_url):
    with FaultServer() as fs:
        store = Store(store_url)
        far = time.time() + 600
        store.hosts.reserve("127.0.0.1", 600)  # another run booked the host 10 minutes ahead
        pages, took, counts = _run(store, fs, ["/ok/jauh-1.html", "/ok/jauh-2.html"], 30, per_host_interval_s=1)
        assert took < 3 and all(p.released for p in pages) and fs.hits("/ok/jauh-1.html") == 0
        assert store.hosts.reserve("127.0.0.1", 0, horizon=0) <= far - time.time() + 1  # not pushed further
        assert all(store.seen.status(pipeline.canonical_url(p.candidate.url)) is None for p in pages)
        store.close()


def test_a_slow_host_is_cut_at_the_run_deadline_and_released(store_url):
    with FaultServer() as fs:
        store = Store(store_url)
        pages, took, _ = _run(store, fs, ["/slow-headers?delay=30"], 2, request_deadline_s=60, timeout_s=60)
        assert took < 2 + 1.5, took
        [p] = pages
        assert p.released and p.html is None and "run deadline" in (p.error or "")
        assert store.seen.status(pipeline.canonical_url(p.candidate.url)) is None
        store.close()
