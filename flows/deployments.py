"""The flows as deployed: deploy/prefect.yaml's entrypoints, and what ``pantau serve`` serves.

``ingest``, ``digest`` and ``backfill`` here are the flows of flows/ingest.py, digest.py and
backfill.py with their run form typed from the config in use when this module is imported
($PANTAU_CONFIG, else ./config.yaml, else pantau's own): its topics, sources and channels become the
form's choices (pantau/run_options.py: form), so the Prefect UI offers drop-downs and multi-selects.
A worker or a served run imports this module again and checks a run's fields against the same
choices. ``deployments`` builds the deployments of deploy/prefect.yaml for ``pantau serve``.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, cast

from prefect import Flow, flow
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from pantau import run_options
from pantau.config import Config, load_config
from pantau.flows.backfill import backfill as _backfill
from pantau.flows.digest import digest as _digest
from pantau.flows.ingest import ingest as _ingest
from pantau.prefect_yaml import Deployment


def typed(f: Flow, options: type) -> Flow:
    """``f`` with its ``options`` parameter typed as ``options`` (same name, same code)."""
    sig = inspect.signature(f.fn)
    params = [
        p.replace(annotation=options, default=options()) if p.name == "options" else p for p in sig.parameters.values()
    ]

    async def run(*args: Any, **kwargs: Any) -> Any:
        return await f.fn(*args, **kwargs)

    functools.update_wrapper(run, f.fn)
    run.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {**run.__annotations__, "options": options}
    run.__module__ = __name__  # the deployment's entrypoint is this module
    return flow(name=f.name, description=f.description, flow_run_name=f.flow_run_name)(run)


def typed_flows(cfg: Config) -> dict[str, Flow]:
    return {
        "ingest": typed(_ingest, run_options.form(cfg, run_options.IngestOptions)),
        "digest": typed(_digest, run_options.form(cfg, run_options.DigestOptions)),
        "backfill": typed(_backfill, run_options.form(cfg, run_options.BackfillOptions)),
    }


FLOWS = typed_flows(load_config())
ingest, digest, backfill = FLOWS["ingest"], FLOWS["digest"], FLOWS["backfill"]


def deployments(specs: list[Deployment], config_path: str, paused: bool = False) -> list[RunnerDeployment]:
    """deploy/prefect.yaml's deployments, to serve: the same schedules (inactive with ``paused``),
    concurrency limits and parameters, with ``config_path`` the config being served (its names are the
    forms' choices; the served runs import this module with $PANTAU_CONFIG set to it)."""
    flows = typed_flows(load_config(config_path))
    out = []
    for d in specs:
        limit: ConcurrencyLimitConfig | int | None = d.concurrency_limit
        if d.concurrency_limit and d.collision_strategy:
            limit = ConcurrencyLimitConfig(
                limit=d.concurrency_limit, collision_strategy=ConcurrencyLimitStrategy(d.collision_strategy)
            )
        schedules = [Cron(d.cron, timezone=d.timezone, active=not paused)] if d.cron else None
        out.append(
            cast(
                RunnerDeployment,
                flows[d.flow].to_deployment(
                    name=d.name,
                    description=d.description,
                    schedules=schedules,
                    concurrency_limit=limit,
                    parameters={**d.parameters, "config_path": config_path},
                    tags=d.tags,
                ),
            )
        )
    return out
