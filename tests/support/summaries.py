"""A flow's state carries its run summary as a ``RunSummary``; the tests read it as ``pantau run --json``
prints it (a dict), and leave whatever else a state holds (a digest's ``Delivery``, a ``StoreError``)."""

from __future__ import annotations

from pantau.models import RunSummary


def as_json(data: object) -> object:
    return data.to_dict() if isinstance(data, RunSummary) else data
