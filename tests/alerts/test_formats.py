"""Every alert and digest format (text, markdown, html) as a reader gets it: through real Apprise to a
real SMTP server (aiosmtpd) and a webhook receiver on 127.0.0.1. The articles are written for pantau."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest

from pantau.alerts import Channel, deliver, deliver_digests, plan, render
from pantau.connectors.delivery import send
from pantau.store import Store
from support.stories import add_story

FORMATS = ("text", "markdown", "html")
MEET = (
    "MOSKOW - Menteri Luar Negeri RI Sugiono bertemu Menlu Rusia Sergey Lavrov di Moskow, Senin (16/6/2025). "
    "Keduanya membahas kerja sama perdagangan dan rencana kunjungan Presiden Prabowo Subianto."
)
VOTE = (
    "Indonesia memberikan suara mendukung resolusi Majelis Umum PBB di New York, Rabu (2/3/2022). "
    "Sebanyak 141 negara mendukung resolusi itu."
)
CALL = (
    "Presiden Prabowo Subianto berbicara melalui telepon dengan Presiden Ukraina Volodymyr Zelensky, "
    "Kamis (17/7/2025). Zelensky mengundang Indonesia ke konferensi perdamaian."
)
REASON = "Rusia · pertemuan; reads like “Blinken Bertemu Lavrov di Sela Pertemuan G20” (Liputan6, 3 Mar 2023)"


def _store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'p.db'}")


def _meeting(s: Store, **kw) -> int:
    sid, _ = add_story(
        s, "Menlu Sugiono Temui Lavrov di Moskow", MEET, n=2, published=datetime(2025, 6, 16, 9, tzinfo=UTC), **kw
    )
    return sid


def _mail(smtp, n: int):
    return [email.message_from_bytes(m.content, policy=policy.default) for m in smtp.wait_for(n)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_alert_by_email_opens_with_the_event_and_carries_every_link_in_plain_text(tmp_path, smtp, fmt):
    s = _store(tmp_path)
    sid = _meeting(s, reason=REASON)
    ch = Channel.internal("mail", fmt, lambda t, b, f, k=None: send(smtp.apprise_url, t, b, f, key=k))
    plan(s, sid, "t", [ch])
    assert deliver(s, [ch], "r", {"t": "G20 · Rusia · Ukraina"}).sent == 1
    (msg,) = _mail(smtp, 1)
    assert msg["subject"] == "[pantau] Menlu Sugiono Temui Lavrov di Moskow"
    assert msg.get_content_type() == "multipart/alternative"  # Apprise's mail: an HTML part and a plain one
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content().replace("&nbsp;", " ")  # Apprise's text→HTML keeps spaces so
    urls = [a.url for a in s.articles.of_story(sid)]
    for url in urls:  # every outlet's link, readable without HTML
        assert url in plain
    for card in ("Menlu RI Sugiono", "Menlu Rusia Sergey Lavrov", "Moskow, Rusia", "Senin 16 Jun 2025", "met"):
        assert card in plain and card in html
    assert "Why it matched: Rusia · pertemuan; reads like “Blinken Bertemu Lavrov" in plain
    assert "(Liputan6, 3 Mar 2023)" in plain and "000_" not in plain
    assert f"pantau feedback {sid} --wrong" in plain
    if fmt == "html":
        assert all(f'href="{u}"' in html for u in urls)
        # the card comes first: before the reason and the links
        assert plain.index("Menlu RI Sugiono") < plain.index("Why it matched") < plain.index(urls[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_alert_to_a_webhook_says_its_title_once(tmp_path, webhook, fmt):
    s = _store(tmp_path)
    sid = _meeting(s)
    ch = Channel.internal("hook", fmt, lambda t, b, f, k=None: send(webhook.apprise_url, t, b, f, key=k))
    plan(s, sid, "t", [ch])
    deliver(s, [ch], "r", {})
    (doc,) = webhook.received
    assert doc["title"] == "[pantau] Menlu Sugiono Temui Lavrov di Moskow"
    body = doc["message"]
    # chat and plain bodies leave the title to the channel's title field; an email's HTML keeps its heading
    assert body.count("Menlu Sugiono Temui Lavrov di Moskow") == (1 if fmt == "html" else 0)
    assert "Menlu RI Sugiono" in body and "Moskow, Rusia" in body
    assert all(a.url in body for a in s.articles.of_story(sid))


def test_an_article_with_no_event_gets_no_card(tmp_path, webhook):
    s = _store(tmp_path)
    sid, _ = add_story(s, "Harga gandum naik", "Harga gandum dunia naik tiga persen pekan ini.")
    ch = Channel.internal("hook", "text", lambda t, b, f, k=None: send(webhook.apprise_url, t, b, f))
    plan(s, sid, "t", [ch])
    deliver(s, [ch], "r", {})
    body = webhook.received[0]["message"]
    assert not any(line.startswith(("Who:", "What:", "Where:")) for line in body.splitlines())


def _digest_channel(fmt: str, target, **kw) -> Channel:
    return Channel.internal(
        "daily",
        fmt,
        lambda t, b, f, k=None: send(target.apprise_url, t, b, f, key=k),
        mode="digest",
        digest_cron="0 7 * * *",
        **kw,
    )


def _three_stories(s: Store, ch: Channel) -> dict[str, int]:
    ids = {
        "meet": _meeting(s, score=0.95),
        "vote": add_story(
            s, "Indonesia Dukung Resolusi PBB", VOTE, n=1, score=0.95, published=datetime(2022, 3, 3, 2, tzinfo=UTC)
        )[0],
        "call": add_story(
            s, "Prabowo Telepon Zelensky", CALL, n=3, score=0.80, published=datetime(2025, 7, 17, 8, tzinfo=UTC)
        )[0],
    }
    for sid in ids.values():
        plan(s, sid, "t", [ch])
    return ids


def test_a_digest_has_a_header_and_one_entry_per_story_best_first(tmp_path, webhook):
    s = _store(tmp_path)
    ch = _digest_channel("text", webhook)
    _three_stories(s, ch)
    done = deliver_digests(s, [ch], "r", {}, send_now=True).channels["daily"]
    assert done.sent == 3 and done.digest.stories == 3
    (doc,) = webhook.received
    assert doc["title"] == "[pantau] digest: 3 stories from 3 outlets"
    body = doc["message"]
    head = body.splitlines()[0]
    assert " – " in head and "WIB · 3 stories · 3 outlets: Outlet0, Outlet1, Outlet2" in head
    # score first (0.95, 0.95, 0.80), then the newest of equal scores (the 2025 meeting before the 2022 vote)
    order = [body.index(t) for t in ("Menlu Sugiono Temui Lavrov", "Indonesia Dukung Resolusi PBB", "Prabowo Telepon")]
    assert order == sorted(order)
    # one compact line of gist per story: its event at a glance
    assert "met · Menlu RI Sugiono, Menlu Rusia Sergey Lavrov · bilateral visit · Moskow, Rusia" in body
    assert "voted · UNGA · New York, Amerika Serikat · Rabu 2 Mar 2022" in body
    assert "called · Presiden RI Prabowo Subianto, Presiden Ukraina Volodymyr Zelensky · phone call" in body
    assert "Outlet0, Outlet1, Outlet2 · score 0.80" in body
    assert "Isi berita" not in body and "Wrong alert?" not in body  # no excerpts, no per-alert footers
    assert len(body) < 1500


def test_a_digest_too_long_for_its_channel_leaves_the_rest_for_the_next_one(tmp_path, webhook):
    s = _store(tmp_path)
    ch = _digest_channel("markdown", webhook, max_chars=700)
    ids = _three_stories(s, ch)
    first = deliver_digests(s, [ch], "r1", {}, send_now=True).channels["daily"]
    body = webhook.received[0]["message"]
    assert len(body) <= 700 and first.digest.stories < 3
    assert f"+{3 - first.digest.stories} more in the next digest" in body
    sent = {r.story_id for r in s.outbox.rows() if r.state == "sent"}
    waiting = {r.story_id for r in s.outbox.rows() if r.state == "pending"}
    assert len(sent) == first.digest.stories and sent | waiting == set(ids.values()) and not sent & waiting
    assert all(r.attempts == 0 for r in s.outbox.rows() if r.state == "pending")  # released, not tried
    later = datetime.now(UTC) + timedelta(days=1)
    second = deliver_digests(s, [ch], "r2", {}, now=later, send_now=True).channels["daily"]
    assert (
        second.digest.stories == 3 - first.digest.stories
        and "more in the next digest" not in webhook.received[1]["message"]
    )
    assert all(r.state == "sent" for r in s.outbox.rows())  # every story once, none twice


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_digest_format_by_email(tmp_path, smtp, fmt):
    s = _store(tmp_path)
    ch = _digest_channel(fmt, smtp)
    ids = _three_stories(s, ch)
    deliver_digests(s, [ch], "r", {}, send_now=True)
    (msg,) = _mail(smtp, 1)
    assert msg["subject"] == "[pantau] digest: 3 stories from 3 outlets"
    plain = msg.get_body(("plain",)).get_content()
    assert "3 stories · 3 outlets" in plain
    for sid in ids.values():
        lead = s.articles.of_story(sid)[0]
        assert lead.url in plain  # each story's link, in the plain-text part too
    if fmt == "html":
        html = msg.get_body(("html",)).get_content()
        assert "<ol" in html and html.count("<li") == 3


def test_render_keeps_the_card_out_of_an_update_only_header(tmp_path):
    s = _store(tmp_path)
    sid = _meeting(s)
    story, arts = s.stories.get(sid), s.articles.of_story(sid)
    title, body = render(story, arts, "update", "text", "T", new_ids={arts[1].id})
    assert title.startswith("[pantau] update: ") and body.startswith("UPDATE — +1 outlet: Outlet1\nWho: ")


def test_an_alert_too_long_for_its_channel_loses_its_excerpt_then_outlets(tmp_path, webhook):
    s = _store(tmp_path)
    sid, _ = add_story(s, "Menlu Sugiono Temui Lavrov di Moskow", MEET + " " + "Isi berita panjang. " * 60, n=12)
    got = []
    ch = Channel.internal("short", "markdown", lambda t, b, f, k=None: got.append(b), max_chars=900)
    plan(s, sid, "t", [ch])
    deliver(s, [ch], "r", {})
    (body,) = got
    assert len(body) <= 900 and "Isi berita panjang" not in body
    shown = sum(1 for line in body.splitlines() if line.startswith("• "))
    assert 1 <= shown < 12 and f"_+{12 - shown} more outlets_" in body
    assert "Menlu RI Sugiono" in body  # the event card stays
    roomy = render(s.stories.get(sid), s.articles.of_story(sid), "new", "markdown", "T")[1]
    assert "Isi berita panjang" in roomy and "more outlets" not in roomy
