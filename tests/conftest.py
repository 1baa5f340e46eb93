"""Shared fixtures: real servers on 127.0.0.1 only (replay site, webhook receiver, SMTP, Prefect)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

# property tests (hypothesis) draw the same examples on every run and keep no example database:
# the suite is deterministic, as langdetect is (pantau.extract.language seeds it)
from hypothesis import settings as _hypothesis  # noqa: E402

_hypothesis.register_profile("pantau", derandomize=True, database=None)
_hypothesis.load_profile("pantau")

from support.paths import SEEDS  # noqa: E402
from support.servers import SmtpSink  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--fake-now",
        default=None,
        metavar="ISO",
        help="run each test (but those marked integration) with the clock set to this "
        "moment, ticking from there, e.g. 2026-03-01T17:30:00Z: no test may depend "
        "on the time of day, the date or the machine's time zone",
    )


@pytest.fixture(autouse=True)
def _fake_now(request):
    when = request.config.getoption("--fake-now")
    if not when or request.node.get_closest_marker("integration"):
        yield
        return
    import time_machine

    with time_machine.travel(when, tick=True):
        yield


@pytest.fixture(scope="session")
def prefect_server():
    """A real Prefect API (temporary server with its own SQLite database) for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def replay_site():
    from pantau.demo import ReplaySite

    site = ReplaySite().start()
    yield site
    site.stop()


@pytest.fixture
def webhook(tmp_path):
    from pantau.demo import WebhookReceiver

    r = WebhookReceiver(log_path=tmp_path / "webhook.jsonl").start()
    yield r
    r.stop()


@pytest.fixture
def smtp():
    s = SmtpSink()
    s.controller.start()
    yield s
    s.controller.stop()


@pytest.fixture
def postgres_url():
    """A fresh, empty database on the test PostgreSQL server (tests/support/postgres.py)."""
    from support.postgres import Database, base_url

    db = Database(base_url())
    yield db.url
    db.drop()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    """A store URL on each engine pantau supports: an SQLite file, and a fresh PostgreSQL database
    (skipped without $PANTAU_TEST_POSTGRES_URL, except in CI where it fails)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'p.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def matcher():
    from pantau.topic import Matcher, load_topic

    return Matcher(load_topic(SEEDS))


@pytest.fixture
def faults():
    """The fault server (tests/support/faults/): an HTTP server on 127.0.0.1 that misbehaves on purpose."""
    from support.faults import FaultServer

    fs = FaultServer().start()
    yield fs
    fs.stop()


@pytest.fixture
def hook():
    """A webhook receiver on 127.0.0.1 that counts what it received and what it answered."""
    from support.faults import SlowWebhook

    h = SlowWebhook(delay=0).start()
    yield h
    h.stop()


CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (.ci/run installs it); never a downloaded browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture
def chromium():
    """Headless Debian chromium driven by playwright (the browser tests: the Prefect UI, the feedback page)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI (.ci/run installs Debian's chromium package)")
        pytest.skip(f"{CHROMIUM} is not installed (Debian: apt-get install -y chromium); the browser test needs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
