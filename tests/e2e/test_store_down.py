"""A store that fails in the middle of a run — an SQLite file another process keeps locked, a
PostgreSQL server frozen with SIGSTOP (a throwaway cluster of its own) — ends the run within its
timeouts with ONE line and exit 2 (``pantau run``), the flow ``Failed`` with that message, never a
traceback and never a hang. The next run, the store back, loses nothing."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from pantau.cli import main as cli
from pantau.store import Store
from support.faults import FaultServer, SlowWebhook
from support.prefect_server import free_port

pytestmark = pytest.mark.integration
TOPIC = {"name": "g20-russia-ukraine", "path": "seeds/g20-russia-ukraine"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hook(monkeypatch):
    h = SlowWebhook(delay=0).start()
    monkeypatch.setenv("PANTAU_T_HOOK", h.apprise_url)
    yield h
    h.stop()


def config(tmp_path, storage_url, fs) -> Path:
    """A feed of a slow page (the store fails while it is fetched) and two good ones."""
    links = [f"{fs.base}/slow-headers?delay=3", f"{fs.base}/ok/satu.html", f"{fs.base}/ok/dua.html"]
    feed = f"{fs.base}/feed-links.xml?" + "&".join(f"link={quote(u)}" for u in links)
    cfg = {
        "storage_url": storage_url,
        "http": {
            "per_host_interval_s": 0,
            "retries": 0,
            "timeout_s": 10,
            "request_deadline_s": 20,
            "respect_robots": False,
            "allow_private": [f"127.0.0.1:{fs.port}"],
        },
        "pipeline": {"batch_size": 10},
        "sources": [{"name": "feed", "url": feed}],
        "topics": [TOPIC],
        "channels": [{"name": "hook", "url_env": "PANTAU_T_HOOK"}],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def when_fetching(fs: FaultServer, then) -> threading.Thread:
    """Call ``then`` once the slow page has been asked for (the run is past its first store writes)."""

    def wait():
        end = time.monotonic() + 120
        while fs.hits("/slow-headers") == 0 and time.monotonic() < end:
            time.sleep(0.05)
        then()

    t = threading.Thread(target=wait, daemon=True)
    t.start()
    return t


def pantau_run(path: Path, capfd) -> tuple[int, str]:
    capfd.readouterr()
    code = cli(["run", "--config", str(path)])
    out = capfd.readouterr()
    return code, out.out + out.err


def assert_one_line_exit_2(code: int, output: str) -> None:
    assert code == 2, output[-3000:]
    assert "Traceback" not in output, output[-5000:]
    lines = [ln for ln in output.splitlines() if ln.startswith("pantau run: ")]
    assert len(lines) == 1 and "the store failed during the run" in lines[0], output[-3000:]


def test_a_sqlite_store_locked_mid_run_ends_in_one_line_and_exit_2(prefect_server, faults, hook, tmp_path, capfd):
    db = tmp_path / "p.db"
    path = config(tmp_path, f"sqlite:///{db}?timeout=1", faults)
    held = threading.Event()
    release = threading.Event()

    def lock():
        c = sqlite3.connect(db, isolation_level=None)
        c.execute("BEGIN EXCLUSIVE")  # another process's long write: every writer waits, then gives up
        held.set()
        release.wait(120)
        c.execute("ROLLBACK")
        c.close()

    when_fetching(faults, lambda: threading.Thread(target=lock, daemon=True).start())
    start = time.monotonic()
    try:
        code, output = pantau_run(path, capfd)
    finally:
        release.set()
    assert held.is_set()
    assert_one_line_exit_2(code, output)
    assert "database is locked" in output
    assert time.monotonic() - start < 60
    code, output = pantau_run(path, capfd)  # the lock gone: the next run records and alerts everything
    assert code == 0, output[-3000:]
    assert len(hook.received) >= 1 and Store(f"sqlite:///{db}").articles.count() == 3


def _pg_cluster(tmp_path):
    """A throwaway PostgreSQL server (scripts/test_postgres.sh in a directory of its own)."""
    if not any(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL binaries are not installed (scripts/test_postgres.sh installs them)")
    port = free_port()
    pg_dir = tempfile.mkdtemp(prefix="pantau-pg-frozen-")  # under /tmp: the postgres user reaches it
    env = {**os.environ, "PANTAU_PG_DIR": pg_dir, "PANTAU_PG_PORT": str(port)}
    out = subprocess.run(
        [str(ROOT / "scripts/test_postgres.sh"), "start"], env=env, capture_output=True, text=True, timeout=180
    )
    assert out.returncode == 0, out.stderr
    url = out.stdout.strip().split("=", 1)[1].strip("'")
    return url, env


def _cluster_pids(pg_dir: Path) -> list[int]:
    main = int((pg_dir / "data/postmaster.pid").read_text().split()[0])
    kids = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True).stdout.split()
    return [main, *map(int, kids)]


def test_a_frozen_postgresql_mid_run_ends_in_one_line_and_exit_2(prefect_server, faults, hook, tmp_path, capfd):
    url, env = _pg_cluster(tmp_path)
    pg_dir = Path(env["PANTAU_PG_DIR"])
    frozen: list[int] = []
    try:
        timeouts = "connect_timeout=2&options=" + quote("-c statement_timeout=2000")
        path = config(tmp_path, f"{url}?{timeouts}", faults)

        def freeze():
            for pid in _cluster_pids(pg_dir):
                os.kill(pid, signal.SIGSTOP)
                frozen.append(pid)

        when_fetching(faults, freeze)
        start = time.monotonic()
        code, output = pantau_run(path, capfd)
        took = time.monotonic() - start
        assert frozen
        assert_one_line_exit_2(code, output)
        assert took < 90, f"a frozen store held the run {took:.0f}s"
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
        subprocess.run([str(ROOT / "scripts/test_postgres.sh"), "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(pg_dir, ignore_errors=True)


def test_a_corrupt_sqlite_file_is_one_line_and_exit_2(tmp_path, capfd):
    """A store file that is not a database (overwritten, half-copied): one line naming the setting, exit 2,
    and the file left as it was for the operator to look at."""
    db = tmp_path / "p.db"
    junk = bytes(range(256)) * 64
    db.write_bytes(junk)
    topic = {"name": TOPIC["name"], "path": str(ROOT / TOPIC["path"])}
    cfg = {"storage_url": f"sqlite:///{db}", "sources": [{"name": "x", "url": "http://127.0.0.1:9/f.xml"}]}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({**cfg, "topics": [topic]}))
    code, output = pantau_run(path, capfd)
    assert code == 2, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    (line,) = [ln for ln in output.splitlines() if ln.startswith("pantau run: ")]
    assert "storage_url: cannot open the store (file is not a database)" in line
    assert db.read_bytes() == junk
