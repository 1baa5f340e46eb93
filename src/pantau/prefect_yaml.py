"""pantau's deployments as ``deploy/prefect.yaml`` defines them: the one place their schedules,
concurrency limits and parameters are written. ``prefect deploy --all`` reads that file itself;
``pantau serve`` reads it here, so both ways of running pantau schedule the same runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError
from .paths import shipped
from .run_names import zone_name

FLOWS = ("ingest", "digest", "backfill")


@dataclass(frozen=True)
class Deployment:
    name: str
    flow: str  # the entrypoint's function: ingest, digest or backfill
    description: str = ""
    cron: str | None = None  # None: on demand only
    timezone: str | None = None
    parameters: dict = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    concurrency_limit: int | None = None
    collision_strategy: str | None = None  # ENQUEUE | CANCEL_NEW

    @property
    def schedule(self) -> str:
        return f"{self.cron} {zone_name(self.timezone)}" if self.cron else "on demand"


def prefect_yaml() -> Path:
    """deploy/prefect.yaml: in a source checkout, or shipped inside pantau (pantau/deploy)."""
    return shipped("deploy") / "prefect.yaml"


def load_deployments(path: Path | None = None) -> list[Deployment]:
    path = path or prefect_yaml()
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: cannot read the deployments ({e})") from None
    out = []
    for i, d in enumerate(spec.get("deployments") or []):
        where = f"{path}: deployments[{i}]"
        flow = str(d.get("entrypoint", "")).rpartition(":")[2]
        if flow not in FLOWS:
            raise ConfigError(f"{where}.entrypoint: {d.get('entrypoint')!r} is not one of pantau's flows {FLOWS}")
        schedules = d.get("schedules") or []
        if len(schedules) > 1 or (schedules and "cron" not in schedules[0]):
            raise ConfigError(f"{where}.schedules: pantau serve takes one cron schedule per deployment")
        first = schedules[0] if schedules else {}
        limit = d.get("concurrency_limit")
        options = limit if isinstance(limit, dict) else {"limit": limit}
        out.append(
            Deployment(
                name=d["name"],
                flow=flow,
                description=d.get("description") or "",
                cron=first.get("cron"),
                timezone=first.get("timezone"),
                parameters=dict(d.get("parameters") or {}),
                tags=list(d.get("tags") or []),
                concurrency_limit=options.get("limit"),
                collision_strategy=options.get("collision_strategy"),
            )
        )
    if not out:
        raise ConfigError(f"{path}: no deployments")
    return out
