"""Where the ingest flow's CPU-bound stage (``analyse-batch``: extraction, language, topic) runs.

``pipeline.task_runner: local`` (the default) runs it on this machine: ``pipeline.Analyser``, a
process per core (``pipeline.analysis_processes``). ``dask`` submits each batch through prefect-dask's
``DaskTaskRunner`` to a Dask cluster and waits for it. The cluster is the scheduler at
``pipeline.dask_address``, or (address empty) a ``LocalCluster`` the run starts on 127.0.0.1
(``pipeline.dask_workers`` processes, default one per core) and stops at its end. Fetching, the
store and alerts stay in the flow's process either way. docs/scaling.md says when Dask pays.

prefect-dask (the ``dask`` extra) is imported only here and only when asked for.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from pantau import pipeline
from pantau.config import Pipeline
from pantau.errors import ConfigError
from pantau.models import Page
from pantau.topic import Matcher, Topic


def task_runner(settings: Pipeline) -> Any | None:
    """The task runner analysis runs on: None for ``local``, else a ``DaskTaskRunner`` not yet started."""
    if settings.task_runner == "local":
        return None
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise ConfigError(
            "pipeline.task_runner: dask needs prefect-dask, which is not installed: pip install 'pantau[dask]'"
        ) from None
    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": settings.dask_workers or os.cpu_count() or 1,
            "threads_per_worker": 1,
            "processes": True,
            "host": "127.0.0.1",
            "dashboard_address": None,  # nothing listens beyond loopback
        }
    )


@task(name="analyse-on-dask", cache_policy=NO_CACHE)
def analyse_pages(pages: list[Page], matchers: list[Matcher], languages: list[str]) -> list:
    return pipeline.analyse(pages, matchers, languages)


class DaskAnalyser(pipeline.Analyser):
    """``pipeline.Analyser`` whose batches are analysed on a Dask cluster (one task a batch); the runner is
    started on entering and stopped on leaving."""

    def __init__(self, runner: Any, loaded: list[Topic], languages: list[str]):
        super().__init__(loaded, languages, processes=0)
        self.runner = runner

    async def analyse(self, pages: list[Page]) -> list[pipeline.Analysed]:
        if not pages:
            return []
        # plain arguments: prefect-dask's submit turns a quote() into a bare tuple
        future = self.runner.submit(
            analyse_pages, {"pages": pages, "matchers": self.matchers, "languages": self.languages}
        )
        return await asyncio.to_thread(future.result)

    def __getstate__(self) -> dict:
        """What travels when Prefect ships the calling task's context to a Dask worker (this object is
        that task's argument): nothing of the runner, its client or the topics."""
        return {**self.__dict__, "runner": None, "loaded": [], "_matchers": None, "_pool": None}

    def __enter__(self) -> DaskAnalyser:
        self.runner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.runner.__exit__(*exc)


def analyser(settings: Pipeline, loaded: list[Topic]) -> pipeline.Analyser:
    """The run's analyser, as the config says: this machine's cores, or a Dask cluster."""
    runner = task_runner(settings)
    if runner is None:
        return pipeline.Analyser(loaded, settings.languages, settings.analysis_processes)
    return DaskAnalyser(runner, loaded, settings.languages)
