"""Two Prefect workers, one PostgreSQL store (docs/scaling.md): a real `prefect server start`, a process
work pool, the `ingest` flow deployed on it, two `prefect worker start` processes, and several flow
runs triggered at once against the loopback replay site. Every page is fetched once, no alert goes
out twice, no article is lost, and every alert is sent."""

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
import yaml

from pantau.demo import demo_config
from pantau.store import Store
from pantau.urls import canonical_url
from support.paths import PROJECT
from support.prefect_server import PrefectServer

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent
POOL, DEPLOYMENT = "scale-out", "two-workers"
OVERLAPPING = 4
PER_RUN = 30  # links a run takes (max_articles_per_run): the overlapping runs share the site's pages


def _deploy(server: PrefectServer, env: dict, config: Path) -> None:
    pool = subprocess.run(
        [BIN / "prefect", "work-pool", "create", POOL, "--type", "process"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pool.returncode == 0, pool.stdout + pool.stderr
    code = (
        "from prefect import flow\n"
        f"flow.from_source(source={str(PROJECT)!r}, entrypoint='flows/ingest.py:ingest').deploy(\n"
        f"    name={DEPLOYMENT!r}, work_pool_name={POOL!r}, parameters={{'config_path': {str(config)!r}}})\n"
    )
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]


def _trigger(server: PrefectServer, n: int) -> list[str]:
    """n flow runs of the deployment, created at once (run_deployment with timeout=0 returns at once)."""
    code = (
        "import sys\nfrom prefect.deployments import run_deployment\n"
        f"for _ in range({n}):\n"
        f"    print(run_deployment(name='ingest/{DEPLOYMENT}', timeout=0).id)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], env=server.env(), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout.split()


def _wait(server: PrefectServer, ids: list[str], logs: list[Path], timeout: float = 300) -> list[dict]:
    end = time.monotonic() + timeout
    runs: list[dict] = []
    while True:
        try:
            runs = [r for r in server.flow_runs() if r["id"] in ids]
        except httpx.HTTPError:  # a busy server (2 cores, 4 runs): ask again
            runs = []
        if len(runs) == len(ids) and all(
            r["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for r in runs
        ):
            return runs
        if time.monotonic() > end:
            states = Counter(r["state_type"] for r in runs)
            tails = "\n".join(p.read_text(errors="replace")[-2000:] for p in logs)
            pytest.fail(f"flow runs not finished after {timeout:g}s: {dict(states)}\n{tails}")
        time.sleep(1)


def test_two_workers_share_overlapping_runs_on_one_postgres_store(postgres_url, replay_site, webhook, tmp_path):
    server = PrefectServer(tmp_path / "prefect").start()
    workers: list[subprocess.Popen] = []
    logs = [tmp_path / f"worker-{i}.log" for i in (1, 2)]
    try:
        cfg = demo_config(replay_site, tmp_path, channel_env="PANTAU_T_HOOK")
        cfg["storage_url"] = postgres_url
        cfg["pipeline"] = {"batch_size": 10, "max_articles_per_run": PER_RUN}
        config = tmp_path / "config.yaml"
        config.write_text(yaml.safe_dump(cfg))
        assert cfg["http"]["allow_private"] == [f"127.0.0.1:{replay_site.port}"]
        env = server.env(
            PANTAU_T_HOOK=webhook.apprise_url, PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="1"
        )
        _deploy(server, env, config)
        for i, log in enumerate(logs, 1):  # at most 2 runs a worker at once: the runs must spread
            workers.append(
                subprocess.Popen(
                    [BIN / "prefect", "worker", "start", "--pool", POOL, "--name", f"w{i}", "--limit", "2"],
                    env=env,
                    stdout=log.open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )
        overlapping = _trigger(server, OVERLAPPING)
        runs = _wait(server, overlapping, logs)
        stuck = _claimed(postgres_url)  # a claim no run will finish would be a lost page
        drained: list[dict] = []
        while _unread(postgres_url, replay_site) and len(drained) < 6:
            drained += _wait(server, _trigger(server, 1), logs)  # what the overlapping runs left for later ones
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        server.stop()

    every = runs + drained
    assert [r["state_type"] for r in every] == ["COMPLETED"] * len(every), [
        (r["state_type"], r["state"]["message"]) for r in every
    ]
    ran_by = {i: [r["id"] for r in runs if r["id"] in log.read_text(errors="replace")] for i, log in enumerate(logs, 1)}
    assert ran_by[1] and ran_by[2], ran_by  # both workers ran some of them
    spans = sorted((r["start_time"], r["end_time"]) for r in runs)
    assert any(b[0] < a[1] for a, b in zip(spans, spans[1:], strict=False)), spans  # and they overlapped

    pages = replay_site.page_requests()
    assert pages and len(pages) == len(set(pages)), Counter(pages).most_common(3)  # each page fetched once
    alerts = [(m["title"], m["message"]) for m in webhook.received]
    assert alerts and len(alerts) == len(set(alerts)), Counter(alerts).most_common(2)  # no alert received twice
    new = [t for t, _ in alerts if not t.startswith("[pantau] update:")]
    assert len(new) == len(set(new)), Counter(new).most_common(2)  # one first alert per story
    assert stuck == 0 and _unread(postgres_url, replay_site) == []  # no page stuck, none lost
    store = Store(postgres_url)
    try:
        with store.engine.connect() as c:
            stored = Counter(u for (u,) in c.exec_driver_sql("SELECT url FROM articles"))
        assert stored and max(stored.values()) == 1  # no article stored twice
        assert store.articles.count(relevant_only=True) >= 2
        assert list(store.outbox.counts()) == ["sent"]  # every alert sent (console too)
        hook = store.outbox.rows(channel="webhook")
        assert len(hook) == len(webhook.received)  # ... each exactly once
        assert len([r for r in hook if r.kind == "new"]) == len(new)
    finally:
        store.close()


def _query(url: str, sql: str) -> list:
    store = Store(url)
    try:
        with store.engine.connect() as c:
            return c.exec_driver_sql(sql).all()
    finally:
        store.close()


def _claimed(url: str) -> int:
    return _query(url, "SELECT count(*) FROM seen_urls WHERE status = 'claimed'")[0][0]


def _unread(url: str, site) -> list[str]:
    """The replay site's pages that no run has read yet: not in the store as done, or tried and failed."""
    read = {u for (u,) in _query(url, "SELECT url FROM seen_urls WHERE status IN ('done', 'error', 'gave_up')")}
    return [m["path"] for m in site.manifest if canonical_url(f"{site.base}/{m['path']}") not in read]
