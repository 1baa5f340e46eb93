"""``pantau serve``: every deployment of deploy/prefect.yaml served from one long-running process —
the single-machine way to run pantau on its schedules and from the Prefect UI (the other way: a work
pool, ``prefect deploy`` and ``prefect worker start``, deploy/WORKER.md).

With no Prefect API configured (``PREFECT_API_URL``, or the active Prefect profile), it uses the
Prefect server answering on 127.0.0.1:PORT, else starts ``prefect server start`` there itself (``LocalServer``)
and stops it on exit — last, after the served runs have ended (it runs in a session of its own, so a
Ctrl-C reaches the runs, which report their end to it; a parent-death signal takes it down with a
killed ``pantau serve``). Schedules are left as they are on shutdown (not paused), so a restarted
``pantau serve`` — or a worker — carries on with them. On start and on stop, runs of the served
deployments whose process is gone are marked Crashed, freeing their concurrency slots (pantau/heal.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import httpx

from .errors import PantauError
from .process import die_with_parent

START_TIMEOUT_S = 180.0


class ServeError(PantauError):
    """The Prefect server could not be started or reached."""


def healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class LocalServer:
    """``prefect server start`` on 127.0.0.1:``port`` as a child process, its output in ``log_path``.
    The UI is told where its API is (``PREFECT_UI_API_URL``): otherwise it calls 127.0.0.1:4200."""

    def __init__(self, port: int, log_path: Path, env: dict[str, str] | None = None):
        self.port = port
        self.api_url = f"http://127.0.0.1:{port}/api"
        self.ui_url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.base_env = dict(os.environ if env is None else env)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = START_TIMEOUT_S) -> LocalServer:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in self.base_env.items() if k != "PREFECT_API_URL"}
        env.update(PREFECT_UI_API_URL=self.api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
        prefect = str(Path(sys.executable).with_name("prefect"))
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C on the terminal stops the runs, not their server
                preexec_fn=die_with_parent,  # ... and a killed parent takes it along
            )
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise ServeError(
                    f"`prefect server start` exited {self.proc.returncode}: {self.last_line()} (log: {self.log_path})"
                )
            if healthy(self.api_url):
                return self
            time.sleep(0.5)
        self.stop()
        raise ServeError(
            f"`prefect server start` did not answer on {self.api_url} within {timeout:.0f} s (log: {self.log_path})"
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def last_line(self) -> str:
        lines = [line for line in self.log().splitlines() if line.strip()]
        return lines[-1].strip() if lines else "no output"

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def configured_api_url() -> str | None:
    """The Prefect API this process would use: $PREFECT_API_URL, else the active profile's."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def ops_url(config_path: str | None) -> str | None:
    """The Apprise URL of the config's first enabled ``mode: ops`` channel, if any (its variable, or its
    Secret block read from the Prefect API in use)."""
    from .config import load_config
    from .connectors.delivery.channels import secret_url

    for ch in load_config(config_path).channels:
        if ch.enabled and ch.mode == "ops":
            return secret_url(ch)
    return None


def heal(specs: list, moment: str, wait_s: float = 15.0, ops: str | None = None) -> None:
    """Runs of the served deployments whose process is gone, marked Crashed (pantau/heal.py); on stop,
    the runs' processes get ``wait_s`` to end and report their own end first."""
    import asyncio

    from prefect.client.orchestration import get_client

    from .heal import crash_orphans, deployment_ids, wait_for_runs_to_end
    from .ops_automations import apply

    why = f"its process is gone (found when pantau serve {moment}); marked Crashed to free its concurrency slot"

    async def go() -> list[str]:
        async with get_client() as client:
            ids = await deployment_ids(client, [(d.flow, d.name) for d in specs])
            if moment == "started":
                await apply(client, ops)  # Prefect's zombie-run automation; with an ops channel, the ops ones
            else:
                await wait_for_runs_to_end(client, ids, wait_s)
            return await crash_orphans(client, ids, why)

    try:
        crashed = asyncio.run(go())
    except Exception as e:  # noqa: BLE001 - healing must never keep pantau serve from starting or stopping
        print(f"pantau serve: could not check for runs left behind ({type(e).__name__}: {e})", file=sys.stderr)
        return
    if crashed:
        print(f"pantau serve: {len(crashed)} run(s) whose process was gone marked Crashed: {', '.join(crashed)}")


def serve(config_path: str, port: int, paused: bool, log_home: Path, check: Callable[[], object] | None = None) -> int:
    """Serve deploy/prefect.yaml's deployments for the config at ``config_path`` until interrupted.
    ``check`` (the channels' check) runs once the Prefect API is chosen: a channel's Secret block is
    read from that API, not from a temporary server of its own."""
    from .config import load_config
    from .feedback_web import pages_for
    from .heal import prefers_heartbeats
    from .prefect_yaml import load_deployments

    specs = load_deployments()
    pages = None  # the feedback links' pages, when feedback.base_url is set (after the API: a Secret block)
    os.environ["PANTAU_CONFIG"] = config_path  # the forms' choices, and the served runs' config
    server = None
    api = configured_api_url()
    if api is None:
        local = LocalServer(port, log_home / "prefect-server.log")
        if healthy(local.api_url):
            print(f"pantau serve: using the Prefect server already answering on {local.ui_url}", flush=True)
        else:
            print(
                f"pantau serve: no PREFECT_API_URL set; starting `prefect server start --host 127.0.0.1 "
                f"--port {port}` (log: {local.log_path})",
                flush=True,
            )
            server = local.start()
        api = local.api_url
        os.environ["PREFECT_API_URL"] = api
    elif not healthy(api):
        raise ServeError(
            f"no Prefect server answers at PREFECT_API_URL={api}; start one (`prefect server start`) "
            "or unset PREFECT_API_URL to let pantau serve start one on 127.0.0.1"
        )
    prefers_heartbeats()
    try:
        pages = pages_for(load_config(config_path))
        if pages is not None:
            print(f"pantau serve: feedback pages on {pages.start().url}/feedback/…", flush=True)
        from prefect import serve as prefect_serve
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from .flows.deployments import deployments

        # Prefect's runner leaves this coroutine behind when SIGTERM stops it; harmless, not for people
        warnings.filterwarnings("ignore", message="coroutine 'Runner.astop' was never awaited")
        with temporary_settings(updates={PREFECT_API_URL: api}):
            if check is not None:
                check()  # Prefect's settings, read when it was imported, learn the API only here
            deps = deployments(specs, config_path, paused=paused)
            what = ", ".join(f"{d.name} ({d.schedule}{', paused' if paused and d.cron else ''})" for d in specs)
            ui = os.environ.get("PREFECT_UI_URL") or api.removesuffix("/api")
            heal(specs, "started", ops=ops_url(config_path))
            print(f"pantau serve · {what} · Prefect UI: {ui} · Ctrl-C stops", flush=True)
            try:
                prefect_serve(*deps, pause_on_shutdown=False, print_starting_message=False)
            finally:
                heal(specs, "stopped")
    finally:
        if pages is not None:
            pages.stop()
        if server is not None:
            server.stop()
    return 0
