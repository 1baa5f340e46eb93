"""Throughput of `ingest` with 1 and with 2 Prefect workers on one PostgreSQL store (docs/scaling.md).

    eval "$(scripts/test_postgres.sh start)"
    .venv/bin/python scripts/scale_bench.py ../shared --articles 1000 --per-run 250

The bench's loopback site (bench/site.py: real articles from ../shared/corpus rendered as full pages,
20 hosts on 127.0.0.2-21, politeness off as in the bench's speed runs), a `prefect server start`, a
process work pool with `ingest` deployed, and for each worker count a fresh PostgreSQL database and
``articles ÷ per-run`` flow runs triggered at once. Each worker takes one run at a time
(``--limit 1``), so 2 workers run two at once. pages/s = article pages fetched ÷ (first run's start →
last run's end, from the Prefect API). Every page must be fetched exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import load_pool  # noqa: E402
from bench.prefect_server import PrefectServer, child_env, tool  # noqa: E402
from bench.runs import make_config  # noqa: E402
from bench.site import LoopbackSite  # noqa: E402

POOL = "scale-bench"


def api(server: PrefectServer, path: str, body: dict) -> list | dict:
    req = urllib.request.Request(
        server.api_url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def database(server_url: str, name: str, drop: bool = False) -> str:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' if drop else f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def measure(
    server: PrefectServer, env: dict, site: LoopbackSite, config: Path, workers: int, runs: int, work: Path
) -> dict:
    code = (
        "from prefect import flow\n"
        f"flow.from_source(source={str(ROOT)!r}, entrypoint='flows/ingest.py:ingest').deploy(\n"
        f"    name='w{workers}', work_pool_name={POOL!r}, parameters={{'config_path': {str(config)!r}}})\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    procs = [
        subprocess.Popen(
            [
                *tool("prefect", "prefect"),
                "worker",
                "start",
                "--pool",
                POOL,
                "--limit",
                "1",
                "--name",
                f"bench-{workers}-{i}",
            ],
            env=env,
            start_new_session=True,
            stdout=(work / f"worker-{workers}-{i}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for i in range(workers)
    ]
    try:
        time.sleep(3)  # the workers are polling
        mark = site.mark()
        trigger = (
            "from prefect.deployments import run_deployment\n"
            f"for _ in range({runs}):\n    print(run_deployment(name='ingest/w{workers}', timeout=0).id)\n"
        )
        ids = subprocess.run(
            [sys.executable, "-c", trigger], env=env, check=True, capture_output=True, text=True
        ).stdout.split()
        while True:
            flow_runs = api(server, "/flow_runs/filter", {"flow_runs": {"id": {"any_": ids}}})
            if len(flow_runs) == runs and all(r["state_type"] in ("COMPLETED", "FAILED", "CRASHED") for r in flow_runs):
                break
            time.sleep(1)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
    pages = [h.path for h in site.since(mark) if h.path.startswith("/") and ".html" in h.path]
    starts = sorted(r["start_time"] for r in flow_runs)
    ends = sorted(r["end_time"] for r in flow_runs)
    from datetime import datetime

    wall = (datetime.fromisoformat(ends[-1]) - datetime.fromisoformat(starts[0])).total_seconds()
    return {
        "workers": workers,
        "runs": runs,
        "states": dict(Counter(r["state_type"] for r in flow_runs)),
        "pages": len(pages),
        "pages_fetched_twice": len(pages) - len(set(pages)),
        "wall_s": round(wall, 1),
        "pages_per_s": round(len(pages) / wall, 2),
        "run_s": [round(r["total_run_time"], 1) for r in sorted(flow_runs, key=lambda r: r["start_time"])],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("shared", type=Path)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--per-run", type=int, default=250, help="max_articles_per_run: the backlog's share of one run")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (configs, logs) when all went well")
    ap.add_argument(
        "--postgres",
        default=os.environ.get("PANTAU_TEST_POSTGRES_URL"),
        help="a server where databases may be created (default: $PANTAU_TEST_POSTGRES_URL)",
    )
    args = ap.parse_args()
    if not args.postgres:
        sys.exit("scale_bench: give --postgres or set PANTAU_TEST_POSTGRES_URL (scripts/test_postgres.sh start)")
    pool = load_pool(args.shared)
    if pool is None:
        print(f"scale_bench: skipped: no corpus in {args.shared}")
        return 0
    work = Path(tempfile.mkdtemp(prefix="pantau-scale-"))
    runs = -(-args.articles // args.per_run)
    results = []
    with LoopbackSite(pool[: args.articles]) as site, PrefectServer(work / "prefect", work / "server.log") as server:
        env = child_env(work / "prefect", server.api_url)
        env.update(PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="1")
        subprocess.run(
            [*tool("prefect", "prefect"), "work-pool", "create", POOL, "--type", "process"],
            env=env,
            check=True,
            capture_output=True,
        )
        for w in (int(x) for x in args.workers.split(",")):
            name = f"pantau_scale_{uuid.uuid4().hex[:8]}"
            config = make_config(site, args.articles, work / f"w{w}")
            cfg = yaml.safe_load(config.read_text())
            cfg["storage_url"] = database(args.postgres, name)
            cfg["pipeline"]["max_articles_per_run"] = args.per_run
            config.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
            try:
                results.append(measure(server, env, site, config, w, runs, work))
            finally:
                database(args.postgres, name, drop=True)
            print(json.dumps(results[-1]), flush=True)
    print(f"{'workers':>7} {'runs':>4} {'pages':>5} {'wall s':>7} {'pages/s':>8}  run times (s)")
    for r in results:
        print(f"{r['workers']:>7} {r['runs']:>4} {r['pages']:>5} {r['wall_s']:>7} {r['pages_per_s']:>8}  {r['run_s']}")
    ok = all(
        r["states"] == {"COMPLETED": r["runs"]} and r["pages"] == args.articles and not r["pages_fetched_twice"]
        for r in results
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    if ok and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"work folder kept: {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
