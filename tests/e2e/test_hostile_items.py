"""Whole ingest runs (the real flow on a real Prefect API, the fault server on 127.0.0.1) where one
feed item is hostile — a malformed host name, a NUL in its title — on SQLite and PostgreSQL: the item
is dropped or cleaned at the edge with one line naming its source, and the good source beside it is
alerted."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import yaml

from pantau.store import Store
from support.faults import FaultServer
from support.summaries import run_ingest

pytestmark = pytest.mark.integration
TOPIC = {"name": "g20-russia-ukraine", "path": "seeds/g20-russia-ukraine"}


def config(tmp_path, store_url, sources, fs, channels=(), **pipeline):
    cfg = {
        "storage_url": store_url,
        "http": {
            "per_host_interval_s": 0,
            "retries": 1,
            "retry_delay_s": 0,
            "timeout_s": 2,
            "request_deadline_s": 6,
            "respect_robots": False,
            "allow_private": [f"127.0.0.1:{fs.port}"],
        },
        "pipeline": {"source_deadline_s": 15, **pipeline},
        "sources": sources,
        "topics": [TOPIC],
        "channels": list(channels),
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def _feed(fs: FaultServer, items: list[tuple[str, str]]) -> str:
    return f"{fs.base}/feed-links.xml?" + "&".join(
        f"link={quote(u, safe='')}&title={quote(t, safe='')}" for t, u in items
    )


def test_malformed_host_names_are_dropped_with_one_line_and_the_run_goes_on(
    prefect_server, faults, hook, store_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("PANTAU_T_HOOK", hook.apprise_url)
    bad = ["http://a..b/x", f"http://{'a' * 64}.example/x", "http://.lead.example/x", "http://xn--a..b/y"]
    sources = [
        {"name": "sly", "url": _feed(faults, [(f"Judul {i}", u) for i, u in enumerate(bad)])},
        {"name": "good", "url": f"{faults.base}/feed.xml?n=2"},
    ]
    path = config(tmp_path, store_url, sources, faults, channels=[{"name": "hook", "url_env": "PANTAU_T_HOOK"}])
    for _ in range(2):  # and again while the items stay in the feed
        state, s = run_ingest(path)
        assert isinstance(s, dict), s
        dropped = [e for e in s["errors"] if e["reason"].startswith("invalid link dropped")]
        assert {e["where"] for e in dropped} == {"sly"} and len(dropped) == len(bad)
        assert all("\n" not in e["reason"] for e in dropped)
        assert state.is_completed()
    assert s["alerts_sent"] == 0 and len(hook.received) >= 1  # the good source, alerted on the first run


def test_a_nul_in_a_feed_title_is_dropped_and_the_good_source_is_alerted(
    prefect_server, faults, hook, store_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("PANTAU_T_HOOK", hook.apprise_url)
    title = "Menlu RI bertemu Lavrov\x00 di G20 \u202e"
    page = f"{faults.base}/ok/nul.html?untitled=1"  # a page without a title: its alert takes the feed's
    sources = [
        {"name": "nul", "url": _feed(faults, [(title, page)])},
        {"name": "good", "url": f"{faults.base}/feed.xml?n=2"},
    ]
    path = config(tmp_path, store_url, sources, faults, channels=[{"name": "hook", "url_env": "PANTAU_T_HOOK"}])
    state, s = run_ingest(path)
    assert isinstance(s, dict) and state.is_completed(), s
    assert s["extracted"] == 3 and s["alerts_sent"] >= 1 and len(hook.received) == s["alerts_sent"]
    for r in hook.received:
        body = r["raw"].decode("utf-8")
        assert "\\u0000" not in body and "\x00" not in body and "\\u202e" not in body.lower()
    store = Store(store_url)
    with store.engine.connect() as c:
        titles = [r[0] for r in c.exec_driver_sql("SELECT title FROM articles")]
    assert any("Menlu RI bertemu Lavrov" in t for t in titles) and not any("\x00" in t for t in titles)
    store.close()
