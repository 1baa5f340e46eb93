"""The alert ledger and the channels: pantau outbox and test-alert."""

from __future__ import annotations

import json
import sys
from typing import Any

from .common import add_common, preflight, print_json


def cmd_outbox(args) -> int:
    from ..store import Store

    cfg = preflight(args.config)
    store = Store(cfg.resolved_storage_url())
    if args.requeue:
        ok = store.outbox.requeue(args.requeue)
        print(f"outbox {args.requeue}: {'requeued' if ok else 'not requeued (only failed/uncertain rows can be)'}")
        return 0 if ok else 1
    for r in store.outbox.rows():
        if args.all or r.state != "sent":
            print(
                f"{r.id:>5} {r.state:<9} {r.channel:<12} {r.kind:<7} story {r.story_id:<5} "
                f"attempts {r.attempts} {r.last_error or ''}"
            )
    print(json.dumps(store.outbox.counts()))
    return 0


def cmd_test_alert(args) -> int:
    from ..alerts import sample_alert
    from ..config import load_config
    from ..connectors.delivery import resolve_channels
    from ..errors import DeliveryError

    cfg = load_config(args.config)
    channels, skipped = resolve_channels(cfg)
    for name, why in skipped.items():
        print(f"{name:<12} skipped: {why}")
    chosen = [
        c
        for c in channels
        if (not args.channel or c.name == args.channel) and (not args.tag or args.tag in c.settings.tags)
    ]
    if not chosen:
        print(f"no channel matches {args.channel or args.tag!r}", file=sys.stderr)
        return 2
    failures = 0
    results = {}
    for ch in chosen:
        title, body = sample_alert(ch.format, ch.template_dir)
        try:
            ch.send(title, body, ch.format, None)
            results[ch.name] = "sent"
        except DeliveryError as e:
            failures += 1
            results[ch.name] = f"FAILED: {e}"
        print(f"{ch.name:<12} {ch.format:<8} {results[ch.name]}")
    if args.json:
        print_json(results)
    return 1 if failures else 0


def register(sub: Any) -> None:
    sp = sub.add_parser("outbox", help="alert ledger: pending, failed and uncertain alerts")
    add_common(sp, json_flag=False)
    sp.add_argument("--all", action="store_true")
    sp.add_argument("--requeue", type=int, metavar="ID")
    sp.set_defaults(fn=cmd_outbox)
    sp = sub.add_parser("test-alert", help="send a sample alert through each configured channel")
    add_common(sp)
    sp.add_argument("--channel")
    sp.add_argument("--tag")
    sp.set_defaults(fn=cmd_test_alert)
