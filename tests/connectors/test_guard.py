"""The SSRF guard, on real sockets: only public addresses are fetched unless http.allow_private lists
them — checked after DNS resolution and again on every redirect hop; nothing is sent to a blocked one."""

import asyncio
import ipaddress
import socket

import pytest

from pantau.config import ConfigError, Http, parse_config
from pantau.connectors.net import Fetcher, FetchError
from pantau.connectors.net.guard import Guard
from support.servers import allowing


def get(settings: Http, url: str):
    async def go():
        async with Fetcher(settings) as f:
            return await f.get(url)

    return asyncio.run(go())


@pytest.mark.parametrize(
    "address, why",
    [
        ("127.0.0.1", "loopback address"),
        ("127.0.0.2", "loopback address"),
        ("::1", "loopback address"),
        ("10.0.0.1", "private address"),
        ("192.168.1.10", "private address"),
        ("172.16.5.4", "private address"),
        ("100.64.0.1", "private address"),
        ("169.254.169.254", "link-local or metadata address"),
        ("fe80::1", "link-local or metadata address"),
        ("fd00:ec2::254", "private address"),
        ("::ffff:127.0.0.1", "loopback address"),
        ("224.0.0.251", "multicast address"),
        ("0.0.0.0", "reserved address"),
    ],
)
def test_non_public_addresses_are_refused(address, why):
    assert Guard().refusal("h", 80, address) == why


def test_public_addresses_and_listed_exceptions_pass():
    assert Guard().refusal("www.kompas.com", 443, "203.0.113.9") == "private address"  # TEST-NET-3 is not public
    assert Guard().refusal("www.kompas.com", 443, "104.18.1.1") is None
    g = Guard(["127.0.0.1:8080", "10.1.0.0/16", "intranet.local:443"])
    assert g.refusal("127.0.0.1", 8080, "127.0.0.1") is None and g.refusal("127.0.0.1", 8081, "127.0.0.1")
    assert g.refusal("feeds", 80, "10.1.2.3") is None and g.refusal("feeds", 80, "10.2.0.1")
    assert g.refusal("intranet.local", 443, "192.168.0.5") is None


def test_allow_private_entries_are_validated(tmp_path):
    base = {"sources": [], "topics": []}
    parse_config({**base, "http": {"allow_private": ["127.0.0.1:18765", "10.0.0.0/8", "::1/128"]}}, tmp_path)
    with pytest.raises(ConfigError, match=r"http\.allow_private.*give 'host:port' or a CIDR"):
        parse_config({**base, "http": {"allow_private": ["localhost"]}}, tmp_path)


def test_loopback_is_blocked_by_default_and_fetched_when_listed(replay_site):
    url = replay_site.feed_url("kompas")
    before = len(replay_site.requests)
    with pytest.raises(FetchError, match=r"^blocked: loopback address \(127.0.0.1\)$") as e:
        get(Http(per_host_interval_s=0), url)
    assert not e.value.transient and len(replay_site.requests) == before  # nothing was sent
    assert get(allowing(replay_site, per_host_interval_s=0), url).status == 200


def test_every_redirect_hop_is_checked(replay_site):
    """An allowed server redirects into another loopback address: that hop is refused."""
    other = socket.socket()
    other.bind(("127.0.0.2", 0))
    other.listen()
    port = other.getsockname()[1]
    try:
        replay_site.routes["/hop"] = lambda q: (302, "text/html", b"", {"Location": f"http://127.0.0.2:{port}/x"})
        with pytest.raises(FetchError, match=r"blocked: loopback address \(127.0.0.2\)"):
            get(allowing(replay_site, per_host_interval_s=0, respect_robots=False), f"{replay_site.base}/hop")
        other.settimeout(0.2)
        with pytest.raises(TimeoutError):
            other.accept()  # no connection was ever opened to 127.0.0.2
    finally:
        other.close()


def test_metadata_and_private_addresses_are_never_contacted():
    for url in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/feed.xml", "http://[::1]:9/x"):
        with pytest.raises(FetchError, match=r"^blocked: "):
            get(Http(per_host_interval_s=0, respect_robots=False, timeout_s=2), url)


def test_a_redirect_to_another_scheme_is_refused(replay_site):
    replay_site.routes["/to-file"] = lambda q: (302, "text/html", b"", {"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match=r"^refused: not an http\(s\) URL"):
        get(allowing(replay_site, per_host_interval_s=0, respect_robots=False), f"{replay_site.base}/to-file")


def test_guard_parses_every_kind_of_entry():
    g = Guard(["[::1]:8080", "fd00::/8"])
    assert ("::1", 8080) in g.hosts and g.networks == [ipaddress.ip_network("fd00::/8")]


@pytest.mark.parametrize("host", ["a..b", "a" * 64 + ".example", ".lead.example"])
def test_a_malformed_host_name_is_one_line_not_a_crash(host):
    """The resolver's IDNA codec refuses these names (UnicodeError): the guard says so in one line,
    before any lookup, so no DNS query or packet leaves."""
    import httpcore

    from pantau.connectors.net.guard import GuardedBackend

    async def go():
        return await GuardedBackend(Guard()).connect_tcp(host, 80)

    with pytest.raises(httpcore.ConnectError, match="invalid host name"):
        asyncio.run(go())
    with pytest.raises(FetchError) as e:
        get(Http(respect_robots=False), f"http://{host}/x")
    assert "\n" not in str(e.value)
