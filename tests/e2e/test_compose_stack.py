"""The compose stack, proven without Docker (issue 18): deploy/compose.yaml's services run natively, each
with the command and environment the file gives it (read from the file, so a change there is what runs
here), on a tree laid out as deploy/Dockerfile lays out the image: the wheel installed plainly (not
editable) in a fresh venv, and the project folder copied to an ``app`` folder that is the working
directory. Then each deployment runs once to Completed and an alert reaches a loopback webhook.

What stands in for what Docker would provide (and nothing else is changed):

* the ``postgres`` service: the test PostgreSQL server ($PANTAU_TEST_POSTGRES_URL) with a fresh
  database; the URL compose gives Prefect keeps its driver (asyncpg), with the test server's
  address, role and database in place of ``prefect:…@postgres:5432/prefect``;
* service names and ports: ``prefect:4200`` → 127.0.0.1 and a free port, ``0.0.0.0`` → 127.0.0.1 (nothing
  listens beyond loopback), the worker's health port 8080 → a free port; ``/app`` → the app folder;
* ``deploy/.env``: its variables are given (passwords, and the webhook as ``PANTAU_SLACK_URL``) as
  compose's ``env_file`` would give them;
* ``config.yaml`` in the app folder: the operator's edit — the replay site's sources instead of the
  real outlets (no network), the channel PANTAU_SLACK_URL kept;
* ``restart: on-failure`` (deploy): run again until it exits 0, as compose does.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml

from pantau.demo import demo_config
from pantau.heal import ZOMBIES
from pantau.ops_automations import CRASHED, SILENT
from support.paths import PROJECT
from support.prefect_server import free_port
from support.waiting import wait_for
from support.wheel import build_wheel, plain_venv

pytestmark = pytest.mark.integration
AUTH = ("admin", "compose-test")


def substitute(value: str, variables: dict[str, str]) -> str:
    """compose's ${VAR}, ${VAR:?message} and ${VAR:-default}."""

    def one(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        if name in variables and variables[name] != "":
            return variables[name]
        if op == ":?":
            raise AssertionError(f"compose would stop: {arg}")
        return arg if op == ":-" else ""

    return re.sub(r"\$\{(\w+)(:[?-])?([^}]*)\}", one, value)


class Stack:
    def __init__(self, tmp: Path, bin_dir: Path, pg_url: str, hook_url: str):
        self.tmp, self.bin = tmp, bin_dir
        self.compose = yaml.safe_load((PROJECT / "deploy" / "compose.yaml").read_text())["services"]
        self.port, self.health_port = free_port(), free_port()
        self.app = tmp / "app"
        self.pg_url = pg_url
        self.variables = {
            "POSTGRES_PASSWORD": "compose-test-pw",
            "PREFECT_AUTH_STRING": ":".join(AUTH),
            "PANTAU_SLACK_URL": hook_url,
            "PANTAU_EMAIL_URL": "",
            "PANTAU_OPS_URL": hook_url,
        }
        self.procs: list[subprocess.Popen] = []
        self.api = f"http://127.0.0.1:{self.port}/api"

    def native(self, text: str) -> str:
        """A value from compose.yaml as it reads on this machine (see the module's docstring)."""
        text = substitute(str(text), self.variables)
        text = text.replace("http://prefect:4200", f"http://127.0.0.1:{self.port}")
        text = text.replace("127.0.0.1:4200", f"127.0.0.1:{self.port}")
        text = text.replace("0.0.0.0", "127.0.0.1")
        if text.startswith("postgresql+asyncpg://"):
            from sqlalchemy.engine import make_url

            test = make_url(self.pg_url)
            url = make_url(text).set(
                username=test.username, password=test.password, host=test.host, port=test.port, database=test.database
            )
            text = url.render_as_string(hide_password=False)
        return text.replace("/app", str(self.app))

    def env(self, service: str) -> dict[str, str]:
        spec = self.compose[service]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PANTAU_", "PYTHON"))}
        env["PATH"] = f"{self.bin}:{env.get('PATH', '')}"  # the image's python and scripts first
        env["HOME"] = str(self.tmp / f"home-{service}")
        if spec.get("env_file"):
            env.update({k: v for k, v in self.variables.items() if k.startswith("PANTAU_")})
        for k, v in (spec.get("environment") or {}).items():
            env[k] = self.native(v)
        if env.get("PREFECT_WORKER_WEBSERVER_PORT") == "8080":
            env["PREFECT_WORKER_WEBSERVER_PORT"] = str(self.health_port)
        return env

    def command(self, service: str) -> list[str]:
        cmd = [self.native(c) for c in self.compose[service]["command"]]
        return [str(self.port) if c == "4200" else c for c in cmd]

    def start(self, service: str) -> subprocess.Popen:
        log = (self.tmp / f"{service}.log").open("ab")
        proc = subprocess.Popen(
            self.command(service),
            env=self.env(service),
            cwd=self.app,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def log(self, service: str) -> str:
        path = self.tmp / f"{service}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.api + path, auth=AUTH, timeout=10)

    def post(self, path: str, body: dict) -> httpx.Response:
        return httpx.post(self.api + path, json=body, auth=AUTH, timeout=10)


def lay_out_app(app: Path) -> None:
    """As deploy/Dockerfile does: WORKDIR /app, COPY . /app (less .dockerignore), PANTAU_HOME=/app."""
    docker = (PROJECT / "deploy" / "Dockerfile").read_text()
    assert re.search(r"^WORKDIR /app$", docker, re.M) and re.search(r"^COPY \. /app$", docker, re.M)
    assert "PANTAU_HOME=/app" in docker
    ignored = [p for p in (PROJECT / ".dockerignore").read_text().split() if not p.startswith("#")]
    names = {p for p in ignored if "/" not in p and "*" not in p} | {"__pycache__", "build"}
    shutil.copytree(PROJECT, app, ignore=shutil.ignore_patterns(*names, "*.egg-info"))


def test_the_compose_services_run_natively(tmp_path, replay_site, webhook, postgres_url):
    bin_dir = plain_venv(tmp_path, build_wheel(tmp_path))
    stack = Stack(tmp_path, bin_dir, postgres_url, webhook.apprise_url)
    lay_out_app(stack.app)
    cfg = demo_config(replay_site, stack.app, channel_env="PANTAU_SLACK_URL")
    cfg["sources"] = [s for s in cfg["sources"] if s["name"] in ("replay-liputan6", "replay-kompas")]
    cfg["storage_url"] = f"sqlite:///{stack.app / 'data' / 'pantau.db'}"  # the pantau-data volume
    cfg["channels"].append({"name": "ops", "url_env": "PANTAU_OPS_URL", "mode": "ops"})
    (stack.app / "data").mkdir(exist_ok=True)
    (stack.app / "config.yaml").write_text(yaml.safe_dump(cfg))
    try:
        server = stack.start("prefect")
        wait_for(
            "the Prefect server (on PostgreSQL)",
            lambda: server.poll() is None and _ok(stack, "/health"),
            240,
            stack.log("prefect"),
        )
        assert server.poll() is None, stack.log("prefect")
        assert httpx.post(f"{stack.api}/flows/filter", json={}, timeout=5).status_code == 401  # basic auth
        worker = stack.start("worker")
        for _attempt in range(10):  # restart: on-failure
            deploy = stack.start("deploy")
            if deploy.wait(timeout=300) == 0:
                break
            time.sleep(5)
        assert deploy.returncode == 0, stack.log("deploy")
        automations = sorted(a["name"] for a in stack.post("/automations/filter", {}).json())
        assert automations == sorted([ZOMBIES, CRASHED, SILENT])  # `pantau ops apply`, in the deploy step
        wait_for(
            "the worker's health check",
            lambda: _health(stack.health_port),
            120,
            stack.log("worker"),
        )
        assert worker.poll() is None, stack.log("worker")
        for name in ("ingest", "digest", "backfill"):
            dep = stack.get(f"/deployments/name/{name}/{name}").json()
            run = stack.post(f"/deployments/{dep['id']}/create_flow_run", {}).json()
            state = wait_for(
                f"the {name} run to end",
                lambda run=run: _final(stack, run["id"]),
                300,
                stack.log("worker"),
            )
            assert state["type"] == "COMPLETED", f"{name}: {state}\n{stack.log('worker')}"
        assert [m for m in webhook.received if not m["title"].startswith("pantau:")], "no alert reached the webhook"
    finally:
        stack.stop()


def _ok(stack: Stack, path: str) -> bool:
    try:
        return stack.get(path).status_code == 200
    except httpx.HTTPError:
        return False


def _health(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def _final(stack: Stack, run_id: str) -> dict | None:
    state = stack.get(f"/flow_runs/{run_id}").json()["state"]
    return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None
