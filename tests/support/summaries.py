"""A flow's state carries its run summary as a ``RunSummary``; the tests read it as ``pantau run --json``
prints it (a dict), and leave whatever else a state holds (a digest's ``Delivery``, a ``StoreError``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pantau.models import RunSummary


def as_json(data: object) -> object:
    return data.to_dict() if isinstance(data, RunSummary) else data


def run_ingest(path: Path) -> tuple:
    """One ingest run of the config at ``path``: its final state and its summary as --json prints it."""
    from pantau.flows.ingest import ingest

    async def go():
        state = await ingest(config_path=str(path), return_state=True)
        return state, as_json(await state.result(raise_on_failure=False))

    return asyncio.run(go())
