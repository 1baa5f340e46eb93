"""The process tree under a pid, read from ``/proc`` (Linux): which servers a pantau command started."""

from __future__ import annotations

from pathlib import Path


def descendants(pid: int) -> dict[int, str]:
    """Pid → command line of every process descending from ``pid`` (children first, then theirs)."""
    kids: dict[int, list[int]] = {}
    cmd: dict[int, str] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd[int(d.name)] = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    out: dict[int, str] = {}
    todo = list(kids.get(pid, []))
    while todo:
        p = todo.pop()
        todo += kids.get(p, [])
        out[p] = cmd.get(p, "")
    return out
