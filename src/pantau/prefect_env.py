"""The environment pantau's commands give Prefect, set before Prefect is imported.

* analytics off (``PREFECT_SERVER_ANALYTICS_ENABLED=false``, ``DO_NOT_TRACK=1``);
* ``PREFECT_HOME`` created when it is set but missing (Prefect's temporary server cannot open its
  database in a folder that does not exist);
* console logs for people (``pantau/logging.yaml``, unless you point Prefect at your own file): short
  lines, one per retry, no "Finished in state Completed()" per task, and none of the
  ``CancelledError`` tracebacks Prefect's temporary server prints while it shuts down (nor its
  "Stopping temporary server" line, which would come after the run's closing verdict);
* no third-party record below WARNING on the console (a library's DEBUG lines may carry URLs with
  secrets: Apprise's do), unless ``--verbose`` (``verbose()``: ``PANTAU_VERBOSE=1`` and the root
  logger at DEBUG, inherited by served runs).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

LOGGING_YAML = Path(__file__).resolve().parent / "logging.yaml"


def prepare() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    if not (os.environ.get("PREFECT_LOGGING_CONFIG_PATH") or os.environ.get("PREFECT_LOGGING_SETTINGS_PATH")):
        os.environ["PREFECT_LOGGING_CONFIG_PATH"] = str(LOGGING_YAML)
    if os.environ.get("PANTAU_VERBOSE"):
        verbose()
    home = os.environ.get("PREFECT_HOME")
    if home:
        Path(home).expanduser().mkdir(parents=True, exist_ok=True)


def verbose() -> None:
    """Every logger's DEBUG lines on the console, for this process and the runs it starts (before Prefect
    is imported: Prefect reads PREFECT_LOGGING_ROOT_LEVEL when it sets logging up)."""
    os.environ["PANTAU_VERBOSE"] = "1"
    os.environ["PREFECT_LOGGING_ROOT_LEVEL"] = "DEBUG"
    if "prefect" in sys.modules:  # already set up: lower the root logger here too
        logging.getLogger().setLevel(logging.DEBUG)


INTERRUPTED = "Execution was cancelled by the runtime environment"  # Prefect's words for a run stopped by a signal
OWN = ("prefect", "pantau", "uvicorn", "fastapi", "__main__")


def _cancelled(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, asyncio.CancelledError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


class QuietConsole(logging.Filter):
    """Drops console noise, and third-party records below WARNING unless ``--verbose``; everything else
    (a real error's traceback included) passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            record.levelno < logging.WARNING
            and record.name.split(".", 1)[0] not in OWN
            and not os.environ.get("PANTAU_VERBOSE")
        ):
            return False  # a library's logger lowered (e.g. Apprise's LogCapture at DEBUG) stays off the console
        if record.name.startswith("prefect.task_runs") and str(record.msg).startswith("Finished in state Completed"):
            return False
        if record.exc_info and _cancelled(record.exc_info[1]):
            return False  # the temporary server (its services, its database pool) stopping
        if str(record.msg).startswith("Stopping temporary server"):
            return False  # at exit, after pantau's closing lines
        if INTERRUPTED in record.getMessage():
            return False  # a Ctrl-C or SIGTERM: `pantau run` says so in one line (the Prefect UI keeps these)
        return True
