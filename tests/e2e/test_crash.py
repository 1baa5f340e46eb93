"""Crash safety: `pantau run` killed with SIGKILL at three points — while fetching, after storing, and
between sending an alert and recording it — then run again. No article is lost, no alert is sent
twice, the SQLite store passes `PRAGMA integrity_check`. Real processes, a real Prefect server."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from pantau.demo import demo_config
from support.faults import SlowWebhook
from support.prefect_server import PrefectServer

pytestmark = pytest.mark.integration
PANTAU = str(Path(sys.executable).with_name("pantau"))
OUTLETS = ("replay-liputan6", "replay-kompas", "replay-antara")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = PrefectServer(tmp_path_factory.mktemp("prefect-crash")).start()
    yield s
    s.stop()


def setup(tmp_path, site, hook):
    cfg = demo_config(site, tmp_path, channel_env="PANTAU_T_HOOK")
    cfg["sources"] = [s for s in cfg["sources"] if s["name"] in OUTLETS]
    cfg["pipeline"] = {"batch_size": 2}
    cfg["channels"][0]["timeout_s"] = 60
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    expected = sum(len(site.items(o.removeprefix("replay-"))) for o in OUTLETS)
    return path, expected


def start(server, path, hook):
    env = server.env(PANTAU_T_HOOK=hook.apprise_url)
    log = (path.parent / "runs.log").open("ab")
    return subprocess.Popen(
        [PANTAU, "run", "--config", str(path)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for(check, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return False


def db_count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as c:
            return c.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def kill(proc):
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.parametrize("moment", ["while fetching", "after storing", "between send and record"])
def test_kill_9_then_run_again_loses_nothing_and_sends_nothing_twice(server, replay_site, tmp_path, moment):
    hook = SlowWebhook(delay=0).start()
    try:
        path, expected = setup(tmp_path, replay_site, hook)
        db = tmp_path / "pantau.db"
        replay_site.page_delay = 0.4 if moment != "between send and record" else 0.0
        hook.delay = 30 if moment == "between send and record" else 0
        proc = start(server, path, hook)
        if moment == "while fetching":
            came = wait_for(lambda: len(replay_site.page_requests()) >= 3)
        elif moment == "after storing":
            came = wait_for(lambda: db_count(db, "SELECT count(*) FROM articles") >= 2)
        else:
            came = wait_for(lambda: len(hook.received) >= 1)
        assert came, "the moment to kill never came: " + (tmp_path / "runs.log").read_text()[-3000:]
        kill(proc)
        received_before = len(hook.received)
        replay_site.page_delay, hook.delay = 0.0, 0
        for _ in range(2):  # run again (twice: nothing more)
            again = start(server, path, hook)
            assert again.wait(timeout=300) in (0, 4)
        assert (
            db_count(db, "SELECT count(*) FROM articles")
            + db_count(db, "SELECT count(*) FROM seen_urls WHERE status != 'done'")
            >= 0
        )
        stored = db_count(db, "SELECT count(*) FROM seen_urls WHERE status = 'done'")
        assert stored >= expected, f"{stored} of {expected} links done"  # every link fetched in the end
        titles = [r["body"]["title"] for r in hook.received]
        assert len(titles) == len(set(titles)), "an alert was sent twice"
        unsent = db_count(db, "SELECT count(*) FROM outbox WHERE state IN ('pending', 'failed')")
        assert unsent == 0
        if moment == "between send and record":
            assert received_before >= 1
            assert db_count(db, "SELECT count(*) FROM outbox WHERE state = 'sending'") >= 1  # reported, not resent
        with sqlite3.connect(db) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        hook.stop()
