"""What a run cannot tell about itself, Prefect tells (issue 18, defect 6): `pantau ops apply` puts the
automations on a real Prefect server (twice: no duplicates) and the server itself — no pantau process
involved — sends to the ops channel's URL (a loopback webhook) when an ingest run crashed, and when no
ingest run completed within the window (an hour in production; seconds here)."""

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from pantau.demo import demo_config
from pantau.heal import ZOMBIES
from pantau.ops_automations import CRASHED, SILENT
from support.prefect_server import PrefectServer

pytestmark = pytest.mark.integration
PANTAU = str(Path(sys.executable).with_name("pantau"))


def wait_for(check, timeout: float):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        time.sleep(1)
    return None


def test_the_server_tells_the_ops_channel(tmp_path, replay_site, webhook):
    server = PrefectServer(tmp_path / "prefect").start()
    try:
        cfg = demo_config(replay_site, tmp_path, channel_env=None)
        cfg["channels"] = [{"name": "ops", "url_env": "PANTAU_T_OPS", "mode": "ops"}]
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(cfg))
        env = server.env(PANTAU_T_OPS=webhook.apprise_url)
        for word in ("created", "updated"):
            r = subprocess.run(
                [PANTAU, "ops", "apply", "--config", str(tmp_path / "config.yaml")],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert r.returncode == 0, r.stdout + r.stderr
            assert r.stdout.splitlines() == [f"{ZOMBIES}: {word}", f"{CRASHED}: {word}", f"{SILENT}: {word}"]
        api = server.api_url
        names = sorted(a["name"] for a in httpx.post(f"{api}/automations/filter", json={}, timeout=10).json())
        assert names == sorted([ZOMBIES, CRASHED, SILENT])
        assert webhook.apprise_url not in server.log()

        flow = httpx.post(f"{api}/flows/", json={"name": "ingest"}, timeout=10).json()
        run = httpx.post(f"{api}/flow_runs/", json={"flow_id": flow["id"], "name": "doomed-run"}, timeout=10).json()
        for state in ("RUNNING", "CRASHED"):
            r = httpx.post(
                f"{api}/flow_runs/{run['id']}/set_state",
                json={"state": {"type": state, "message": "its process is gone"}, "force": True},
                timeout=10,
            )
            assert r.status_code in (200, 201), r.text
        told = wait_for(lambda: [m for m in webhook.received if m.get("title") == CRASHED], 90)
        assert told, f"no notice; received: {webhook.received}"
        assert "doomed-run (Crashed: its process is gone)" in told[0]["message"]

        from prefect.client.orchestration import get_client
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from pantau.ops_automations import apply

        async def short_window():
            async with get_client() as client:
                return await apply(client, webhook.apprise_url, silent_s=10)

        with temporary_settings(updates={PREFECT_API_URL: api}):
            asyncio.run(short_window())
        silent = wait_for(lambda: [m for m in webhook.received if m.get("title") == SILENT], 120)
        assert silent, f"no notice; received: {webhook.received}"
    finally:
        server.stop()
