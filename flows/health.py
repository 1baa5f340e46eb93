"""The ingest run's health step (orchestration only; pantau/ops.py decides): each source's discovery is
recorded in the store, the ``ingest-sources`` table artifact is posted, and the ops channels
(``mode: ops``) are told what started or stopped holding. A dry run (its store is a throwaway copy)
and a backfill tell nothing."""

from collections import Counter

from prefect import get_run_logger, task
from prefect.artifacts import acreate_table_artifact
from prefect.cache_policies import NO_CACHE

from pantau import ops
from pantau.config import Config
from pantau.connectors.delivery import require_channels
from pantau.models import Candidate, FeedResult
from pantau.store import Store


def record(store: Store, results: list[FeedResult], fresh: list[Candidate]) -> None:
    """After discovery: per source, its outcome and its links new to the store."""
    store.health.record(results, dict(Counter(c.source for c in fresh)))


@task(name="source-health", cache_policy=NO_CACHE)
async def check(store: Store, cfg: Config, failed: str | None, dry_run: bool, name: str) -> list[str]:
    """The sources' table as an artifact; the ops notices due, told (their titles)."""
    health = store.health.rows()
    await acreate_table_artifact(
        key=f"{name}-sources",
        table=ops.table_artifact(health),
        description="each source's health: last success, failures in a row, new links per day, last new link",
    )
    if dry_run or name != "ingest" or not any(c.enabled and c.mode == "ops" for c in cfg.channels):
        return []  # the scheduled ingest runs tell; a dry run or a backfill does not
    channels = [c for c in require_channels(cfg) if c.settings.mode == "ops"]
    told = ops.notify(store, channels, ops.conditions(health, cfg.sources, failed))
    for title in told:
        get_run_logger().warning("ops notice: %s", title)
    return told
