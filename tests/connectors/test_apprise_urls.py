"""Apprise URLs kept intact (issue 18, defect 4): the timeouts (and a webhook's key header) pantau adds
never move a ``#channel`` or ``@user`` part — Apprise, which reads everything before the first ``?`` as
the path, still finds the README's Slack channel and mail recipient, and reads the timeouts."""

import apprise
import pytest

from pantau.connectors.delivery.apprise_send import mask, secret_parts, with_options

README_SLACK = "slack://TokenA/TokenB/TokenC/#desk"  # README.md, "Channels"
README_EMAIL = "mailtos://user:app-password@gmail.com?to=desk@example.org"


def parsed(url: str):
    plugin = apprise.Apprise.instantiate(url)
    assert plugin is not None, url
    return plugin


@pytest.mark.parametrize(
    "url, channels",
    [
        (README_SLACK, ["#desk"]),
        ("slack://TokenA/TokenB/TokenC/#desk/@editor", ["#desk", "@editor"]),
        ("slack://TokenA/TokenB/TokenC/#desk?footer=no", ["#desk"]),
    ],
)
def test_slack_keeps_its_channels_and_gets_the_timeouts(url, channels):
    out = with_options(url, 30, "key-1")
    plugin = parsed(out)
    assert plugin.channels == channels
    assert (plugin.socket_read_timeout, plugin.socket_connect_timeout) == (30.0, 10.0)
    assert "Idempotency-Key" not in out  # only webhooks get the header


def test_the_readme_email_url_keeps_its_recipient_and_gets_the_timeouts():
    plugin = parsed(with_options(README_EMAIL, 20, None))
    assert [to for _, to in plugin.targets] == ["desk@example.org"]
    assert (plugin.user, plugin.password) == ("user@gmail.com", "app-password")  # Apprise completes the login
    assert (plugin.socket_read_timeout, plugin.socket_connect_timeout) == (20.0, 10.0)


def test_timeouts_given_in_the_url_win_and_webhooks_get_the_key():
    out = with_options("json://127.0.0.1:9/alerts?rto=5", 30, "k-42")
    plugin = parsed(out)
    assert (plugin.socket_read_timeout, plugin.socket_connect_timeout) == (5.0, 10.0)
    assert plugin.headers == {"Idempotency-Key": "k-42"}
    assert with_options("json://h/x?rto=1&cto=1", 30, None) == "json://h/x?rto=1&cto=1"


def test_a_piece_of_a_secret_url_is_masked_too():
    url = "slack://T0AAAAAAA/B0BBBBBBB/xoxbSECRET42/#desk"
    assert {"T0AAAAAAA", "B0BBBBBBB", "xoxbSECRET42"} <= secret_parts(url)
    said = "HTTPSConnectionPool(host='hooks.slack.com'): url: /services/T0AAAAAAA/B0BBBBBBB/xoxbSECRET42"
    assert "xoxbSECRET42" not in mask(said, url) and "T0AAAAAAA" not in mask(said, url)
    assert "127.0.0.1" not in secret_parts("json://127.0.0.1:8080/hook")  # a host is no secret
    assert "p@ss word" in secret_parts("mailto://me:p%40ss%20word@example.org")
