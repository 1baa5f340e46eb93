"""What an ingest run cannot tell about itself, Prefect tells: automations on the Prefect server that
send to pantau's ops channel (the ``mode: ops`` channel of config.yaml) when

* an ingest run crashed (its process died: the run never reached its own verdict — a Failed run tells
  its channel itself, pantau/ops.py), and
* no ingest run has completed for an hour (workers down, the schedule paused, every run failing);

plus Prefect's zombie-run automation (pantau/heal.py), which marks a run Crashed when its heartbeats stop.
The ops channel's Apprise URL is kept in a Prefect notification block, ``pantau-ops`` (of Prefect's
Slack Webhook type, which sends to any Apprise URL), so the server can send with no pantau process up.
``pantau serve`` applies them at start; for workers, ``pantau ops apply`` does (compose's deploy step).
Applying again replaces them (by name): nothing is duplicated.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .heal import ensure_automation, zombie_automation

BLOCK = "pantau-ops"
CRASHED = "pantau: an ingest run crashed"
SILENT = "pantau: no ingest run completed for an hour"
LINK = "{{ flow_run.name }} ({{ flow_run.state.name }}: {{ flow_run.state.message }})"


def ops_automations(block_id: Any, flow: str = "ingest", silent_s: int = 3600) -> list[Any]:
    from prefect.events.actions import SendNotification
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    runs = ResourceSpecification({"prefect.resource.id": "prefect.flow-run.*"})
    of_flow = ResourceSpecification({"prefect.resource.role": "flow", "prefect.resource.name": flow})
    return [
        AutomationCore(
            name=CRASHED,
            description="Tell pantau's ops channel when an ingest run's process died (pantau, issue 18).",
            trigger=EventTrigger(
                expect={"prefect.flow-run.Crashed"},
                match=runs,
                match_related=of_flow,
                posture=Posture.Reactive,
                threshold=1,
                within=timedelta(0),
            ),
            actions=[
                SendNotification(
                    block_document_id=block_id,
                    subject=CRASHED,
                    body=f"{CRASHED}: {LINK}. pantau sources shows each source's health.",
                )
            ],
        ),
        AutomationCore(
            name=SILENT,
            description="Tell pantau's ops channel when no ingest run completed for an hour (pantau, issue 18).",
            trigger=EventTrigger(
                expect={"prefect.flow-run.Completed"},
                match=runs,
                match_related=of_flow,
                posture=Posture.Proactive,
                threshold=1,
                within=timedelta(seconds=silent_s),
            ),
            actions=[
                SendNotification(
                    block_document_id=block_id,
                    subject=SILENT,
                    body=f"{SILENT}: pantau is not reading the news. Check the workers (or pantau serve) and the "
                    "ingest deployment's runs in the Prefect UI.",
                )
            ],
        ),
    ]


async def apply(client: Any, url: str | None, silent_s: int = 3600) -> list[str]:
    """Create or replace the automations (the ops ones only with an ops channel URL); what was done."""
    done = [f"{zombie_automation().name}: {await ensure_automation(client, zombie_automation())}"]
    if url:
        from prefect.blocks.notifications import SlackWebhook

        block = SlackWebhook(url=url)  # type: ignore[arg-type]  # pydantic makes the SecretStr
        block_id = await block.asave(BLOCK, overwrite=True, client=client)
        for core in ops_automations(block_id, silent_s=silent_s):
            done.append(f"{core.name}: {await ensure_automation(client, core)}")
    return done
