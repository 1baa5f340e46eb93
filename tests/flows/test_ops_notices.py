"""Noticed when quiet (issue 18, defect 6), through the real ingest flow on a Prefect test server: a
channel in ``mode: ops`` gets no story alert, is told once when a source has failed for 24 hours (not
again on the next run), and every run posts the sources' health table as the ``ingest-sources`` artifact."""

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from pantau.demo import demo_config
from support.summaries import as_json

pytestmark = pytest.mark.integration


def run_ingest(path):
    from pantau.flows.ingest import ingest

    return as_json(asyncio.run(ingest(config_path=str(path))))


def artifact_keys() -> set[str]:
    from prefect.client.orchestration import get_client

    async def go():
        async with get_client() as c:
            return {a.key for a in await c.read_artifacts()}

    return asyncio.run(go())


def test_a_source_failing_for_a_day_is_told_once_to_the_ops_channel(
    prefect_server, replay_site, webhook, tmp_path, monkeypatch
):
    monkeypatch.setenv("PANTAU_T_OPS", webhook.apprise_url)
    cfg = demo_config(
        replay_site,
        tmp_path,
        channel_env=None,
        extra_sources=[{"name": "broken-500", "url": f"{replay_site.base}/feeds/broken-500.xml"}],
    )
    cfg["sources"] = [s for s in cfg["sources"] if s["name"] in ("replay-liputan6", "replay-kompas", "broken-500")]
    cfg["http"]["retries"] = 0
    cfg["channels"] = [{"name": "ops", "url_env": "PANTAU_T_OPS", "mode": "ops"}]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))

    first = run_ingest(path)
    assert first["matched"] >= 1 and webhook.received == []  # an ops channel gets no story alert
    assert "ingest-sources" in artifact_keys()

    day_ago = (datetime.now(UTC) - timedelta(hours=25)).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(tmp_path / "pantau.db") as db:  # as if it had been failing since yesterday
        db.execute("UPDATE feed_state SET failing_since = ? WHERE source = 'broken-500'", (day_ago,))
    run_ingest(path)
    told = [m["title"] for m in webhook.received]
    assert len(told) == 1 and told[0].startswith("pantau: source broken-500 has failed on every run since 25 h ago")
    run_ingest(path)
    assert len(webhook.received) == 1  # once per onset, not every run
