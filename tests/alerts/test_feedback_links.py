"""One-click feedback: signed links in every alert (alerts/tokens.py), the pages behind them
(feedback_web.py), the verdict saved once and audited (alerts/verdicts.py, store/feedback.py), and the
next run's report of it (report.py).

Tokens: a forged, changed, cut, expired or replayed token is refused; the signature is compared in
constant time. Pages: a GET changes nothing; the POST (token in the body, same-site Origin/Referer)
saves the exemplar as ``pantau feedback`` does and audits who, when, which story and alert."""

import hmac
from datetime import timedelta

import pytest
import yaml
from starlette.testclient import TestClient

from pantau.alerts import render
from pantau.alerts.tokens import Expired, Forged, Signer, Used
from pantau.alerts.verdicts import record
from pantau.clock import utcnow
from pantau.config import load_config
from pantau.errors import ConfigError
from pantau.feedback_web import create_app
from pantau.models import RunSummary
from pantau.report import feedback_lines, summary_markdown, summary_text
from pantau.store import Store
from pantau.topic.exemplars import read_exemplars
from pantau.topic.feedback import add_exemplar
from support.prefect_server import free_port
from support.stories import add_story
from support.topics import seeds_only

SECRET = "s3cret-for-tests-only-0123456789"
BASE = "https://pantau.example.org"


def signer(secret=SECRET, **kw):
    return Signer(secret, BASE, **kw)


def token_of(url: str) -> str:
    return url.rsplit("/feedback/", 1)[1]


# ---- tokens -----------------------------------------------------------------------------------------
def test_links_carry_signed_tokens_for_both_verdicts():
    s = signer()
    links = s.links(12, "desk")
    assert links["command"] == "pantau feedback 12 --wrong"
    assert links["wrong_url"].startswith(f"{BASE}/feedback/") and links["right_url"].startswith(f"{BASE}/feedback/")
    wrong, right = s.verify(token_of(links["wrong_url"])), s.verify(token_of(links["right_url"]))
    assert (wrong.story_id, wrong.verdict, wrong.channel) == (12, "wrong", "desk") and not wrong.right
    assert (right.story_id, right.verdict) == (12, "right") and right.right
    assert wrong.nonce == right.nonce  # one alert, one verdict: either link uses it up
    assert s.links(12, "desk")["wrong_url"] != links["wrong_url"]  # a new alert, a new nonce
    assert all(c.isalnum() or c in "-_." for c in token_of(links["wrong_url"]))  # URL-safe as it is
    assert timedelta(days=13, hours=23) < wrong.expires - utcnow() <= timedelta(days=14)


def test_forged_changed_and_cut_tokens_are_refused():
    s = signer()
    good = token_of(s.links(7, "desk")["wrong_url"])
    story, verdict, exp, nonce, channel, mac = good.split(".")
    tampered = {
        "other story": ".".join([str(int(story) + 1), verdict, exp, nonce, channel, mac]),
        "verdict flipped": ".".join([story, "r", exp, nonce, channel, mac]),
        "expiry pushed": ".".join([story, verdict, str(int(exp) + 86400 * 365), nonce, channel, mac]),
        "other nonce": ".".join([story, verdict, exp, "x" + nonce[1:], channel, mac]),
        "cut short": good[:-3],
        "no signature": ".".join([story, verdict, exp, nonce, channel]),
        "garbage": "not-a-token",
        "empty": "",
        "non-ascii": good + "é",
    }
    for what, bad in tampered.items():
        with pytest.raises(Forged):
            s.verify(bad)
        assert what
    with pytest.raises(Forged):  # signed with another secret
        s.verify(token_of(signer("another-secret-of-enough-length").links(7)["wrong_url"]))
    with pytest.raises(ConfigError, match="too short"):
        signer("short")


def test_expired_tokens_are_refused_with_410():
    s = signer(ttl=timedelta(days=14))
    now = utcnow()
    tok = token_of(s.links(3, "desk", now=now)["right_url"])
    assert s.verify(tok, now + timedelta(days=13)).story_id == 3
    with pytest.raises(Expired) as e:
        s.verify(tok, now + timedelta(days=14, seconds=1))
    assert e.value.status == 410 and "expired" in str(e.value)


def test_the_signature_is_compared_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr("pantau.alerts.tokens.hmac.compare_digest", spy)
    s = signer()
    tok = token_of(s.links(5)["wrong_url"])
    s.verify(tok)
    with pytest.raises(Forged):
        s.verify(tok[:-1] + ("A" if tok[-1] != "A" else "B"))
    assert len(calls) == 2


# ---- the alert carries them ----------------------------------------------------------------------
def test_alerts_carry_the_links_in_every_format_and_the_command_without_them(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    sid, _ = add_story(store)
    story, arts = store.stories.get(sid), store.articles.of_story(sid)
    links = signer().links(sid, "desk")
    for fmt in ("text", "markdown", "html"):
        _, body = render(story, arts, "new", fmt, "G20", feedback=links)
        assert links["wrong_url"] in body and links["right_url"] in body, fmt
        assert "pantau feedback" not in body
        _, plain = render(story, arts, "new", fmt, "G20")
        assert f"pantau feedback {sid} --wrong" in plain and "/feedback/" not in plain
    _, html = render(story, arts, "new", "html", "G20", feedback=links)
    assert f'<a href="{links["wrong_url"]}">Wrong alert</a>' in html
    _, md = render(story, arts, "new", "markdown", "G20", feedback=links)
    assert f"<{links['right_url']}|Right alert>" in md


# ---- the config --------------------------------------------------------------------------------------
def test_feedback_settings_are_validated(tmp_path):
    def load(feedback):
        p = tmp_path / "c.yaml"
        p.write_text(yaml.safe_dump({"sources": [], "topics": [], "feedback": feedback}))
        return load_config(p)

    assert load({}).feedback.base_url is None
    cfg = load({"base_url": "https://pantau.example.org/desk/", "ttl_days": 7})
    assert cfg.feedback.base_url == "https://pantau.example.org/desk" and cfg.feedback.secret_env
    assert load({"secret_block": "pantau-feedback"}).feedback.secret_env is None
    for bad, says in [
        ({"base_url": "pantau.example.org"}, "feedback.base_url"),
        ({"secret_env": "A", "secret_block": "b"}, "give one of secret_env or secret_block"),
        ({"ttl_days": 0}, "feedback.ttl_days"),
        ({"secret": "inline"}, "feedback.secret: unknown key"),
    ]:
        with pytest.raises(ConfigError, match=says):
            load(bad)


def test_without_the_secret_alerts_keep_the_command(tmp_path, monkeypatch):
    from pantau.connectors.delivery import feedback_signer, resolve_channels

    cfg = _config(tmp_path, channels=[{"name": "desk", "url_env": "X_DESK_HOOK"}])
    monkeypatch.setenv("X_DESK_HOOK", "json://127.0.0.1:9/hook")
    monkeypatch.delenv("PANTAU_FEEDBACK_SECRET", raising=False)
    with pytest.raises(ConfigError, match=r"base_url is set but \$PANTAU_FEEDBACK_SECRET is not"):
        feedback_signer(cfg.feedback)
    channels, _ = resolve_channels(cfg)
    assert all(c.feedback is None for c in channels)
    monkeypatch.setenv("PANTAU_FEEDBACK_SECRET", SECRET)
    channels, _ = resolve_channels(cfg)
    desk = next(c for c in channels if c.name == "desk")
    assert desk.feedback is not None and desk.feedback(4, "desk")["wrong_url"].startswith(BASE)
    no_url = cfg.model_copy(update={"feedback": cfg.feedback.model_copy(update={"base_url": None})})
    assert feedback_signer(no_url.feedback) is None


# ---- the pages ---------------------------------------------------------------------------------------
def _config(tmp_path, **extra):
    topic = seeds_only(tmp_path)
    data = {
        "storage_url": f"sqlite:///{tmp_path / 'p.db'}",
        "sources": [{"name": "x", "url": "http://127.0.0.1:9/"}],
        "topics": [{"name": "t", "path": str(topic)}],
        "feedback": {"base_url": BASE},
        **extra,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_config(path)


@pytest.fixture
def site(tmp_path):
    cfg = _config(tmp_path)
    store = Store(cfg.resolved_storage_url())
    sid, _ = add_story(store, title="Retno bertemu Lavrov di Bali <script>x</script>")
    s = signer()
    client = TestClient(create_app(cfg, store, s), base_url=BASE)
    return cfg, store, s, sid, client


def _exemplars(cfg):
    return read_exemplars(cfg.topic_dir(cfg.topics[0]))


def test_a_get_shows_the_confirmation_page_and_changes_nothing(site):
    cfg, store, s, sid, client = site
    before = _exemplars(cfg)
    url = s.links(sid, "desk")["wrong_url"]
    for _ in range(3):  # a mail scanner, a link preview, the reader
        r = client.get(url.removeprefix(BASE))
        assert r.status_code == 200
    assert "This alert is wrong?" in r.text and 'method="post"' in r.text
    assert "Retno bertemu Lavrov di Bali &lt;script&gt;x&lt;/script&gt;" in r.text and "<script>" not in r.text
    assert "default-src 'none'" in r.headers["content-security-policy"] and r.headers["cache-control"] == "no-store"
    assert not any(x in r.text for x in ("http://", "https://", "src=")), "no external assets"
    assert _exemplars(cfg) == before and store.feedback.rows() == []


def test_the_post_saves_the_exemplar_once_and_audits_it(site):
    cfg, store, s, sid, client = site
    links = s.links(sid, "desk")
    tok = token_of(links["wrong_url"])
    path = f"/feedback/{tok}"
    r = client.post(path, data={"token": tok, "who": "  Dewi   <dewi@desk.example> "}, headers={"Origin": BASE})
    assert r.status_code == 200 and "Thank you" in r.text and "negative" in r.text
    _, neg = _exemplars(cfg)
    assert [e.title for e in neg] == ["Retno bertemu Lavrov di Bali <script>x</script>"]
    assert neg[0].meta["note"] == f"pantau feedback {sid} --wrong"  # exactly as the command
    (row,) = store.feedback.rows()
    assert (row.story_id, row.verdict, row.channel, row.who) == (sid, "wrong", "desk", "Dewi <dewi@desk.example>")
    assert row.exemplar and row.exemplar.endswith(".txt") and row.at is not None

    again = client.post(path, data={"token": tok}, headers={"Origin": BASE})  # replayed
    assert again.status_code == 409 and "already given: wrong" in again.text
    right = token_of(links["right_url"])  # the alert's other link: its verdict is given
    assert client.get(f"/feedback/{right}").status_code == 409
    assert client.post(f"/feedback/{right}", data={"token": right}).status_code == 409
    assert len(store.feedback.rows()) == 1 and len(_exemplars(cfg)[1]) == 1 and not _exemplars(cfg)[0][2:]


def test_without_a_name_the_client_address_is_audited(site):
    cfg, store, s, sid, client = site
    tok = token_of(s.links(sid, "desk")["right_url"])
    r = client.post(f"/feedback/{tok}", data={"token": tok}, headers={"Referer": f"{BASE}/feedback/{tok}"})
    assert r.status_code == 200 and "positive" in r.text
    (row,) = store.feedback.rows()
    assert row.who == row.client == "testclient" and row.verdict == "right"
    pos, _ = _exemplars(cfg)
    assert any(e.title.startswith("Retno bertemu Lavrov") for e in pos)


def test_bad_posts_are_refused_and_change_nothing(site):
    cfg, store, s, sid, client = site
    now = utcnow()
    tok = token_of(s.links(sid, "desk")["wrong_url"])
    old = token_of(s.links(sid, "desk", now=now - timedelta(days=15))["wrong_url"])
    other = token_of(s.links(sid, "desk")["right_url"])
    cases = [
        (f"/feedback/{tok}", {"token": tok}, {"Origin": "https://evil.example"}, 403),
        (f"/feedback/{tok}", {"token": tok}, {"Origin": "null"}, 403),
        (f"/feedback/{tok}", {"token": tok}, {"Referer": "https://evil.example/x"}, 403),
        (f"/feedback/{tok}", {}, {}, 400),  # no token in the body (a CSRF form cannot know it)
        (f"/feedback/{tok}", {"token": other}, {}, 400),  # the body's token is not the link's
        (f"/feedback/{tok[:-2]}xx", {"token": f"{tok[:-2]}xx"}, {}, 400),  # forged
        (f"/feedback/{old}", {"token": old}, {}, 410),  # expired
    ]
    for path, data, headers, status in cases:
        r = client.post(path, data=data, headers=headers)
        assert r.status_code == status, (path, data, headers, r.text)
        assert "<h1>" in r.text
    assert client.get(f"/feedback/{old}").status_code == 410
    assert "not valid" in client.get("/feedback/nope").text
    assert store.feedback.rows() == [] and _exemplars(cfg)[1] == []


def test_an_unknown_story_is_a_page_not_an_error(site):
    cfg, store, s, sid, client = site
    tok = token_of(s.links(sid + 99, "desk")["wrong_url"])
    assert client.get(f"/feedback/{tok}").status_code == 404
    r = client.post(f"/feedback/{tok}", data={"token": tok})
    assert r.status_code == 404 and f"no story {sid + 99}" in r.text
    assert store.feedback.rows() == []  # the nonce was given back


def test_two_claims_of_one_token_record_one_verdict(site):
    cfg, store, s, sid, _ = site
    token = s.verify(token_of(s.links(sid, "desk")["wrong_url"]))
    record(cfg, store, token, "a", None)
    with pytest.raises(Used):
        record(cfg, store, token, "b", None)
    assert [r.who for r in store.feedback.rows()] == ["a"]


# ---- the next run's report ---------------------------------------------------------------------------
def test_the_next_run_reports_the_feedback_once(site):
    cfg, store, s, sid, _ = site
    record(cfg, store, s.verify(token_of(s.links(sid, "desk")["wrong_url"])), "Dewi", "10.0.0.1")
    first = store.feedback.since_last_run("run-1")
    assert [(r.story_id, r.verdict) for r in first] == [(sid, "wrong")]
    assert store.feedback.since_last_run("run-2") == []  # shown once
    summary = RunSummary(message="0 alerts sent", feedback=feedback_lines(store, first))
    md = summary_markdown(summary)
    assert "## Feedback since last run (1)" in md
    assert f"| wrong | {sid} | Retno bertemu Lavrov di Bali <script>x</script> | Dewi |" in md
    assert f"feedback since last run: story {sid} is wrong (Dewi)" in summary_text(summary)


def test_an_article_that_is_an_exemplar_already_is_said_so_and_the_link_stays_usable(site):
    cfg, store, s, sid, client = site
    (lead,) = store.articles.of_story(sid)
    add_exemplar(cfg.topic_dir(cfg.topics[0]), "positive", lead.title, lead.text, lead.url)
    tok = token_of(s.links(sid, "desk")["wrong_url"])
    r = client.post(f"/feedback/{tok}", data={"token": tok})
    assert r.status_code == 409 and "pantau knows this one already" in r.text and "already a positive" in r.text
    assert store.feedback.rows() == []  # nothing recorded: the nonce was given back


@pytest.mark.integration
def test_the_pages_run_in_a_thread_beside_pantau_serve_and_stop(tmp_path):
    """What ``pantau serve`` does with them: uvicorn in a thread on 127.0.0.1, stopped on exit; a port
    in use is one line."""
    import socket

    import httpx

    from pantau.errors import PantauError
    from pantau.feedback_web import FeedbackServer

    cfg = _config(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(PantauError, match="cannot listen on http://127.0.0.1:"):
            FeedbackServer(cfg, signer(), port=taken.getsockname()[1]).start()
    pages = FeedbackServer(cfg, signer(), port=free_port()).start()
    try:
        assert httpx.get(f"{pages.url}/health").text == "ok"
        assert httpx.get(f"{pages.url}/feedback/forged").status_code == 400
    finally:
        pages.stop()
    assert not pages.thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{pages.url}/health", timeout=2)
