"""The CLI as a user runs it (in-process), on committed fixtures."""

import json

import yaml

from pantau.cli import main as cli
from pantau.demo import SITE
from support.paths import FIXTURES, PROJECT, SEEDS

CONFIG = str(PROJECT / "config.yaml")


def last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_evaluate_json(capsys):
    assert cli(["evaluate", str(FIXTURES / "topic-sample.jsonl"), "--config", CONFIG, "--json", "--errors"]) == 0
    r = last_json(capsys)
    assert {"n", "tp", "fp", "fn", "precision", "recall", "f1"} <= set(r) and r["n"] > 40


def test_explain_a_plain_text_file(capsys, tmp_path):
    p = tmp_path / "a.txt"
    seed = (SEEDS / "exemplars/positive/000_d65872ee167d278c.txt").read_text()
    p.write_text("Blinken bertemu Lavrov di sela KTT G20\n" + seed)
    assert cli(["explain", str(p), "--config", CONFIG, "--json"]) == 0
    out = capsys.readouterr().out
    assert "MATCH" in out and "nearest positive exemplar: 000_d65872ee167d278c — “Blinken Bertemu Lavrov" in out
    assert "(Liputan6, 3 Mar 2023) (cosine " in out
    assert "nearest negative exemplar: " in out and "score = concepts " in out
    m = json.loads(out.strip().splitlines()[-1])
    assert m["relevant"] and "Rusia" in m["concepts"]["actor"]
    # the event card, each field with its sentence (pantau.events)
    assert "  event: " in out and "  who: Menlu AS Antony Blinken  ← “" in out
    assert "Menlu Rusia Sergey Lavrov" in m["event"]["who"] and m["event"]["where"] == "New Delhi, India"


def test_extract_a_recorded_page(capsys):
    page = SITE / "pages/recorded/kompas__kompas-singlepage2.html"
    assert cli(["extract", str(page), "--config", CONFIG, "--json"]) == 0
    r = last_json(capsys)
    assert set(r) == {"title", "text", "date", "url", "language"}
    assert r["language"] == "id" and r["date"].startswith("2016-02-16") and r["title"].startswith("Menteri Yuddy")


def test_run_rejects_a_bad_config(capsys, tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("sources: []\ntopics: []\nchanels: []\n")
    assert cli(["run", "--config", str(p)]) == 2
    assert "chanels: unknown key" in capsys.readouterr().err


def test_a_run_of_no_source_completes(prefect_server, capsys, tmp_path):
    """A config (or a run form) with no source at all: the run completes with nothing to do, exit 0."""
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump({"sources": [], "topics": [{"name": "g20-russia-ukraine"}], "channels": []}))
    assert cli(["run", "--config", str(p), "--json"]) == 0, capsys.readouterr().err[-2000:]
    r = last_json(capsys)
    assert r["outcome"] == "ok" and r["discovered"] == 0 and r["alerts_sent"] == 0


def test_channel_url_from_prefect_secret_block(prefect_server, tmp_path, webhook):
    from prefect.blocks.system import Secret

    from pantau.config import parse_config
    from pantau.connectors.delivery import resolve_channels

    Secret(value=webhook.apprise_url).save("pantau-test-hook", overwrite=True)
    cfg = parse_config(
        {
            "sources": [{"name": "x", "url": "http://127.0.0.1:9/f"}],
            "topics": [{"name": "g", "path": str(SEEDS)}],
            "channels": [
                {"name": "hook", "url_secret": "pantau-test-hook"},
                {"name": "gone", "url_secret": "no-such-block"},
            ],
        },
        tmp_path,
    )
    channels, skipped = resolve_channels(cfg)
    hook = next(c for c in channels if c.name == "hook")
    hook.send("t", "b", "text")
    assert webhook.received[0]["title"] == "t"
    assert list(skipped) == ["gone"] and "no-such-block" in skipped["gone"]
    assert all(webhook.apprise_url not in w for w in skipped.values())


def test_serve_says_in_one_line_when_it_cannot_start(capsys, tmp_path, monkeypatch):
    from pantau.demo import ReplaySite, demo_config

    site = ReplaySite()  # not started: only its URLs are needed
    cfg = demo_config(site, tmp_path, channel_env="PANTAU_CLI_SERVE_HOOK")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    monkeypatch.setenv("PANTAU_CONFIG", str(path))  # serve sets it; restored after the test
    monkeypatch.delenv("PANTAU_CLI_SERVE_HOOK", raising=False)
    assert cli(["serve", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "channels.webhook: $PANTAU_CLI_SERVE_HOOK is not set" in err
    monkeypatch.setenv("PANTAU_CLI_SERVE_HOOK", "json://127.0.0.1:9/hook")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert cli(["serve", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no Prefect server answers at PREFECT_API_URL=http://127.0.0.1:9/api" in err
    site.httpd.server_close()
