"""Secrets stay off the console (issue 18, defect 3): a real `pantau run` sends through a Slack-shaped URL,
a token-in-path webhook and a mailto URL with a password; none of the three secrets appears in anything
it prints (stdout and stderr), in the store, or in the Prefect home (its database, its logs).

The Slack URL cannot reach Slack offline (and must not try): the run has ``HTTPS_PROXY`` pointing at a
closed loopback port, so Apprise's Slack plugin builds its request — and logs, at DEBUG, the URL it posts
to, token included, which is what leaked — and then fails to connect. The test asserts on what is left of
that failed send (the run's output and the store's outbox error), not on a delivered Slack message. The
webhook and the mail are delivered (a loopback receiver; an SMTP server with AUTH on 127.0.0.1).
"""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from pantau.demo import demo_config
from support.prefect_server import PrefectServer, free_port

pytestmark = pytest.mark.integration
PANTAU = str(Path(sys.executable).with_name("pantau"))

SLACK_TOKEN = "xoxbSLACKTOKEN4242secret"
HOOK_TOKEN = "hooktoken7d3f9e1c5b"
MAIL_PASSWORD = "mailpassw0rdQ8zK"
SECRETS = (SLACK_TOKEN, HOOK_TOKEN, MAIL_PASSWORD)


class AuthSink:
    """aiosmtpd with AUTH PLAIN/LOGIN over plain SMTP (loopback only), keeping every message."""

    def __init__(self):
        self.messages: list = []
        self.logins: list[str] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(envelope)
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            sink.logins.append(auth_data.login.decode())
            return AuthResult(success=auth_data.password.decode() == MAIL_PASSWORD)

        self.port = free_port()
        self.controller = Controller(
            Handler(), hostname="127.0.0.1", port=self.port, authenticator=authenticator, auth_require_tls=False
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = PrefectServer(tmp_path_factory.mktemp("prefect-secrets")).start()
    yield s
    s.stop()


def test_no_secret_in_output_store_or_prefect_home(server, replay_site, webhook, tmp_path):
    smtp = AuthSink()
    smtp.controller.start()
    try:
        cfg = demo_config(replay_site, tmp_path, channel_env=None)
        cfg["sources"] = [s for s in cfg["sources"] if s["name"] in ("replay-liputan6", "replay-kompas")]
        cfg["channels"] = [
            {"name": "slack", "url_env": "PANTAU_T_SLACK", "timeout_s": 5},
            {"name": "hook", "url_env": "PANTAU_T_HOOK"},
            {"name": "mail", "url_env": "PANTAU_T_MAIL"},
        ]
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump(cfg))
        closed = free_port()
        env = server.env(
            PANTAU_T_SLACK=f"slack://T0AAAAAAA/B0BBBBBBB/{SLACK_TOKEN}/#desk",
            PANTAU_T_HOOK=f"{webhook.apprise_url}/{HOOK_TOKEN}",
            PANTAU_T_MAIL=(
                f"mailto://pantau:{MAIL_PASSWORD}@127.0.0.1:{smtp.port}"
                "?from=pantau@example.org&to=desk@example.org&mode=insecure"
            ),
            HTTPS_PROXY=f"http://127.0.0.1:{closed}",  # Slack's host is never looked up: refused on loopback
            https_proxy=f"http://127.0.0.1:{closed}",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        run = subprocess.run(
            [PANTAU, "run", "--config", str(path)], env=env, capture_output=True, text=True, timeout=600
        )
    finally:
        smtp.controller.stop()
    output = run.stdout + run.stderr
    assert run.returncode == 4, output[-3000:]  # Slack undelivered: the verdict says so
    assert webhook.received, output[-3000:]  # the token-in-path webhook delivered
    assert smtp.messages and set(smtp.logins) == {"pantau"}, output[-3000:]  # the password was used, and worked
    assert "slack" in output  # the failed channel is named ...
    for secret in SECRETS:
        assert secret not in output, f"{secret} printed:\n" + "\n".join(
            line for line in output.splitlines() if secret in line
        )
        for f in [*tmp_path.rglob("*"), *server.home.rglob("*")]:
            if f.is_file() and f.name != "config.yaml":
                assert secret.encode() not in f.read_bytes(), f"{secret} in {f}"


def test_verbose_shows_library_debug_lines_masked(tmp_path):
    """--verbose opts in to third-party DEBUG lines; Apprise's still carry no URL."""
    probe = (
        "import logging, sys\n"
        "from pantau.cli import main\n"
        "from pantau.connectors.delivery.apprise_send import send\n"
        "from pantau.errors import DeliveryError\n"
        "import pantau.prefect_env as pe\n"
        "if '-v' in sys.argv: pe.verbose()\n"
        "from prefect.logging.configuration import setup_logging\n"
        "setup_logging()  # as a flow run sets it up\n"
        "logging.getLogger('somelib').debug('somelib debug line')\n"
        "try:\n"
        f"    send('json://127.0.0.1:{free_port()}/x/{HOOK_TOKEN}', 't', 'b', 'text', timeout_s=2)\n"
        "except DeliveryError as e:\n"
        "    print('failed:', e)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PREFECT_HOME": str(tmp_path), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    quiet = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    loud = subprocess.run([sys.executable, "-c", probe, "-v"], env=env, capture_output=True, text=True, timeout=120)
    assert "failed:" in quiet.stdout and "failed:" in loud.stdout, quiet.stderr + loud.stderr
    assert "somelib debug line" not in quiet.stderr and "somelib debug line" in loud.stderr
    assert "JSON POST URL" not in quiet.stderr and "POST URL" in loud.stderr  # Apprise's own DEBUG line
    for out in (quiet.stdout + quiet.stderr, loud.stdout + loud.stderr):
        assert HOOK_TOKEN not in out
