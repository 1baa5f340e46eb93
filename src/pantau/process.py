"""Child processes that never outlive pantau: ``die_with_parent`` as a ``preexec_fn`` asks Linux to
send the child SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``), so a ``pantau run`` or
``pantau serve`` killed with SIGKILL does not leave its Prefect server running. Elsewhere: nothing."""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1
_PARENT = os.getpid()  # in the forked child (where die_with_parent runs): still the parent's


def die_with_parent() -> None:
    """For ``preexec_fn``: runs in the child between fork and exec."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != _PARENT:  # the parent died before the signal was asked for
        os._exit(1)
