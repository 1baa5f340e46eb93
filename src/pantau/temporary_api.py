"""The Prefect API of one ``pantau run`` (or ``pantau demo``) when none is configured: the temporary
server Prefect would start itself (the same uvicorn command, UI off, database in PREFECT_HOME), but
started by pantau so that it never outlives the run — in a session of its own (a Ctrl-C on the terminal
stops the run, which then still reports its end to the server) and with a parent-death signal (a
``pantau run`` killed with SIGKILL takes it along; Prefect's own would stay up). Stopped when the run ends.

SIGTERM on the run is turned into the SIGINT Python already handles (``asyncio.run`` cancels the flow,
Prefect marks the run Crashed): ``pantau run`` then ends with one line, not a traceback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from .errors import PantauError
from .process import die_with_parent

START_TIMEOUT_S = 120.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryServer:
    def __init__(self, log_path: Path):
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = START_TIMEOUT_S) -> TemporaryServer:
        import prefect

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1")
        args = [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).parent.parent)]
        args += ["--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port)]
        args += ["--log-level", "error", "--lifespan", "on"]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                args,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise PantauError(
                    f"Prefect's temporary server exited {self.proc.returncode} at start (log: {self.log_path})"
                )
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise PantauError(f"Prefect's temporary server did not answer within {timeout:.0f} s (log: {self.log_path})")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _sigterm_as_sigint(signum, frame) -> None:
    os.kill(os.getpid(), signal.SIGINT)  # asyncio.run's own SIGINT handling cancels the flow cleanly


@contextlib.contextmanager
def prefect_api(log_home: Path) -> Iterator[str | None]:
    """The API a run talks to: the configured one, else a TemporaryServer for the block's duration."""
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _sigterm_as_sigint)
    from .serve import configured_api_url

    api = configured_api_url()
    if api is not None:
        yield api
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = TemporaryServer(log_home / "prefect-temporary-server.log").start()
    os.environ["PREFECT_API_URL"] = server.api_url  # for what the run starts (Dask workers, subprocesses)
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        _drain()  # the run's last log lines and events reach the server before it stops
        server.stop()


def _drain() -> None:
    try:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)
        EventsWorker.drain_all(timeout=5)
    except Exception:  # noqa: BLE001 - best effort: what is left is lost with the temporary server anyway
        pass
