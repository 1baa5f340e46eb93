"""Scheduled and UI runs: pantau serve, and pantau secret set (a Prefect Secret block for a channel's URL)."""

from __future__ import annotations

import sys
from typing import Any

from ..errors import PantauError
from ..paths import data_home, find_config
from .common import add_common, preflight


def cmd_serve(args) -> int:
    from ..serve import serve

    preflight(args.config)
    found, _ = find_config(args.config)
    # a served run cannot start with a channel that cannot deliver; checked once the Prefect API is chosen
    # (a url_secret channel is read from it: checked before, Prefect would start a temporary server for it)
    return serve(str(found.resolve()), args.port, args.paused, data_home(), lambda: preflight(args.config, True))


def cmd_feedback_server(args) -> int:
    """Only the feedback pages (``pantau serve`` runs them too when feedback.base_url is set)."""
    from ..feedback_web import pages_for

    cfg = preflight(args.config)
    pages = pages_for(cfg, args.host, args.port)
    if pages is None:
        raise PantauError(f"{cfg.origin}: feedback.base_url is not set: alerts carry no feedback links to answer")
    print(
        f"pantau feedback pages on {pages.url}/feedback/… (public: {cfg.feedback.base_url}) · Ctrl-C stops", flush=True
    )
    pages.run()
    pages.store.close()
    return 0


def read_secret(name: str) -> str:
    """The value to store: from a hidden prompt on a terminal, else from stdin (one line, or all of it)."""
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(f"value for Prefect Secret block {name!r} (not shown): ")
    else:
        value = sys.stdin.read() if sys.stdin is not None else ""
    value = value.strip()
    if not value:
        raise PantauError(f"secret {name}: empty value; nothing stored")
    return value


def cmd_secret(args) -> int:
    """Store a Prefect Secret block (e.g. a channel's Apprise URL, for ``url_secret: NAME``)."""
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.name):
        raise PantauError(f"secret {args.name}: a block name takes lowercase letters, digits and dashes")
    value = read_secret(args.name)
    from prefect.blocks.system import Secret

    try:
        Secret(value=value).save(args.name, overwrite=True)  # type: ignore[arg-type]  # pydantic coerces
    except Exception as e:  # noqa: BLE001 - no server, refused, invalid: one line, never the value
        raise PantauError(
            f"secret {args.name}: not stored ({type(e).__name__}: "
            f"{str(e).replace(value, '***').splitlines()[0] if str(e) else 'no detail'})"
        ) from None
    print(
        f"stored Prefect Secret block {args.name!r} ({len(value)} characters); a channel uses it with "
        f"`url_secret: {args.name}`",
        flush=True,
    )
    return 0


def register(sub: Any) -> None:
    sp = sub.add_parser("serve", help="serve deploy/prefect.yaml's deployments (schedules, UI runs) from this process")
    add_common(sp, json_flag=False)
    sp.add_argument(
        "--port", type=int, default=4200, help="with no PREFECT_API_URL: the local Prefect server's port (default 4200)"
    )
    sp.add_argument("--paused", action="store_true", help="schedules off: runs start only by hand (UI, API)")
    sp.set_defaults(fn=cmd_serve)
    sp = sub.add_parser("feedback-server", help="serve only the pages of the alerts' wrong/right links")
    add_common(sp, json_flag=False)
    sp.add_argument("--host", help="listen on this address (default: feedback.host, 127.0.0.1)")
    sp.add_argument("--port", type=int, help="listen on this port (default: feedback.port, 8765)")
    sp.set_defaults(fn=cmd_feedback_server)
    sp = sub.add_parser("secret", help="store a Prefect Secret block (a channel's url_secret)")
    ssub = sp.add_subparsers(dest="action", required=True)
    sp = ssub.add_parser("set", help="store NAME; the value comes from a hidden prompt, or stdin when piped")
    sp.add_argument("name")
    sp.set_defaults(fn=cmd_secret)
