"""A person at the Prefect UI, in a real browser: `pantau serve` against the loopback replay site, the
`ingest` deployment opened in headless Debian chromium (driven by playwright, never a downloaded
browser), a custom run started through the form with two changed fields (sources: one outlet; max
alerts: 1), and then: the alert reached the loopback webhook, only that outlet was read, the run is
named by its time in WIB and tagged manual/custom, and the run's artifacts are shown in the UI.
Screenshots of every step are kept in the test's tmp dir."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from pantau.demo import demo_config
from support.prefect_server import PrefectServer
from support.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
SEED = "Blinken Bertemu Lavrov"


def test_a_custom_run_from_the_prefect_ui_delivers_an_alert(chromium, replay_site, webhook, tmp_path):
    server = PrefectServer(tmp_path / "prefect").start()
    shots = tmp_path / "screenshots"
    shots.mkdir()
    cfg = demo_config(replay_site, tmp_path, channel_env="PANTAU_BROWSER_HOOK")
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(cfg))
    log = tmp_path / "serve.log"
    serve = subprocess.Popen(
        [Path(sys.executable).with_name("pantau"), "serve", "--config", str(config), "--paused"],
        env=server.env(PANTAU_BROWSER_HOOK=webhook.apprise_url, PANTAU_HOME=str(tmp_path / "home")),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    try:
        wait_for("pantau serve", lambda: "pantau serve ·" in log.read_text(), 180, log)
        line = next(x for x in log.read_text().splitlines() if x.startswith("pantau serve ·"))
        assert f"Prefect UI: {server.ui_url}" in line
        dep = wait_for("the ingest deployment", lambda: _deployment(server), 60, log)

        page = chromium.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"{server.ui_url}/deployments")
        page.locator(f"a[href='/deployments/deployment/{dep['id']}']").first.click()
        page.get_by_text("Every 15 minutes").first.wait_for()  # the schedule is shown
        page.screenshot(path=shots / "1-deployment.png", full_page=True)

        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("Custom run").click()

        def field(label):
            label_el = page.locator(".schema-form-property__label", has_text=label)
            return page.locator(".schema-form-property").filter(has=label_el).last

        sources = field("Sources")
        sources.wait_for()
        for label in ("Topic", "Sources", "Lookback (hours)", "Dry run", "Channels", "Max alerts per channel"):
            assert field(label).is_visible(), f"the form has no field {label!r}"
        page.screenshot(path=shots / "2-form.png", full_page=True)
        control = sources.locator(".p-select-button__control")
        control.focus()
        page.keyboard.press("ArrowDown")  # opens the multi-select
        page.keyboard.type("liputan6")
        option = page.locator(".p-select-option").filter(has_text="replay-liputan6")
        expect(option).to_have_count(1)  # the search narrowed the list
        option.click()
        expect(control).to_contain_text("replay-liputan6")
        page.keyboard.press("Escape")
        field("Max alerts per channel").locator("input").fill("1")
        page.screenshot(path=shots / "3-form-changed.png", full_page=True)
        page.get_by_role("button", name="Submit").click()

        run = wait_for("the run to finish", lambda: _finished(server, dep["id"]), 180, log)
        assert run["state_type"] == "COMPLETED", (run["state"]["message"], log.read_text()[-4000:])
        assert run["parameters"]["options"]["sources"] == ["replay-liputan6"]
        assert run["parameters"]["options"]["max_alerts"] == 1

        # the changed fields took effect: one outlet read, its one story alerted to the webhook
        feeds = {
            r for r in replay_site.requests if r.startswith(("/feeds/", "/sitemaps/", "/gn/", "/gdelt/", "/outlets/"))
        }
        assert feeds == {"/feeds/liputan6.xml"}
        assert len(webhook.received) == 1 and SEED in webhook.received[0]["title"]
        assert run["state"]["message"] == "1 alert sent, 1 new story"
        # the run reads well: named by its time in WIB, tagged as started by hand with a changed form
        assert re.fullmatch(r"ingest \d\d [A-Z][a-z]{2} \d\d:\d\d WIB", run["name"]), run["name"]
        assert {"manual", "custom"} <= set(run["tags"]) and "scheduled" not in run["tags"]

        page.goto(f"{server.ui_url}/runs/flow-run/{run['id']}")
        page.get_by_text("Completed").first.wait_for()
        page.get_by_text(run["name"]).first.wait_for()  # the UI shows that name
        page.screenshot(path=shots / "4-run.png", full_page=True)
        page.get_by_text("Artifacts", exact=True).first.click()
        for key in ("ingest-summary", "ingest-stories"):
            page.get_by_text(key).first.wait_for()
        page.screenshot(path=shots / "5-artifacts.png", full_page=True)
        page.get_by_text("ingest-stories").first.click()
        page.get_by_text(SEED).first.wait_for()  # the matched story's row
        page.screenshot(path=shots / "6-stories-table.png", full_page=True)
        assert set(server.artifacts(run["id"])) == {"ingest-summary", "ingest-stories", "ingest-sources"}
    finally:
        serve.terminate()
        serve.wait(timeout=60)
        server.stop()
    assert "Traceback" not in log.read_text()


def _deployment(server):
    try:
        return server.deployment("ingest", "ingest")
    except Exception:  # noqa: BLE001 - not there yet
        return None


def _finished(server, deployment_id):
    done = [
        r for r in server.flow_runs(deployment_id) if r["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
    ]
    return done[0] if done else None
