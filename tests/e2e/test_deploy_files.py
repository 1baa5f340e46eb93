"""deploy/: the compose file, the Dockerfile, .env.example and .dockerignore, read as Docker would read
them (Docker does not run on the development machines, so this checks their shape, not a running stack)."""

import re

import yaml

from support.paths import PROJECT

DEPLOY = PROJECT / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_services_images_and_builds():
    services = compose()["services"]
    assert set(services) == {"postgres", "prefect", "deploy", "worker"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["prefect"]["image"] == "prefecthq/prefect:3.8.8-python3.11"  # the pinned Prefect
    for name in ("deploy", "worker"):
        assert services[name]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}


def test_healthchecks_restarts_and_start_order():
    services = compose()["services"]
    for name in ("postgres", "prefect", "worker"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL") and check["retries"] >= 3, name
        assert services[name]["restart"] == "unless-stopped", name
    assert "/api/health" in " ".join(services["prefect"]["healthcheck"]["test"])
    assert "--with-healthcheck" in services["worker"]["command"]
    assert services["deploy"]["restart"] == "on-failure"  # one-shot, retried until it succeeds
    assert services["prefect"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("deploy", "worker"):
        assert services[name]["depends_on"] == {"prefect": {"condition": "service_healthy"}}
    # the worker never waits on `prefect deploy` exiting 0: it creates its pool itself
    worker = " ".join(services["worker"]["command"])
    assert "deploy" not in services["worker"]["depends_on"] and "prefect deploy" not in worker
    assert worker.startswith("prefect worker start --pool pantau --type process")


def test_the_ui_is_local_and_behind_basic_auth_and_secrets_come_from_env():
    services = compose()["services"]
    assert services["prefect"]["ports"] == ["127.0.0.1:4200:4200"]
    assert all("ports" not in s for name, s in services.items() if name != "prefect")
    env = services["prefect"]["environment"]
    assert env["PREFECT_SERVER_API_AUTH_STRING"].startswith("${PREFECT_AUTH_STRING")
    assert env["PREFECT_API_DATABASE_CONNECTION_URL"].startswith(
        "postgresql+asyncpg://prefect:${POSTGRES_PASSWORD}@postgres"
    )
    for name in ("deploy", "worker"):
        client = services[name]["environment"]
        assert client["PREFECT_API_URL"] == "http://prefect:4200/api"
        assert client["PREFECT_API_AUTH_STRING"] == "${PREFECT_AUTH_STRING}" and client["PANTAU_HOME"] == "/app"
    assert services["worker"]["env_file"] == [".env"]
    example = dict(
        line.split("=", 1)
        for line in (DEPLOY / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    used = set(re.findall(r"\$\{(\w+)", (DEPLOY / "compose.yaml").read_text()))
    assert used <= set(example), f"compose.yaml uses variables .env.example does not name: {used - set(example)}"
    channels = {c["url_env"] for c in yaml.safe_load((PROJECT / "config.yaml").read_text())["channels"]}
    assert channels <= set(example)
    assert "deploy/.env" in (PROJECT / ".gitignore").read_text().split()


def test_dockerfile_and_dockerignore():
    docker = (DEPLOY / "Dockerfile").read_text()
    assert "pip install -c constraints.txt ." in docker and "-e" not in docker.split("pip install", 1)[1].split()[:3]
    assert re.search(r"^USER \w+", docker, re.M)
    ignored = (PROJECT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "data", "deploy/.env"} <= set(ignored)
