"""Waiting for a real process to get somewhere: poll once a second until ``check()`` answers something,
else fail saying what was awaited and, when given, what the process said (a log's text or file)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def wait_for(what: str, check: Callable[[], T], timeout: float, log: str | Path = "") -> T:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        time.sleep(1)
    said = log.read_text(errors="replace")[-4000:] if isinstance(log, Path) else log
    raise AssertionError(f"timed out waiting for {what}" + (f"; the process said:\n{said}" if said else ""))
