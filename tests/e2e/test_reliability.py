"""Whole ingest runs (the real flow on a real Prefect API) against hostile sites, faulty networks, slow
and broken channels, overlapping runs and hostile links: the run completes, every failure is one line
naming its source, nothing is sent twice, nothing secret leaks."""

import asyncio
import json
import socket
import time
from urllib.parse import quote

import pytest
import yaml

from pantau.flows.ingest import ingest
from pantau.store import Store
from support.faults import FaultServer, SlowWebhook
from support.summaries import run_ingest

pytestmark = pytest.mark.integration
TOPIC = {"name": "g20-russia-ukraine", "path": "seeds/g20-russia-ukraine"}


def config(tmp_path, sources, *servers, channels=(), **http):
    cfg = {
        "storage_url": f"sqlite:///{tmp_path / 'pantau.db'}",
        "http": {
            "per_host_interval_s": 0,
            "retries": 1,
            "retry_delay_s": 0,
            "timeout_s": 2,
            "request_deadline_s": 6,
            "max_retry_after_s": 2,
            "respect_robots": False,
            "allow_private": [f"127.0.0.1:{getattr(s, 'port', s)}" for s in servers],
            **http,
        },
        "pipeline": {"source_deadline_s": 15},
        "sources": sources,
        "topics": [TOPIC],
        "channels": list(channels),
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def test_a_run_with_every_kind_of_broken_source_still_alerts_the_good_one(
    prefect_server, faults, hook, tmp_path, monkeypatch
):
    monkeypatch.setenv("PANTAU_T_HOOK", hook.apprise_url)
    bad = {
        "blackhole": "/blackhole",
        "drip": "/drip?bytes=100000&interval=0.5",
        "reset": "/reset",
        "truncated": "/truncated",
        "retry-after": "/status/503?retry_after=3600",
        "error-500": "/status/500",
        "loop": "/redirect-loop",
        "to-file": "/redirect-to?url=" + quote("file:///etc/passwd", safe=""),
        "huge": "/huge-feed.xml?n=100000",
        "laughs": "/billion-laughs.xml",
        "xxe": "/xxe.xml",
        "malformed": "/malformed.xml",
        "refused": None,
    }
    sources = [{"name": n, "url": faults.base + p if p else "http://127.0.0.1:9/feed.xml"} for n, p in bad.items()]
    sources.append({"name": "good", "url": f"{faults.base}/feed.xml?n=3"})
    path = config(tmp_path, sources, faults, 9, channels=[{"name": "hook", "url_env": "PANTAU_T_HOOK"}])
    start = time.monotonic()
    state, s = run_ingest(path)
    took = time.monotonic() - start
    table = {x["name"]: x for x in s["sources"]}
    assert table["good"]["error"] is None and table["good"]["links"] == 3
    for name in bad:
        err = table[name]["error"]
        assert err and "\n" not in err and len(err) < 300, (name, err)
    assert "timed out" in table["blackhole"]["error"] and "body too large" in table["huge"]["error"]
    assert "not retried this run" in table["retry-after"]["error"]
    assert "refused: the document declares XML entities" in table["xxe"]["error"]
    assert s["extracted"] == 3 and s["alerts_sent"] >= 1 and state.is_completed()
    assert len(hook.received) == s["alerts_sent"]
    assert took < 60, f"a run whose sources all misbehave took {took:.0f}s"


def test_hostile_links_are_dropped_or_blocked_and_nothing_internal_is_fetched(prefect_server, faults, tmp_path):
    inner = FaultServer(host="127.0.0.2").start()  # an "internal" server nobody allowed
    try:
        links = [
            "http://:99999/x",
            "http://[::1",
            "ftp://example.org/a",
            "file:///etc/passwd",
            f"http://127.0.0.2:{inner.port}/ok/secret.html",
            "http://169.254.169.254/latest/meta-data/",
            f"{faults.base}/ok/fine.html",
        ]
        q = "&".join("link=" + quote(u, safe="") for u in links)
        path = config(tmp_path, [{"name": "sly", "url": f"{faults.base}/feed-links.xml?{q}"}], faults)
        state, s = run_ingest(path)
        problems = [(e["stage"], e["where"], e["reason"]) for e in s["errors"]]
        dropped = [p for p in problems if p[2].startswith("invalid link dropped")]
        assert {p[1] for p in dropped} == {"sly"}  # named by source
        reasons = " ".join(p[2] for p in dropped)
        assert all(s in reasons for s in ("'http://:99999/x'", "'ftp://example.org/a'", "'file:"))  # syntax, schemes
        blocked = [p for p in problems if "blocked:" in p[2]]
        assert len(blocked) == 2 and all("(tried again later)" in p[2] for p in blocked)
        assert inner.requests == []  # never contacted
        assert s["extracted"] == 1 and state.is_completed()
    finally:
        inner.stop()


def test_a_slow_channel_that_times_out_after_sending_is_uncertain_not_resent(
    prefect_server, faults, tmp_path, monkeypatch
):
    slow = SlowWebhook(delay=4).start()
    try:
        monkeypatch.setenv("PANTAU_T_SLOW", slow.apprise_url)
        path = config(
            tmp_path,
            [{"name": "good", "url": f"{faults.base}/feed.xml?n=2"}],
            faults,
            channels=[{"name": "slow", "url_env": "PANTAU_T_SLOW", "timeout_s": 1}],
        )
        state, s = run_ingest(path)
        sent_once = len(slow.received)
        assert sent_once >= 1 and state.is_failed() and s["outcome"] == "undelivered"
        assert "may not have arrived" in s["message"]
        keys = [r["headers"]["Idempotency-Key"] for r in slow.received]
        assert all(k.startswith("pantau-") for k in keys) and len(set(keys)) == len(keys)
        slow.delay = 0
        run_ingest(path)  # the next run re-sends nothing
        assert len(slow.received) == sent_once
        rows = Store(f"sqlite:///{tmp_path / 'pantau.db'}").outbox.rows(channel="slow")
        assert {r.state for r in rows} == {"uncertain"}
    finally:
        slow.stop()


def test_a_channel_down_then_up_delivers_each_alert_exactly_once(prefect_server, faults, hook, tmp_path, monkeypatch):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens: connection refused
    monkeypatch.setenv("PANTAU_T_HOOK", f"json://127.0.0.1:{port}/hook")
    path = config(
        tmp_path,
        [{"name": "good", "url": f"{faults.base}/feed.xml?n=2"}],
        faults,
        channels=[{"name": "hook", "url_env": "PANTAU_T_HOOK"}],
    )
    state, s = run_ingest(path)
    assert state.is_failed() and s["alerts_failed"] >= 1 and "retried on the next run" in s["message"]
    store = Store(f"sqlite:///{tmp_path / 'pantau.db'}")
    with store.engine.begin() as c:  # skip the backoff wait
        c.exec_driver_sql("UPDATE outbox SET next_attempt_at = NULL")
    monkeypatch.setenv("PANTAU_T_HOOK", hook.apprise_url)
    state, s2 = run_ingest(path)
    assert state.is_completed() and s2["alerts_sent"] == s["alerts_failed"] == len(hook.received)
    run_ingest(path)
    assert len(hook.received) == s["alerts_failed"]


def test_two_overlapping_runs_fetch_each_page_once_and_alert_once(
    prefect_server, replay_site, webhook, tmp_path, monkeypatch
):
    from pantau.demo import demo_config

    monkeypatch.setenv("PANTAU_T_HOOK", webhook.apprise_url)
    cfg = demo_config(replay_site, tmp_path, channel_env="PANTAU_T_HOOK")
    cfg["sources"] = [s for s in cfg["sources"] if s["kind"] == "rss"]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))

    async def both():
        return await asyncio.gather(
            ingest(config_path=str(path), return_state=True), ingest(config_path=str(path), return_state=True)
        )

    states = asyncio.run(both())
    assert all(st.is_completed() for st in states)
    pages = replay_site.page_requests()
    assert pages and len(pages) == len(set(pages))  # each page fetched once
    titles = [m["title"] for m in webhook.received]
    assert titles and len(titles) == len(set(titles))  # each story alerted once
    store = Store(f"sqlite:///{tmp_path / 'pantau.db'}")
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_secrets_never_leak_into_logs_output_store_or_prefect(prefect_server, faults, tmp_path, monkeypatch, capfd):
    secret = "S3cr3t-T0ken-9f8e7d"
    monkeypatch.setenv("PANTAU_T_HOOK", f"json://desk:{secret}@127.0.0.1:9/hook/{secret}?token={secret}")  # path too
    path = config(
        tmp_path,
        [{"name": "good", "url": f"{faults.base}/feed.xml?n=2"}],
        faults,
        channels=[{"name": "hook", "url_env": "PANTAU_T_HOOK"}],
    )
    state, s = run_ingest(path)
    assert s["alerts_failed"] >= 1  # the channel failed, loudly
    out = capfd.readouterr()
    assert secret not in out.out + out.err
    assert secret not in json.dumps(s, default=str) and secret not in (state.message or "")
    assert secret.encode() not in (tmp_path / "pantau.db").read_bytes()
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, PREFECT_HOME

    for db in list(PREFECT_HOME.value().rglob("*.db")) + [PREFECT_API_DATABASE_CONNECTION_URL.value()]:
        if isinstance(db, str):
            continue
        assert secret.encode() not in db.read_bytes(), db
