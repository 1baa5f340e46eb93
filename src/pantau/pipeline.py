"""The stages between fetch and alert, as plain functions the flow calls (no network here).

candidates → ``select_new`` (one per canonical URL, never one already fetched; invalid links dropped)
→ [fetch: connectors] → ``analyse`` (extract, language, topic) → ``record`` (store the article, join
or start a story, record the alert intent). Each returns what it did; nothing is mutated in place.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from . import alerts
from .clock import utcnow
from .errors import Problem
from .models import Article, Candidate, Counts, FeedResult, Match, Page
from .store import Store, StoryRow
from .stories import find_story, signature
from .topic import Matcher, Topic
from .urls import canonical_url

STORY_THRESHOLD = 0.4
STORY_WINDOW = timedelta(hours=72)


@dataclass
class Analysed:
    page: Page
    article: Article | None = None
    matches: list[Match] = field(default_factory=list)
    skip_reason: str | None = None  # why it stops here (not an error: e.g. not Indonesian)
    error: str | None = None

    @property
    def best(self) -> Match | None:
        return max(self.matches, key=lambda m: m.score, default=None)


def _published(page_date: datetime | None, feed_date: datetime | None) -> datetime | None:
    """The page's date, unless it is a bare day and the feed gives a time on that same day."""
    if page_date is None:
        return feed_date
    if (
        feed_date is not None
        and page_date.timetz().replace(tzinfo=None) == time(0, 0)
        and feed_date.astimezone(page_date.tzinfo).date() == page_date.date()
    ):
        return feed_date
    return page_date


def select_new(
    store: Store, results: list[FeedResult], max_attempts: int, limit: int, run_id: str
) -> tuple[list[Candidate], list[Problem]]:
    """The links this run fetches — one per canonical URL, never one fetched before or being fetched
    by an overlapping run (claimed in the store), failed ones again once their backoff has passed,
    hosts interleaved (so that a batch is not one site's links back to back) — and the links dropped
    as invalid, each a Problem naming its source."""
    by_url: dict[str, Candidate] = {}
    problems = []
    for r in results:
        for c in r.candidates:
            url = canonical_url(c.url)
            if url is None:
                problems.append(Problem("discover", r.source, f"invalid link dropped: {c.url[:200]!r}"))
                continue
            by_url.setdefault(url, replace(c, canonical=url))
    ordered = [c.canonical for c in interleave(list(by_url.values()))]
    won = store.seen.claim(ordered, run_id, max_attempts)
    release(store, [by_url[u] for u in won[limit:]], run_id)  # beyond this run's limit: the next run's
    return [by_url[u] for u in won[:limit]], problems


def release(store: Store, candidates: list[Candidate], run_id: str) -> None:
    """Give back the claims on links this run will not fetch (it stopped early, or reached its limit);
    their sources are read in full next time, so that a 304 does not hide them from the next run."""
    store.seen.release([key(c) for c in candidates], run_id)
    store.feeds.forget_validators({c.source for c in candidates})


def key(c: Candidate) -> str:
    """The store's key for a link: its canonical URL, computed once by ``select_new``."""
    return c.canonical or canonical_url(c.url) or c.url


def interleave(candidates: list[Candidate]) -> list[Candidate]:
    """Round-robin over hosts, keeping each host's own order."""
    queues: dict[str, list[Candidate]] = {}
    for c in candidates:
        queues.setdefault(urlsplit(c.url).hostname or "", []).append(c)
    out: list[Candidate] = []
    while queues:
        for host in list(queues):
            out.append(queues[host].pop(0))
            if not queues[host]:
                del queues[host]
    return out


def analyse(pages: list[Page], matchers: list[Matcher], languages: list[str]) -> list[Analysed]:
    from .extract import content_hash, extract_article  # here: a run with nothing new never loads them
    from .extract.language import detect_language

    out = []
    for p in pages:
        a = Analysed(page=p)
        out.append(a)
        if p.error or not p.html:
            a.error = p.error or "empty page"
            continue
        try:
            x = extract_article(p.html, p.final_url, p.more_html)
        except Exception as e:  # noqa: BLE001 - a hostile page must not stop the batch
            a.error = f"extraction failed: {type(e).__name__}: {e}"
            continue
        if x is None:
            a.error = "no article text found"
            continue
        p.notes.extend(x.notes)
        lang, _ = detect_language(f"{x.title}\n{x.text}")
        own = x.url or p.final_url  # the page's own canonical URL, or where the fetch ended
        url = key(p.candidate) if own == p.candidate.url else canonical_url(own) or canonical_url(p.final_url) or own
        a.article = Article(
            url=url,
            fetched_url=p.final_url,
            source=p.candidate.source,
            title=x.title or p.candidate.title,
            text=x.text,
            published=_published(x.published, p.candidate.published),
            author=x.author,
            site=p.candidate.outlet or x.site,
            language=lang,
            content_hash=content_hash(x.title, x.text),
        )
        if lang not in languages:
            a.skip_reason = f"language {lang}"
            continue
        a.matches = [m.score(a.article.title, a.article.text) for m in matchers]
    return out


# --- analysis on every core ---------------------------------------------------------------------

_WORKER: dict = {}


def _start_worker(topics: list[Topic], languages: list[str]) -> None:
    """A worker process: the run's topics (loaded once, by the run, and sent here), kept for every chunk."""
    _WORKER["matchers"] = [Matcher(t) for t in topics]
    _WORKER["languages"] = languages


def _analyse_in_worker(pages: list[Page]) -> list[Analysed]:
    return analyse(pages, _WORKER["matchers"], _WORKER["languages"])


def default_processes() -> int:
    """One worker per core; on a single core, none (the main process analyses itself)."""
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


class Analyser:
    """``analyse`` on every core: each batch is split between worker processes (started on first use,
    with the topics loaded once each) while this process's event loop fetches the next batch and
    records the last. ``processes=0`` analyses in a thread of this process instead (one core, or tests).

    Measured on 2 cores (bench/, 2,000 pages on 20 loopback hosts): two workers beside the main
    process beat one worker plus a thread of the main process, whose event loop, store writes and
    analysis then share one interpreter lock."""

    def __init__(self, loaded: list[Topic], languages: list[str], processes: int | None = None):
        self.loaded, self.languages = loaded, languages
        self.processes = default_processes() if processes is None else processes
        self._pool: ProcessPoolExecutor | None = None
        self._matchers: list[Matcher] | None = None

    @property
    def matchers(self) -> list[Matcher]:
        """Built on first use: a run with nothing new never pays for them."""
        if self._matchers is None:
            self._matchers = [Matcher(t) for t in self.loaded]
        return self._matchers

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.loaded, self.languages),
            )
        return self._pool

    async def analyse(self, pages: list[Page]) -> list[Analysed]:
        if not pages:
            return []
        if self.processes == 0:
            return await asyncio.to_thread(analyse, pages, self.matchers, self.languages)
        shares = [pages[i :: self.processes] for i in range(self.processes)]
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            try:
                jobs = [loop.run_in_executor(self._workers(), _analyse_in_worker, share) for share in shares if share]
                parts = await asyncio.gather(*jobs)
                break
            except BrokenProcessPool:  # a worker died (killed, or a page crashed its parser)
                self.close()
                if attempt == 2:  # twice: report the batch, never crash the run on it
                    return [Analysed(page=p, error="analysis failed: its worker process died") for p in pages]
        out: list[Analysed] = [None] * len(pages)  # type: ignore[list-item]
        for i, part in enumerate(parts):  # share i holds pages i, i+n, i+2n … : put them back
            out[i :: len(shares)] = part
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Analyser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def record(
    store: Store,
    analysed: list[Analysed],
    channels: list[alerts.Channel],
    max_attempts: int = 3,
    run_id: str | None = None,
) -> Counts:
    """Persist each analysed page; group relevant articles into stories and record alert intents.

    Each page is one transaction: its article, its URLs marked done, its story and its alerts are
    stored together or not at all — a store failing half-way leaves the URL claimed, and the next run
    fetches and records it again (never a URL done without the alerts it should have planned).

    A page the run's deadline kept from being fetched is released (``run_id``'s claim given back: no
    failure, no backoff); a permanent refusal (404, 410, robots.txt) is reported once and never tried
    again."""
    n = Counts(fetched=sum(1 for a in analysed if a.page.html))
    released = [a.page.candidate for a in analysed if a.page.released and a.page.html is None]
    if released:
        if run_id is not None:
            release(store, released, run_id)
        links = f"{len(released)} link{'s' if len(released) != 1 else ''}"
        why = f"{links} not fetched before the run deadline: left for the next run"
        n.problems.append(Problem("run", "deadline", why))
    for a in analysed:
        if a.page.released and a.page.html is None:
            continue
        with store.transaction():
            _record_one(store, a, channels, max_attempts, n)
    return n


def _record_one(store: Store, a: Analysed, channels: list[alerts.Channel], max_attempts: int, n: Counts) -> None:
    cand_url = key(a.page.candidate)
    if a.error:
        if a.page.permanent:  # refused for good: reported this once, never tried again
            store.seen.mark(cand_url, error=a.error, max_attempts=1)
            n.problems.append(Problem("fetch", a.page.candidate.url, f"{a.error} (refused for good: not tried again)"))
            return
        gave_up = store.seen.mark(cand_url, error=a.error, max_attempts=max_attempts)
        why = f"gave up after {max_attempts} tries: {a.error}" if gave_up else f"{a.error} (tried again later)"
        n.problems.append(Problem("fetch" if a.page.html is None else "extract", a.page.candidate.url, why))
        return
    n.extracted += 1
    art = a.article
    assert art is not None
    if a.skip_reason is None:
        n.indonesian += 1
    best = a.best
    duplicate = store.articles.find(url=art.url) or store.articles.find(content_hash=art.content_hash)
    article_id = store.articles.add(art, best) if not (duplicate and duplicate.url == art.url) else None
    store.seen.mark(cand_url)
    if art.url != cand_url:
        store.seen.mark(art.url)
    if article_id is None or best is None or not best.relevant:
        return
    n.matched += 1
    sig = signature(art.title, art.text)
    story: StoryRow | None
    if duplicate is not None and duplicate.story_id:
        story = store.stories.get(duplicate.story_id)  # syndicated copy of a known article
    else:
        story = find_story(
            sig,
            art.published,
            store.stories.recent(best.topic, utcnow() - STORY_WINDOW),
            STORY_THRESHOLD,
            STORY_WINDOW,
        )
    if story is None:
        story_id = store.stories.create(best.topic, art.title, sig, art.published)
        n.stories_new += 1
    else:
        story_id = story.id
        store.stories.touch(story_id)
        n.stories_updated += 1
    store.articles.set_story(article_id, story_id)
    n.story_ids.append(story_id)
    alerts.plan(store, story_id, best.topic, channels)


def batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
