"""Restarts heal (issue 18, defects 2 and 5): `pantau serve` — with the Prefect server it starts itself,
as on a single machine — killed in the middle of an ingest run (Ctrl-C on its terminal: SIGINT to the
process group; or SIGKILL to the group), then started again: the run left behind is Crashed, not Running,
and the next ingest run completes instead of ending "Cancelled — Deployment concurrency limit reached"
(the deployment's limit is 1). A SIGKILLed serve leaves no Prefect server behind, and a restarted serve
with a ``url_secret`` channel starts no second, temporary Prefect server for it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from pantau.demo import demo_config
from pantau.heal import ZOMBIES
from support.faults import FaultServer
from support.prefect_server import free_port
from support.processes import descendants
from support.waiting import wait_for

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent
ACTIVE = ("RUNNING", "PENDING", "CANCELLING")


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_serve_left():
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Served:
    """`pantau serve --paused` in a process group of its own, starting its own Prefect server."""

    def __init__(self, tmp_path: Path, env: dict):
        self.tmp, self.env = tmp_path, env
        self.port = free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        self.log = tmp_path / "serve.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Served":
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [BIN / "pantau", "serve", "--config", "config.yaml", "--port", str(self.port), "--paused"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.tmp,
                start_new_session=True,  # a group of its own, as a terminal's foreground job
            )
        STARTED.append(self.proc)
        n = self.log.read_text().count("pantau serve ·")
        wait_for("pantau serve", lambda: self.log.read_text().count("pantau serve ·") > n, 240, self.log)
        self.deployment = wait_for("the ingest deployment", self._deployment, 60, self.log)
        return self

    def _deployment(self):
        try:
            r = httpx.get(f"{self.api}/deployments/name/ingest/ingest", timeout=5)
            return r.json() if r.status_code == 200 else None
        except httpx.HTTPError:
            return None

    def run_ingest(self) -> str:
        for _ in range(10):  # a server just started may answer 503 (its SQLite database busy) for a moment
            r = httpx.post(f"{self.api}/deployments/{self.deployment['id']}/create_flow_run", json={}, timeout=10)
            if r.status_code != 503:
                break
            time.sleep(1)
        r.raise_for_status()
        return r.json()["id"]

    def state(self, run_id: str) -> dict:
        return httpx.get(f"{self.api}/flow_runs/{run_id}", timeout=10).json()["state"]

    def kill(self, sig: int) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise AssertionError("pantau serve did not stop within 90 s:\n" + self.log.read_text()[-3000:]) from None

    def answering(self) -> bool:
        try:
            return httpx.get(f"{self.api}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False


def children_serving_prefect(pid: int) -> list[str]:
    """Command lines of processes under ``pid`` that run a Prefect server (Prefect's temporary one)."""
    return [cmd for cmd in descendants(pid).values() if "prefect.server.api.server:create_app" in cmd]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_a_run_killed_with_serve_is_crashed_and_the_next_one_completes(sig, tmp_path, replay_site, webhook):
    fault = FaultServer().start()
    try:
        cfg = demo_config(replay_site, tmp_path, channel_env="PANTAU_T_HOOK")
        quick = [s for s in cfg["sources"] if s["name"] in ("replay-liputan6", "replay-detik")]
        # a source that never answers: the run stays Running (for 10 minutes) until it is killed
        cfg["sources"] = quick + [{"name": "hang", "url": f"{fault.base}/blackhole", "kind": "rss"}]
        allowed = [*cfg["http"]["allow_private"], f"127.0.0.1:{fault.port}"]
        cfg["http"].update(timeout_s=600, retries=0, allow_private=allowed)
        cfg["pipeline"] = {"source_deadline_s": 600}
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(cfg))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(
            PREFECT_HOME=str(tmp_path / "prefect"),
            PANTAU_HOME=str(tmp_path / "home"),
            PANTAU_T_HOOK=webhook.apprise_url,
            PREFECT_RUNNER_POLL_FREQUENCY="2",
        )
        served = Served(tmp_path, env).start()
        first = served.run_ingest()
        wait_for("the first run to be Running", lambda: served.state(first)["type"] == "RUNNING", 120, served.log)
        wait_for("the source that hangs to be asked", lambda: fault.hits("/blackhole") > 0, 60, served.log)
        secret = subprocess.run(  # a url_secret channel for the restart: stored on serve's own server
            [BIN / "pantau", "secret", "set", "t-hook"],
            input=webhook.apprise_url,
            env={**env, "PREFECT_API_URL": served.api},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert secret.returncode == 0, secret.stdout + secret.stderr
        served.kill(sig)
        # its server gets SIGTERM when serve dies (parent-death signal) and shuts down within seconds
        wait_for(
            "the Prefect server pantau serve started to end with it", lambda: not served.answering(), 30, served.log
        )

        cfg["sources"] = quick
        cfg["channels"].append({"name": "hook-secret", "url_secret": "t-hook"})
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(cfg))
        served = Served(tmp_path, env).start()
        try:
            left = served.state(first)
            assert left["type"] == "CRASHED", left
            if sig == signal.SIGKILL:  # nothing could report the end: serve found the run left behind
                assert "run(s) whose process was gone marked Crashed" in served.log.read_text()
            automations = httpx.post(f"{served.api}/automations/filter", json={}, timeout=10).json()
            assert [a["name"] for a in automations] == [ZOMBIES]  # Prefect's zombie-run automation, once
            second = served.run_ingest()
            end = wait_for(
                "the next run to end",
                lambda: (s := served.state(second))["type"] not in ("SCHEDULED", *ACTIVE) and s,
                300,
                served.log,
            )
            assert end["type"] == "COMPLETED", f"{end}\n{served.log.read_text()[-3000:]}"
            assert len(webhook.received) >= 2  # both channels (the env one and the Secret block) delivered
            assert children_serving_prefect(served.proc.pid) == []  # no temporary server for the Secret block
        finally:
            served.kill(signal.SIGINT)
        assert not served.answering()
        assert "Traceback" not in served.log.read_text().split("pantau serve ·")[-1], served.log.read_text()[-3000:]
    finally:
        fault.stop()
