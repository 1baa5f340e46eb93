"""Where the ingest flow's CPU-bound stage (``analyse-batch``: extraction, language, topic) runs.

``pipeline.task_runner: local`` (the default) runs it in the flow's own process, as a plain task call.
``dask`` submits it through prefect-dask's ``DaskTaskRunner`` to a Dask cluster and waits for it: the
scheduler at ``pipeline.dask_address``, or — address empty — a ``LocalCluster`` the run starts on
127.0.0.1 (``pipeline.dask_workers`` processes, default one per core) and stops at its end. Fetching,
the store and alerts stay in the flow's process either way. docs/scaling.md says when Dask pays.

prefect-dask (the ``dask`` extra) is imported only here and only when asked for.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

from pantau.config import Pipeline
from pantau.errors import ConfigError

Run = Callable[..., Any]          # run(task, **parameters) -> the task's result


def task_runner(pipeline: Pipeline) -> Any | None:
    """The task runner analysis runs on: None for ``local`` (the flow calls the task itself), else a
    not yet started ``DaskTaskRunner``."""
    if pipeline.task_runner == "local":
        return None
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise ConfigError("pipeline.task_runner: dask needs prefect-dask, which is not installed: "
                          "pip install 'pantau[dask]'") from None
    if pipeline.dask_address:
        return DaskTaskRunner(address=pipeline.dask_address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": pipeline.dask_workers or os.cpu_count() or 1, "threads_per_worker": 1, "processes": True,
        "host": "127.0.0.1", "dashboard_address": None,                 # nothing listens beyond loopback
    })


@contextlib.asynccontextmanager
async def analysis(pipeline: Pipeline) -> AsyncIterator[Run]:
    """``run(task, **parameters)`` for the run's lifetime: the task's result, computed where the
    config says (the Dask runner, when there is one, is started here and stopped on leaving)."""
    runner = task_runner(pipeline)
    if runner is None:
        yield lambda task, **parameters: task(**parameters)
        return
    with runner:
        yield lambda task, **parameters: runner.submit(task, parameters).result()
