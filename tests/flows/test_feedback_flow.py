"""From an alert's "wrong" link to the next run, through the real ingest flow on a Prefect test server,
the loopback replay site and a loopback webhook: every alert carries the two links (and not the
command); the reader's POST saves the exemplar and its audit; the next run's summary artifact lists
the verdict, once."""

import asyncio
import re
import shutil

import pytest
import yaml
from starlette.testclient import TestClient

from pantau.alerts.tokens import Signer
from pantau.config import load_config
from pantau.demo import demo_config
from pantau.feedback_web import create_app
from pantau.store import Store
from pantau.topic.exemplars import find_duplicate
from support.paths import SEEDS

pytestmark = pytest.mark.integration
SECRET = "flow-test-feedback-secret-0123456789"
BASE = "https://pantau.example.org/desk"
LINK = re.compile(re.escape(BASE) + r"/feedback/([A-Za-z0-9_.-]+)")


def summary_artifact(state) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async def go():
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])
                )
            )
        return next(a.data for a in found if a.key == "ingest-summary")

    return asyncio.run(go())


def test_a_wrong_link_reaches_the_next_runs_summary(prefect_server, replay_site, webhook, tmp_path, monkeypatch):
    from pantau.flows.ingest import ingest

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds / "g20-russia-ukraine")
    monkeypatch.setenv("PANTAU_TEST_WEBHOOK", webhook.apprise_url)
    monkeypatch.setenv("PANTAU_FEEDBACK_SECRET", SECRET)
    cfg = demo_config(replay_site, tmp_path, channel_env="PANTAU_TEST_WEBHOOK", seeds=seeds)
    cfg["feedback"] = {"base_url": BASE}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")

    first = asyncio.run(ingest(config_path=str(path), return_state=True))
    assert first.is_completed() and len(webhook.received) >= 2
    for alert in webhook.received:  # every alert: a wrong and a right link, no command to type
        assert len(LINK.findall(alert["message"])) == 2 and "pantau feedback" not in alert["message"]
    assert "Feedback since last run" not in summary_artifact(first)

    config = load_config(path)
    store = Store(config.resolved_storage_url())
    signer = Signer(SECRET, BASE)
    folder = seeds / "g20-russia-ukraine"

    def new_to_the_topic(link: str) -> bool:  # its lead article is no exemplar yet
        arts = store.articles.of_story(signer.verify(link).story_id)
        lead = max(arts, key=lambda a: a.score or 0)
        return find_duplicate(folder, lead.text, lead.url) is None

    wrong = next(w for a in webhook.received if new_to_the_topic(w := LINK.findall(a["message"])[0]))
    token = signer.verify(wrong)
    assert token.verdict == "wrong" and token.channel == "webhook"
    client = TestClient(create_app(config, store, signer), base_url="https://pantau.example.org")
    # behind the reverse proxy of base_url, the app answers at the root
    assert client.get(f"/feedback/{wrong}").status_code == 200 and store.feedback.rows() == []
    r = client.post(
        f"/feedback/{wrong}", data={"token": wrong, "who": "Dewi"}, headers={"Origin": "https://pantau.example.org"}
    )
    assert r.status_code == 200, r.text
    title = store.stories.get(token.story_id).title

    second = asyncio.run(ingest(config_path=str(path), return_state=True))
    md = summary_artifact(second)
    assert "## Feedback since last run (1)" in md
    assert f"| wrong | {token.story_id} | {title.replace('|', '/')} | Dewi |" in md
    third = asyncio.run(ingest(config_path=str(path), return_state=True))
    assert "Feedback since last run" not in summary_artifact(third)  # shown once
    (row,) = store.feedback.rows()
    assert row.reported_by and row.reported_by.endswith(str(second.state_details.flow_run_id))
