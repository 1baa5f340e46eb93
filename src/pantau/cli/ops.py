"""pantau ops apply: the Prefect automations that watch pantau (pantau/ops_automations.py) on the server
of PREFECT_API_URL — for workers; ``pantau serve`` applies them itself."""

from __future__ import annotations

from typing import Any

from ..errors import PantauError
from .common import add_common, preflight


def cmd_ops_apply(args) -> int:
    import asyncio
    import os

    from prefect.client.orchestration import get_client

    from ..ops_automations import apply
    from ..serve import configured_api_url, ops_url

    preflight(args.config)
    if configured_api_url() is None:
        raise PantauError("ops apply: set PREFECT_API_URL to the Prefect server the automations go to")
    os.environ.setdefault("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false")
    url = ops_url(args.config)

    async def go() -> list[str]:
        async with get_client() as client:
            return await apply(client, url)

    for line in asyncio.run(go()):
        print(line)
    if url is None:
        print("no channel in mode: ops: only the zombie-run automation (add one to be told when ingest stops)")
    return 0


def register(sub: Any) -> None:
    sp = sub.add_parser("ops", help="the Prefect automations that tell the ops channel when pantau goes quiet")
    ssub = sp.add_subparsers(dest="action", required=True)
    sp = ssub.add_parser("apply", help="create or replace them on the server of PREFECT_API_URL")
    add_common(sp, json_flag=False)
    sp.set_defaults(fn=cmd_ops_apply)
