"""Runs whose process died are marked Crashed, so their deployment's concurrency slot is free again.

A deployment with a concurrency limit (ingest: 1, CANCEL_NEW) holds a slot while a run is Running;
Prefect frees it when the run leaves Running — or when the run's lease expires, but leases live in the
Prefect server's memory: after a restart of that server the slot stays taken and every later run ends
``Cancelled — Deployment concurrency limit reached``. A run whose process was killed never leaves
Running by itself. So:

* ``pantau serve``, when it starts and when it stops, sets Crashed every active run (Running, Pending,
  Cancelling) of the deployments it serves whose process is gone: served runs run on the serving
  machine, and a live one has a process with ``PREFECT__FLOW_RUN_ID=<run id>`` in its environment
  (``crash_orphans``; on systems without ``/proc`` nothing is decided here).
* runs on workers (any machine): Prefect's own zombie-run automation — flow runs send heartbeats every
  ``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` seconds (Prefect's default 180; pantau's compose file 60) and
  the automation ``ZOMBIES`` sets Crashed a run that sent none for three periods
  (``zombie_automation``; created by ``pantau serve`` and ``pantau ops apply``, see pantau/ops_automations.py).

Setting Crashed goes through Prefect's orchestration (forced), whose ReleaseFlowConcurrencySlots frees
the slot even when the lease is gone.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

ZOMBIES = "pantau: crash runs whose heartbeats stopped"


def heartbeat_s() -> int:
    """How often flow runs send heartbeats (Prefect's setting; its default is 180 s)."""
    from prefect.settings import get_current_settings

    if os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "").isdigit():  # set after Prefect read its settings
        return int(os.environ["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"])
    return int(get_current_settings().flows.heartbeat_frequency or 180)


def live_run_ids(proc: Path = Path("/proc")) -> set[str] | None:
    """The flow-run ids of the processes alive on this machine (``PREFECT__FLOW_RUN_ID`` in their
    environment); None where the process table cannot be read (no ``/proc``)."""
    if not proc.is_dir():
        return None
    ids: set[str] = set()
    for d in proc.iterdir():
        if not d.name.isdigit():
            continue
        try:
            env = (d / "environ").read_bytes()  # another user's process: PermissionError, skipped
        except OSError:
            continue
        for item in env.split(b"\0"):
            if item.startswith(b"PREFECT__FLOW_RUN_ID="):
                ids.add(item.partition(b"=")[2].decode(errors="replace"))
                break
    return ids


async def deployment_ids(client: Any, names: Iterable[tuple[str, str]]) -> list[Any]:
    """The ids of the deployments (flow name, deployment name) that exist on the server."""
    from prefect.exceptions import ObjectNotFound

    out = []
    for flow_name, name in names:
        try:
            out.append((await client.read_deployment_by_name(f"{flow_name}/{name}")).id)
        except ObjectNotFound:
            pass
    return out


async def active_runs(client: Any, deployments: list[Any]) -> list[Any]:
    """The runs of these deployments that are Running, Pending or Cancelling."""
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterDeploymentId,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    if not deployments:
        return []
    return await client.read_flow_runs(
        flow_run_filter=FlowRunFilter(
            deployment_id=FlowRunFilterDeploymentId(any_=deployments),
            state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING, StateType.CANCELLING])
            ),
        )
    )


async def wait_for_runs_to_end(client: Any, deployments: list[Any], wait_s: float) -> None:
    """Give the active runs' live processes up to ``wait_s`` to end (and report their own end)."""
    end = time.monotonic() + wait_s
    while time.monotonic() < end:
        live = live_run_ids() or set()
        if not any(str(r.id) in live for r in await active_runs(client, deployments)):
            return
        await asyncio.sleep(0.5)


async def crash_orphans(client: Any, deployments: list[Any], why: str) -> list[str]:
    """Set Crashed (with ``why``) every active run of these deployments that has no live process on this
    machine; the names of the runs set Crashed."""
    from prefect.states import Crashed

    runs = await active_runs(client, deployments)
    live = live_run_ids()
    if live is None:
        return []
    crashed = []
    for run in runs:
        if str(run.id) in live:
            continue
        await client.set_flow_run_state(run.id, Crashed(message=why), force=True)
        crashed.append(run.name)
    return crashed


def zombie_automation(within_s: int | None = None) -> Any:
    """Prefect's documented zombie-run automation: a run that sent a heartbeat and then neither another
    one nor a final state within ``within_s`` (three heartbeat periods) is set Crashed."""
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    return AutomationCore(
        name=ZOMBIES,
        description="A flow run whose process died (no heartbeat for three periods) is marked Crashed, "
        "so its deployment's concurrency slot is freed (pantau, issue 18).",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=within_s or 3 * heartbeat_s()),
        ),
        actions=[
            ChangeFlowRunState(
                name="Crashed", state=StateType.CRASHED, message="no heartbeat: its process is gone", force=False
            )
        ],
    )


async def ensure_automation(client: Any, core: Any) -> str:
    """Create the automation (an ``AutomationCore``), or replace the one of the same name: 'created' or
    'updated'."""
    existing = await client.read_automations_by_name(core.name)
    if existing:
        await client.update_automation(existing[0].id, core)
        for extra in existing[1:]:
            await client.delete_automation(extra.id)
        return "updated"
    await client.create_automation(core)
    return "created"


def prefers_heartbeats() -> None:
    """Served runs send heartbeats every 60 s unless set otherwise (the zombie automation then acts
    within 3 minutes, not Prefect's default 9)."""
    os.environ.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
