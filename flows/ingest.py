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
from typing import TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote

from pantau import alerts, pipeline, run_options
from pantau.config import Source
from pantau.connectors import sources
from pantau.connectors.net import Fetcher
from pantau.connectors.net.pages import fetch_pages
from pantau.connectors.sources import SourceContext
from pantau.errors import FetchError, PantauError, Problem
from pantau.flows import health, runners
from pantau.flows.opening import open_run
from pantau.models import Counts, FeedResult
from pantau.report import stories_table, summarise, summary_markdown
from pantau.run_options import IngestOptions
from pantau.store import Store
from pantau.store.seen import claimer
from pantau.topic import Topic, load_topic

DEFAULTS = IngestOptions()
Progress = Callable[[int, int], Awaitable[None]]  # (batches done, batches in all)


T = TypeVar("T")


def opaque(value: T) -> T:
    """A task argument Prefect passes through as it is, without walking it (pages are big)."""
    return cast(T, quote(value))


def _transient(task, task_run, state) -> bool:
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
async def fetch_batch(fetcher: Fetcher, candidates: list, max_pages: int) -> list:
    return await fetch_pages(fetcher, candidates, max_pages)


@task(name="analyse-batch", cache_policy=NO_CACHE)
async def analyse_batch(analyser: pipeline.Analyser, pages: list) -> list:
    return await analyser.analyse(pages)


@task(name="record-batch", cache_policy=NO_CACHE)
async def record_batch(store: Store, analysed: list, channels: list, max_attempts: int) -> Counts:
    def grouped() -> Counts:
        with store.stories.grouping():  # one run at a time joins stories, on every machine
            return pipeline.record(store, analysed, channels, max_attempts)

    return await asyncio.to_thread(grouped)


@task(name="deliver-alerts", cache_policy=NO_CACHE)
def deliver_alerts(store: Store, channels: list, run_id: str, labels: dict) -> dict:
    return alerts.deliver(store, channels, run_id, labels)


async def _discover_all(
    fetcher: Fetcher,
    store: Store,
    enabled: list[Source],
    topic_list: list[Topic],
    retries: int,
    delay: float,
    deadline_s: float,
) -> list[FeedResult]:
    log = get_run_logger()
    task_ = discover.with_options(retries=retries, retry_delay_seconds=delay)
    topics = {t.name: t for t in topic_list}

    async def one(src: Source) -> FeedResult:
        etag, modified = store.feeds.validators(src.key)
        topic = topics[src.topic or topic_list[0].name]
        ctx = SourceContext(etag, modified, topic.search_any, topic.search_context, store.feeds.aliases)
        try:
            r = await task_(fetcher, src, ctx, deadline_s)
        except Exception as e:  # noqa: BLE001 - a bug in a connector: Prefect has logged its traceback
            r = FeedResult(source=src.name, url=src.key, error=f"internal error: {type(e).__name__}: {e}")
        if r.error:
            log.warning("%s (%s): %s", src.name, src.kind, r.error)
        else:
            log.info(
                "%s (%s): %s", src.name, src.kind, "not modified" if r.not_modified else f"{len(r.candidates)} links"
            )
        return r

    results = list(await asyncio.gather(*(one(s) for s in enabled)))
    for r in results:
        store.feeds.save(r)
    return results


async def run_pipeline(config_path: str, options: IngestOptions, name: str, progress: Progress | None = None) -> State:
    """One run of the pipeline under ``options``: the state it ends in, its summary as the data."""
    try:
        cfg, channels, store = open_run(config_path, options)
    except PantauError as e:
        return Failed(message=str(e))
    try:
        return await _run(cfg, store, channels, options, name, progress, get_run_logger())
    finally:
        store.close()  # a dry run's copy is deleted


async def _run(
    cfg, store: Store, channels: list, options: IngestOptions, name: str, progress: Progress | None, log
) -> State:
    topic_list = [load_topic(cfg.topic_dir(t), t.threshold) for t in cfg.topics]
    labels = {t.name: t.label for t in topic_list}
    notes = None
    if options.dry_run:
        channels, notes = run_options.dry_run_senders(channels)
        log.info("dry run: nothing will be sent or kept")
    enabled = [s for s in cfg.sources if s.enabled]

    run_id = claimer(str(flow_run.id or uuid.uuid4()))
    deadline = time.monotonic() + cfg.pipeline.run_deadline_s

    async def shared_slots(host: str, interval: float) -> float:  # politeness across overlapping runs
        return await asyncio.to_thread(store.hosts.reserve, host, interval)

    async with Fetcher(cfg.http, deadline=deadline, shared_slots=shared_slots) as fetcher:
        results = await _discover_all(
            fetcher,
            store,
            enabled,
            topic_list,
            cfg.http.retries,
            cfg.http.retry_delay_s,
            cfg.pipeline.source_deadline_s,
        )
        fresh, dropped = pipeline.select_new(
            store, results, cfg.pipeline.max_fetch_attempts, cfg.pipeline.max_articles_per_run, run_id
        )
        health.record(store, results, fresh)
        failed = [r for r in results if r.error]
        log.info(
            "%d sources read, %d failed: %d links, %d new",
            len(results) - len(failed),
            len(failed),
            sum(len(r.candidates) for r in results),
            len(fresh),
        )
        done = Counts(problems=[Problem("discover", r.source, r.error or "") for r in failed] + dropped)
        parts = list(pipeline.batches(fresh, cfg.pipeline.batch_size))
        if progress:
            await progress(0, len(parts))
        topics = [(str(cfg.topic_dir(t)), t.threshold) for t in cfg.topics]
        with runners.analyser(cfg.pipeline, topic_list, topics) as analyser:  # this machine's cores, or Dask
            # batch i+1 is fetched while batch i is analysed (on every core) and recorded
            fetching = (
                asyncio.ensure_future(fetch_batch(fetcher, opaque(parts[0]), cfg.pipeline.max_pages)) if parts else None
            )
            for i in range(len(parts)):
                assert fetching is not None
                pages = await fetching
                fetching = None
                if i + 1 < len(parts):
                    if time.monotonic() < deadline:
                        fetching = asyncio.ensure_future(
                            fetch_batch(fetcher, opaque(parts[i + 1]), cfg.pipeline.max_pages)
                        )
                    else:
                        left = [c for part in parts[i + 1 :] for c in part]
                        pipeline.release(store, left, run_id)
                        why = (
                            f"run deadline reached ({cfg.pipeline.run_deadline_s:g}s): {len(left)} links left "
                            "for the next run"
                        )
                        done.problems.append(Problem("run", "deadline", why))
                        log.warning("run deadline reached: %d links left for the next run", len(left))
                analysed = await analyse_batch(analyser, opaque(pages))
                part = await record_batch(store, opaque(analysed), channels, cfg.pipeline.max_fetch_attempts)
                done += part
                log.info(
                    "batch %d/%d: %d pages fetched, %d extracted, %d matched",
                    i + 1,
                    len(parts),
                    part.fetched,
                    part.extracted,
                    part.matched,
                )
                if progress:
                    await progress(i + 1, len(parts))
                if fetching is None:
                    break

    counts = deliver_alerts(store, run_options.delivered(channels, options), run_id, labels)
    summary = summarise(enabled, results, fresh, done, counts, {}, store.outbox.counts(), would_send=notes)
    await acreate_markdown_artifact(
        key=f"{name}-summary", markdown=summary_markdown(summary, name), description=f"pantau {name} run summary"
    )
    await acreate_table_artifact(
        key=f"{name}-stories",
        table=stories_table(store, done.story_ids),
        description="stories this run started or grew: title, outlets, score, why, link",
    )
    await health.check(store, cfg, summary.message if summary.outcome != "ok" else None, options.dry_run, name)
    result = summary.to_dict()
    if summary.outcome != "ok":
        return Failed(message=summary.message, data=result)
    log.info("%s", summary.message)
    return Completed(message=summary.message, data=result)


@flow(name="ingest")
async def ingest(options: IngestOptions = DEFAULTS, config_path: str = "") -> State:
    """One ingest run: read the sources, keep the stories of the topic, alert once per story.

    Args:
        options: What this run reads and sends (defaults: everything, as the schedule runs it).
        config_path: The config file (empty: $PANTAU_CONFIG, else ./config.yaml, else pantau's own).
    """
    return await run_pipeline(config_path, options, "ingest")
