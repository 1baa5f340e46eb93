"""A real Prefect API server for the bench's runs: ``prefect server start`` on 127.0.0.1, its own
PREFECT_HOME (so its SQLite database is the bench's, not the user's), ended with its process group."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .procs import end_group

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tool(name: str, module: str) -> list[str]:
    """The venv's console script ``name``, else ``python -m module``."""
    exe = Path(sys.executable).with_name(name)
    return [str(exe)] if exe.exists() else [sys.executable, "-m", module]


def child_env(home: Path, api_url: str | None) -> dict[str, str]:
    """The environment of every process the bench starts: loopback only (no proxy), no outside Prefect
    API, the bench's PREFECT_HOME; ``api_url``: the running server's API (None: ephemeral)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PREFECT_API_") and k != "PANTAU_CONFIG" and not k.lower().endswith("_proxy")
    }
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", PYTHONUNBUFFERED="1")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


class PrefectServer:
    def __init__(self, home: Path, log: Path):
        self.home = home
        self.log = log
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.startup_s = 0.0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, timeout: float = 180.0) -> PrefectServer:
        self.home.mkdir(parents=True, exist_ok=True)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        with self.log.open("wb") as out:
            argv = [*tool("prefect", "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)]
            self.proc = subprocess.Popen(
                argv,
                env=child_env(self.home, None),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"prefect server exited with {self.proc.returncode}; see {self.log}")
                if time.perf_counter() - t > timeout:
                    raise RuntimeError(f"prefect server not healthy after {timeout:.0f}s; see {self.log}")
                try:
                    with _DIRECT.open(self.api_url + "/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                time.sleep(0.25)
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.perf_counter() - t
        return self

    def stop(self) -> None:
        if self.proc is not None:
            end_group(self.proc, grace=20.0)
            self.proc = None

    def __enter__(self) -> PrefectServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
