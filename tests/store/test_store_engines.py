"""What differs between the store's engines, tried on each (the `store_url` fixture: an SQLite file
and a fresh PostgreSQL database): time zones, booleans, lengths a hostile page can exceed, a schema
upgrade, and the claims under real concurrency — threads and processes racing on one store."""

import multiprocessing
import random
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

from pantau.clock import WIB, utcnow
from pantau.models import Article, FeedResult, Match
from pantau.store import Store

T0 = datetime(2026, 3, 1, 23, 30, tzinfo=WIB)  # 16:30 UTC the same day


def article(n: int, **kw) -> Article:
    url = f"https://outlet.example/berita/{n}"
    return Article(
        **{
            "url": url,
            "fetched_url": url,
            "source": "s",
            "title": f"Judul {n}",
            "text": "isi",
            "site": "Outlet",
            "content_hash": f"h{n}",
            "published": T0,
            **kw,
        }
    )


def race(n: int, fn) -> list:
    """Run fn(i) on n threads released at once; their results (an exception is a result)."""
    out: list = [None] * n
    gate = threading.Barrier(n)

    def one(i):
        gate.wait()
        try:
            out[i] = fn(i)
        except Exception as e:  # noqa: BLE001 - the test asserts on it
            out[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return out


def test_datetimes_come_back_as_the_same_instant_in_utc(store_url):
    s = Store(store_url)
    aid = s.articles.add(article(1), Match(topic="t", score=0.9, relevant=True, reason="r"))
    row = s.articles.find(url="https://outlet.example/berita/1")
    assert row.id == aid and row.published == T0 and row.published.utcoffset() == timedelta(0)
    sid = s.stories.create("t", "Judul", ["a"], T0)
    assert s.stories.get(sid).first_published == datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    created = s.stories.get(sid).created_at
    assert abs(created - utcnow()) < timedelta(minutes=1) and created.utcoffset() == timedelta(0)
    just_before = (created - timedelta(seconds=1)).astimezone(WIB)  # the same instant, said in WIB
    assert [r.id for r in s.stories.recent("t", just_before)] == [sid]
    assert s.stories.recent("t", (created + timedelta(seconds=1)).astimezone(WIB)) == []
    s.close()


def test_booleans_json_and_counts(store_url):
    s = Store(store_url)
    s.articles.add(article(1), Match(topic="t", score=0.9, relevant=True, reason="Rusia"))
    s.articles.add(article(2), Match(topic="t", score=0.1, relevant=False, reason=""))
    s.articles.add(article(3), None)
    assert s.articles.count() == 3 and s.articles.count(relevant_only=True) == 1
    rows = {r.url[-1]: r for r in (s.articles.find(url=f"https://outlet.example/berita/{n}") for n in (1, 2, 3))}
    assert rows["1"].relevant is True and rows["2"].relevant is False and rows["3"].relevant is False
    assert rows["1"].explanation["reason"] == "Rusia" and rows["3"].explanation == {}
    assert s.articles.add(article(1), None) is None  # the same canonical URL
    s.close()


def test_what_a_hostile_page_or_server_sends_is_cut_to_fit_not_an_error(store_url):
    s = Store(store_url)
    long_site, long_author = "S" * 5000, "A" * 5000
    aid = s.articles.add(
        article(1, site=long_site, author=long_author, fetched_url="https://x.example/" + "p" * 3000), None
    )
    row = s.articles.find(url="https://outlet.example/berita/1")
    assert row.id == aid and row.site == long_site[:200] and row.author == long_author[:500]
    s.feeds.save(
        FeedResult(
            source="f", url="https://x.example/feed", status=200, etag='"' + "e" * 900 + '"', last_modified="L" * 900
        )
    )
    etag, modified = s.feeds.validators("https://x.example/feed")
    assert len(etag) == 500 and len(modified) == 200
    s.close()


def test_upgrade_adds_a_column_an_older_pantau_did_not_have(store_url):
    old = create_engine(store_url)
    with old.begin() as c:
        c.execute(text("CREATE TABLE link_aliases (alias VARCHAR(2000) PRIMARY KEY, url VARCHAR(2000) NOT NULL)"))
        c.execute(text("INSERT INTO link_aliases (alias, url) VALUES ('https://g.example/a', 'https://o.example/1')"))
    old.dispose()
    s = Store(store_url)
    assert s.feeds.aliases(["https://g.example/a"]) == {"https://g.example/a": "https://o.example/1"}
    s.feeds.save_aliases({"https://g.example/b": "https://o.example/2"})
    assert len(s.feeds.aliases(["https://g.example/a", "https://g.example/b"])) == 2
    s.close()
    Store(store_url).close()  # and again: nothing to add


def test_stores_opened_at_once_on_an_empty_database_all_work(store_url):
    stores = race(6, lambda i: Store(store_url))
    assert all(isinstance(s, Store) for s in stores), stores
    assert stores[0].articles.count() == 0
    [s.close() for s in stores]


def test_racing_claims_give_each_url_to_exactly_one_run(store_url):
    s = Store(store_url)
    urls = [f"https://outlet.example/{i}" for i in range(300)]
    s.seen.claim(urls[:40], "earlier", 3)
    for u in urls[:20]:
        s.seen.mark(u, error="HTTP 500")  # failed before: claimable again later
    later = utcnow() + timedelta(minutes=20)  # past the failed ones' backoff, before claims go stale

    def run(i):
        mine = urls[:]
        random.Random(i).shuffle(mine)  # every run sees the links in its own order
        return Store(store_url).seen.claim(mine, f"run-{i}", 3, now=later)

    won = race(8, run)
    assert not [w for w in won if isinstance(w, Exception)], won
    flat = [u for w in won for u in w]
    assert len(flat) == len(set(flat))  # no URL won twice
    assert set(flat) == set(urls[:20]) | set(urls[40:])  # the failed ones again, the new ones; no live claim
    s.close()


def test_racing_outcomes_of_the_same_new_url_and_source_do_not_fail(store_url):
    s = Store(store_url)
    out = race(6, lambda i: Store(store_url).seen.mark("https://outlet.example/same"))
    assert out == [False] * 6 and s.seen.status("https://outlet.example/same") == ("done", 0)
    result = FeedResult(source="f", url="https://x.example/feed", status=200, etag='"1"')
    out = race(6, lambda i: Store(store_url).feeds.save(result))
    assert out == [None] * 6 and [st.failures for st in s.feeds.states()] == [0]
    failed = FeedResult(source="f", url="https://x.example/feed", error="HTTP 500")
    race(4, lambda i: Store(store_url).feeds.save(failed))
    assert [st.failures for st in s.feeds.states()] == [4]  # every failure counted
    s.close()


def test_compare_and_set_updates_let_exactly_one_racer_win(store_url):
    s = Store(store_url)
    sid = s.stories.create("t", "Judul", ["a"], T0)
    assert s.outbox.enqueue(f"{sid}:hook:new", sid, "hook", "new", [1])
    assert not s.outbox.enqueue(f"{sid}:hook:new", sid, "hook", "new", [1])  # recorded once
    row = s.outbox.rows()[0]
    assert s.outbox.extend_unsent(row.id, [1, 2])  # nobody tried it yet
    wins = race(8, lambda i: Store(store_url).outbox.claim(row.id, f"run-{i}"))
    assert sorted(wins) == [False] * 7 + [True]
    assert not s.outbox.extend_unsent(row.id, [1, 2, 3])  # claimed: too late
    s.outbox.mark_uncertain(row.id, "died")
    assert race(4, lambda i: Store(store_url).outbox.requeue(row.id)).count(True) == 1
    got = s.outbox.rows()[0]
    assert (got.state, got.attempts, got.article_ids) == ("pending", 1, [1, 2])
    s.close()


def _claim_in_process(args):
    url, urls, i = args
    store = Store(url)
    try:
        return store.seen.claim(urls, f"proc-{i}", 3)
    finally:
        store.close()


def test_claims_from_separate_processes_never_overlap(store_url):
    urls = [f"https://outlet.example/p{i}" for i in range(500)]
    jobs = [(store_url, random.Random(i).sample(urls, len(urls)), i) for i in range(4)]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        won = pool.map(_claim_in_process, jobs)
    flat = [u for w in won for u in w]
    assert sorted(flat) == sorted(urls)  # every URL claimed, exactly once


def test_a_link_longer_than_the_stores_key_is_dropped_before_the_store():
    from pantau.urls import MAX_URL, canonical_url

    base = "https://outlet.example/berita/"
    assert canonical_url(base + "a" * (MAX_URL - len(base))) is not None
    assert canonical_url(base + "a" * (MAX_URL - len(base) + 1)) is None


def test_on_postgres_one_run_at_a_time_joins_stories(postgres_url):
    a, b = Store(postgres_url), Store(postgres_url)
    order: list[str] = []
    inside = threading.Event()

    def second():
        inside.wait(5)
        with b.stories.grouping():
            order.append("b")

    t = threading.Thread(target=second)
    t.start()
    with a.stories.grouping():
        inside.set()
        t.join(0.5)  # b waits for the lock meanwhile
        order.append("a")
    t.join(5)
    assert order == ["a", "b"]
    a.close()
    b.close()


def test_links_left_for_a_later_run_are_not_hidden_from_it_by_a_304(store_url):
    from pantau import pipeline
    from pantau.models import Candidate

    s = Store(store_url)
    a = FeedResult(
        source="feed-a",
        url="https://a.example/rss",
        etag='"a1"',
        candidates=[Candidate(url=f"https://a.example/{i}", source="feed-a") for i in range(5)],
    )
    b = FeedResult(
        source="feed-b",
        url="https://b.example/rss",
        etag='"b1"',
        candidates=[Candidate(url="https://b.example/1", source="feed-b")],
    )
    for r in (a, b):
        s.feeds.save(r)
    first, _ = pipeline.select_new(s, [a, b], max_attempts=3, limit=3, run_id="run-1")
    assert [c.url for c in first] == ["https://a.example/0", "https://b.example/1", "https://a.example/1"]
    assert s.feeds.validators(a.url) == (None, None)  # a's other links wait: read it in full next time
    assert s.feeds.validators(b.url) == ('"b1"', None)  # nothing of b's waits
    second, _ = pipeline.select_new(s, [a, b], max_attempts=3, limit=3, run_id="run-2")
    assert [c.url for c in second] == [f"https://a.example/{i}" for i in (2, 3, 4)]
    s.close()


def test_racing_runs_book_a_hosts_slots_one_after_another(store_url):
    waits = race(6, lambda i: Store(store_url).hosts.reserve("outlet.example", 0.5, now=1000.0))
    assert sorted(waits) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]  # politeness across runs holds
