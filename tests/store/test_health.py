"""Source health and the ops notices' ledger (issue 18, defect 6): what the store remembers per source,
the conditions pantau tells its ops channel, and that each is told once per onset — across a restart
(a new Store on the same database) too."""

from datetime import UTC, datetime, timedelta

from pantau import ops
from pantau.config import Source
from pantau.models import Channel, FeedResult
from pantau.store import Store

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


def result(name: str, error: str | None = None) -> FeedResult:
    return FeedResult(source=name, url=f"https://example.org/{name}.xml", error=error)


def run(store: Store, now: datetime, new: dict[str, int], failing: tuple[str, ...] = ()) -> None:
    results = [result(n, "HTTP 500" if n in failing else None) for n in ("antara", "kompas", "tempo")]
    for r in results:
        store.feeds.save(r)
    store.health.record(results, new, now)


SOURCES = [Source(name=n, url=f"https://example.org/{n}.xml") for n in ("antara", "kompas", "tempo")]
SOURCES[2] = Source(name="tempo", url="https://example.org/tempo.xml", quiet_days=5)


def test_health_rows_and_conditions(store_url):
    store = Store(store_url)
    for day in range(4):  # four days, a run a day: kompas fails from day 2 on, tempo never has news
        failing = ("kompas",) if day >= 2 else ()
        run(store, T0 + timedelta(days=day), {"antara": 3, "kompas": 2 if day < 2 else 0}, failing)
    now = T0 + timedelta(days=3, hours=1)
    rows = {h.source: h for h in store.health.rows(now)}
    assert rows["antara"].new_per_day == 12 / 7 and rows["antara"].failures == 0
    assert rows["kompas"].failures == 2 and rows["kompas"].failing_since == T0 + timedelta(days=2)
    assert rows["kompas"].last_ok_at == T0 + timedelta(days=1) and rows["kompas"].last_new_at == T0 + timedelta(days=1)
    assert rows["tempo"].last_new_at is None and rows["tempo"].first_checked_at == T0
    held = ops.conditions(rows.values(), SOURCES, None, now)
    assert set(held) == {"source-failing:kompas"}  # tempo's quiet_days is 5; 3 days are not enough
    assert "failed on every run since 25 h ago (2 runs; last: HTTP 500)" in held["source-failing:kompas"]
    later = T0 + timedelta(days=5, hours=1)
    held = ops.conditions(rows.values(), SOURCES, "no source could be read", later)
    assert set(held) == {"ingest-failed", "source-failing:kompas", "source-quiet:kompas", "source-quiet:tempo"}
    text = ops.table_text(rows.values(), now).splitlines()
    assert text[0].split()[0] == "source" and text[-1].startswith("kompas")  # the most worrying last
    assert len({len(line) for line in text[1:]}) == 1  # aligned


def test_a_run_of_no_source_records_no_health_and_fails_nothing(store_url):
    """A run that read no source (none configured, or none chosen in the run form) records nothing: an
    empty insert must not become one INSERT of no values (a NOT NULL failure that ended such runs)."""
    store = Store(store_url)
    store.health.record([], {}, T0)
    assert store.health.rows(T0) == []


def test_each_condition_is_told_once_per_onset_even_across_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    sent: list[str] = []
    ch = Channel.internal("ops", "text", lambda title, body, fmt, key=None: sent.append(title))
    now = T0
    held = {"source-failing:kompas": "source kompas has failed", "ingest-failed": "pantau ingest failed: x"}
    assert len(ops.notify(Store(url), [ch], held, now)) == 2
    assert ops.notify(Store(url), [ch], held, now + timedelta(minutes=15)) == []  # a new Store: a restart
    assert ops.notify(Store(url), [ch], {"ingest-failed": held["ingest-failed"]}, now) == [
        "pantau: resolved — source kompas has failed"
    ]
    assert ops.notify(Store(url), [ch], held, now) == ["pantau: source kompas has failed"]  # a new onset
    assert len(sent) == 4


def test_a_notice_no_channel_took_is_told_on_the_next_run(tmp_path):
    from pantau.errors import DeliveryError

    url = f"sqlite:///{tmp_path / 'p.db'}"
    down = {"now": True}

    def send(title, body, fmt, key=None):
        if down["now"]:
            raise DeliveryError("refused")

    ch = Channel.internal("ops", "text", send)
    held = {"ingest-failed": "pantau ingest failed: x"}
    assert ops.notify(Store(url), [ch], held) == []
    down["now"] = False
    assert ops.notify(Store(url), [ch], held) == ["pantau: pantau ingest failed: x"]
    assert ops.notify(Store(url), [ch], held) == []
