"""Prefect flow ``ingest``: orchestration only — every decision lives in pantau/ and connectors/.

One task run per source and per batch of articles (never per article); Prefect retries a source
only for a transient failure (timeout, refused connection, 5xx, 429), one log line per retry; a
source that still fails is reported, not raised, so no traceback is printed for an expected failure.
The run ends ``Completed``, or ``Failed`` with the verdict as its message when no source could be
read or an alert could not be delivered (pantau/report.py), and posts its artifacts: ``ingest-summary``
and ``ingest-stories``. What the run form changes (``options``) is applied by pantau/run_options.py.
``run_pipeline`` is shared with the backfill flow (flows/backfill.py). No ``from __future__ import
annotations`` here: Prefect checks a run's parameters against the annotations as objects.
"""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote

from pantau import alerts, pipeline, run_options
from pantau.config import Config, Source
from pantau.connectors import sources
from pantau.connectors.net import Fetcher
from pantau.connectors.net.pages import fetch_pages
from pantau.connectors.sources import SourceContext
from pantau.errors import FetchError, PantauError, Problem
from pantau.flows import health, runners
from pantau.flows.opening import label_run, open_run, run_name
from pantau.flows.store_failed import StoreFailed, unwrap
from pantau.models import Candidate, Channel, Counts, Delivery, FeedResult, Page, RunSummary
from pantau.report import feedback_lines, stories_table, summarise, summary_markdown
from pantau.run_options import IngestOptions
from pantau.store import Store, seen
from pantau.store.seen import claimer
from pantau.store.timeouts import STORE_ERRORS, store_error
from pantau.topic import Topic, load_topic

DEFAULTS = IngestOptions()
Progress = Callable[[int, int], Awaitable[None]]  # (batches done, batches in all)


T = TypeVar("T")


def opaque(value: T) -> T:
    """A task argument Prefect passes through as it is, without walking it (pages are big)."""
    return cast(T, quote(value))


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect's retry condition: only transient fetch failures are worth another try."""
    return isinstance(state.data, FetchError) and state.data.transient


@task(name="discover", cache_policy=NO_CACHE, task_run_name="discover-{source.name}", retry_condition_fn=_transient)
async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext, deadline_s: float) -> FeedResult:
    try:
        async with asyncio.timeout(deadline_s):
            return await sources.discover(fetcher, source, ctx)
    except TimeoutError:
        return FeedResult(
            source=source.name, url=source.key, error=f"gave up after {deadline_s:g}s (pipeline.source_deadline_s)"
        )
    except FetchError as e:
        run = TaskRunContext.get()
        tries = run.task_run.run_count if run else 1
        if e.transient and run and tries <= run.task.retries:
            raise  # Prefect retries it
        reason = f"{e} after {tries} tries" if tries > 1 else str(e)
        return FeedResult(source=source.name, url=source.key, status=e.status, error=reason, unreachable=e.network)


@task(name="fetch-batch", cache_policy=NO_CACHE)
async def fetch_batch(fetcher: Fetcher, candidates: list[Candidate], max_pages: int) -> list[Page]:
    return await fetch_pages(fetcher, candidates, max_pages)


@task(name="analyse-batch", cache_policy=NO_CACHE)
async def analyse_batch(analyser: pipeline.Analyser, pages: list[Page]) -> list[pipeline.Analysed]:
    return await analyser.analyse(pages)


@task(name="record-batch", cache_policy=NO_CACHE)
async def record_batch(
    store: Store, analysed: list[pipeline.Analysed], channels: list[Channel], max_attempts: int, run_id: str
) -> Counts | StoreFailed:
    def grouped() -> Counts:
        with store.stories.grouping():  # one run at a time joins stories, on every machine
            return pipeline.record(store, analysed, channels, max_attempts, run_id)

    try:
        return await asyncio.to_thread(grouped)
    except STORE_ERRORS as e:  # the run ends with one line (no task traceback): see run_pipeline
        return StoreFailed(str(store_error(e)))


@task(name="deliver-alerts", cache_policy=NO_CACHE, task_run_name="deliver-{channel.name}")
def deliver_alerts(store: Store, channel: Channel, run_id: str, labels: dict[str, str]) -> Delivery | StoreFailed:
    try:
        return alerts.deliver(store, [channel], run_id, labels)
    except STORE_ERRORS as e:
        return StoreFailed(str(store_error(e)))


@dataclass
class Run:
    """What every step of one run shares: its settings, store and channels, its topics (loaded once), the
    claim it holds on links, and its deadline."""

    cfg: Config
    store: Store
    channels: list[Channel]
    topics: list[Topic]
    run_id: str
    deadline: float
    log: Any

    @property
    def labels(self) -> dict[str, str]:
        return {t.name: t.label for t in self.topics}


async def read_sources(fetcher: Fetcher, run: Run, enabled: list[Source]) -> list[FeedResult]:
    """Step 1: every enabled source, one task run each, Prefect retrying only transient failures."""
    http, store = run.cfg.http, run.store
    task_ = discover.with_options(retries=http.retries, retry_delay_seconds=http.retry_delay_s)
    topics = {t.name: t for t in run.topics}

    async def one(src: Source) -> FeedResult:
        etag, modified = store.feeds.validators(src.key)
        topic = topics[src.topic or run.topics[0].name]
        ctx = SourceContext(etag, modified, topic.search_any, topic.search_context, store.feeds.aliases)
        try:
            r = await task_(fetcher, src, ctx, run.cfg.pipeline.source_deadline_s)
        except Exception as e:  # noqa: BLE001 - a bug in a connector: Prefect has logged its traceback
            r = FeedResult(source=src.name, url=src.key, error=f"internal error: {type(e).__name__}: {e}")
        if r.error:
            run.log.warning("%s (%s): %s", src.name, src.kind, r.error)
        else:
            run.log.info(
                "%s (%s): %s", src.name, src.kind, "not modified" if r.not_modified else f"{len(r.candidates)} links"
            )
        return r

    results = list(await asyncio.gather(*(one(s) for s in enabled)))
    for r in results:
        store.feeds.save(r)
    return results


def choose_links(run: Run, results: list[FeedResult]) -> tuple[list[Candidate], Counts]:
    """Step 2: the new links this run fetches (claimed in the store), and the problems so far."""
    settings = run.cfg.pipeline
    fresh, dropped = pipeline.select_new(
        run.store, results, settings.max_fetch_attempts, settings.max_articles_per_run, run.run_id
    )
    health.record(run.store, results, fresh)
    failed = [r for r in results if r.error]
    run.log.info(
        "%d sources read, %d failed: %d links, %d new",
        len(results) - len(failed),
        len(failed),
        sum(len(r.candidates) for r in results),
        len(fresh),
    )
    return fresh, Counts(problems=[Problem("discover", r.source, r.error or "") for r in failed] + dropped)


async def read_articles(
    fetcher: Fetcher, run: Run, fresh: list[Candidate], done: Counts, progress: Progress | None
) -> Counts:
    """Step 3: fetch, analyse and record the new links batch by batch — batch i+1 is fetched while batch i
    is analysed (on every core, or on Dask) and recorded; at the run's deadline the rest is released."""
    settings = run.cfg.pipeline
    parts = list(pipeline.batches(fresh, settings.batch_size))
    if progress:
        await progress(0, len(parts))
    if not parts:
        return done

    def fetch(i: int) -> asyncio.Future:
        return asyncio.ensure_future(fetch_batch(fetcher, opaque(parts[i]), settings.max_pages))

    with runners.analyser(settings, run.topics) as analyser:
        fetching: asyncio.Future | None = fetch(0)
        for i in range(len(parts)):
            assert fetching is not None
            pages = await fetching
            fetching = None
            if i + 1 < len(parts):
                if time.monotonic() < run.deadline:
                    fetching = fetch(i + 1)
                else:
                    left = [c for part in parts[i + 1 :] for c in part]
                    pipeline.release(run.store, left, run.run_id)
                    why = (
                        f"run deadline reached ({settings.run_deadline_s:g}s): {len(left)} links left for the next run"
                    )
                    done.problems.append(Problem("run", "deadline", why))
                    run.log.warning("run deadline reached: %d links left for the next run", len(left))
            analysed = await analyse_batch(analyser, opaque(pages))
            part = unwrap(
                await record_batch(run.store, opaque(analysed), run.channels, settings.max_fetch_attempts, run.run_id)
            )
            done += part
            run.log.info(
                "batch %d/%d: %d pages fetched, %d extracted, %d matched",
                *(i + 1, len(parts), part.fetched, part.extracted, part.matched),
            )
            if progress:
                await progress(i + 1, len(parts))
            if fetching is None:
                break
    return done


def send_alerts(run: Run, options: IngestOptions) -> Delivery:
    """Step 4: what is due on each channel, one task run per channel (the UI shows which one failed)."""
    return Delivery.merge(
        [
            unwrap(deliver_alerts(run.store, ch, run.run_id, run.labels))
            for ch in run_options.delivered(run.channels, options)
        ]
    )


async def report(run: Run, name: str, summary: RunSummary, story_ids: list[int], dry_run: bool) -> State:
    """Step 5: the run's artifacts, what the ops channels are told, and the state it ends in (its summary
    as the data)."""
    await acreate_markdown_artifact(
        key=f"{name}-summary", markdown=summary_markdown(summary, name), description=f"pantau {name} run summary"
    )
    await acreate_table_artifact(
        key=f"{name}-stories",
        table=stories_table(run.store, story_ids),
        description="stories this run started or grew: title, outlets, score, why, link",
    )
    await health.check(run.store, run.cfg, summary.message if summary.outcome != "ok" else None, dry_run, name)
    if summary.outcome != "ok":
        return Failed(message=summary.message, data=summary)
    run.log.info("%s", summary.message)
    return Completed(message=summary.message, data=summary)


async def run_pipeline(config_path: str, options: IngestOptions, name: str, progress: Progress | None = None) -> State:
    """One run of the pipeline under ``options``: the state it ends in, its summary as the data.
    A store that fails mid-run ends it ``Failed`` with one line (its data: the StoreError)."""
    await label_run(options)
    try:
        cfg, channels, store = open_run(config_path, options)
    except PantauError as e:
        return Failed(message=str(e))
    run_id = claimer(str(flow_run.id or uuid.uuid4()))
    try:
        return await _run(cfg, store, channels, options, name, progress, run_id)
    except STORE_ERRORS as e:
        err = store_error(e)
        get_run_logger().error("%s", err)
        return Failed(message=str(err), data=err)
    finally:
        seen.finished(run_id)  # what it still claims, the next run takes over at once
        try:
            store.close()  # a dry run's copy is deleted
        except STORE_ERRORS:
            pass


async def _run(
    cfg: Config,
    store: Store,
    channels: list[Channel],
    options: IngestOptions,
    name: str,
    progress: Progress | None,
    run_id: str,
) -> State:
    """The run as a script of named steps: read the sources, choose the new links, read the articles, send
    the alerts, report."""
    log = get_run_logger()
    notes = None
    if options.dry_run:
        channels, notes = run_options.dry_run_senders(channels)
        log.info("dry run: nothing will be sent or kept")
    run = Run(
        cfg,
        store,
        channels,
        topics=[load_topic(cfg.topic_dir(t), t.threshold) for t in cfg.topics],
        run_id=run_id,
        deadline=time.monotonic() + cfg.pipeline.run_deadline_s,
        log=log,
    )
    enabled = [s for s in cfg.sources if s.enabled]

    async def shared_slots(host: str, interval: float, horizon: float) -> float:  # across overlapping runs
        try:
            return await asyncio.to_thread(store.hosts.reserve, host, interval, None, horizon)
        except STORE_ERRORS as e:  # this run's own pacing still holds; recording will report the store
            log.warning("host ledger unavailable, pacing within this run only: %s", store_error(e))
            return 0.0

    async with Fetcher(cfg.http, deadline=run.deadline, shared_slots=shared_slots) as fetcher:
        results = await read_sources(fetcher, run, enabled)
        fresh, done = choose_links(run, results)
        done = await read_articles(fetcher, run, fresh, done, progress)
    delivered = send_alerts(run, options)
    summary = summarise(enabled, results, fresh, done, delivered, {}, store.outbox.counts(), would_send=notes)
    summary.feedback = feedback_lines(store, store.feedback.since_last_run(run.run_id))
    return await report(run, name, summary, done.story_ids, options.dry_run)


@flow(name="ingest", flow_run_name=run_name)
async def ingest(options: IngestOptions = DEFAULTS, config_path: str = "") -> State:
    """One ingest run: read the sources, keep the stories of the topic, alert once per story.

    Args:
        options: What this run reads and sends (defaults: everything, as the schedule runs it).
        config_path: The config file (empty: $PANTAU_CONFIG, else ./config.yaml, else pantau's own).
    """
    return await run_pipeline(config_path, options, "ingest")
