"""The run form (pantau/run_options.py) and the dry run's scratch store — no server needed."""
import pytest

from conftest import SEEDS
from pantau import run_options as ro
from pantau.config import parse_config
from pantau.errors import ConfigError
from pantau.store import Store


def config(tmp_path, **extra):
    data = {"storage_url": f"sqlite:///{tmp_path / 'p.db'}",
            "sources": [{"name": "feed-a", "url": "http://127.0.0.1:9/a.xml"},
                        {"name": "feed-off", "url": "http://127.0.0.1:9/b.xml", "enabled": False},
                        {"name": "maps", "kind": "sitemap", "url": "http://127.0.0.1:9/s.xml", "max_age_hours": 6},
                        {"name": "gn", "kind": "google_news", "max_age_hours": 48}],
            "topics": [{"name": "g20", "path": str(SEEDS)}, {"name": "other", "path": str(SEEDS)}],
            "channels": [{"name": "hook", "url_env": "X_HOOK", "max_per_run": 5},
                         {"name": "daily", "url_env": "X_DAILY", "mode": "digest"}], **extra}
    return parse_config(data, tmp_path)


def test_the_form_offers_the_configured_names_as_choices(tmp_path):
    cfg = config(tmp_path)
    props = ro.form(cfg, ro.IngestOptions).model_json_schema()["properties"]
    assert props["topic"]["enum"] == ["all", "g20", "other"] and props["topic"]["default"] == "all"
    assert props["sources"]["items"]["enum"] == ["feed-a", "feed-off", "maps", "gn"]
    assert props["channels"]["items"]["enum"] == ["hook", "daily"]
    assert {p["title"] for p in props.values()} == {"Topic", "Sources", "Lookback (hours)", "Dry run", "Channels",
                                                     "Max alerts per channel"}
    assert all(p.get("description") for p in props.values())
    backfill = ro.form(cfg, ro.BackfillOptions).model_json_schema()["properties"]
    assert backfill["sources"]["items"]["enum"] == ["maps", "gn"] and backfill["lookback_hours"]["default"] == 72
    digest = ro.form(cfg, ro.DigestOptions).model_json_schema()["properties"]
    assert digest["channels"]["items"]["enum"] == ["daily"]            # a single choice is still an enum
    with pytest.raises(ValueError):
        ro.form(cfg, ro.IngestOptions)(sources=["nope"])


def test_apply_narrows_and_adjusts_the_run(tmp_path):
    cfg = config(tmp_path)
    every = ro.apply(cfg, ro.IngestOptions())
    assert [s.name for s in every.sources] == ["feed-a", "maps", "gn"]          # enabled ones
    assert [c.name for c in every.channels] == ["hook", "daily"] and len(every.topics) == 2
    run = ro.apply(cfg, ro.IngestOptions(topic="other", sources=["feed-off", "maps"], lookback_hours=100,
                                         channels=["hook"], max_alerts=2))
    assert [t.name for t in run.topics] == ["other"]
    assert [(s.name, s.enabled, s.max_age_hours) for s in run.sources] == [("feed-off", True, 48.0),
                                                                           ("maps", True, 100.0)]
    assert [(c.name, c.max_per_run) for c in run.channels] == [("hook", 2), ("daily", 2)]
    assert cfg.sources[1].enabled is False and cfg.channels[0].max_per_run == 5     # the config is untouched
    back = ro.apply(cfg, ro.BackfillOptions())
    assert [(s.name, s.max_age_hours) for s in back.sources] == [("maps", 72.0), ("gn", 72.0)]
    with pytest.raises(ConfigError, match="sources: no source named 'nope'.*configured: feed-a"):
        ro.apply(cfg, ro.IngestOptions(sources=["nope"]))
    with pytest.raises(ConfigError, match="no source named 'feed-a'"):
        ro.apply(cfg, ro.BackfillOptions(sources=["feed-a"]))              # not a sitemap or search source
    with pytest.raises(ConfigError, match="channels: no channel named 'slack'"):
        ro.apply(cfg, ro.DigestOptions(channels=["slack"]))


def test_a_dry_run_store_is_a_throwaway_copy(tmp_path):
    real = Store(f"sqlite:///{tmp_path / 'p.db'}")
    real.seen.mark("https://example.org/a")
    scratch = ro.open_store(config(tmp_path), ro.IngestOptions(dry_run=True))
    assert scratch.seen.unseen(["https://example.org/a", "https://example.org/b"], 3) == ["https://example.org/b"]
    scratch.seen.mark("https://example.org/b")
    path = scratch.scratch
    assert path is not None and path.exists()
    scratch.close()
    assert not path.exists()
    assert real.seen.unseen(["https://example.org/b"], 3) == ["https://example.org/b"]     # untouched
    with pytest.raises(ConfigError, match="a dry run needs a SQLite store"):
        Store.scratch_copy("postgresql+psycopg://u@127.0.0.1/x")


def test_a_run_delivers_to_the_chosen_channels_only(tmp_path):
    from pantau.models import Channel
    channels = [Channel.internal(n, "text", print) for n in ("console", "hook", "daily")]
    assert [c.name for c in ro.delivered(channels, ro.IngestOptions(channels=["daily"]))] == ["console", "daily"]
    assert len(ro.delivered(channels, ro.IngestOptions())) == 3


def test_dry_run_senders_only_take_notes(tmp_path):
    from pantau.models import Channel

    def boom(title, body, fmt):
        raise AssertionError("sent")
    channels, notes = ro.dry_run_senders([Channel.internal("hook", "text", boom)])
    channels[0].send("t", "b", "text")
    assert notes == [{"channel": "hook", "title": "t", "body": "b"}]
