"""Shared fixtures: real servers on 127.0.0.1 only (replay site, webhook receiver, SMTP, Prefect)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent
SEEDS = PROJECT / "seeds" / "g20-russia-ukraine"


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


def allowing(*servers, **settings):
    """Http settings that may fetch these loopback servers (objects with a .port, or ports): the
    SSRF guard refuses loopback addresses unless http.allow_private lists them."""
    from pantau.config import Http

    ports = [s if isinstance(s, int) else s.port for s in servers]
    return Http(allow_private=[f"127.0.0.1:{p}" for p in ports], **settings)


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


class SmtpSink:
    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(envelope)
                return "250 OK"

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.apprise_url = f"mailto://127.0.0.1:{self.port}?from=pantau@example.org&to=desk@example.org"

    def wait_for(self, n: int, timeout: float = 5.0):
        end = time.time() + timeout
        while len(self.messages) < n and time.time() < end:
            time.sleep(0.05)
        return self.messages


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
