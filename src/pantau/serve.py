"""``pantau serve``: every deployment of deploy/prefect.yaml served from one long-running process —
the single-machine way to run pantau on its schedules and from the Prefect UI (the other way: a work
pool, ``prefect deploy`` and ``prefect worker start``, deploy/WORKER.md).

With no Prefect API configured (``PREFECT_API_URL``, or the active Prefect profile), it uses the
Prefect server answering on 127.0.0.1:PORT, else starts ``prefect server start`` there itself (``LocalServer``)
and stops it on exit. Schedules are left as they are on shutdown (not paused), so a restarted
``pantau serve`` — or a worker — carries on with them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import httpx

from .errors import PantauError

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


def serve(config_path: str, port: int, paused: bool, log_home: Path) -> int:
    """Serve deploy/prefect.yaml's deployments for the config at ``config_path`` until interrupted."""
    from .config import load_config
    from .feedback_web import pages_for
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
            deps = deployments(specs, config_path, paused=paused)
            what = ", ".join(f"{d.name} ({d.schedule}{', paused' if paused and d.cron else ''})" for d in specs)
            ui = os.environ.get("PREFECT_UI_URL") or api.removesuffix("/api")
            print(f"pantau serve · {what} · Prefect UI: {ui} · Ctrl-C stops", flush=True)
            prefect_serve(*deps, pause_on_shutdown=False, print_starting_message=False)
    finally:
        if pages is not None:
            pages.stop()
        if server is not None:
            server.stop()
    return 0
