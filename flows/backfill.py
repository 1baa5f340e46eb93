"""Prefect flow ``backfill``: on demand, a time window (default: the last 3 days) of the sitemap and
search sources, through the same pipeline as ``ingest`` (flows/ingest.py: run_pipeline). The window
reaches the connectors as each source's ``max_age_hours`` (pantau/run_options.py). Artifacts:
``backfill-progress`` (updated after every batch), ``backfill-summary`` and ``backfill-stories``."""

from uuid import UUID

from prefect import flow
from prefect.artifacts import acreate_progress_artifact, aupdate_progress_artifact
from prefect.states import State

from pantau.flows.ingest import run_pipeline
from pantau.flows.opening import run_name
from pantau.run_options import BackfillOptions

DEFAULTS = BackfillOptions()


@flow(name="backfill", flow_run_name=run_name)
async def backfill(options: BackfillOptions = DEFAULTS, config_path: str = "") -> State:
    """Read a time window of the sitemap and search sources once: stories, alerts and reports as ingest.

    Args:
        options: The window (lookback hours), which sources, and what to send.
        config_path: The config file (empty: $PANTAU_CONFIG, else ./config.yaml, else pantau's own).
    """
    artifact: list[UUID] = []

    async def progress(done: int, total: int) -> None:
        share = 100.0 if total == 0 else round(100.0 * done / total, 1)
        text = f"backfill: {done} of {total} batches"
        if not artifact:
            artifact.append(await acreate_progress_artifact(share, key="backfill-progress", description=text))
        else:
            await aupdate_progress_artifact(artifact[0], share, description=text)

    return await run_pipeline(config_path, options, "backfill", progress)
