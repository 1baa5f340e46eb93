"""Store, outbox ledger and alert rendering — each on a real SQLite file and a real PostgreSQL database
(the `store_url` fixture), with real threads."""

import os
import threading
from datetime import timedelta

from pantau.alerts import Channel, deliver, plan, render, slack_escape
from pantau.clock import utcnow
from pantau.errors import DeliveryError
from pantau.models import Article, ChannelOutcome, Match
from pantau.store import Store
from support.stories import add_story


def make_store(url):
    return Store(url)


def test_seen_urls_claims_backoff_and_giving_up(store_url):
    s = make_store(store_url)
    t0 = utcnow()
    assert s.seen.claim(["u1", "u2"], "run-a", 3, now=t0) == ["u1", "u2"]
    assert s.seen.claim(["u1", "u2", "u3"], "run-b", 3, now=t0) == ["u3"]  # an overlapping run: only new
    s.seen.mark("u1")
    assert not s.seen.mark("u2", error="HTTP 500", now=t0)
    assert s.seen.status("u2") == ("error", 1)
    assert s.seen.claim(["u1", "u2"], "run-c", 3, now=t0 + timedelta(minutes=5)) == []  # backoff: 15 min
    assert s.seen.claim(["u2"], "run-d", 3, now=t0 + timedelta(minutes=16)) == ["u2"]
    assert not s.seen.mark("u2", error="HTTP 500", now=t0 + timedelta(minutes=16))
    assert s.seen.claim(["u2"], "run-e", 3, now=t0 + timedelta(minutes=40)) == []  # then 1 h
    assert s.seen.claim(["u2"], "run-e", 3, now=t0 + timedelta(minutes=80)) == ["u2"]
    assert s.seen.mark("u2", error="HTTP 500", now=t0 + timedelta(minutes=80))  # third failure: gave up
    assert s.seen.status("u2") == ("gave_up", 3)
    assert s.seen.claim(["u2"], "run-f", 3, now=t0 + timedelta(days=2)) == []


def test_a_dead_runs_claims_are_taken_over_and_released_ones_return(store_url):
    s = make_store(store_url)
    t0 = utcnow()
    assert s.seen.claim(["a", "b"], "dead", 3, now=t0) == ["a", "b"]
    assert s.seen.claim(["a"], "next", 3, now=t0 + timedelta(minutes=10)) == []  # still fresh
    assert s.seen.claim(["a"], "next", 3, now=t0 + timedelta(minutes=31)) == ["a"]  # stale: taken over
    s.seen.release(["b"], "dead")
    assert s.seen.status("b") is None and s.seen.claim(["b"], "other", 3, now=t0) == ["b"]


def test_a_killed_process_claims_are_taken_over_at_once(store_url):
    import subprocess
    import sys

    from pantau.store.seen import claimer

    s = make_store(store_url)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = claimer("run-x").replace(f":{os.getpid()}:", f":{gone.stdout.strip()}:")
    alive = claimer("run-y")
    assert s.seen.claim(["p", "q"], dead, 3) == ["p", "q"]
    assert s.seen.claim(["r"], alive, 3) == ["r"]
    assert s.seen.claim(["p", "q", "r"], claimer("run-z"), 3) == ["p", "q"]  # the dead one's, not the live one's


def test_outbox_exactly_once_and_retry(store_url):
    s = make_store(store_url)
    sid, _ = add_story(s)
    calls = []
    state = {"up": False}

    def flaky(title, body, fmt, key=None):
        calls.append(title)
        if not state["up"]:
            raise DeliveryError("HTTP 503")

    ch = [Channel.internal("hook", "text", flaky)]
    assert plan(s, sid, "t", ch) == 1
    assert plan(s, sid, "t", ch) == 0  # same intent is recorded once
    assert deliver(s, ch, "run1", {}).failed == 1
    row = s.outbox.rows()[0]
    assert row.state == "failed" and "503" in row.last_error and row.attempts == 1
    assert deliver(s, ch, "run2", {}).sent == 0  # backoff: not due yet
    state["up"] = True
    later = utcnow() + timedelta(hours=1)
    assert deliver(s, ch, "run3", {}, now=later).sent == 1
    assert deliver(s, ch, "run4", {}, now=later).sent == 0
    assert len(calls) == 2 and s.outbox.rows()[0].state == "sent"


def test_one_failing_channel_does_not_block_another(store_url):
    s = make_store(store_url)
    sid, _ = add_story(s)
    got = []
    ch = [
        Channel.internal("broken", "text", lambda *a: (_ for _ in ()).throw(RuntimeError("boom"))),
        Channel.internal("ok", "text", lambda t, b, f, k=None: got.append(b)),
    ]
    plan(s, sid, "t", ch)
    counts = deliver(s, ch, "r", {})
    assert (counts.sent, counts.failed, counts.uncertain) == (1, 1, 0)
    assert counts.channels["broken"] == ChannelOutcome(
        "broken", sent=0, failed=1, uncertain=0, last_error="RuntimeError: boom"
    )
    assert len(got) == 1


def test_concurrent_runs_send_once(store_url):
    s = make_store(store_url)
    for i in range(10):
        sid, _ = add_story(s, title=f"story {i}")
        plan(s, sid, "t", [Channel.internal("hook", "text", None)])
    sent = []
    lock = threading.Lock()

    def sender(t, b, f, k=None):
        with lock:
            sent.append(t)

    def worker(n):
        deliver(Store(store_url), [Channel.internal("hook", "text", sender)], f"run{n}", {})

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(sent) == sorted(f"[pantau] story {i}" for i in range(10))


def test_crash_between_send_and_record_is_not_resent(store_url):
    s = make_store(store_url)
    sid, _ = add_story(s)
    plan(s, sid, "t", [Channel.internal("hook", "text", None)])
    row = s.outbox.rows()[0]
    assert s.outbox.claim(row.id, "dead-run")  # the dead run claimed and (maybe) sent
    sent = []
    ch = [Channel.internal("hook", "text", lambda t, b, f, k=None: sent.append(t))]
    assert deliver(s, ch, "too-soon", {}).uncertain == 0  # within ORPHAN_AFTER the claim may still be alive
    counts = deliver(s, ch, "next-run", {}, orphan_after=timedelta(0))
    assert counts.uncertain == 1 and sent == []
    assert s.outbox.rows()[0].state == "uncertain"
    assert s.outbox.requeue(row.id)  # a person decides to resend
    assert deliver(s, ch, "manual", {}).sent == 1


def test_growing_story_update_and_silent_mode(store_url):
    s = make_store(store_url)
    sid, ids = add_story(s, n=1)
    out = []
    loud = Channel.internal("loud", "text", lambda t, b, f, k=None: out.append(("loud", t, b)))
    quiet = Channel.internal("quiet", "text", lambda t, b, f, k=None: out.append(("quiet", t, b)), update_mode="silent")
    plan(s, sid, "t", [loud, quiet])
    deliver(s, [loud, quiet], "r1", {})
    a = Article(
        url="https://kompas.example/b",
        fetched_url="x",
        source="k",
        title="Lavrov dan Menlu RI",
        text="isi",
        site="Kompas",
        content_hash="hk",
        published=utcnow(),
    )
    new_id = s.articles.add(a, Match(topic="t", score=0.8, relevant=True, reason="r"))
    s.articles.set_story(new_id, sid)
    plan(s, sid, "t", [loud, quiet])
    deliver(s, [loud, quiet], "r2", {})
    assert [o[0] for o in out] == ["loud", "quiet", "loud"]
    assert out[2][1].startswith("[pantau] update:") and "+1 outlet: Kompas" in out[2][2]


def test_escaping_untrusted_text(store_url):
    s = make_store(store_url)
    sid, _ = add_story(
        s,
        title="<!channel> Rusia *bold* <https://evil.example|klik> @here",
        text="<script>alert(1)</script> <a href='https://evil.example'>x</a> @channel <@U123>",
    )
    story = s.stories.get(sid)
    arts = s.articles.of_story(sid)
    md_title, md = render(story, arts, "new", "markdown", "T")
    for text in (md_title, md):  # the title goes in the channel's title field (once), escaped too
        assert (
            "<!channel>" not in text and "<https://evil" not in text and "@here" not in text and "<@U123>" not in text
        )
    assert "\u2039!channel\u203a" in md_title
    _, html = render(story, arts, "new", "html", "T")
    assert "<script>" not in html and "href='https://evil" not in html and "alert(1)&lt;/script&gt;" in html
    assert f'href="{arts[0].url}"' in html
    assert slack_escape("a <b> @c") == "a \u2039b\u203a \uff20c"


def test_analysis_survives_a_worker_that_dies(tmp_path):
    """A worker process killed mid-batch: the batch is analysed again in a fresh pool."""
    import asyncio
    import signal

    from pantau import pipeline
    from pantau.models import Candidate, Page
    from pantau.paths import seeds_dir
    from pantau.topic import load_topic

    topic = seeds_dir() / "g20-russia-ukraine"
    html = "<html><body><h1>Putin bertemu Erdogan</h1>" + "<p>Presiden Rusia bertemu Presiden Turki.</p>" * 20
    pages = [
        Page(
            candidate=Candidate(url=f"https://a.example/{i}", source="s"),
            final_url=f"https://a.example/{i}",
            status=200,
            html=html + "</body></html>",
        )
        for i in range(4)
    ]

    async def go():
        with pipeline.Analyser([load_topic(topic)], ["id"], processes=2) as an:
            first = await an.analyse(pages)
            for pid in list(an._workers()._processes):  # kill every worker between batches
                os.kill(pid, signal.SIGKILL)
            await asyncio.sleep(0.5)
            return first, await an.analyse(pages)

    first, second = asyncio.run(go())
    assert [a.article.title for a in first] == [a.article.title for a in second] == ["Putin bertemu Erdogan"] * 4


def test_host_slots_are_shared_by_overlapping_runs(store_url):
    """Two runs (two Store objects on one store) booking the same host never get slots closer than
    the interval, even when they book at the same moment from threads."""
    a, b = make_store(store_url), Store(store_url)
    waits = []
    lock = threading.Lock()

    def book(store):
        for _ in range(5):
            w = store.hosts.reserve("www.kompas.com", 0.5, now=1000.0)
            with lock:
                waits.append(w)

    threads = [threading.Thread(target=book, args=(s,)) for s in (a, b)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(waits) == [i * 0.5 for i in range(10)]  # ten distinct slots, 0.5 s apart
    assert a.hosts.reserve("www.tempo.co", 0.5, now=1000.0) == 0.0  # another host: its own ledger
