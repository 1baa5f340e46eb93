"""pantau sources: each source's health from the store (last success, failures in a row, new links per
day over 7 days, last new link), the most worrying last, then one line saying what needs attention."""

from __future__ import annotations

from typing import Any

from .common import add_common, preflight, print_json


def cmd_sources(args) -> int:
    from .. import ops
    from ..store import Store

    cfg = preflight(args.config)
    store = Store(cfg.resolved_storage_url())
    try:
        health = store.health.rows()
    finally:
        store.close()
    print(ops.table_text(health))
    holding = ops.conditions(health, cfg.sources, None)
    unread = [s.name for s in cfg.sources if s.enabled and s.name not in {h.source for h in health}]
    lines = [m for k, m in sorted(holding.items())]
    if unread:
        lines.append(f"not read yet: {', '.join(unread)}")
    print()
    verdict = f"{len(holding)} source problem{'s' if len(holding) != 1 else ''}: " if holding else ""
    print(verdict + "; ".join(lines) if lines else f"all {len(health)} sources healthy")
    if args.json:
        print_json({"sources": ops.table_artifact(health), "problems": holding, "not_read_yet": unread})
    return 1 if holding else 0


def register(sub: Any) -> None:
    sp = sub.add_parser("sources", help="each source's health from the store (exit 1 when one needs attention)")
    add_common(sp)
    sp.set_defaults(fn=cmd_sources)
