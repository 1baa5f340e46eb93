"""The fault server of tests/support/faults/ does what it says: every behaviour once, with plain
httpx or raw sockets, on 127.0.0.1 only."""

from __future__ import annotations

import json
import socket
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from urllib.parse import quote

import httpx
import pytest

from support.faults import CHARSET_WORDS, MB, FaultServer, SlowWebhook

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(scope="module")
def fs():
    server = FaultServer().start()
    yield server
    server.stop()


def get(url: str, timeout: float = 3.0, **kw) -> httpx.Response:
    return httpx.get(url, timeout=timeout, **kw)


def items_of(body: bytes) -> list[tuple[str, str]]:
    root = ET.fromstring(body)
    return [(i.findtext("title") or "", i.findtext("link") or "") for i in root.iter("item")]


def test_ok_page_is_a_small_indonesian_article(fs):
    r = get(fs.base + "/ok/satu.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.count("<h1>") == 1 and r.text.count("<p>") == 3
    words = len(" ".join(r.text.split("<p>")[1:]).split())
    assert 120 <= words <= 200
    assert "Rusia" in r.text and "Ukraina" in r.text
    assert get(fs.base + "/ok/dua.html").text != r.text
    assert get(fs.base + "/ok/satu.html").text == r.text


def test_feed_links_to_items_under_path(fs):
    r = get(fs.base + "/feed.xml?n=4&path=/ok/")
    assert r.status_code == 200 and "rss" in r.headers["content-type"]
    links = [link for _, link in items_of(r.content)]
    assert links == [f"{fs.base}/ok/item-{i}.html" for i in range(1, 5)]
    assert [link for _, link in items_of(get(fs.base + "/feed.xml?n=2&path=/x/").content)] == [
        f"{fs.base}/x/item-1.html",
        f"{fs.base}/x/item-2.html",
    ]


def test_feed_links_carries_hostile_urls_verbatim(fs):
    hostile = [
        "http://:99999/x",
        "http://[::1",
        "http://127.0.0.2:8080/ok/a.html",
        "http://169.254.169.254/latest/meta-data",
        "file:///etc/passwd",
    ]
    r = get(fs.base + "/feed-links.xml?links=" + quote(",".join(hostile), safe=""))
    assert [link for _, link in items_of(r.content)] == hostile
    r = get(fs.base + "/feed-links.xml?link=" + quote("http://a/?x=1,2", safe=""))
    assert [link for _, link in items_of(r.content)] == ["http://a/?x=1,2"]


def test_blackhole_times_out_within_the_client_timeout(fs):
    t0 = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        get(fs.base + "/blackhole", timeout=0.4)
    assert time.monotonic() - t0 < 0.4 + 2  # the client's timeout, plus slack for load
    assert fs.hits("/blackhole") >= 1


def test_drip_sends_a_byte_per_interval_and_stops_when_the_client_leaves(fs):
    t0 = time.monotonic()
    r = get(fs.base + "/drip?bytes=4&interval=0.05")
    assert r.status_code == 200 and r.headers["content-length"] == "4" and len(r.content) == 4
    assert time.monotonic() - t0 >= 0.2
    with httpx.stream("GET", fs.base + "/drip?bytes=1000&interval=0.05", timeout=2) as r:
        assert r.headers["content-length"] == "1000"
        next(r.iter_raw(1))
    end = time.monotonic() + 5
    while fs.open_connections and time.monotonic() < end:
        time.sleep(0.02)
    assert fs.open_connections == 0


def test_reset_raises(fs):
    with pytest.raises(httpx.ReadError, match="reset"):
        get(fs.base + "/reset")
    with socket.create_connection(("127.0.0.1", fs.port), timeout=5) as s:
        s.sendall(b"GET /reset HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        with pytest.raises(ConnectionResetError):
            while s.recv(65536):
                pass


def test_truncated_body_raises(fs):
    with pytest.raises(httpx.RemoteProtocolError, match="received 100 bytes, expected 10000"):
        get(fs.base + "/truncated")


def test_status_with_and_without_retry_after(fs):
    r = get(fs.base + "/status/429?retry_after=7")
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    r = get(fs.base + "/status/503")
    assert r.status_code == 503 and "retry-after" not in r.headers
    assert get(fs.base + "/status/204").status_code == 204


def test_burst_then_recovery_and_reset_counts(fs):
    codes = [get(fs.base + "/burst/502?n=2").status_code for _ in range(3)]
    assert codes == [502, 502, 200]
    assert items_of(get(fs.base + "/burst/502?n=2").content)
    assert get(fs.base + "/burst/500?n=1").status_code == 500  # its own counter
    fs.reset_counts()
    assert get(fs.base + "/burst/502?n=2").status_code == 502


def test_redirects(fs):
    r = get(fs.base + "/redirect/3", follow_redirects=True)
    assert r.status_code == 200 and len(r.history) == 3 and r.url.path == "/ok/end.html"
    assert [h.status_code for h in r.history] == [302, 302, 302]
    before = fs.hits("/redirect-loop")
    with (
        httpx.Client(follow_redirects=True, max_redirects=5, timeout=3) as client,
        pytest.raises(httpx.TooManyRedirects),
    ):
        client.get(fs.base + "/redirect-loop")
    assert fs.hits("/redirect-loop") - before == 6
    for target in ("ftp://x/y", "file:///etc/passwd", "http://127.0.0.2:1/ok/a.html"):
        r = get(fs.base + "/redirect-to?url=" + quote(target, safe=""))
        assert r.status_code == 302 and r.headers["location"] == target
    assert get(fs.base + "/redirect-to?code=301&url=/ok/a.html").status_code == 301


def test_big_bodies(fs):
    r = get(fs.base + "/big?mb=1")
    assert r.headers["content-length"] == str(MB) and len(r.content) == MB
    r = get(fs.base + "/big-undeclared?mb=0.5")
    assert "content-length" not in r.headers and len(r.content) == MB // 2
    r = get(fs.base + "/big-undeclared?mb=0.5&chunked=1")
    assert r.headers["transfer-encoding"] == "chunked" and len(r.content) == MB // 2


def test_gzip_bomb_is_small_on_the_wire_and_large_unpacked(fs):
    with httpx.stream("GET", fs.base + "/gzip-bomb?mb=20", timeout=5) as r:
        raw = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip" and r.headers["content-length"] == str(len(raw))
    assert len(raw) < 100_000
    d, size, data = zlib.decompressobj(31), 0, raw
    while data:  # 1 MB at a time, as a careful client would
        chunk = d.decompress(data, MB)
        assert not chunk.strip(b"\0")
        size += len(chunk)
        data = d.unconsumed_tail
    assert size + len(d.flush()) == 20 * MB and d.eof


def test_entity_attacks(fs):
    laughs = get(fs.base + "/billion-laughs.xml").text
    assert '<!ENTITY lol9 "&lol8;&lol8;' in laughs and "<title>&lol9;</title>" in laughs
    xxe = get(fs.base + "/xxe.xml").text
    assert '<!ENTITY xxe SYSTEM "file:///etc/passwd">' in xxe and "<title>&xxe;</title>" in xxe


def test_huge_feed_is_streamed_with_all_its_items(fs):
    count, tail = 0, b""
    with httpx.stream("GET", fs.base + "/huge-feed.xml?n=100000", timeout=10) as r:
        assert r.headers["transfer-encoding"] == "chunked"
        for chunk in r.iter_bytes():
            data = tail + chunk
            count += data.count(b"<item>")
            tail = data[-5:]  # a tag cut in two is counted once, in the next round
    assert count == 100_000 and tail.endswith(b"rss>\n")


def test_broken_documents(fs):
    with pytest.raises(ET.ParseError):
        ET.fromstring(get(fs.base + "/malformed.xml").content)
    r = get(fs.base + "/not-xml")
    assert r.headers["content-type"].startswith("application/rss+xml") and r.text.startswith("<!DOCTYPE html>")
    r = get(fs.base + "/empty")
    assert r.status_code == 200 and r.content == b"" and r.headers["content-type"].startswith("text/html")
    assert get(fs.base + "/no-such-thing").status_code == 404


def test_charsets(fs):
    r = get(fs.base + "/charset/latin1-declared-utf8")
    assert "charset=utf-8" in r.headers["content-type"]
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    assert CHARSET_WORDS["latin1-declared-utf8"] in r.content.decode("iso-8859-1")
    r = get(fs.base + "/charset/no-charset")
    assert r.headers["content-type"] == "text/html" and b"charset" not in r.content
    assert CHARSET_WORDS["no-charset"] in r.content.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    r = get(fs.base + "/charset/invalid-utf8")
    assert "charset=utf-8" in r.headers["content-type"]
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    assert get(fs.base + "/charset/ebcdic").status_code == 404


def test_types(fs):
    r = get(fs.base + "/type/pdf")
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF-1.4")
    r = get(fs.base + "/type/png")
    assert r.headers["content-type"] == "image/png" and r.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_slow_headers(fs):
    with pytest.raises(httpx.ReadTimeout):
        get(fs.base + "/slow-headers?delay=1", timeout=0.2)
    t0 = time.monotonic()
    assert get(fs.base + "/slow-headers?delay=0.3").status_code == 200
    assert time.monotonic() - t0 >= 0.3


def test_robots_is_configurable(fs):
    r = get(fs.base + "/robots.txt")
    assert r.status_code == 200 and r.text == "User-agent: *\nDisallow:\n"
    fs.robots, fs.robots_status = "User-agent: *\nDisallow: /ok/\n", 200
    assert get(fs.base + "/robots.txt").text.endswith("Disallow: /ok/\n")
    fs.robots_status = 503
    assert get(fs.base + "/robots.txt").status_code == 503
    fs.robots, fs.robots_status = "User-agent: *\nDisallow:\n", 200


def test_request_log_and_hits(fs):
    get(fs.base + "/status/418?x=1", headers={"User-Agent": "pantau-test"})
    assert fs.requests[-1] == ("GET", "/status/418?x=1")
    assert fs.request_headers[-1]["user-agent"] == "pantau-test"
    assert fs.hits("/status/418") >= 1 and fs.hits("/status/418?x=1") >= 1 and fs.hits("/status/418?x=2") == 0
    assert get(fs.base + "/drip?bytes=x").status_code == 400


def test_loopback_only():
    with pytest.raises(ValueError):
        FaultServer(host="0.0.0.0")
    with pytest.raises(ValueError):
        SlowWebhook(host="10.1.2.3")
    with FaultServer(host="127.0.0.2") as other:  # a second "host" for cross-host redirects
        assert other.base.startswith("http://127.0.0.2:")
        assert get(other.base + "/ok/a.html").status_code == 200


def test_stop_returns_fast_with_a_blackhole_and_a_drip_in_progress():
    server = FaultServer().start()
    errors: list[BaseException] = []

    def client(path: str) -> None:
        try:
            get(server.base + path, timeout=10)
        except httpx.HTTPError as e:
            errors.append(e)

    threads = [threading.Thread(target=client, args=(p,)) for p in ("/blackhole", "/drip?bytes=100&interval=0.5")]
    for t in threads:
        t.start()
    end = time.monotonic() + 5
    while server.open_connections < 2 and time.monotonic() < end:
        time.sleep(0.02)
    assert server.open_connections == 2
    t0 = time.monotonic()
    server.stop()
    assert time.monotonic() - t0 < 2
    for t in threads:
        t.join(5)
    assert not any(t.is_alive() for t in threads) and len(errors) == 2


def test_slow_webhook_records_before_answering():
    with SlowWebhook(delay=3.0) as hook:
        assert hook.apprise_url == f"json://127.0.0.1:{hook.port}/hook"
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(hook.url, json={"title": "t", "message": "m"}, headers={"Idempotency-Key": "k-1"}, timeout=0.3)
        deadline = time.monotonic() + 3  # a loaded machine may record late
        while not hook.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(hook.received) == 1 and hook.answered == 0  # delivered, never answered
        got = hook.received[0]
        assert got["body"] == {"title": "t", "message": "m"} and got["headers"]["Idempotency-Key"] == "k-1"
        assert got["headers"]["idempotency-key"] == "k-1" and got["path"] == "/hook"
        hook.delay = 0
        r = httpx.post(hook.url, content=b"not json", timeout=2)
        deadline = time.monotonic() + 3  # the server counts an answer just after writing it out
        while hook.answered < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert r.status_code == 200 and hook.received[-1]["body"] is None and hook.answered == 1
        hook.down = True
        assert httpx.post(hook.url, json={}, timeout=2).status_code == 503
        assert len(hook.received) == 2
        assert httpx.get(hook.url, timeout=2).status_code == 405


def test_slow_webhook_takes_apprise_json():
    import apprise

    with SlowWebhook(delay=0) as hook:
        a = apprise.Apprise()
        assert a.add(hook.apprise_url)
        assert a.notify(title="Judul", body="Isi pesan")
        assert json.loads(hook.received[0]["raw"])["message"] == "Isi pesan"
