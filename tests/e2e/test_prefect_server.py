"""pantau on a real `prefect server start` (not the test harness): the shipped deployments deploy
cleanly, with their schedules, concurrency limits and typed forms; a served schedule really produces
completed runs; `pantau serve` starts a local server itself when no API is set; `pantau secret set`
stores a block without echoing it. These also catch a Prefect companion version that breaks
deploying or scheduling (fastapi >= 0.151: `prefect deploy` exits 1; SQLAlchemy 2.1: the scheduler
fails every loop and no scheduled run is ever created)."""

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
from support.paths import PROJECT
from support.prefect_server import PrefectServer, free_port

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = PrefectServer(tmp_path_factory.mktemp("prefect-home")).start()
    yield s
    s.stop()


def test_prefect_deploy_of_the_shipped_deployments_exits_0(server):
    env = server.env(PANTAU_HOME=str(PROJECT))
    pool = subprocess.run(
        [BIN / "prefect", "work-pool", "create", "pantau", "--type", "process"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pool.returncode == 0, pool.stdout + pool.stderr
    r = subprocess.run(
        [BIN / "prefect", "--no-prompt", "deploy", "--all", "--prefect-file", "deploy/prefect.yaml"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Traceback" not in out, out[-3000:]
    spec = yaml.safe_load((PROJECT / "deploy" / "prefect.yaml").read_text())
    assert {d["name"] for d in spec["deployments"]} == {"ingest", "digest", "backfill"}
    for d in spec["deployments"]:
        flow_name = d["entrypoint"].rsplit(":", 1)[1]
        dep = server.deployment(flow_name, d["name"])
        want = [(s["cron"], s["timezone"]) for s in d.get("schedules") or []]
        assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in dep["schedules"]] == want
        assert dep["global_concurrency_limit"]["limit"] == d["concurrency_limit"]["limit"] == 1
        assert dep["concurrency_options"]["collision_strategy"] == d["concurrency_limit"]["collision_strategy"]
    ingest = server.deployment("ingest", "ingest")
    form = ingest["parameter_openapi_schema"]["definitions"]["IngestOptions"]["properties"]
    names = [s["name"] for s in yaml.safe_load((PROJECT / "config.yaml").read_text())["sources"]]
    assert form["sources"]["items"]["enum"] == names  # the form's choices: config.yaml's
    assert ingest["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"


def test_a_served_schedule_produces_completed_runs(server, replay_site, tmp_path):
    cfg = demo_config(replay_site, tmp_path, channel_env=None)
    cfg["sources"] = [s for s in cfg["sources"] if s["name"] in ("replay-liputan6", "replay-detik")]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    code = (
        "from pantau.flows.ingest import ingest\n"
        f"ingest.serve(name='every-5s', interval=5, parameters={{'config_path': {str(path)!r}}})\n"
    )
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, "-c", code],
        env=server.env(PREFECT_RUNNER_POLL_FREQUENCY="2"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        end = time.monotonic() + 150
        done, runs = [], []
        while time.monotonic() < end and len(done) < 2:
            time.sleep(2)
            try:
                dep = server.deployment("ingest", "every-5s")
            except httpx.HTTPError:
                continue  # not registered yet
            runs = server.flow_runs(dep["id"])
            done = [r for r in runs if r["state_type"] == "COMPLETED"]
            assert not [r for r in runs if r["state_type"] in ("FAILED", "CRASHED")], (
                tmp_path / "serve.log"
            ).read_text()[-3000:]
        assert len(done) >= 2, (
            f"{len(runs)} runs, none completed twice; serve log:\n" + (tmp_path / "serve.log").read_text()[-3000:]
        )
        assert all(r["auto_scheduled"] for r in done)  # created by the server's scheduler
        for r in done:  # and they read so in the UI: a WIB time for a name, tagged scheduled
            assert r["name"].startswith("ingest ") and r["name"].endswith(" WIB"), r["name"]
            assert "scheduled" in r["tags"] and "manual" not in r["tags"] and "custom" not in r["tags"]
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    assert "Can't evaluate bulk DML statement" not in server.log()


def test_pantau_serve_starts_a_local_server_when_no_api_is_set(tmp_path, replay_site, webhook):
    """No PREFECT_API_URL: `pantau serve` starts `prefect server start` on 127.0.0.1, says where the UI is,
    serves the three deployments (schedules off with --paused), never runs two ingests at once (the second
    of two started together is cancelled), and stops the server when it stops."""
    port = free_port()
    cfg = demo_config(replay_site, tmp_path, channel_env="PANTAU_SERVE_HOOK")
    cfg["sources"] = [s for s in cfg["sources"] if s["name"] in ("replay-liputan6", "replay-detik")]
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(cfg))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PANTAU_HOME=str(tmp_path / "home"),
        PANTAU_SERVE_HOOK=webhook.apprise_url,
        PREFECT_RUNNER_POLL_FREQUENCY="2",
    )
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [BIN / "pantau", "serve", "--config", "config.yaml", "--port", str(port), "--paused"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        end, deps = time.monotonic() + 180, []
        while time.monotonic() < end and len(deps) < 3:
            time.sleep(2)
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                deps = httpx.post(f"{api}/deployments/filter", json={}, timeout=5).json()
            except httpx.HTTPError:
                continue
        out = (tmp_path / "serve.log").read_text()
        assert {d["name"] for d in deps} == {"ingest", "digest", "backfill"}, out
        assert f"starting `prefect server start --host 127.0.0.1 --port {port}`" in out
        line = next(line for line in out.splitlines() if line.startswith("pantau serve ·"))
        assert f"Prefect UI: http://127.0.0.1:{port}" in line
        assert "ingest (*/15 * * * * WIB (Asia/Jakarta), paused)" in line
        ingest = next(d for d in deps if d["name"] == "ingest")
        assert ingest["schedules"][0]["active"] is False and ingest["paused"] is False
        assert ingest["parameters"] == {"config_path": str(tmp_path / "config.yaml")}

        ids = [
            httpx.post(f"{api}/deployments/{ingest['id']}/create_flow_run", json={}, timeout=10).json()["id"]
            for _ in range(2)
        ]
        end, states = time.monotonic() + 120, {}
        while time.monotonic() < end and len(states) < 2:
            time.sleep(2)
            runs = [httpx.get(f"{api}/flow_runs/{i}", timeout=10).json() for i in ids]
            states = {r["id"]: r for r in runs if r["state_type"] in ("COMPLETED", "CANCELLED", "FAILED", "CRASHED")}
        got = sorted((r["state_type"], r["state"]["message"]) for r in states.values())
        assert got == [
            ("CANCELLED", "Deployment concurrency limit reached."),
            ("COMPLETED", "1 alert sent, 1 new story"),
        ], (tmp_path / "serve.log").read_text()[-3000:]
        assert len(webhook.received) == 1
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=60)
    time.sleep(1)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{api}/health", timeout=3)  # the server it started is gone
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def test_secret_set_stores_a_block_without_showing_it(server, tmp_path):
    value = "json://127.0.0.1:9/very-secret-token"
    r = subprocess.run(
        [BIN / "pantau", "secret", "set", "pantau-cli-secret"],
        input=value + "\n",
        env=server.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert value not in r.stdout + r.stderr and "very-secret" not in r.stdout + r.stderr
    assert "stored Prefect Secret block 'pantau-cli-secret'" in r.stdout
    got = subprocess.run(
        [
            sys.executable,
            "-c",
            "from prefect.blocks.system import Secret; print(Secret.load('pantau-cli-secret').get())",
        ],
        env=server.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert got.stdout.strip() == value
    r = subprocess.run(
        [BIN / "pantau", "secret", "set", "Bad_Name"],
        input=value,
        env=server.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "lowercase letters, digits and dashes" in r.stderr
    r = subprocess.run(
        [BIN / "pantau", "secret", "set", "empty-one"],
        input="",
        env=server.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "empty value; nothing stored" in r.stderr
