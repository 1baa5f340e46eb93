"""What a person can change for one run — the fields of the Prefect UI's run form — and how each
changes the run. The flows only pass these on; every rule is here.

=================  ==================================================================================
field              effect
=================  ==================================================================================
topic              match against this topic only (``all``: every configured topic)
sources            read only these sources, enabled or not (empty: every enabled source; a backfill:
                   every enabled sitemap and search source)
lookback_hours     sitemap and search sources (``LOOKBACK_KINDS``) take items up to this old: their
                   ``max_age_hours`` for this run (0: each source's own)
dry_run            everything runs on a throwaway copy of the store, nothing is sent: the run's
                   artifacts list what would have been sent, and nothing is recorded (the outbox, the
                   seen links and the feeds' validators are as before), so a later real run alerts
                   exactly as if the dry run had not happened
channels           deliver to these enabled channels only (empty: every enabled channel); the others
                   keep their alerts pending for a later run
max_alerts         at most this many alerts per channel in this run (0: each channel's
                   ``max_per_run``); the rest stay pending in the outbox
preview            (digest) each digest as it stands now — whether or not its digest_cron has ticked —
                   shown in the run's artifact; like a dry run, nothing is sent or recorded
=================  ==================================================================================

The flows' parameters are the plain models below. The deployments' forms (``form``) are the same
models with the choices — topics, sources, channels — taken from the config when the deployment is
built, so the UI offers drop-downs and multi-selects instead of free text.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from .config import Config, load_config
from .errors import ConfigError
from .models import Channel
from .source_kinds import LOOKBACK_KINDS
from .store import Store

ALL_TOPICS = "all"


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IngestOptions(_Options):
    """One ingest run, as the schedule runs it unless a field is changed."""

    topic: str = Field(
        default=ALL_TOPICS,
        title="Topic",
        description=f"Match against this topic only ({ALL_TOPICS}: every configured topic)",
    )
    sources: list[str] = Field(
        default_factory=list, title="Sources", description="Read only these sources (none chosen: every enabled source)"
    )
    lookback_hours: float = Field(
        default=0,
        ge=0,
        title="Lookback (hours)",
        description="Sitemap and search sources take items up to this many hours "
        "old (0: each source's own max_age_hours)",
    )
    dry_run: bool = Field(
        default=False,
        title="Dry run",
        description="Match and report, send nothing, keep nothing: the run's artifacts list what would have been sent",
    )
    channels: list[str] = Field(
        default_factory=list,
        title="Channels",
        description="Deliver to these channels only (none chosen: every channel); "
        "the others keep their alerts for a later run",
    )
    max_alerts: int = Field(
        default=0,
        ge=0,
        title="Max alerts per channel",
        description="At most this many alerts per channel in this run, the rest stay "
        "pending (0: each channel's max_per_run)",
    )


class BackfillOptions(IngestOptions):
    """A time window of sitemap and search sources, read once, on demand."""

    sources: list[str] = Field(
        default_factory=list,
        title="Sources",
        description="Read only these sitemap/search sources (none chosen: every "
        "enabled sitemap, google_news and gdelt source)",
    )
    lookback_hours: float = Field(
        default=72,
        gt=0,
        title="Lookback (hours)",
        description="The window: items up to this many hours old (72: the last 3 days)",
    )


class DigestOptions(_Options):
    """The digest of every channel in ``mode: digest``: the stories waiting for it, in one message."""

    channels: list[str] = Field(
        default_factory=list,
        title="Channels",
        description="Only these digest channels (none chosen: every channel in mode: digest)",
    )
    send_now: bool = Field(
        default=False,
        title="Send now",
        description="Send what is waiting even if the channel's digest_cron has not ticked since its last digest",
    )
    dry_run: bool = Field(
        default=False,
        title="Dry run",
        description="Build the digests and show them in the run's artifact; send and record nothing",
    )
    preview: bool = Field(
        default=False,
        title="Preview",
        description="Show each digest as it stands now in the run's artifact, whether or not its "
        "digest_cron has ticked; send and record nothing",
    )


def _choice(names: list[str]) -> Any:
    """One of ``names`` (any text when there are none), as an ``enum`` in the JSON schema even when there
    is a single name (pydantic writes ``const`` then, which the Prefect UI shows as free text)."""
    if not names:
        return str
    return Annotated[Literal[tuple(names)], WithJsonSchema({"type": "string", "enum": names})]


def form(cfg: Config, options: type[_Options]) -> type[_Options]:
    """``options`` with the choices of ``cfg``: the model a deployment's form is built from."""
    fields: dict[str, Any] = {}
    own = options.model_fields
    if "topic" in own:
        fields["topic"] = (_choice([ALL_TOPICS] + [t.name for t in cfg.topics]), own["topic"])
    if "sources" in own:
        names = [
            s.name for s in (backfill_sources(cfg, enabled_only=False) if options is BackfillOptions else cfg.sources)
        ]
        fields["sources"] = (list[_choice(names)], own["sources"])  # type: ignore[misc]
    if "channels" in own:
        names = [c.name for c in cfg.channels if c.enabled and (options is not DigestOptions or c.mode == "digest")]
        fields["channels"] = (list[_choice(names)], own["channels"])  # type: ignore[misc]
    return create_model(options.__name__, __base__=options, __doc__=options.__doc__, **fields)


def backfill_sources(cfg: Config, enabled_only: bool = True) -> list:
    return [s for s in cfg.sources if s.kind in LOOKBACK_KINDS and (s.enabled or not enabled_only)]


def _pick(what: str, wanted: list[str], have: list[str]) -> None:
    unknown = [w for w in wanted if w not in have]
    if unknown:
        raise ConfigError(
            f"{what}: no {what[:-1]} named {', '.join(map(repr, unknown))} (configured: {', '.join(have) or 'none'})"
        )


def apply(cfg: Config, options: _Options) -> Config:
    """The config of this run: ``cfg`` narrowed and adjusted by ``options`` (see the table above).
    A name that is not configured is a ConfigError naming it."""
    update: dict[str, Any] = {}
    topic = getattr(options, "topic", ALL_TOPICS)
    if topic != ALL_TOPICS:
        _pick("topics", [topic], [t.name for t in cfg.topics])
        update["topics"] = [t for t in cfg.topics if t.name == topic]
    chosen = getattr(options, "sources", None)
    if chosen is not None:
        pool = backfill_sources(cfg, enabled_only=False) if isinstance(options, BackfillOptions) else cfg.sources
        _pick("sources", chosen, [s.name for s in pool])
        picked = (
            [s.model_copy(update={"enabled": True}) for s in pool if s.name in chosen]
            if chosen
            else [s for s in pool if s.enabled]
        )
        lookback = getattr(options, "lookback_hours", 0)
        if lookback:
            picked = [
                s.model_copy(update={"max_age_hours": lookback}) if s.kind in LOOKBACK_KINDS else s for s in picked
            ]
        update["sources"] = picked
    channels = list(cfg.channels)  # every channel still records its alerts (see ``delivered``)
    _pick("channels", getattr(options, "channels", []), [c.name for c in channels if c.enabled])
    cap = getattr(options, "max_alerts", 0)
    if cap:
        channels = [c.model_copy(update={"max_per_run": min(c.max_per_run, cap)}) for c in channels]
    update["channels"] = channels
    return cfg.model_copy(update=update)


def delivered(channels: list[Channel], options: _Options) -> list[Channel]:
    """The channels this run delivers to: the chosen ones (and the console), else all. The others'
    alerts are recorded all the same and wait in the outbox for a run that delivers to them."""
    wanted = getattr(options, "channels", [])
    return [c for c in channels if not wanted or c.name in wanted or c.name == "console"]


def configure(config_path: str, options: _Options) -> Config:
    """The run's config: the one at ``config_path`` (else the one in use) under ``options``."""
    return apply(load_config(config_path or None), options)


def open_store(cfg: Config, options: _Options) -> Store:
    """The run's store: a throwaway copy for a dry run (see Store.scratch_copy), else the store."""
    url = cfg.resolved_storage_url()
    return Store.scratch_copy(url) if sends_nothing(options) else Store(url)


def sends_nothing(options: _Options) -> bool:
    """A dry run or a digest preview: a throwaway store, senders that only take notes."""
    return bool(getattr(options, "dry_run", False) or getattr(options, "preview", False))


def dry_run_senders(channels: list[Channel]) -> tuple[list[Channel], list[dict[str, str]]]:
    """The same channels with senders that only note what they were given; and that list of notes
    (channel, title, body) — what a real run would have sent."""
    notes: list[dict[str, str]] = []

    def noting(name: str):
        def send(title: str, body: str, fmt: str, key: str | None = None) -> None:
            notes.append({"channel": name, "title": title, "body": body})

        return send

    return [
        Channel(c.settings, c.format, noting(c.name), c.timezone, c.template_dir, max_chars=c.max_chars)
        for c in channels
    ], notes
