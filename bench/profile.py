"""Where a cold ``pantau run`` spends its time: its cProfile stats (main thread only: threads and the
Prefect server are not in them) as the top entries by own time, pantau's own functions by cumulative
time, and own time summed per top-level package."""

from __future__ import annotations

import pstats
import re
from collections import defaultdict
from pathlib import Path

_SITE = re.compile(
    r".*/site-packages/([^/]+)/|.*/lib/python3\.\d+/([^/]+?)(?:\.py)?/"
    r"|.*/(pantau|connectors|flows)/"
)


def _package(filename: str) -> str:
    if filename.startswith("<") or filename == "~":
        return "(builtins)"
    m = _SITE.match(filename)
    if not m:
        return "(other)"
    name = next(g for g in m.groups() if g)
    return "stdlib:" + name if m.group(2) else name


def top(stats_path: Path, n: int = 15) -> str:
    """The top ``n`` functions by own time, then own time per package, as text."""
    st = pstats.Stats(str(stats_path))
    total = st.total_tt or 1e-9
    rows = sorted(st.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:n]
    out = [f"{'own s':>8} {'cum s':>8} {'calls':>9}  function"]
    for (fn, line, name), (_cc, nc, tt, ct, _callers) in rows:
        where = re.sub(r".*/site-packages/", "", fn)
        where = re.sub(r".*/(pantau|connectors|flows)/", r"\1/", where)
        where = where if len(where) <= 60 else "…" + where[-59:]
        out.append(f"{tt:8.2f} {ct:8.2f} {nc:9d}  {name} ({where}:{line})")
    own = [
        (ct, fn, line, name)
        for (fn, line, name), (_cc, _nc, _tt, ct, _callers) in st.stats.items()
        if re.search(r"/(pantau|connectors|flows)/", fn) and not name.startswith("<")
    ]
    out.append("")
    out.append("pantau's own functions by cumulative time (wrappers included):")
    for ct, fn, line, name in sorted(own, reverse=True)[:n]:
        where = re.sub(r".*/(pantau|connectors|flows)/", r"\1/", fn)
        out.append(f"  {ct:8.2f} s  {name} ({where}:{line})")
    per = defaultdict(float)
    for (fn, _line, _name), (_cc, _nc, tt, _ct, _callers) in st.stats.items():
        per[_package(fn)] += tt
    out.append("")
    out.append(f"own time per package (main thread, {total:.1f} s profiled):")
    for pkg, tt in sorted(per.items(), key=lambda kv: kv[1], reverse=True)[:12]:
        out.append(f"  {pkg:<28} {tt:7.2f} s  {100 * tt / total:5.1f} %")
    return "\n".join(out)
