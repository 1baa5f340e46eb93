"""Analysis on Dask (`pipeline.task_runner: dask`, flows/runners.py): the real ingest flow against the
loopback replay site, its analyse-batch tasks run by a real `distributed.LocalCluster` of two worker
processes on 127.0.0.1, gives exactly what the local runner gives."""

import asyncio
import sys
from collections import Counter

import pytest
import yaml

from pantau.config import ConfigError, parse_config
from pantau.demo import demo_config
from pantau.store import Store
from support.extras import need
from support.summaries import as_json

pytestmark = pytest.mark.integration


def run(replay_site, folder, kinds=None, **pipeline) -> tuple[dict, list[tuple]]:
    """One ingest run on a store of its own: its summary, and the stories it stored with their articles."""
    from pantau.flows.ingest import ingest

    folder.mkdir()
    cfg = demo_config(replay_site, folder, channel_env=None)
    cfg["sources"] = [s for s in cfg["sources"] if kinds is None or s["kind"] in kinds]
    cfg["pipeline"] = {"batch_size": 10, **pipeline}
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    summary = as_json(asyncio.run(ingest(config_path=str(path))))
    store = Store(cfg["storage_url"])
    with store.engine.connect() as c:
        stories = c.exec_driver_sql(
            "SELECT s.title, a.url FROM stories s JOIN articles a ON a.story_id = s.id ORDER BY s.title, a.url"
        ).all()
    store.close()
    return summary, [tuple(r) for r in stories]


def test_analysis_on_a_dask_cluster_gives_the_local_runners_results(prefect_server, replay_site, tmp_path):
    need("distributed", "dask")
    from distributed import Client, LocalCluster, get_task_stream

    local, local_stories = run(replay_site, tmp_path / "local")
    assert local["matched"] >= 2 and local_stories

    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        with get_task_stream(client) as stream:  # what the cluster's workers computed
            remote, remote_stories = run(
                replay_site, tmp_path / "dask", task_runner="dask", dask_address=cluster.scheduler_address
            )
        ran = Counter(t["key"].rsplit("-", 1)[0] for t in stream.data)
    batches = -(-local["fetched"] // 10)
    assert ran == {"analyse_pages": batches}  # every batch went to the cluster
    for key in ("fetched", "extracted", "indonesian", "matched", "stories_new", "stories_updated"):
        assert remote[key] == local[key], key
    assert remote_stories == local_stories


def test_without_an_address_the_run_starts_and_stops_a_loopback_cluster(prefect_server, replay_site, tmp_path):
    need("distributed", "dask")
    from pantau.flows.runners import task_runner

    cfg = parse_config(
        {
            "sources": [],
            "topics": [{"name": "t", "path": "seeds/t"}],
            "pipeline": {"task_runner": "dask", "dask_workers": 2},
        },
        tmp_path,
    )
    runner = task_runner(cfg.pipeline)
    assert runner.address is None and runner.cluster_kwargs["n_workers"] == 2
    assert runner.cluster_kwargs["host"] == "127.0.0.1" and runner.cluster_kwargs["dashboard_address"] is None
    summary, stories = run(replay_site, tmp_path / "own", kinds=("rss",), task_runner="dask", dask_workers=2)
    assert summary["extracted"] >= 10 and summary["matched"] >= 1 and stories


def test_dask_settings_are_checked_and_a_missing_extra_is_one_line(tmp_path, monkeypatch):
    base = {"sources": [], "topics": [{"name": "t", "path": "seeds/t"}]}
    for bad, says in (
        ({"dask_address": "tcp://127.0.0.1:8786"}, "only with task_runner: dask"),
        ({"task_runner": "dask", "dask_address": "127.0.0.1:8786"}, "tcp://host:port"),
        ({"task_runner": "dask", "dask_address": "tcp://h:1", "dask_workers": 2}, "LocalCluster"),
    ):
        with pytest.raises(ConfigError, match=says):
            parse_config({**base, "pipeline": bad}, tmp_path)
    monkeypatch.setitem(sys.modules, "prefect_dask", None)  # as after a plain `pip install pantau`
    monkeypatch.setitem(sys.modules, "psycopg", None)
    for data, extra in (
        ({**base, "pipeline": {"task_runner": "dask"}}, "dask"),
        ({**base, "storage_url": "postgresql+psycopg://u:p@127.0.0.1:5432/db"}, "postgres"),
    ):
        with pytest.raises(ConfigError) as e:
            parse_config(data, tmp_path)
        assert "\n" not in str(e.value) and f"pip install 'pantau[{extra}]'" in str(e.value)
    from pantau.flows.runners import task_runner

    cfg = parse_config(base, tmp_path)
    cfg.pipeline.task_runner = "dask"  # past the config check: the runner's own
    with pytest.raises(ConfigError, match=r"pip install 'pantau\[dask\]'"):
        task_runner(cfg.pipeline)
    with pytest.raises(ConfigError, match=r"pip install 'pantau\[postgres\]'"):
        Store("postgresql+psycopg://u:p@127.0.0.1:9/db")
