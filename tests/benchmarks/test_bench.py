"""The bench's own machinery, small and without the shared corpus: rendered pages served over a real loopback
host, read by the plain script (feedparser → httpx → trafilatura), and the config pantau would get."""

from __future__ import annotations

import sys

import httpx

from support.paths import FIXTURES, PROJECT  # noqa: E402

sys.path.insert(0, str(PROJECT))  # bench/ runs from the checkout
from bench import plain  # noqa: E402
from bench.corpus import paragraphs, read_jsonl  # noqa: E402
from bench.runs import make_config  # noqa: E402
from bench.site import LoopbackSite  # noqa: E402

FIXTURE = FIXTURES / "bench_articles.jsonl"


def test_pages_are_served_over_loopback_and_extracted():
    arts = read_jsonl(FIXTURE)
    assert len(arts) == 5
    with LoopbackSite(arts, hosts=1) as site:
        out = plain.run(site.feed_urls(len(arts)), keep_texts=True)
        robots = httpx.get(site.bases[0] + "/robots.txt")
        feed = httpx.get(site.feed_urls(5)[0])
        again = httpx.get(site.feed_urls(5)[0], headers={"If-None-Match": feed.headers["etag"]})
        hits = site.since(0)
        by_url = {site.url(k): a for k, a in enumerate(arts)}
    assert out["feeds"] == 1 and out["pages"] == 5 and out["extracted"] == 5, out
    pages = [h for h in hits if h.path.endswith(".html")]
    assert len(pages) == 5 and {h.status for h in pages} == {200}
    assert robots.status_code == 200 and "Disallow: /search" in robots.text
    assert feed.headers["content-type"].startswith("application/rss+xml")
    assert feed.text.count("<pubDate>") == 5
    assert again.status_code == 304
    assert set(out["texts"]) == set(by_url)
    for url, text in out["texts"].items():
        art = by_url[url]
        assert art.title in text and art.paragraphs[1] in text and art.paragraphs[-1] in text, url
        assert "Pedoman Media Siber" not in text and "Terpopuler" not in text  # shell left behind


def test_click_id_comma_runs_are_paragraph_breaks():
    assert paragraphs("Harga turun.,Pedagang senang.,,Pembeli kembali, katanya.") == [
        "Harga turun.",
        "Pedagang senang.",
        "Pembeli kembali, katanya.",
    ]


def test_generated_config_is_one_pantau_accepts(tmp_path):
    from pantau.config import Http, load_config

    arts = read_jsonl(FIXTURE)
    site = LoopbackSite(arts, hosts=2)
    site.bases = ["http://127.0.0.2:8001", "http://127.0.0.3:8002"]  # addresses only; nothing served
    speed = load_config(make_config(site, 5, tmp_path / "speed"))
    polite = load_config(make_config(site, 5, tmp_path / "polite", polite=True))
    assert [s.url for s in speed.sources] == site.feed_urls(5)
    assert speed.http.per_host_interval_s == 0 and not speed.http.respect_robots
    assert polite.http.per_host_interval_s > 0 and polite.http.respect_robots
    assert speed.storage_url.endswith("/speed/pantau.db") and not speed.channels
    if "allow_private" in Http.model_fields:
        assert "127.0.0.0/8" in [str(x) for x in speed.http.allow_private]
