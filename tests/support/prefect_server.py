"""A real `prefect server start` on loopback (pantau.serve.LocalServer), with its own home, tuned for
tests: the scheduler looks for work every 2 seconds instead of every 60 (the settings are the server's own)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import httpx

from pantau.serve import LocalServer

FAST_SCHEDULER = {
    "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
    "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "2",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrefectServer(LocalServer):
    def __init__(self, home: Path, port: int | None = None):
        self.home = home
        super().__init__(port or free_port(), home / "server.log", env=self.env(**FAST_SCHEDULER))

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a client of this server (CLI, worker, served flows)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(PREFECT_HOME=str(self.home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", **extra)
        if hasattr(self, "api_url"):
            env["PREFECT_API_URL"] = self.api_url
        return env

    def start(self, timeout: float = 180) -> PrefectServer:
        self.home.mkdir(parents=True, exist_ok=True)
        super().start(timeout)
        return self

    def flow_runs(self, deployment_id: str | None = None) -> list[dict]:
        body: dict = {"limit": 200}
        if deployment_id:
            body["deployments"] = {"id": {"any_": [deployment_id]}}
        r = httpx.post(f"{self.api_url}/flow_runs/filter", json=body, timeout=10)
        r.raise_for_status()
        return r.json()

    def deployment(self, flow_name: str, name: str) -> dict:
        r = httpx.get(f"{self.api_url}/deployments/name/{flow_name}/{name}", timeout=10)
        r.raise_for_status()
        return r.json()

    def artifacts(self, flow_run_id: str) -> dict[str, dict]:
        r = httpx.post(
            f"{self.api_url}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}, timeout=10
        )
        r.raise_for_status()
        return {a["key"]: a for a in r.json()}
