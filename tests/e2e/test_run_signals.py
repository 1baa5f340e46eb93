"""`pantau run` stopped by a signal (issue 18, defect 5), with no Prefect API configured (it then runs a
temporary Prefect server of its own): SIGKILL takes that server with it; SIGTERM, and Ctrl-C (SIGINT to
the terminal's process group), end the run with one line — no traceback, no burst of ERROR lines — and
exit 130, and the server is gone too."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from pantau.demo import demo_config
from support.faults import FaultServer
from support.processes import descendants

pytestmark = pytest.mark.integration
PANTAU = str(Path(sys.executable).with_name("pantau"))


def prefect_servers_under(pid: int) -> list[int]:
    """Pids of the processes descending from ``pid`` that run a Prefect server."""
    return [
        p
        for p, cmd in descendants(pid).items()
        if "prefect.server.api.server:create_app" in cmd or "server start" in cmd
    ]


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(check, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "Ctrl-C"])
def test_a_stopped_run_takes_its_temporary_server_along(how, tmp_path, replay_site):
    fault = FaultServer().start()
    try:
        cfg = demo_config(replay_site, tmp_path, channel_env=None)
        cfg["sources"] = [s for s in cfg["sources"] if s["name"] == "replay-liputan6"]
        cfg["sources"].append({"name": "hang", "url": f"{fault.base}/blackhole", "kind": "rss"})
        allowed = [*cfg["http"]["allow_private"], f"127.0.0.1:{fault.port}"]
        cfg["http"].update(timeout_s=600, retries=0, allow_private=allowed)
        cfg["pipeline"] = {"source_deadline_s": 600}
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(cfg))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(PREFECT_HOME=str(tmp_path / "prefect"), PANTAU_HOME=str(tmp_path / "home"))
        out = tmp_path / "run.log"
        with out.open("wb") as log:
            run = subprocess.Popen(
                [PANTAU, "run", "--config", str(tmp_path / "config.yaml")],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group, as a terminal's foreground job
            )
        try:
            assert wait_for(lambda: fault.hits("/blackhole") > 0, 180), out.read_text()[-3000:]
            servers = prefect_servers_under(run.pid)
            assert servers, "no temporary Prefect server found under pantau run"
            before = len(out.read_text().splitlines())
            if how == "SIGKILL":
                run.send_signal(signal.SIGKILL)
            elif how == "SIGTERM":
                run.send_signal(signal.SIGTERM)
            else:
                os.killpg(run.pid, signal.SIGINT)
            code = run.wait(timeout=90)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
        gone = wait_for(lambda: not any(alive(p) for p in servers), 20)
        assert gone, f"the Prefect server outlived pantau run ({how})"
        if how == "SIGKILL":
            return
        text = out.read_text()
        after = text.splitlines()[before:]
        assert code == 130, text[-3000:]
        assert "Traceback" not in text, text[-3000:]
        assert sum("ERROR" in line for line in after) <= 1, "\n".join(after)
        assert after[-1].startswith("pantau run: interrupted"), "\n".join(after)
    finally:
        fault.stop()
