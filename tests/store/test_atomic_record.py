"""Recording is atomic: a store that fails at ANY statement of ``pipeline.record`` loses no alert and
repeats none. For every N, the Nth statement raises (a SQLAlchemy ``before_cursor_execute`` event);
the next run takes the dead run's claims over, records what was left, and delivers through real
Apprise to a real webhook receiver: every story reaches it exactly once — on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import re
import string
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import delete, event
from sqlalchemy.exc import OperationalError

from pantau import pipeline
from pantau.alerts import Channel, deliver
from pantau.clock import utcnow
from pantau.connectors.delivery import send
from pantau.extract import content_hash
from pantau.models import Article, Candidate, FeedResult, Match, Page
from pantau.store import Store
from pantau.store.schema import metadata
from pantau.store.seen import claimer

PUBLISHED = utcnow() - timedelta(hours=1)


def _dead_run() -> str:
    """A claimer id of a process that has ended: the next run takes its claims over at once."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return re.sub(r":\d+:", f":{gone.stdout.strip()}:", claimer("failed-run"), count=1)


def _story(name: str) -> tuple[str, str]:
    """A title and a text whose words are this story's own (no two stories grouped by similarity)."""
    rnd = random.Random(name)
    words = ["".join(rnd.choice(string.ascii_lowercase) for _ in range(7)) for _ in range(60)]
    return f"Berita {name}: " + " ".join(words[:6]), " ".join(words * 2)


def _analysed() -> list[pipeline.Analysed]:
    """Five pages: two outlets carrying one article (one story), two other stories, a failed fetch."""
    out = []
    for i, (name, outlet) in enumerate(
        [("satu", "a.example"), ("satu", "b.example"), ("dua-lain", "c.example"), ("tiga-x", "d.example")]
    ):
        title, text = _story(name)
        url = f"https://{outlet}/berita/{name}-{i}"
        c = Candidate(url=url, source=outlet, title=title)
        a = pipeline.Analysed(page=Page(candidate=c, final_url=url, status=200, html="<p>x</p>"))
        a.article = Article(
            url=url,
            fetched_url=url,
            source=outlet,
            title=title,
            text=text,
            published=PUBLISHED,
            site=outlet,
            language="id",
            content_hash=content_hash(title, text) if name != "satu" else content_hash("", text),
        )
        a.matches = [Match(topic="t", score=0.9, relevant=True, reason="G20 · Rusia")]
        out.append(a)
    bad = Candidate(url="https://e.example/berita/rusak", source="e.example")
    out.append(pipeline.Analysed(page=Page(candidate=bad, final_url=bad.url, error="HTTP 500"), error="HTTP 500"))
    return out


def _one_run(store: Store, run_id: str, pages: list[pipeline.Analysed], channels) -> None:
    results = [FeedResult(source="f", url="https://f.example/rss", candidates=[a.page.candidate for a in pages])]
    fresh, _ = pipeline.select_new(store, results, 3, 100, run_id)
    urls = {c.url for c in fresh}
    pipeline.record(store, [a for a in pages if a.page.candidate.url in urls], channels)


def _wipe(store: Store) -> None:
    with store.engine.begin() as c:
        for table in reversed(metadata.sorted_tables):
            c.execute(delete(table))


def _statements(store: Store, channels) -> int:
    n = [0]

    def count(*_):
        n[0] += 1

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        _one_run(store, _dead_run(), _analysed(), channels)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return n[0]


def _failing_at(n: int):
    """A ``before_cursor_execute`` listener: the nth statement raises, as a store going down would."""
    seen = [0]

    def fail(conn, cursor, statement, *_):
        seen[0] += 1
        if seen[0] == n:
            raise OperationalError(statement, None, Exception(f"injected failure at statement {n}"))

    return fail


def _delivered(webhook) -> list[tuple[str, tuple[str, ...]]]:
    """(alert title, its outlets) of each alert the receiver got."""
    out = []
    for r in webhook.received:
        outlets = tuple(sorted(line.split(":")[0][2:] for line in r["message"].splitlines() if line.startswith("- ")))
        out.append((r["title"], outlets))
    return sorted(out)


def test_a_store_failing_at_any_statement_of_record_loses_and_repeats_no_alert(store_url, webhook):
    channels = [
        Channel.internal(name, "text", lambda t, b, f, k=None: send(webhook.apprise_url, t, b, f))
        for name in ("desk", "ops")
    ]
    store = Store(store_url)
    total = _statements(store, channels)
    _wipe(store)
    _one_run(store, _dead_run(), _analysed(), channels)  # a clean run: what every run must deliver
    deliver(store, channels, "clean", {})
    expected = _delivered(webhook)
    assert len(expected) == 2 * 3  # three stories on two channels
    assert total > 20

    for n in range(1, total + 1):
        _wipe(store)
        webhook.received.clear()
        fail = _failing_at(n)
        event.listen(store.engine, "before_cursor_execute", fail)
        try:
            with pytest.raises(OperationalError):
                _one_run(store, _dead_run(), _analysed(), channels)
        finally:
            event.remove(store.engine, "before_cursor_execute", fail)
        _one_run(store, claimer(f"next-{n}"), _analysed(), channels)  # the next run: the dead run's claims
        deliver(store, channels, f"d-{n}", {})
        deliver(store, channels, f"again-{n}", {})  # and one more: nothing is sent twice
        assert _delivered(webhook) == expected, f"failure at statement {n} of {total}"
    store.close()
