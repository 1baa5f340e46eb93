"""A dead worker does not jam the schedule (issue 18, defect 2, the worker side): a process worker — and
the flow run it started — killed with SIGKILL mid-run leave the run Running; Prefect's zombie-run
automation (created by `pantau ops apply`) marks it Crashed once its heartbeats stop (every 30 s here,
the least Prefect allows: three missed beats), which frees the ingest deployment's concurrency slot, and
the next ingest run on a new worker completes."""

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
from support.prefect_server import PrefectServer
from support.waiting import wait_for
from support.wheel import project_copy

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent


def run_processes(run_id: str) -> list[int]:
    """Pids of the processes running this flow run (PREFECT__FLOW_RUN_ID in their environment)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if f"PREFECT__FLOW_RUN_ID={run_id}".encode() in (d / "environ").read_bytes().split(b"\0"):
                    out.append(int(d.name))
            except OSError:
                continue
    return out


def test_a_dead_workers_run_is_crashed_by_its_missing_heartbeats(tmp_path, replay_site, webhook):
    fault = FaultServer().start()
    server = PrefectServer(tmp_path / "prefect").start()
    workers: list[subprocess.Popen] = []
    try:
        app = project_copy(tmp_path / "app")
        cfg = demo_config(replay_site, app, channel_env="PANTAU_T_HOOK")
        quick = [s for s in cfg["sources"] if s["name"] == "replay-liputan6"]
        cfg["sources"] = quick + [{"name": "hang", "url": f"{fault.base}/blackhole", "kind": "rss"}]
        cfg["http"].update(
            timeout_s=600, retries=0, allow_private=[*cfg["http"]["allow_private"], f"127.0.0.1:{fault.port}"]
        )
        cfg["pipeline"] = {"source_deadline_s": 600}
        (app / "config.yaml").write_text(yaml.safe_dump(cfg))
        env = server.env(
            PANTAU_HOME=str(app), PANTAU_T_HOOK=webhook.apprise_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY="30"
        )
        for cmd in (
            [BIN / "pantau", "ops", "apply"],
            [BIN / "prefect", "work-pool", "create", "pantau", "--type", "process"],
            [BIN / "prefect", "--no-prompt", "deploy", "--all", "--prefect-file", "deploy/prefect.yaml"],
        ):
            r = subprocess.run(cmd, cwd=app, env=env, capture_output=True, text=True, timeout=300)
            assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        api = server.api_url
        assert [a["name"] for a in httpx.post(f"{api}/automations/filter", json={}, timeout=10).json()] == [ZOMBIES]
        dep = server.deployment("ingest", "ingest")

        def worker(n: int) -> subprocess.Popen:
            with (tmp_path / f"worker-{n}.log").open("ab") as log:
                w = subprocess.Popen(
                    [BIN / "prefect", "worker", "start", "--pool", "pantau", "--name", f"w{n}"],
                    cwd=app,
                    env={**env, "PREFECT_WORKER_QUERY_SECONDS": "2"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            workers.append(w)
            return w

        def state(run_id: str) -> dict:
            return httpx.get(f"{api}/flow_runs/{run_id}", timeout=10).json()["state"]

        def new_run() -> str:
            return httpx.post(f"{api}/deployments/{dep['id']}/create_flow_run", json={}, timeout=10).json()["id"]

        first_worker = worker(1)
        first = new_run()
        log1 = lambda: (tmp_path / "worker-1.log").read_text()[-3000:]  # noqa: E731
        wait_for("the run to be Running", lambda: state(first)["type"] == "RUNNING", 180, log1())
        wait_for("the source that hangs to be asked", lambda: fault.hits("/blackhole") > 0, 120, log1())
        time.sleep(35)  # at least one heartbeat sent: the automation watches runs that sent one
        for pid in run_processes(first):
            os.kill(pid, signal.SIGKILL)
        os.killpg(first_worker.pid, signal.SIGKILL)
        first_worker.wait()
        assert state(first)["type"] == "RUNNING"
        crashed = wait_for("the zombie automation", lambda: state(first)["type"] == "CRASHED" and state(first), 300)
        assert "no heartbeat" in (crashed.get("message") or "")

        cfg["sources"] = quick
        (app / "config.yaml").write_text(yaml.safe_dump(cfg))
        worker(2)
        second = new_run()
        end = wait_for(
            "the next run to end",
            lambda: (s := state(second))["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") and s,
            300,
            (tmp_path / "worker-2.log").read_text()[-3000:],
        )
        assert end["type"] == "COMPLETED", end
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGKILL)
                w.wait()
        server.stop()
        fault.stop()
