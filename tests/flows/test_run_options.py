"""The run form (pantau/run_options.py), the dry run's scratch store, and the deployments of
deploy/prefect.yaml as `pantau serve` builds them — no server needed."""

from pathlib import Path

import pytest
import yaml

from pantau import run_options as ro
from pantau.config import load_config, parse_config
from pantau.errors import ConfigError
from pantau.prefect_yaml import load_deployments
from pantau.store import Store
from support.paths import PROJECT, SEEDS


def config(tmp_path, **extra):
    data = {
        "storage_url": f"sqlite:///{tmp_path / 'p.db'}",
        "sources": [
            {"name": "feed-a", "url": "http://127.0.0.1:9/a.xml"},
            {"name": "feed-off", "url": "http://127.0.0.1:9/b.xml", "enabled": False},
            {"name": "maps", "kind": "sitemap", "url": "http://127.0.0.1:9/s.xml", "max_age_hours": 6},
            {"name": "gn", "kind": "google_news", "max_age_hours": 48},
        ],
        "topics": [{"name": "g20", "path": str(SEEDS)}, {"name": "other", "path": str(SEEDS)}],
        "channels": [
            {"name": "hook", "url_env": "X_HOOK", "max_per_run": 5},
            {"name": "daily", "url_env": "X_DAILY", "mode": "digest"},
            {"name": "off", "url_env": "X_OFF", "enabled": False},
        ],
        **extra,
    }
    return parse_config(data, tmp_path)


def test_the_form_offers_the_configured_names_as_choices(tmp_path):
    cfg = config(tmp_path)
    props = ro.form(cfg, ro.IngestOptions).model_json_schema()["properties"]
    assert props["topic"]["enum"] == ["all", "g20", "other"] and props["topic"]["default"] == "all"
    assert props["sources"]["items"]["enum"] == ["feed-a", "feed-off", "maps", "gn"]
    assert props["channels"]["items"]["enum"] == ["hook", "daily"]  # enabled ones
    assert {p["title"] for p in props.values()} == {
        "Topic",
        "Sources",
        "Lookback (hours)",
        "Dry run",
        "Channels",
        "Max alerts per channel",
    }
    assert all(p.get("description") for p in props.values())
    backfill = ro.form(cfg, ro.BackfillOptions).model_json_schema()["properties"]
    assert backfill["sources"]["items"]["enum"] == ["maps", "gn"] and backfill["lookback_hours"]["default"] == 72
    digest = ro.form(cfg, ro.DigestOptions).model_json_schema()["properties"]
    assert digest["channels"]["items"]["enum"] == ["daily"]  # a single choice is still an enum
    with pytest.raises(ValueError):
        ro.form(cfg, ro.IngestOptions)(sources=["nope"])


def test_apply_narrows_and_adjusts_the_run(tmp_path):
    cfg = config(tmp_path)
    every = ro.apply(cfg, ro.IngestOptions())
    assert [s.name for s in every.sources] == ["feed-a", "maps", "gn"]  # enabled ones
    assert [c.name for c in every.channels] == ["hook", "daily", "off"] and len(every.topics) == 2
    run = ro.apply(
        cfg,
        ro.IngestOptions(
            topic="other", sources=["feed-off", "maps"], lookback_hours=100, channels=["hook"], max_alerts=2
        ),
    )
    assert [t.name for t in run.topics] == ["other"]
    assert [(s.name, s.enabled, s.max_age_hours) for s in run.sources] == [
        ("feed-off", True, 48.0),
        ("maps", True, 100.0),
    ]
    assert [(c.name, c.max_per_run) for c in run.channels][:2] == [("hook", 2), ("daily", 2)]
    assert cfg.sources[1].enabled is False and cfg.channels[0].max_per_run == 5  # the config is untouched
    back = ro.apply(cfg, ro.BackfillOptions())
    assert [(s.name, s.max_age_hours) for s in back.sources] == [("maps", 72.0), ("gn", 72.0)]
    with pytest.raises(ConfigError, match="sources: no source named 'nope'.*configured: feed-a"):
        ro.apply(cfg, ro.IngestOptions(sources=["nope"]))
    with pytest.raises(ConfigError, match="no source named 'feed-a'"):
        ro.apply(cfg, ro.BackfillOptions(sources=["feed-a"]))  # not a sitemap or search source
    with pytest.raises(ConfigError, match="channels: no channel named 'slack'"):
        ro.apply(cfg, ro.DigestOptions(channels=["slack"]))
    with pytest.raises(ConfigError, match="no channel named 'off'.*configured: hook, daily"):
        ro.apply(cfg, ro.IngestOptions(channels=["off"]))  # not enabled


def test_a_dry_run_store_is_a_throwaway_copy(tmp_path):
    from pantau.models import FeedResult

    real = Store(f"sqlite:///{tmp_path / 'p.db'}")
    real.feeds.save(FeedResult(source="a", url="https://example.org/a.xml", etag='"1"'))
    scratch = ro.open_store(config(tmp_path), ro.IngestOptions(dry_run=True))
    assert [f.url for f in scratch.feeds.states()] == ["https://example.org/a.xml"]  # a copy of the store
    scratch.feeds.save(FeedResult(source="b", url="https://example.org/b.xml"))
    path = scratch.scratch
    assert path is not None and path.exists() and len(scratch.feeds.states()) == 2
    scratch.close()
    assert not path.exists()
    assert [f.url for f in real.feeds.states()] == ["https://example.org/a.xml"]  # untouched
    with pytest.raises(ConfigError, match="a dry run needs a SQLite store"):
        Store.scratch_copy("postgresql+psycopg://u@127.0.0.1/x")
    # a digest preview sends nothing and keeps nothing either: the same throwaway copy
    assert ro.sends_nothing(ro.DigestOptions(preview=True)) and not ro.sends_nothing(ro.DigestOptions(send_now=True))
    preview = ro.open_store(config(tmp_path), ro.DigestOptions(preview=True))
    assert preview.scratch is not None
    preview.close()


def test_a_run_delivers_to_the_chosen_channels_only(tmp_path):
    from pantau.models import Channel

    channels = [Channel.internal(n, "text", print) for n in ("console", "hook", "daily")]
    assert [c.name for c in ro.delivered(channels, ro.IngestOptions(channels=["daily"]))] == ["console", "daily"]
    assert len(ro.delivered(channels, ro.IngestOptions())) == 3


def test_dry_run_senders_only_take_notes(tmp_path):
    from pantau.models import Channel

    def boom(title, body, fmt, key=None):
        raise AssertionError("sent")

    channels, notes = ro.dry_run_senders([Channel.internal("hook", "text", boom)])
    channels[0].send("t", "b", "text")
    assert notes == [{"channel": "hook", "title": "t", "body": "b"}]


def test_the_shipped_deployments(tmp_path):
    deps = {d.name: d for d in load_deployments()}
    assert set(deps) == {"ingest", "digest", "backfill"}
    assert (deps["ingest"].cron, deps["ingest"].timezone) == ("*/15 * * * *", "Asia/Jakarta")
    assert (deps["ingest"].concurrency_limit, deps["ingest"].collision_strategy) == (1, "CANCEL_NEW")
    assert (deps["digest"].cron, deps["digest"].timezone) == ("0 7 * * *", "Asia/Jakarta")
    assert deps["backfill"].cron is None and deps["backfill"].schedule == "on demand"
    assert all(d.concurrency_limit == 1 for d in deps.values())
    bad = tmp_path / "prefect.yaml"
    bad.write_text(yaml.safe_dump({"deployments": [{"name": "x", "entrypoint": "flows/x.py:other"}]}))
    with pytest.raises(ConfigError, match="not one of pantau's flows"):
        load_deployments(bad)


def test_the_schedule_lives_in_prefect_yaml_only(tmp_path):
    assert "schedule_cron" not in (PROJECT / "config.yaml").read_text()
    p = tmp_path / "config.yaml"
    p.write_text(yaml.safe_dump({"schedule_cron": "*/5 * * * *", "sources": [], "topics": []}))
    with pytest.raises(ConfigError, match="schedule_cron: no longer read here: schedules live in deploy/prefect.yaml"):
        load_config(p)


def test_serve_builds_the_deployments_of_prefect_yaml_with_typed_forms(tmp_path):
    cfg_path = tmp_path / "config.yaml"
    cfg = config(tmp_path)
    cfg_path.write_text(yaml.safe_dump({**cfg.model_dump(mode="json"), "storage_url": cfg.storage_url}))
    from pantau.flows import deployments as module

    flows = module.typed_flows(load_config(cfg_path))
    deps = {d.name: d for d in module.deployments(load_deployments(), str(cfg_path))}
    ingest = deps["ingest"]
    assert ingest.flow_name == "ingest" and ingest.entrypoint.endswith("flows/deployments.py:ingest")
    assert ingest.parameters == {"config_path": str(cfg_path)}
    (schedule,) = ingest.schedules
    assert schedule.schedule.cron == "*/15 * * * *" and schedule.schedule.timezone == "Asia/Jakarta" and schedule.active
    assert ingest.concurrency_limit == 1 and ingest.concurrency_options.collision_strategy.value == "CANCEL_NEW"
    schema = ingest._parameter_openapi_schema.model_dump()
    options = schema["definitions"]["IngestOptions"]["properties"]
    assert options["sources"]["items"]["enum"] == ["feed-a", "feed-off", "maps", "gn"]
    assert not deps["backfill"].schedules
    paused = {d.name: d for d in module.deployments(load_deployments(), str(cfg_path), paused=True)}
    assert not paused["ingest"].schedules[0].active and not paused["digest"].schedules[0].active
    assert flows["ingest"].name == "ingest" and Path(flows["ingest"].fn.__code__.co_filename).name == "deployments.py"
