"""The flows with changed run-form fields, through the real flows on a Prefect test server, against
the loopback replay site and a loopback webhook: sources, dry run, max alerts, channels, a channel
whose URL is a Prefect Secret block, the digest flow and the backfill flow — and their artifacts."""

import asyncio

import pytest
import yaml

from pantau.demo import REPLAY_AGE_H, demo_config
from pantau.run_options import BackfillOptions, DigestOptions, IngestOptions
from pantau.store import Store
from support.summaries import as_json

pytestmark = pytest.mark.integration
SEED = "Blinken Bertemu Lavrov"
SEED_STORY = ("Blinken Bertemu Lavrov", "Rusia Tuduh Barat")  # one story: either may be its title


def seed_story(text: str) -> bool:
    return any(t in text for t in SEED_STORY)


def write(tmp_path, cfg):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return str(path)


def run(flow, **params):
    """(final state, the summary it carries, the run's artifacts by key)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async def go():
        state = await flow(return_state=True, **params)
        data = as_json(await state.result(raise_on_failure=False))
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])
                )
            )
        return state, data, {a.key: a for a in found}

    return asyncio.run(go())


@pytest.fixture
def hook_config(replay_site, webhook, tmp_path, monkeypatch):
    monkeypatch.setenv("PANTAU_TEST_HOOK", webhook.apprise_url)
    return demo_config(replay_site, tmp_path, channel_env="PANTAU_TEST_HOOK")


def test_sources_and_max_alerts_from_the_form(prefect_server, replay_site, webhook, hook_config, tmp_path):
    from pantau.flows.ingest import ingest

    path = write(tmp_path, hook_config)
    state, s, arts = run(ingest, config_path=path, options=IngestOptions(sources=["replay-liputan6"]))
    assert state.is_completed() and [x["name"] for x in s["sources"]] == ["replay-liputan6"]
    feeds = {r for r in replay_site.requests if r.startswith(("/feeds/", "/sitemaps/", "/gn/", "/gdelt/", "/outlets/"))}
    assert feeds == {"/feeds/liputan6.xml"}  # no other source was read
    assert len(webhook.received) == 1 and SEED in webhook.received[0]["title"]
    (story,) = (
        arts["ingest-stories"].data
        if isinstance(arts["ingest-stories"].data, list)
        else yaml.safe_load(arts["ingest-stories"].data)
    )
    assert SEED in story["title"] and story["outlets"] == "Liputan6" and story["score"] > 0.5
    assert story["why"] and story["link"].startswith(replay_site.base)
    assert "**1 alert sent, 1 new story**" in arts["ingest-summary"].data

    # every source, at most one alert per channel: the rest wait in the outbox
    state, s, _ = run(ingest, config_path=path, options=IngestOptions(max_alerts=1))
    assert state.is_completed() and s["alerts_sent"] == 1 and s["alerts_pending"] >= 1
    assert len(webhook.received) == 2


def test_a_dry_run_sends_nothing_keeps_nothing_and_says_what_it_would_send(
    prefect_server, replay_site, webhook, hook_config, tmp_path
):
    from pantau.flows.ingest import ingest

    path = write(tmp_path, hook_config)
    state, s, arts = run(ingest, config_path=path, options=IngestOptions(dry_run=True))
    assert state.is_completed() and s["dry_run"] and s["message"].startswith("dry run: ")
    assert webhook.received == []
    would = [n["title"] for n in s["would_send"] if n["channel"] == "webhook"]
    assert len(would) == s["alerts_sent"] >= 2 and any(seed_story(t) for t in would)
    assert "## Dry run: would have sent" in arts["ingest-summary"].data and seed_story(arts["ingest-summary"].data)
    store = Store(f"sqlite:///{tmp_path / 'pantau.db'}")
    assert store.outbox.rows() == [] and store.articles.count() == 0 and store.feeds.states() == []
    # nothing was kept, so a real run now alerts exactly what the dry run listed
    state, real, _ = run(ingest, config_path=path)
    assert real["alerts_sent"] == len(would)
    assert sorted(m["title"] for m in webhook.received) == sorted(would)


def test_channels_subset_and_a_secret_block_channel_in_the_async_flow(
    prefect_server, replay_site, webhook, smtp, tmp_path, monkeypatch
):
    from prefect.blocks.system import Secret

    from pantau.flows.ingest import ingest

    Secret(value=webhook.apprise_url).save("pantau-test-flow-hook", overwrite=True)
    monkeypatch.setenv("PANTAU_TEST_EMAIL", smtp.apprise_url)
    cfg = demo_config(replay_site, tmp_path, channel_env=None)
    cfg["sources"] = [s for s in cfg["sources"] if s["name"] in ("replay-liputan6", "replay-kompas")]
    cfg["channels"] = [
        {"name": "hook", "url_secret": "pantau-test-flow-hook"},
        {"name": "email", "url_env": "PANTAU_TEST_EMAIL"},
    ]
    path = write(tmp_path, cfg)
    state, s, _ = run(ingest, config_path=path, options=IngestOptions(channels=["hook"]))
    assert state.is_completed() and [c["name"] for c in s["channels"]] == ["hook"]
    assert s["alerts_sent"] >= 1 and len(webhook.received) == s["alerts_sent"]  # delivered via the block
    assert any(seed_story(m["title"]) for m in webhook.received) and smtp.messages == []
    assert webhook.apprise_url not in str(s)
    # the email channel's alerts were recorded and wait for a run that includes it
    state, s, _ = run(ingest, config_path=path)
    assert s["alerts_sent"] >= 1 and len(smtp.wait_for(s["alerts_sent"])) == s["alerts_sent"]


def test_the_digest_flow_sends_the_waiting_stories_in_one_message(
    prefect_server, replay_site, webhook, tmp_path, monkeypatch
):
    from pantau.flows.digest import digest
    from pantau.flows.ingest import ingest

    monkeypatch.setenv("PANTAU_TEST_HOOK", webhook.apprise_url)
    cfg = demo_config(replay_site, tmp_path, channel_env=None)
    cfg["channels"] = [{"name": "daily", "url_env": "PANTAU_TEST_HOOK", "mode": "digest", "format": "text"}]
    path = write(tmp_path, cfg)
    state, s, _ = run(ingest, config_path=path)
    assert state.is_completed() and s["stories_new"] >= 2 and webhook.received == []  # waiting for 07:00
    state, d, arts = run(digest, config_path=path, options=DigestOptions(send_now=True, dry_run=True))
    assert state.is_completed() and webhook.received == [] and "would be sent" in state.message
    # a preview shows the digest as it stands, before its 07:00 tick, and sends and records nothing
    state, d, arts = run(digest, config_path=path, options=DigestOptions(preview=True))
    assert state.is_completed() and webhook.received == [] and "previewed, nothing sent" in state.message
    assert any(t in arts["digest"].data for t in SEED_STORY) and f"{s['stories_new']} stories" in arts["digest"].data
    state, d, arts = run(digest, config_path=path, options=DigestOptions(send_now=True))
    assert state.is_completed(), state.message
    (msg,) = webhook.received
    daily = d.channels["daily"]
    assert msg["title"] == daily.digest.title and any(t in msg["message"] for t in SEED_STORY)
    assert msg["title"].startswith(f"[pantau] digest: {s['stories_new']} stories from ")
    assert state.message == f"1 digest sent (daily: {s['stories_new']} stories)"
    assert daily.digest.title in arts["digest"].data and any(t in arts["digest"].data for t in SEED_STORY)
    state, d, _ = run(digest, config_path=path, options=DigestOptions(send_now=True))
    assert len(webhook.received) == 1 and d.channels["daily"].sent == 0  # nothing is sent twice


def test_a_digest_whose_store_is_locked_fails_in_one_line_and_loses_nothing(
    prefect_server, replay_site, webhook, tmp_path, monkeypatch, capfd
):
    """The digest flow's store failing (another process holds the SQLite file): Failed with the driver's
    one line, no task traceback; the next digest, the lock gone, sends the stories once."""
    import sqlite3

    from pantau.flows.digest import digest
    from pantau.flows.ingest import ingest

    monkeypatch.setenv("PANTAU_TEST_HOOK", webhook.apprise_url)
    cfg = demo_config(replay_site, tmp_path, channel_env=None)
    db = tmp_path / "locked.db"
    cfg["storage_url"] = f"sqlite:///{db}?timeout=1"
    cfg["channels"] = [{"name": "daily", "url_env": "PANTAU_TEST_HOOK", "mode": "digest", "format": "text"}]
    path = write(tmp_path, cfg)
    state, s, _ = run(ingest, config_path=path)
    assert state.is_completed() and s["stories_new"] >= 2
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process's long write
    capfd.readouterr()
    try:
        state, _, _ = run(digest, config_path=path, options=DigestOptions(send_now=True))
    finally:
        other.execute("ROLLBACK")
        other.close()
    out = capfd.readouterr()
    assert state.is_failed() and "database is locked" in state.message, state.message
    assert "\n" not in state.message and "Traceback" not in out.out + out.err, (out.out + out.err)[-3000:]
    assert webhook.received == []
    state, d, _ = run(digest, config_path=path, options=DigestOptions(send_now=True))
    assert state.is_completed(), state.message
    assert len(webhook.received) == 1 and d.channels["daily"].sent == s["stories_new"]


def test_backfill_reads_a_window_of_sitemap_and_search_sources(
    prefect_server, replay_site, webhook, hook_config, tmp_path
):
    from pantau.flows.backfill import backfill

    path = write(tmp_path, hook_config)
    # the window reaches every connector: the sitemap skips older items itself (the replay site's are from
    # 2015-2023), the search APIs are asked for the window (the replay site answers whatever is asked)
    state, s, arts = run(backfill, config_path=path)
    kinds = {x["name"]: x["kind"] for x in s["sources"]}
    assert state.is_completed() and set(kinds.values()) == {"sitemap", "google_news", "gdelt"}
    assert not any(r.startswith("/feeds/") for r in replay_site.requests)  # no RSS source is read
    assert {x["name"]: x["links"] for x in s["sources"]}["replay-sindonews"] == 0
    queries = dict(replay_site.searches)
    assert "timespan=72h" in queries["gdelt"] and "when%3A3d" in queries["google_news"]
    assert arts["backfill-progress"].data == 100.0
    state, s, arts = run(
        backfill, config_path=path, options=BackfillOptions(lookback_hours=REPLAY_AGE_H, sources=["replay-sindonews"])
    )
    assert state.is_completed() and [x["name"] for x in s["sources"]] == ["replay-sindonews"]
    assert s["fetched"] == len(replay_site.items("sindonews")) and s["matched"] >= 1
    assert arts["backfill-progress"].data == 100.0 and "backfill-summary" in arts and "backfill-stories" in arts
