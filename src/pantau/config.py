"""config.yaml: load and validate with pydantic, with errors that name the offending key.

Secrets never live here: a channel names the *environment variable* (or Prefect Secret block)
that holds its Apprise URL, and the URL is resolved only at delivery time.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
from datetime import UTC
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError
from .paths import data_home, ensure_dir, find_config, seeds_dir
from .source_kinds import SOURCE_KINDS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    """Where candidate links come from. ``kind`` picks the connector (one module each in connectors/):

    rss — an RSS/Atom feed; sitemap — a (news) sitemap or sitemap index, .gz allowed; homepage — an
    outlet's front page (its feeds, else its robots.txt sitemaps, else its article links);
    google_news — Google News search RSS for Indonesia; gdelt — the GDELT DOC 2.0 API. The last two
    search with ``query``, or with the search terms of ``topic`` (default: the first topic).
    """

    name: str
    kind: str = Field(default="rss", description="one of SOURCE_KINDS: rss, sitemap, homepage, google_news, gdelt")
    url: str = Field(
        default="",
        description="feed/sitemap/homepage URL; for google_news and gdelt the "
        "API endpoint (defaults to the public one)",
    )
    outlet: str | None = None
    enabled: bool = True
    topic: str | None = Field(default=None, description="google_news/gdelt: topic whose search terms build the query")
    query: str | None = Field(default=None, description="google_news/gdelt: an explicit query instead")
    max_age_hours: float = Field(default=48.0, gt=0, description="sitemap/google_news/gdelt: skip older items")
    max_items: int = Field(default=250, ge=1, le=1000, description="most candidates taken from this source per run")
    quiet_days: float = Field(
        default=3.0, ge=0, description="ops notice when no new link came for this many days (0: never)"
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        if v not in SOURCE_KINDS:
            raise ValueError(f"{v!r} is not a source kind: {', '.join(SOURCE_KINDS)}")
        return v

    @model_validator(mode="after")
    def _url_or_endpoint(self) -> Source:
        if not self.url:
            endpoint = SOURCE_KINDS[self.kind].endpoint
            if endpoint is None:
                raise ValueError(f"url is required for a {self.kind} source")
            self.url = endpoint
        return self

    @property
    def key(self) -> str:
        """What the store remembers this source's state under: its URL, or kind:name for searches
        (several searches share one API endpoint)."""
        return f"{self.kind}:{self.name}" if SOURCE_KINDS[self.kind].endpoint else self.url


class Topic(_Strict):
    name: str
    path: str = Field(default="", description="folder holding topic.yaml and exemplars (default: seeds/<name>)")
    threshold: float | None = Field(default=None, description="overrides topic.yaml's threshold")


class Channel(_Strict):
    name: str
    url_env: str | None = Field(default=None, description="environment variable holding the Apprise URL")
    url_secret: str | None = Field(default=None, description="Prefect Secret block holding the Apprise URL")
    topics: list[str] | None = None
    tags: list[str] = []
    mode: Literal["instant", "digest", "ops"] = Field(
        default="instant", description="instant alerts, a daily digest, or ops: pantau's own health notices only"
    )
    digest_cron: str = Field(default="0 7 * * *", description="when digests go out, in the config's timezone")
    templates: str | None = Field(default=None, description="folder with markdown.j2 / html.j2 / text.j2 overrides")
    format: Literal["auto", "markdown", "html", "text"] = "auto"
    update_mode: Literal["update", "silent"] = "update"
    max_per_run: int = Field(default=50, ge=1)
    timeout_s: float = Field(default=30.0, gt=0, description="most time to wait for the channel to answer a message")
    enabled: bool = True

    @field_validator("digest_cron")
    @classmethod
    def _valid_cron(cls, v: str) -> str:
        from datetime import datetime

        from cronsim import CronSim, CronSimError

        try:
            CronSim(v, datetime.now(UTC))
        except CronSimError as e:
            raise ValueError(f"not a valid cron expression ({e})") from None
        return v

    @model_validator(mode="after")
    def _one_secret_source(self) -> Channel:
        if bool(self.url_env) == bool(self.url_secret):
            raise ValueError("give exactly one of url_env or url_secret (Apprise URLs are never inline)")
        return self


class Http(_Strict):
    user_agent: str = "pantau/0.1 (+https://github.com/pantau-news/pantau; news alerting bot)"
    timeout_s: float = Field(default=20.0, gt=0)
    max_connections: int = Field(default=16, ge=1)
    max_per_host: int = Field(default=2, ge=1)
    max_body_bytes: int = Field(default=5_000_000, ge=10_000)
    retries: int = Field(default=2, ge=0, description="Prefect retries of a source that failed transiently")
    retry_delay_s: float = Field(default=2.0, ge=0, description="seconds before such a retry")
    retry_after_waits: int = Field(default=1, ge=0, description="times one request waits out a 429/503 Retry-After")
    respect_robots: bool = Field(default=True, description="honour robots.txt (and its Crawl-delay)")
    per_host_interval_s: float = Field(default=0.5, ge=0, description="least time between requests to one host")
    max_crawl_delay_s: float = Field(default=30.0, ge=0, description="a robots.txt Crawl-delay is capped here")
    max_retry_after_s: float = Field(
        default=60.0, ge=0, description="wait out a 429/503 Retry-After up to this; longer ones fail"
    )
    request_deadline_s: float = Field(
        default=60.0, gt=0, description="most time one request may take, from connecting to the last byte"
    )
    min_bytes_per_s: float = Field(
        default=512.0, ge=0, description="a body arriving slower than this (after 5 s) is given up"
    )
    allow_private: list[str] = Field(
        default=[],
        description="loopback/private addresses that may be fetched: 'host:port' or a CIDR such as 10.0.0.0/8",
    )

    @field_validator("allow_private")
    @classmethod
    def _allow_entries(cls, v: list[str]) -> list[str]:
        for entry in v:
            host, sep, port = entry.rpartition(":")
            if sep and host and port.isdigit() and "/" not in entry:
                continue
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r}: give 'host:port' or a CIDR such as 10.0.0.0/8") from None
        return v


class Pipeline(_Strict):
    batch_size: int = Field(default=40, ge=1)
    max_articles_per_run: int = Field(default=2000, ge=1)
    max_fetch_attempts: int = Field(default=3, ge=1)
    max_pages: int = Field(default=10, ge=1, description="multi-page articles: most pages fetched per article")
    languages: list[str] = ["id"]
    source_deadline_s: float = Field(default=180.0, gt=0, description="most time one source may take to list links")
    run_deadline_s: float = Field(
        default=840.0,
        gt=0,
        description="a run stops starting new work after this (links left go to the next "
        "run); below the schedule's 15 minutes so runs never pile up",
    )
    analysis_processes: int | None = Field(
        default=None,
        ge=0,
        description="worker processes analysing pages beside the main one "
        "(default: one per core; 0: none, the main process does)",
    )
    task_runner: Literal["local", "dask"] = Field(
        default="local",
        description="where analysis (extraction, language, topic) runs: in the flow's own process, "
        "or on a Dask cluster through prefect-dask (the 'dask' extra; docs/scaling.md)",
    )
    dask_address: str = Field(
        default="",
        description="task_runner dask: the scheduler, e.g. tcp://10.0.0.5:8786; "
        "empty: a LocalCluster on this machine for the run",
    )
    dask_workers: int | None = Field(
        default=None,
        ge=1,
        description="task_runner dask without an address: the LocalCluster's worker processes (default: one per core)",
    )

    @model_validator(mode="after")
    def _dask_settings(self) -> Pipeline:
        if self.task_runner != "dask" and (self.dask_address or self.dask_workers):
            raise ValueError("dask_address and dask_workers apply only with task_runner: dask")
        if self.dask_address and not re.fullmatch(r"(tcp|tls|ucx|ws|wss)://[^\s/]+", self.dask_address):
            raise ValueError(f"dask_address {self.dask_address!r}: give the scheduler as tcp://host:port")
        if self.dask_address and self.dask_workers:
            raise ValueError("dask_workers sizes the LocalCluster started when dask_address is empty: give one")
        return self


class Feedback(_Strict):
    """One-click feedback: "wrong" / "right" links in every alert, answered by ``pantau serve`` (or
    ``pantau feedback-server``) at ``base_url``. Without a base URL or a secret, alerts keep the
    ``pantau feedback ID --wrong`` command. The secret signs the links (HMAC-SHA256): it comes from an
    environment variable or a Prefect Secret block, never from this file."""

    base_url: str | None = Field(
        default=None, description="public address of the feedback pages, e.g. https://pantau.example.org"
    )
    secret_env: str | None = Field(
        default="PANTAU_FEEDBACK_SECRET", description="environment variable holding the secret"
    )
    secret_block: str | None = Field(
        default=None, description="Prefect Secret block holding the secret (instead of secret_env)"
    )
    ttl_days: float = Field(default=14.0, gt=0, le=365, description="a link works this many days after the alert")
    host: str = Field(default="127.0.0.1", description="address the feedback pages listen on")
    port: int = Field(default=8765, ge=1, le=65535, description="port the feedback pages listen on")

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", v):
            raise ValueError("give the public address as http(s)://host[/path], without ? or #")
        return v.rstrip("/")

    @model_validator(mode="after")
    def _one_secret_source(self) -> Feedback:
        if self.secret_block and "secret_env" in self.model_fields_set and self.secret_env:
            raise ValueError("give one of secret_env or secret_block")
        if self.secret_block:
            self.secret_env = None
        if not self.secret_env and not self.secret_block:
            raise ValueError("give secret_env or secret_block (the secret is never written here)")
        return self


class Config(_Strict):
    storage_url: str = "sqlite:///data/pantau.db"
    timezone: str = Field(default="Asia/Jakarta", description="alert times and digest_cron are in this zone")
    http: Http = Http()
    pipeline: Pipeline = Pipeline()
    sources: list[Source]
    topics: list[Topic]
    channels: list[Channel] = []
    feedback: Feedback = Feedback()
    base_dir: Path = Field(default=Path("."), exclude=True)  # the config file's folder
    data_dir: Path = Field(default=Path("."), exclude=True)  # where relative storage paths point
    origin: str = Field(default="config.yaml", exclude=True)  # the file it came from

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        topics = {t.name for t in self.topics}
        for i, src in enumerate(self.sources):
            if src.topic is not None and src.topic not in topics:
                raise ValueError(f"sources[{i}].topic: no topic named {src.topic!r} (have: {sorted(topics)})")
        for label, names in (
            ("sources", [s.name for s in self.sources]),
            ("topics", [t.name for t in self.topics]),
            ("channels", [c.name for c in self.channels]),
        ):
            seen: set[str] = set()
            for i, name in enumerate(names):
                if name in seen:
                    raise ValueError(f"{label}[{i}].name: duplicate name {name!r}")
                seen.add(name)
        return self

    def topic_dir(self, topic: Topic) -> Path:
        """The topic's folder: an absolute path; else relative to the config file's folder; else, for
        ``seeds/<name>`` that is not there, the topic of that name shipped with pantau."""
        p = Path(topic.path or f"seeds/{topic.name}")
        if p.is_absolute():
            return p
        local = self.base_dir / p
        if not local.exists() and p.parts[:1] == ("seeds",):
            shipped = seeds_dir().joinpath(*p.parts[1:])
            if shipped.exists():
                return shipped
        return local

    def resolved_storage_url(self) -> str:
        """Relative sqlite paths are taken relative to the data folder (the config file's folder,
        or the data home for the packaged config), which is created when missing."""
        url = self.storage_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and url != "sqlite:///:memory:":
            rest = url[len(prefix) :]
            path = Path(rest) if rest.startswith("/") else self.data_dir / rest
            ensure_dir(path.parent)
            return prefix + str(path.resolve())
        return url


MOVED = {
    "schedule_cron": "no longer read here: schedules live in deploy/prefect.yaml, the one place "
    "prefect deploy and pantau serve take them from (remove this key)"
}


def _format_errors(err: ValidationError, path: Path) -> str:
    lines = [f"{path}: invalid configuration"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = MOVED.get(key, "unknown key (check spelling)")
        lines.append(f"  - {key}: {msg}")
    return "\n".join(lines)


def _extras_needed(cfg: Config) -> list[tuple[str, str, str]]:
    """Optional parts the settings ask for: (module, the setting, the extra that installs it)."""
    needed = []
    scheme = cfg.storage_url.partition("://")[0].lower()
    if scheme in ("postgresql+psycopg", "postgres+psycopg"):
        needed.append(("psycopg", f"storage_url {scheme}://", "postgres"))
    if cfg.pipeline.task_runner == "dask":
        needed.append(("prefect_dask", "pipeline.task_runner: dask", "dask"))
    return needed


def require_extras(cfg: Config) -> None:
    """One line naming the extra to install when a setting asks for a part that is not installed
    (a plain ``pip install pantau`` has neither psycopg nor prefect-dask)."""
    for module, what, extra in _extras_needed(cfg):
        if importlib.util.find_spec(module) is None:
            raise ConfigError(
                f"{cfg.origin}: {what} needs {module.replace('_', '-')}, which is not installed: "
                f"pip install 'pantau[{extra}]'"
            )


def parse_config(
    data: dict, base_dir: Path, origin: Path | str = "config.yaml", data_dir: Path | None = None
) -> Config:
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: top level must be a mapping of keys")
    try:
        cfg = Config.model_validate(
            {**data, "base_dir": base_dir, "data_dir": data_dir or base_dir, "origin": str(origin)}
        )
    except ValidationError as e:
        raise ConfigError(_format_errors(e, Path(origin))) from None
    require_extras(cfg)
    return cfg


def load_config(path: str | os.PathLike | None = None) -> Config:
    """The config in use: ``path``, else ``$PANTAU_CONFIG``, else ``./config.yaml``, else the
    default shipped with pantau (whose data then goes to the data home, see pantau/paths.py)."""
    path, packaged = find_config(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config ({e.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(e, 'problem', None) or e}") from None
    base = path.parent.resolve()
    return parse_config(data, base, path, data_dir=data_home() if packaged else base)
