"""How every flow opens a run: its config under the run's options, the channels it delivers to (each
able to deliver, or a ConfigError before anything is fetched) and its store (a throwaway copy for a
dry run). Shared by the ``ingest`` (and so ``backfill``) and ``digest`` flows. Also how their runs
read in the UI: ``run_name`` (the flows' ``flow_run_name``) and ``label_run`` (tags; pantau/run_names.py)."""

from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext
from prefect.runtime import flow_run

from pantau import run_names, run_options
from pantau.config import Config
from pantau.connectors.delivery import require_channels
from pantau.models import Channel
from pantau.store import Store


def open_run(
    config_path: str, options: run_options.IngestOptions | run_options.DigestOptions
) -> tuple[Config, list[Channel], Store]:
    """The run's config, channels (those for stories: not the ``mode: ops`` ones, flows/health.py's) and
    store; a PantauError (one line) says why the run cannot start."""
    cfg = run_options.configure(config_path, options)
    channels = [c for c in require_channels(cfg) if c.settings.mode != "ops"]
    return cfg, channels, run_options.open_store(cfg, options)


def run_name() -> str:
    """The name of the run starting: ``ingest 05 Dec 04:45 WIB`` (its scheduled start)."""
    return run_names.run_name(flow_run.flow_name or "pantau", flow_run.scheduled_start_time)


async def label_run(options: run_options.IngestOptions | run_options.DigestOptions) -> list[str]:
    """Tag the running flow run with how it was started (scheduled/manual, custom, dry-run); the tags."""
    ctx = FlowRunContext.get()
    if ctx is None or ctx.flow_run is None:
        return []
    tags = run_names.run_tags(ctx.flow_run.auto_scheduled, options)
    merged = list(dict.fromkeys([*(ctx.flow_run.tags or []), *tags]))
    async with get_client() as client:
        await client.update_flow_run(flow_run_id=ctx.flow_run.id, tags=merged)
    return tags
