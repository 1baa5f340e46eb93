"""Prefect flow ``ingest``: orchestration only — every decision lives in pantau/ and connectors/.

One task run per source and per batch of articles (never per article); Prefect retries a source
only for a transient failure (timeout, refused connection, 5xx, 429), one log line per retry; a
source that still fails is reported, not raised, so no traceback is printed for an expected failure.
The run ends ``Completed``, or ``Failed`` with the verdict as its message when no source could be
read or an alert could not be delivered (pantau/report.py), and posts a summary artifact.
"""
from __future__ import annotations

import asyncio

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from pantau import alerts, pipeline
from pantau.config import Source, load_config
from pantau.connectors import pages as page_connector
from pantau.connectors import sources
from pantau.connectors.http import Fetcher
from pantau.connectors.notify import resolve_channels
from pantau.connectors.sources import SourceContext
from pantau.errors import FetchError
from pantau.models import ChannelOutcome, FeedResult, RunSummary, SourceOutcome
from pantau.report import judge, summary_markdown
from pantau.store import Store
from pantau.topic import Matcher, load_topic


def _transient(task, task_run, state) -> bool:
    """Prefect's retry condition: only transient fetch failures are worth another try."""
    return isinstance(state.data, FetchError) and state.data.transient


@task(name="discover", cache_policy=NO_CACHE, task_run_name="discover-{source.name}",
      retry_condition_fn=_transient)
async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext) -> FeedResult:
    try:
        return await sources.discover(fetcher, source, ctx)
    except FetchError as e:
        run = TaskRunContext.get()
        tries = run.task_run.run_count if run else 1
        if e.transient and run and tries <= run.task.retries:
            raise                                   # Prefect retries it
        reason = f"{e} after {tries} tries" if tries > 1 else str(e)
        return FeedResult(source=source.name, url=source.key, status=e.status, error=reason,
                          unreachable=e.network)


@task(name="fetch-batch", cache_policy=NO_CACHE)
async def fetch_batch(fetcher: Fetcher, candidates: list, max_pages: int) -> list:
    return await page_connector.fetch_pages(fetcher, candidates, max_pages)


@task(name="analyse-batch", cache_policy=NO_CACHE)
def analyse_batch(pages: list, matchers: list, languages: list[str]) -> list:
    return pipeline.analyse(pages, matchers, languages)


@task(name="record-batch", cache_policy=NO_CACHE)
def record_batch(store: Store, analysed: list, channels: list) -> RunSummary:
    part = RunSummary()
    pipeline.record(store, analysed, channels, part)
    return part


@task(name="deliver-alerts", cache_policy=NO_CACHE)
def deliver_alerts(store: Store, channels: list, run_id: str, labels: dict) -> dict:
    return alerts.deliver(store, channels, run_id, labels)


async def _discover_all(fetcher: Fetcher, store: Store, enabled: list[Source], matchers: list[Matcher],
                        retries: int, delay: float, summary: RunSummary) -> list[FeedResult]:
    log = get_run_logger()
    task_ = discover.with_options(retries=retries, retry_delay_seconds=delay)
    topics = {m.topic.name: m.topic for m in matchers}

    async def one(src: Source) -> FeedResult:
        etag, modified = store.feed_validators(src.key)
        topic = topics.get(src.topic) if src.topic else matchers[0].topic
        ctx = SourceContext(etag, modified, topic.search_any, topic.search_context, store.aliases)
        try:
            r = await task_(fetcher, src, ctx)
        except Exception as e:           # a bug in a connector: its traceback is logged by Prefect
            r = FeedResult(source=src.name, url=src.key, error=f"internal error: {type(e).__name__}: {e}")
        if r.error:
            log.warning("%s (%s): %s", src.name, src.kind, r.error)
        else:
            log.info("%s (%s): %s", src.name, src.kind,
                     "not modified" if r.not_modified else f"{len(r.candidates)} links")
        return r

    results = await asyncio.gather(*(one(s) for s in enabled))
    for src, r in zip(enabled, results):
        store.save_feed_result(r)
        if r.aliases:
            store.save_aliases(r.aliases)
        if r.error:
            summary.error("discover", r.source, r.error)
        summary.sources.append(SourceOutcome(src.name, src.kind, links=len(r.candidates),
                                             not_modified=r.not_modified, error=r.error,
                                             unreachable=r.unreachable))
    return list(results)


@flow(name="ingest")
async def ingest(config_path: str | None = None):
    """One ingest run of the config at ``config_path`` (default: ./config.yaml, else pantau's own)."""
    log = get_run_logger()
    cfg = load_config(config_path)
    store = Store(cfg.resolved_storage_url())
    matchers = [Matcher(load_topic(cfg.topic_dir(t), t.threshold)) for t in cfg.topics]
    labels = {m.topic.name: m.topic.label for m in matchers}
    channels, skipped = resolve_channels(cfg)
    for name, why in skipped.items():
        log.warning("channel %s: %s", name, why)
    summary = RunSummary()
    enabled = [s for s in cfg.sources if s.enabled]

    async with Fetcher(cfg.http) as fetcher:
        results = await _discover_all(fetcher, store, enabled, matchers, cfg.http.retries, cfg.http.retry_delay_s,
                                      summary)
        summary.discovered = sum(len(r.candidates) for r in results)
        fresh = pipeline.select_new(store, results, cfg.pipeline.max_fetch_attempts, cfg.pipeline.max_articles_per_run)
        summary.new_candidates = len(fresh)
        per_source: dict[str, int] = {}
        for c in fresh:
            per_source[c.source] = per_source.get(c.source, 0) + 1
        for x in summary.sources:
            x.new = per_source.get(x.name, 0)
        parts = pipeline.batches(fresh, cfg.pipeline.batch_size)
        log.info("%d sources read, %d failed: %d links, %d new", len(enabled) - len(summary.errors),
                 len(summary.errors), summary.discovered, len(fresh))
        for i, batch in enumerate(parts, 1):
            pages = await fetch_batch(fetcher, batch, cfg.pipeline.max_pages)
            summary.fetched += sum(1 for p in pages if p.html)
            analysed = analyse_batch(pages, matchers, cfg.pipeline.languages)
            part = record_batch(store, analysed, channels)
            summary.merge(part)
            log.info("batch %d/%d: %d pages fetched, %d extracted, %d matched", i, len(parts),
                     sum(1 for p in pages if p.html), part.extracted, part.matched)

    counts = deliver_alerts(store, channels, str(flow_run.id or "local"), labels)
    summary.alerts_sent = sum(v["sent"] for k, v in counts["by_channel"].items() if k != "console")
    summary.alerts_failed = counts["failed"]
    summary.channels = [ChannelOutcome(name, v["sent"], v["failed"], last_error=v["last_error"])
                        for name, v in counts["by_channel"].items() if name != "console"]
    summary.channels += [ChannelOutcome(name, skipped=why) for name, why in skipped.items()]
    outbox = store.outbox_counts()
    summary.alerts_pending = outbox.get("pending", 0) + outbox.get("failed", 0) + outbox.get("uncertain", 0)
    summary.outcome, summary.message = judge(summary)
    await create_markdown_artifact(key="ingest-summary", markdown=summary_markdown(summary),
                                   description="pantau ingest run summary")
    result = summary.to_dict()
    if summary.outcome != "ok":
        return Failed(message=summary.message, data=result)
    log.info("%s", summary.message)
    return Completed(message=summary.message, data=result)
