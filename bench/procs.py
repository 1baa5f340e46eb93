"""Subprocesses the bench starts: measured (wall time, CPU time, peak RSS of the process tree) and
always ended — each runs in its own session, and its whole process group is terminated on the way
out (normal exit, error or Ctrl-C), so no server or worker outlives the bench.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

try:  # psutil when installed; /proc otherwise
    import psutil
except ImportError:  # pragma: no cover - depends on the environment
    psutil = None

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
# Prefect's API server (ephemeral: a uvicorn subprocess; or `prefect server start`) is not pantau.
SERVER_MARKERS = ("uvicorn", "prefect.server", "prefect server")


def _proc_table() -> dict[int, tuple[int, str, int, float]]:
    """pid -> (ppid, command line, RSS bytes, CPU seconds) of every process we can read."""
    out = {}
    if psutil is not None:
        for p in psutil.process_iter(["ppid", "cmdline", "memory_info", "cpu_times"]):
            try:
                info = p.info
                cpu = info["cpu_times"]
                out[p.pid] = (
                    info["ppid"] or 0,
                    " ".join(info["cmdline"] or []),
                    info["memory_info"].rss if info["memory_info"] else 0,
                    (cpu.user + cpu.system) if cpu else 0.0,
                )
            except (psutil.Error, TypeError):
                continue
        return out
    tick = os.sysconf("SC_CLK_TCK")
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
            with open(f"/proc/{name}/statm", "rb") as f:
                rss_pages = int(f.read().split()[1])
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except (OSError, IndexError, ValueError):
            continue
        fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (comm) "
        out[int(name)] = (int(fields[1]), cmd, rss_pages * PAGE, (int(fields[11]) + int(fields[12])) / tick)
    return out


def tree(root: int, table: dict | None = None) -> dict[int, tuple[int, str, int, float]]:
    """The processes of ``root``'s tree (root included) from one snapshot of the process table."""
    table = _proc_table() if table is None else table
    kids: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in table and pid not in out:
            out[pid] = table[pid]
            todo.extend(kids.get(pid, []))
    return out


def is_server(cmdline: str) -> bool:
    return any(m in cmdline for m in SERVER_MARKERS)


def end_group(proc: subprocess.Popen, grace: float = 10.0, sig: int = signal.SIGTERM) -> None:
    """Terminate the process group the bench started ``proc`` in (its own session), then reap it."""
    pgid = proc.pid
    for s, wait in ((sig, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, s)
        except (ProcessLookupError, PermissionError):
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None and not _group_alive(pgid):
                return
            time.sleep(0.05)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


@dataclass
class Measured:
    argv: list[str]
    returncode: int | None = None
    started: float = 0.0  # time.perf_counter() just before the process was started
    ended: float = 0.0  # ... and when it had exited
    cpu_s: float = 0.0  # user + system CPU of the process and the children it reaped
    server_cpu_s: float = 0.0  # of that, Prefect API server processes (last seen)
    bench_cpu_s: float = 0.0  # the bench's own process meanwhile: the loopback site, sampling
    peak_rss_mb: float = 0.0  # peak of the tree's summed RSS, Prefect server excluded
    peak_rss_all_mb: float = 0.0  # the same with the server
    log: Path | None = None  # standard output; standard error is beside it (.err)
    timed_out: bool = False
    samples: int = 0
    output: str = field(default="", repr=False)

    @property
    def wall_s(self) -> float:
        return self.ended - self.started

    def last_json(self) -> dict | None:
        """The JSON object printed as the last (non-empty) line of the output, if any."""
        for line in reversed(self.output.splitlines()):
            line = line.strip()
            if line:
                try:
                    obj = json.loads(line)
                except ValueError:
                    return None
                return obj if isinstance(obj, dict) else None
        return None


def run_measured(
    argv: list[str],
    env: dict[str, str],
    log: Path,
    timeout: float = 3600.0,
    poll_s: float = 0.1,
    cwd: Path | None = None,
    on_poll=None,
) -> Measured:
    """Run ``argv`` to completion in its own session, sampling its tree's memory every ``poll_s``
    (``on_poll(seconds_since_start)`` is called after each sample: progress lines)."""
    m = Measured(argv=list(argv), log=log)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    log.parent.mkdir(parents=True, exist_ok=True)
    done = threading.Event()
    with log.open("wb") as out, log.with_suffix(".err").open("wb") as err:
        m.started = time.perf_counter()
        proc = subprocess.Popen(
            argv, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True, cwd=cwd
        )

        def waiter():
            proc.wait()
            m.ended = time.perf_counter()
            done.set()

        threading.Thread(target=waiter, daemon=True).start()
        try:
            server_cpu: dict[int, float] = {}
            while not done.wait(poll_s):
                procs = tree(proc.pid)
                m.samples += 1
                rss = sum(r for _, cmd, r, _ in procs.values() if not is_server(cmd))
                m.peak_rss_mb = max(m.peak_rss_mb, rss / 2**20)
                m.peak_rss_all_mb = max(m.peak_rss_all_mb, sum(r for _, _, r, _ in procs.values()) / 2**20)
                for pid, (_, cmd, _, cpu) in procs.items():
                    if is_server(cmd):
                        server_cpu[pid] = cpu
                if on_poll is not None:
                    on_poll(time.perf_counter() - m.started)
                if time.perf_counter() - m.started > timeout:
                    m.timed_out = True
                    break
            m.server_cpu_s = sum(server_cpu.values())
        finally:
            end_group(proc)  # stragglers too (e.g. an ephemeral server left behind)
            done.wait(10)
    if not m.ended:
        m.ended = time.perf_counter()
    m.returncode = proc.returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m.cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    m.bench_cpu_s = (own_after.ru_utime - own.ru_utime) + (own_after.ru_stime - own.ru_stime)
    m.output = log.read_text(encoding="utf-8", errors="replace")
    return m
