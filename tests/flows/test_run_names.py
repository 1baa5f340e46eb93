"""The Prefect UI reads well: runs named by flow and WIB time, tagged by how they were started
(scheduled / manual, custom, dry-run), schedules that name WIB, the stories table with its link first,
and a digest channel with stories waiting shown as "N waiting for the digest", not "0 sent"."""

import asyncio
from datetime import UTC, datetime

import pytest
import yaml

from pantau.alerts import deliver, plan
from pantau.clock import utcnow
from pantau.models import Channel, Counts
from pantau.prefect_yaml import load_deployments
from pantau.report import stories_table, summarise, summary_markdown, summary_text
from pantau.run_names import run_name, run_tags, zone_name
from pantau.run_options import BackfillOptions, DigestOptions, IngestOptions
from pantau.store import Store
from support.stories import add_story


def test_run_names_say_the_flow_and_the_time_in_wib():
    assert run_name("ingest", datetime(2026, 12, 4, 21, 45, tzinfo=UTC)) == "ingest 05 Dec 04:45 WIB"
    assert run_name("digest", datetime(2026, 1, 1, 0, 0, tzinfo=UTC)) == "digest 01 Jan 07:00 WIB"


def test_tags_say_how_a_run_was_started():
    assert run_tags(True, IngestOptions()) == ["scheduled"]
    assert run_tags(False, IngestOptions()) == ["manual"]
    assert run_tags(False, IngestOptions(max_alerts=1)) == ["manual", "custom"]
    assert run_tags(True, IngestOptions(dry_run=True)) == ["scheduled", "custom", "dry-run"]
    assert run_tags(False, BackfillOptions()) == ["manual"]  # a backfill's own defaults are not custom
    assert run_tags(False, BackfillOptions(lookback_hours=24)) == ["manual", "custom"]
    assert run_tags(True, DigestOptions(send_now=True)) == ["scheduled", "custom"]


def test_schedules_name_wib():
    assert zone_name("Asia/Jakarta") == "WIB (Asia/Jakarta)" and zone_name("Asia/Makassar") == "WITA (Asia/Makassar)"
    assert zone_name(None) == "UTC" and zone_name("Europe/Berlin") == "Europe/Berlin"
    deps = {d.name: d for d in load_deployments()}
    assert deps["ingest"].schedule == "*/15 * * * * WIB (Asia/Jakarta)"
    for d in deps.values():  # what the Prefect UI shows under each deployment
        assert "WIB" in d.description, d.name
    assert "07:00 WIB" in deps["digest"].description and "Every 15 minutes" in deps["ingest"].description


def test_the_typed_flows_keep_the_run_names(tmp_path):
    from pantau.flows import deployments as module
    from pantau.flows.opening import run_name as named

    for f in module.FLOWS.values():
        assert f.flow_run_name is named, f.name


def test_the_stories_table_puts_the_link_first(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    sid, _ = add_story(store, n=2)
    (row,) = stories_table(store, [sid])
    assert list(row) == ["link", "title", "outlets", "score", "why"]
    assert row["link"].startswith("https://outlet")


def test_a_digest_channel_with_stories_waiting_says_so(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    sent = []
    daily = Channel.internal("daily", "text", lambda *a, **k: sent.append(a), mode="digest", digest_cron="0 7 * * *")
    for title in ("Retno bertemu Lavrov", "Jokowi telepon Zelensky"):
        sid, _ = add_story(store, title=title)
        plan(store, sid, "t", [daily])
    counts = deliver(store, [daily], "run", {}, now=utcnow())  # no 07:00 WIB tick since they were planned
    assert sent == [] and counts.channels["daily"].waiting == 2
    s = summarise([], [], [], Counts(), counts, {}, store.outbox.counts())
    assert "channel daily: 2 waiting for the digest" in summary_text(s)
    assert "| daily | 2 waiting for the digest |" in summary_markdown(s)
    assert "0 sent" not in summary_markdown(s)


@pytest.mark.integration
def test_a_run_is_named_and_tagged_in_prefect(prefect_server, tmp_path):
    """The digest flow (the quickest: no source is read) run by hand as a dry run: its name and tags."""
    from prefect.client.orchestration import get_client

    from pantau.flows.digest import digest
    from support.paths import SEEDS

    path = tmp_path / "config.yaml"
    data = {
        "storage_url": f"sqlite:///{tmp_path / 'p.db'}",
        "sources": [],
        "topics": [{"name": "t", "path": str(SEEDS)}],
    }
    path.write_text(yaml.safe_dump(data))

    async def go():
        state = await digest(options=DigestOptions(dry_run=True), config_path=str(path), return_state=True)
        async with get_client() as client:
            return await client.read_flow_run(state.state_details.flow_run_id)

    run = asyncio.run(go())
    when = run.expected_start_time
    assert run.name == run_name("digest", when) and run.name.endswith(" WIB")
    assert {"manual", "custom", "dry-run"} <= set(run.tags) and "scheduled" not in run.tags
