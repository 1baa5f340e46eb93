"""How every flow opens a run: its config under the run's options, the channels it delivers to (each
able to deliver, or a ConfigError before anything is fetched) and its store (a throwaway copy for a
dry run). Shared by the ``ingest`` (and so ``backfill``) and ``digest`` flows."""

from pantau import run_options
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
