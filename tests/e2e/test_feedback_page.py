"""A reader objects to an alert from their inbox, in a real browser: `pantau feedback-server` (uvicorn on
127.0.0.1), an alert's "Wrong alert" link opened in headless Debian chromium (playwright, never a
downloaded browser). Opening it (as a mail scanner or link preview would) changes nothing; the button
saves the story's lead article as a negative exemplar and audits who and when; the link then answers
409. With PANTAU_DOCS_SCREENSHOTS=1 the confirmation page is saved as docs/img/feedback-confirm.png."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from pantau.alerts import render
from pantau.config import load_config
from pantau.connectors.delivery import resolve_channels
from pantau.store import Store
from pantau.topic.exemplars import read_exemplars
from support.paths import PROJECT
from support.prefect_server import free_port
from support.stories import add_story
from support.topics import seeds_only

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
SECRET = "e2e-feedback-secret-0123456789abcdef"
TITLE = "Menlu Retno Bertemu Lavrov di Sela KTT G20 Bali"


def _config(tmp_path, port):
    topic = seeds_only(tmp_path)
    data = {
        "storage_url": f"sqlite:///{tmp_path / 'p.db'}",
        "sources": [{"name": "x", "url": "http://127.0.0.1:9/"}],
        "topics": [{"name": "t", "path": str(topic)}],
        "channels": [{"name": "desk", "url_env": "PANTAU_E2E_DESK", "format": "html"}],
        "feedback": {"base_url": f"http://127.0.0.1:{port}", "port": port},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_reader_objects_to_an_alert_in_two_clicks(chromium, tmp_path, monkeypatch):
    port = free_port()
    path = _config(tmp_path, port)
    monkeypatch.setenv("PANTAU_FEEDBACK_SECRET", SECRET)
    monkeypatch.setenv("PANTAU_E2E_DESK", "json://127.0.0.1:9/hook")
    cfg = load_config(path)
    store = Store(cfg.resolved_storage_url())
    sid, _ = add_story(store, title=TITLE, text="Menteri Luar Negeri Retno Marsudi bertemu Sergei Lavrov di Bali.")
    # the alert as the desk's email channel renders it: its "Wrong alert" link
    desk = next(c for c in resolve_channels(cfg)[0] if c.name == "desk")
    assert desk.feedback is not None
    links = desk.feedback(sid, "desk")
    _, html = render(store.stories.get(sid), store.articles.of_story(sid), "new", "html", "G20", feedback=links)
    assert f'href="{links["wrong_url"]}"' in html
    folder = cfg.topic_dir(cfg.topics[0])
    before = read_exemplars(folder)

    log = tmp_path / "feedback-server.log"
    server = subprocess.Popen(
        [Path(sys.executable).with_name("pantau"), "feedback-server", "--config", str(path)],
        env={**os.environ, "PANTAU_FEEDBACK_SECRET": SECRET},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError(f"pantau feedback-server did not answer:\n{log.read_text()}")

        assert httpx.get(links["wrong_url"]).status_code == 200  # a mail scanner fetches the link
        page = chromium.new_page(viewport={"width": 720, "height": 640})
        page.goto(links["wrong_url"])  # click 1: the link in the email
        page.get_by_text(TITLE).wait_for()
        page.get_by_role("heading", name="This alert is wrong?").wait_for()
        shot = tmp_path / "feedback-confirm.png"
        page.screenshot(path=shot, full_page=True)
        if os.environ.get("PANTAU_DOCS_SCREENSHOTS") == "1":
            (PROJECT / "docs" / "img").mkdir(exist_ok=True)
            shutil.copy(shot, PROJECT / "docs" / "img" / "feedback-confirm.png")
        assert read_exemplars(folder) == before and store.feedback.rows() == []  # GETs changed nothing

        page.get_by_label("Your name or email").fill("dewi@desk.example")
        page.get_by_role("button", name="Yes — this alert is wrong").click()  # click 2
        page.get_by_text("Thank you — recorded").wait_for()
        page.screenshot(path=tmp_path / "feedback-done.png", full_page=True)

        pos, neg = read_exemplars(folder)
        assert len(pos) == len(before[0]) and [e.title for e in neg] == [TITLE]
        assert neg[0].meta["note"] == f"pantau feedback {sid} --wrong"
        (row,) = store.feedback.rows()
        assert (row.story_id, row.verdict, row.channel, row.who) == (sid, "wrong", "desk", "dewi@desk.example")
        assert row.client == "127.0.0.1" and row.exemplar == str(neg[0].path)

        page.goto(links["right_url"])  # the alert's other link: its verdict is given
        page.get_by_text("Already recorded").wait_for()
        assert httpx.get(links["wrong_url"]).status_code == 409
        assert len(store.feedback.rows()) == 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Traceback" not in log.read_text()
