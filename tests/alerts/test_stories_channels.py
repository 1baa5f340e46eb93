"""Stories, channels and delivery through real Apprise to real loopback receivers."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from pantau.alerts import Channel, deliver, digest_due, plan
from pantau.cli import main as cli
from pantau.clock import utcnow
from pantau.connectors.delivery import send
from pantau.store import ArticleRow, Store, StoryRow
from pantau.stories import signature, similarity
from pantau.urls import canonical_url
from support.paths import FIXTURES, SEEDS
from support.stories import add_story


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.kompas.com/global/read/2023/03/03/blinken-lavrov?utm_source=twitter&utm_medium=social",
        "https://m.kompas.com/global/read/2023/03/03/blinken-lavrov",
        "https://amp.kompas.com/global/read/2023/03/03/blinken-lavrov",
        "https://www.kompas.com/global/read/2023/03/03/blinken-lavrov/amp",
        "http://www.kompas.com/global/read/2023/03/03/blinken-lavrov/?page=all#comments",
    ],
)
def test_canonical_url_variants(variant):
    assert canonical_url(variant) == "https://www.kompas.com/global/read/2023/03/03/blinken-lavrov"


def test_canonical_url_keeps_identity():
    assert canonical_url("https://news.detik.com/d-1?id=5") != canonical_url("https://news.detik.com/d-1?id=6")


def test_the_two_seeds_are_one_story_and_unrelated_items_are_not():
    from pantau.extract import clean_text

    a = clean_text((SEEDS / "exemplars/positive/000_d65872ee167d278c.txt").read_text())
    b = clean_text((SEEDS / "exemplars/positive/004_f752538dff42923b.txt").read_text())
    sa, sb = signature("Blinken Bertemu Lavrov di Sela Pertemuan G20", a), signature("Rusia Tuduh Barat di G20", b)
    assert similarity(sa, sb) >= 0.4
    items = [json.loads(l) for l in (FIXTURES / "topic-sample.jsonl").read_text().splitlines()]
    sigs = [signature(i["title"], i["text"]) for i in items if "Yaman" not in i["title"]]
    assert max(similarity(sa, s) for s in sigs) < 0.4


def test_retry_after_receiver_outage_delivers_exactly_once(tmp_path, webhook):
    s = Store(f"sqlite:///{tmp_path / 'p.db'}")
    sid, _ = add_story(s, title="Menlu Retno bertemu Lavrov")
    ch = [Channel.internal("hook", "text", lambda t, b, f, k=None: send(webhook.apprise_url, t, b, f))]
    plan(s, sid, "t", ch)
    webhook.down = True
    assert deliver(s, ch, "r1", {}).failed == 1
    assert "hook" in s.outbox.rows()[0].last_error and webhook.apprise_url not in s.outbox.rows()[0].last_error
    webhook.down = False
    later = utcnow() + timedelta(hours=1)
    assert deliver(s, ch, "r2", {}, now=later).sent == 1
    assert deliver(s, ch, "r3", {}, now=later + timedelta(hours=1)).sent == 0
    assert len(webhook.received) == 1 and "Menlu Retno bertemu Lavrov" in webhook.received[0]["title"]


def test_digest_batches_stories_on_its_cron(tmp_path, webhook):
    from zoneinfo import ZoneInfo

    from cronsim import CronSim

    s = Store(f"sqlite:///{tmp_path / 'p.db'}")
    ch = Channel.internal(
        "digest",
        "text",
        lambda t, b, f, k=None: send(webhook.apprise_url, t, b, f),
        mode="digest",
        digest_cron="0 7 * * *",
        timezone="Asia/Jakarta",
    )
    for title in ("Putin menerima kunjungan Prabowo", "Zelensky bertemu Menlu RI"):
        sid, _ = add_story(s, title=title)
        plan(s, sid, "t", [ch])
    created = s.outbox.rows()[0].created_at
    next7 = next(CronSim("0 7 * * *", created.astimezone(ZoneInfo("Asia/Jakarta"))))  # the next 07:00 WIB
    assert next7.hour == 7 and timedelta(0) < next7 - created <= timedelta(days=1)
    assert deliver(s, [ch], "r1", {}, now=next7 - timedelta(minutes=1)).sent == 0
    assert not webhook.received
    assert deliver(s, [ch], "r2", {}, now=next7 + timedelta(minutes=1)).sent == 2
    assert len(webhook.received) == 1
    msg = webhook.received[0]
    assert msg["title"] == "[pantau] digest: 2 stories from 1 outlet"
    assert "Putin menerima kunjungan Prabowo" in msg["message"] and "Zelensky bertemu Menlu RI" in msg["message"]


def test_digest_due_uses_jakarta_time():
    ch = Channel.internal("d", "text", None, mode="digest", digest_cron="0 7 * * *", timezone="Asia/Jakarta")
    since = datetime(2026, 1, 1, 23, 0, tzinfo=UTC)  # 06:00 WIB on 2 Jan
    assert not digest_due(ch, None, since, datetime(2026, 1, 1, 23, 59, tzinfo=UTC))
    assert digest_due(ch, None, since, datetime(2026, 1, 2, 0, 0, tzinfo=UTC))


def test_slack_payload_captured_at_http_layer(monkeypatch):
    """Slack's host cannot be reached offline: we capture the HTTP request Apprise's Slack plugin
    would send (the only mock in the suite) and check the payload we produced."""
    import apprise.plugins.slack as slack_plugin

    captured = []

    class Resp:
        status_code = 200
        content = b"ok"
        text = "ok"

    def fake_request(method, url, data=None, headers=None, **kw):
        captured.append((method, url, json.loads(data)))
        return Resp()

    monkeypatch.setattr(slack_plugin.requests, "request", fake_request)
    from pantau.alerts import render

    s_title = "<!channel> Putin @here bertemu <@U123>"
    now = utcnow()
    story = StoryRow(id=1, title=s_title, topic="t", signature=[], first_published=now, created_at=now, updated_at=now)
    arts = [
        ArticleRow(
            id=1,
            site="Kompas",
            url="https://www.kompas.com/a",
            fetched_url="https://www.kompas.com/a",
            source="k",
            title=s_title,
            published=now,
            score=0.9,
            relevant=True,
            topic="t",
            explanation={"reason": "Rusia · pertemuan"},
            author=None,
            language="id",
            content_hash="h",
            text="Putin bertemu Prabowo. <script>x</script>",
        )
    ]
    title, body = render(story, arts, "new", "markdown", "T")
    send("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#desk", title, body, "markdown")
    method, url, payload = captured[0]
    assert url.startswith("https://hooks.slack.com/services/")
    text = json.dumps(payload, ensure_ascii=False)
    assert "<!channel>" not in text and "<@" not in text and "@here" not in text and "<script" not in text
    assert "<https://www.kompas.com/a|" in text  # our own link survives as a Slack link
    assert text.count("Putin \uff20here bertemu") == 1  # the title once: Slack's title, not again in the body


def test_template_override(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'p.db'}")
    sid, _ = add_story(s, title="Lavrov di KTT G20")
    (tmp_path / "tmpl").mkdir()
    (tmp_path / "tmpl" / "text.j2").write_text("CUSTOM {{ title }} ({{ articles|length }} outlet)")
    got = []
    ch = [Channel.internal("c", "text", lambda t, b, f, k=None: got.append(b), template_dir=str(tmp_path / "tmpl"))]
    plan(s, sid, "t", ch)
    deliver(s, ch, "r", {})
    assert got == ["CUSTOM Lavrov di KTT G20 (1 outlet)"]


def test_test_alert_command(tmp_path, webhook, smtp, monkeypatch, capsys):
    monkeypatch.setenv("T_HOOK", webhook.apprise_url)
    monkeypatch.setenv("T_MAIL", smtp.apprise_url)
    monkeypatch.setenv("T_DEAD", "json://127.0.0.1:9/nothing-listens")
    cfg = {
        "sources": [{"name": "x", "url": "http://127.0.0.1:9/feed"}],
        "topics": [{"name": "g", "path": str(SEEDS)}],
        "channels": [
            {"name": "hook", "url_env": "T_HOOK"},
            {"name": "mail", "url_env": "T_MAIL"},
            {"name": "dead", "url_env": "T_DEAD"},
            {"name": "unset", "url_env": "T_UNSET_VAR"},
        ],
    }
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg))
    rc = cli(["test-alert", "--config", str(path), "--json"])
    out = capsys.readouterr().out
    result = json.loads(out.strip().splitlines()[-1])
    assert rc == 1 and result["hook"] == "sent" and result["mail"] == "sent" and result["console"] == "sent"
    assert result["dead"].startswith("FAILED") and "127.0.0.1:9" not in result["dead"]
    assert "unset        skipped: $T_UNSET_VAR is not set" in out
    assert len(webhook.received) == 1 and "Blinken" in webhook.received[0]["message"]
    mails = smtp.wait_for(1)
    assert "<a href=" in mails[0].content.decode("utf-8", "replace")
