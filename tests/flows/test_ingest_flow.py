"""The whole `ingest` flow on a real Prefect test server, against the loopback replay site, delivering
through Apprise to a real loopback webhook (json://) and a real SMTP server (aiosmtpd, mailto://)."""

import asyncio
import json
from email import message_from_bytes

import pytest
import yaml

from pantau.demo import demo_config
from pantau.store import Store
from support.summaries import as_json

pytestmark = pytest.mark.integration

SEED_TITLES = ("Blinken Bertemu Lavrov", "Rusia Tuduh Barat Lakukan Pemerasan")
SPORTS_TITLE = "Guardiola Puas Lihat Cara Man City Menang atas Shakhtar Donetsk"


def write_config(tmp_path, site, monkeypatch, webhook, smtp):
    monkeypatch.setenv("PANTAU_TEST_WEBHOOK", webhook.apprise_url)
    monkeypatch.setenv("PANTAU_TEST_EMAIL", smtp.apprise_url)
    cfg = demo_config(
        site,
        tmp_path,
        channel_env=None,
        extra_sources=[
            {"name": "broken-500", "url": f"{site.base}/feeds/broken-500.xml"},
            {"name": "malformed", "url": f"{site.base}/feeds/malformed.xml"},
        ],
    )
    cfg["channels"] = [
        {"name": "webhook", "url_env": "PANTAU_TEST_WEBHOOK"},
        {"name": "email", "url_env": "PANTAU_TEST_EMAIL"},
    ]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def run_ingest(path):
    from pantau.flows.ingest import ingest

    return as_json(asyncio.run(ingest(config_path=str(path))))


def test_ingest_end_to_end(prefect_server, replay_site, webhook, smtp, tmp_path, monkeypatch):
    path = write_config(tmp_path, replay_site, monkeypatch, webhook, smtp)
    s1 = run_ingest(path)

    # every stage ran on real data
    n_pages = len(replay_site.manifest)
    assert s1["discovered"] == n_pages and s1["fetched"] == n_pages
    assert s1["extracted"] == n_pages and 0 < s1["indonesian"] <= n_pages
    assert s1["matched"] >= 2 and s1["alerts_sent"] >= 2

    # the broken sources are reported, by name and reason, and did not stop the others
    errs = {e["where"]: e["reason"] for e in s1["errors"] if e["stage"] == "discover"}
    assert errs["broken-500"] == "HTTP 500 after 2 tries" and errs["malformed"].startswith("malformed feed")
    table = {x["name"]: x for x in s1["sources"]}
    assert table["broken-500"]["error"] == "HTTP 500 after 2 tries" and not table["broken-500"]["unreachable"]
    assert table["replay-antara"]["links"] == table["replay-antara"]["new"] > 0
    assert s1["outcome"] == "ok" and s1["message"].startswith(f"{s1['alerts_sent']} alerts sent")
    assert {c["name"]: c["sent"] for c in s1["channels"]} == {
        "webhook": s1["alerts_sent"] // 2,
        "email": s1["alerts_sent"] // 2,
    }

    # the two seed articles are one story, alerted once per channel, listing both outlets
    # (the story's title is the message's title; the body does not repeat it)
    seed_alerts = [m for m in webhook.received if all(t in m["title"] + m["message"] for t in SEED_TITLES)]
    assert len(seed_alerts) == 1
    assert not any(SPORTS_TITLE in m["message"] for m in webhook.received)
    mails = smtp.wait_for(len(webhook.received))
    assert len(mails) == len(webhook.received)
    bodies = []
    for env in mails:
        msg = message_from_bytes(env.content)
        html = next(p for p in msg.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()
        bodies.append((msg["Subject"], html))
    seed_mail = [h for subj, h in bodies if all(t in h for t in SEED_TITLES)]
    assert len(seed_mail) == 1 and "<a href=" in seed_mail[0] and "WIB" in seed_mail[0]

    # the store has what the summary says
    store = Store(f"sqlite:///{tmp_path / 'pantau.db'}")
    assert store.articles.count() == s1["extracted"]
    assert store.articles.count(relevant_only=True) == s1["matched"]
    real = [r for r in store.outbox.rows() if r.channel != "console"]
    assert len(real) == s1["alerts_sent"] and {r.state for r in store.outbox.rows()} == {"sent"}

    # second run: feeds answer 304, nothing fetched, nothing alerted
    before_pages = len(replay_site.page_requests())
    s2 = run_ingest(path)
    assert s2["alerts_sent"] == 0 and s2["fetched"] == 0
    assert len(replay_site.page_requests()) == before_pages

    # third run with the feed validators forgotten: feeds come back in full, but no seen article is fetched
    with store.engine.begin() as c:
        c.exec_driver_sql("UPDATE feed_state SET etag = NULL, last_modified = NULL")
    s3 = run_ingest(path)
    assert s3["discovered"] == n_pages and s3["new_candidates"] == 0
    assert s3["alerts_sent"] == 0 and len(replay_site.page_requests()) == before_pages
    assert len(webhook.received) + len(mails) == s1["alerts_sent"]  # the console is not a delivery


def run_state(path):
    from pantau.flows.ingest import ingest

    async def go():
        state = await ingest(config_path=str(path), return_state=True)
        return state, as_json(await state.result(raise_on_failure=False))

    return asyncio.run(go())


def test_a_run_that_reads_nothing_fails_with_the_reason(prefect_server, tmp_path):
    """Every source unreachable: the run ends Failed (automations can react) with the verdict."""
    cfg = {
        "storage_url": f"sqlite:///{tmp_path / 'p.db'}",
        "http": {"retries": 0, "timeout_s": 3, "respect_robots": False, "allow_private": ["127.0.0.1:9"]},
        "sources": [{"name": f"dead-{i}", "url": f"http://127.0.0.1:9/feed{i}.xml"} for i in range(3)],
        "topics": [{"name": "g20-russia-ukraine", "path": "seeds/g20-russia-ukraine"}],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    state, summary = run_state(path)
    assert state.is_failed() and state.message.startswith("no source reachable (3 of 3 failed)")
    assert summary["outcome"] == "no_source" and all(x["unreachable"] for x in summary["sources"])
    assert {x["error"] for x in summary["sources"]} == {"connection refused by 127.0.0.1"}


def test_a_channel_that_cannot_deliver_fails_the_run(prefect_server, replay_site, webhook, tmp_path, monkeypatch):
    monkeypatch.setenv("PANTAU_TEST_WEBHOOK", webhook.apprise_url)
    cfg = demo_config(replay_site, tmp_path, channel_env="PANTAU_TEST_WEBHOOK")
    cfg["sources"] = [s for s in cfg["sources"] if s["name"] in ("replay-liputan6", "replay-kompas")]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    webhook.down = True
    state, summary = run_state(path)
    assert state.is_failed() and summary["outcome"] == "undelivered" and summary["alerts_failed"] >= 1
    assert "kept in the outbox and retried" in state.message
    (hook,) = summary["channels"]
    assert hook["name"] == "webhook" and hook["failed"] >= 1 and "503" in hook["last_error"]
    assert webhook.apprise_url not in json.dumps(summary)
