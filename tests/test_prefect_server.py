"""pantau on a real `prefect server start` (not the test harness): the shipped deployments deploy
cleanly, and a served schedule really produces completed runs. These catch a Prefect companion
version that breaks either (fastapi >= 0.151: `prefect deploy` exits 1; SQLAlchemy 2.1: the
scheduler fails every loop and no scheduled run is ever created)."""
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT
from pantau.demo import demo_config
from support.prefect_server import PrefectServer

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = PrefectServer(tmp_path_factory.mktemp("prefect-home")).start()
    yield s
    s.stop()


def test_prefect_deploy_of_the_shipped_deployments_exits_0(server):
    env = server.env(PANTAU_HOME=str(PROJECT))
    pool = subprocess.run([BIN / "prefect", "work-pool", "create", "pantau", "--type", "process"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert pool.returncode == 0, pool.stdout + pool.stderr
    r = subprocess.run([BIN / "prefect", "--no-prompt", "deploy", "--all", "--prefect-file", "deploy/prefect.yaml"],
                       cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Traceback" not in out, out[-3000:]
    spec = yaml.safe_load((PROJECT / "deploy" / "prefect.yaml").read_text())
    for d in spec["deployments"]:
        flow_name = d["entrypoint"].rsplit(":", 1)[1]
        dep = server.deployment(flow_name, d["name"])
        for want, got in zip(d.get("schedules") or [], dep["schedules"]):
            assert got["schedule"]["cron"] == want["cron"] and got["schedule"]["timezone"] == want["timezone"]


def test_a_served_schedule_produces_completed_runs(server, replay_site, tmp_path):
    cfg = demo_config(replay_site, tmp_path, channel_env=None)
    cfg["sources"] = [s for s in cfg["sources"] if s["name"] in ("replay-liputan6", "replay-detik")]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    code = ("from pantau.flows.ingest import ingest\n"
            f"ingest.serve(name='every-5s', interval=5, parameters={{'config_path': {str(path)!r}}})\n")
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen([sys.executable, "-c", code], env=server.env(PREFECT_RUNNER_POLL_FREQUENCY="2"),
                             stdout=log, stderr=subprocess.STDOUT)
    try:
        end = time.monotonic() + 150
        done, runs = [], []
        while time.monotonic() < end and len(done) < 2:
            time.sleep(2)
            try:
                dep = server.deployment("ingest", "every-5s")
            except Exception:
                continue
            runs = server.flow_runs(dep["id"])
            done = [r for r in runs if r["state_type"] == "COMPLETED"]
            assert not [r for r in runs if r["state_type"] in ("FAILED", "CRASHED")], \
                (tmp_path / "serve.log").read_text()[-3000:]
        assert len(done) >= 2, f"{len(runs)} runs, none completed twice; serve log:\n" \
                               + (tmp_path / "serve.log").read_text()[-3000:]
        assert all(r["auto_scheduled"] for r in done)         # created by the server's scheduler
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    assert "Can't evaluate bulk DML statement" not in server.log()
