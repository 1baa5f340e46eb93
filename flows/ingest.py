"""Prefect flow ``ingest``: orchestration only — every decision lives in pantau/ and connectors/.

One task run per source and per batch of articles (never per article), retries on network tasks,
and a run summary posted as a Prefect artifact.
"""
from __future__ import annotations

import asyncio

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from connectors import pages as page_connector
from connectors import sources
from connectors.http import Fetcher
from connectors.notify import resolve_channels
from connectors.sources import SourceContext
from pantau import alerts, pipeline
from pantau.config import Source, load_config
from pantau.models import FeedResult, RunSummary
from pantau.report import summary_markdown
from pantau.store import Store
from pantau.topic import Matcher, load_topic


@task(name="discover", cache_policy=NO_CACHE, task_run_name="discover-{source.name}")
async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext) -> FeedResult:
    return await sources.discover(fetcher, source, ctx)


@task(name="fetch-batch", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
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
    task_ = discover.with_options(retries=retries, retry_delay_seconds=delay)
    topics = {m.topic.name: m.topic for m in matchers}

    async def one(src: Source) -> FeedResult:
        etag, modified = store.feed_validators(src.key)
        topic = topics.get(src.topic) if src.topic else matchers[0].topic
        ctx = SourceContext(etag, modified, topic.search_any, topic.search_context, store.aliases)
        try:
            return await task_(fetcher, src, ctx)
        except Exception as e:           # retries exhausted: report, keep going
            return FeedResult(source=src.name, url=src.key, error=str(e) or type(e).__name__,
                              status=getattr(e, "status", None))

    results = await asyncio.gather(*(one(s) for s in enabled))
    for r in results:
        store.save_feed_result(r)
        if r.aliases:
            store.save_aliases(r.aliases)
        if r.error:
            summary.error("discover", r.source, r.error)
    return list(results)


@flow(name="ingest", log_prints=True)
async def ingest(config_path: str = "config.yaml") -> dict:
    log = get_run_logger()
    cfg = load_config(config_path)
    store = Store(cfg.resolved_storage_url())
    matchers = [Matcher(load_topic(cfg.topic_dir(t), t.threshold)) for t in cfg.topics]
    labels = {m.topic.name: m.topic.label for m in matchers}
    channels, warnings = resolve_channels(cfg)
    for w in warnings:
        log.warning(w)
    summary = RunSummary()
    enabled = [s for s in cfg.sources if s.enabled]

    async with Fetcher(cfg.http) as fetcher:
        results = await _discover_all(fetcher, store, enabled, matchers, cfg.http.retries, cfg.http.retry_delay_s,
                                      summary)
        summary.discovered = sum(len(r.candidates) for r in results)
        fresh = pipeline.select_new(store, results, cfg.pipeline.max_fetch_attempts, cfg.pipeline.max_articles_per_run)
        summary.new_candidates = len(fresh)
        log.info("%d sources, %d links, %d new", len(enabled), summary.discovered, len(fresh))
        for batch in pipeline.batches(fresh, cfg.pipeline.batch_size):
            pages = await fetch_batch(fetcher, batch, cfg.pipeline.max_pages)
            summary.fetched += sum(1 for p in pages if p.html)
            analysed = analyse_batch(pages, matchers, cfg.pipeline.languages)
            summary.merge(record_batch(store, analysed, channels))

    counts = deliver_alerts(store, channels, str(flow_run.id or "local"), labels)
    summary.alerts_sent = counts["sent"]
    summary.alerts_failed = counts["failed"]
    outbox = store.outbox_counts()
    summary.alerts_pending = outbox.get("pending", 0) + outbox.get("failed", 0) + outbox.get("uncertain", 0)
    await create_markdown_artifact(key="ingest-summary", markdown=summary_markdown(summary, store.feed_states()),
                                   description="pantau ingest run summary")
    log.info("summary: %s", {k: v for k, v in summary.to_dict().items() if k != "errors"})
    return summary.to_dict()
