"""Multi-page articles, fetched from a real HTTP server on 127.0.0.1. The pages are crafted in the
markup shapes Kompas (``?page=N`` plus a "Show All" ``?page=all`` link) and Detik (``/2``, ``/3``
with "Selanjutnya" / rel=next links) use; the article text is written for the test."""

import asyncio
from urllib.parse import urlsplit

from pantau.connectors.net import Fetcher
from pantau.connectors.net.pages import fetch_page
from pantau.extract import extract_article, pagination
from pantau.models import Candidate
from support.servers import allowing

PARTS = [
    "Menteri Luar Negeri Retno Marsudi bertemu Menteri Luar Negeri Rusia Sergey Lavrov di sela pertemuan "
    "para menteri luar negeri G20 di New Delhi, India, pada Kamis, untuk membahas perang di Ukraina.",
    "Dalam pertemuan bilateral itu Retno menegaskan kembali sikap Indonesia agar perang segera dihentikan "
    "dan perundingan damai dimulai, serta meminta jaminan kelancaran ekspor pangan dan pupuk dunia.",
    "Lavrov menyampaikan pandangan Rusia tentang situasi di lapangan. Kedua menteri sepakat menjaga "
    "komunikasi dan kerja sama di forum multilateral, termasuk G20 dan ASEAN, kata juru bicara Kemlu.",
]
FILLER = "Kalimat tambahan ini melengkapi paragraf agar setiap halaman memuat cukup teks berita untuk diekstrak."


def _page(title: str, body: str, nav: str) -> bytes:
    return (
        f"<html><head><title>{title} - Kompas.com</title><meta property='og:title' content='{title}'>"
        f"<meta property='article:published_time' content='2023-03-02T15:30:00+07:00'></head><body>"
        f"<header><a href='/'>Beranda</a></header><article><h1>{title}</h1>"
        f"<div class='read__content'><p>{body}</p><p>{FILLER}</p></div>{nav}</article>"
        f"<footer>Copyright Kompas.com</footer></body></html>"
    ).encode()


def _kompas(site, with_all: bool):
    path = "/read/2023/03/02/15300061/retno-bertemu-lavrov-di-new-delhi"

    def route(query):
        n = query.split("page=")[1] if "page=" in query else "1"
        links = "".join(f"<a class='paging__link' href='{path}?page={i}'>{i}</a>" for i in (1, 2, 3))
        links += f"<a class='paging__link--next' href='{path}?page={min(int(n) + 1, 3) if n != 'all' else 3}'>Next</a>"
        if with_all:
            links += f"<a class='paging__link--show' href='{path}?page=all'>Show All</a>"
        body = " ".join(PARTS) if n == "all" else PARTS[int(n) - 1]
        page = _page("Retno Bertemu Lavrov", body, f"<div class='paging'>{links}</div>")
        return 200, "text/html; charset=utf-8", page, {}

    site.routes[path] = route
    return site.base + path


def _detik(site, broken_third: bool = False):
    base = "/berita/d-6595000/retno-bertemu-lavrov"
    for i in (1, 2, 3):
        nav = f"<a rel='next' href='{base}/{i + 1}'>Selanjutnya</a>" if i < 3 else ""
        html = _page("Retno Bertemu Lavrov", PARTS[i - 1], f"<div class='detail__paging'>{nav}</div>")
        path = base if i == 1 else f"{base}/{i}"
        if i == 3 and broken_third:
            site.routes[path] = lambda q: (500, "text/plain", b"oops", {})
        else:
            site.routes[path] = (lambda h: lambda q: (200, "text/html; charset=utf-8", h, {}))(html)
    return site.base + base


def _fetch(url: str, max_pages: int = 10):
    async def go():
        async with Fetcher(allowing(urlsplit(url).port, per_host_interval_s=0)) as f:
            return await fetch_page(f, Candidate(url=url, source="t"), max_pages)

    return asyncio.run(go())


def test_show_all_page_replaces_page_one(replay_site):
    url = _kompas(replay_site, with_all=True)
    page = _fetch(url)
    assert page.more_html == [] and page.notes == []
    x = extract_article(page.html, page.final_url, page.more_html)
    assert all(p in x.text for p in PARTS)
    assert sum(1 for r in replay_site.requests if "retno-bertemu" in r) == 2  # page 1, then page=all


def test_next_pages_followed_and_merged_in_order(replay_site):
    page = _fetch(_kompas(replay_site, with_all=False))
    assert len(page.more_html) == 2
    x = extract_article(page.html, page.final_url, page.more_html)
    positions = [x.text.index(p) for p in PARTS]
    assert positions == sorted(positions)
    assert x.text.count(FILLER) == 1 and "Copyright" not in x.text  # repeated lines kept once


def test_rel_next_chain_limit_and_broken_page(replay_site):
    url = _detik(replay_site)
    nxt = "<a rel='next' href='/berita/d-6595000/retno-bertemu-lavrov/2'>Selanjutnya</a>"
    assert pagination(_page("t", PARTS[0], nxt).decode(), url) == (None, url + "/2")
    assert len(_fetch(url).more_html) == 2
    assert len(_fetch(url, max_pages=2).more_html) == 1
    broken = _fetch(_detik(replay_site, broken_third=True))
    assert len(broken.more_html) == 1 and broken.notes and "HTTP 500" in broken.notes[0]
    x = extract_article(broken.html, broken.final_url, broken.more_html)
    assert PARTS[1] in x.text and PARTS[2] not in x.text


def test_links_to_other_articles_are_not_pages():
    html = (
        "<html><body><article><h1>A</h1><p>x</p><a href='/read/2023/03/02/999/berita-lain'>Selanjutnya</a>"
        "<a href='/read/2023/03/02/1/artikel?page=all'>Tampilkan semua</a></article></body></html>"
    )
    assert pagination(html, "https://www.kompas.com/read/2023/03/02/1/artikel") == (
        "https://www.kompas.com/read/2023/03/02/1/artikel?page=all",
        None,
    )


def test_cli_extract_url_follows_pages(replay_site, capsys, tmp_path):
    import json

    import yaml

    from pantau.cli import main as cli

    url = _detik(replay_site)
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "http": {"allow_private": [f"127.0.0.1:{replay_site.port}"]},
                "sources": [],
                "topics": [{"name": "g20-russia-ukraine", "path": "seeds/g20-russia-ukraine"}],
            }
        )
    )
    assert cli(["extract", url, "--config", str(config), "--json"]) == 0
    r = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(r) == {"title", "text", "date", "url", "language"}
    assert all(p in r["text"] for p in PARTS) and r["language"] == "id"
    assert r["title"] == "Retno Bertemu Lavrov" and r["date"] == "2023-03-02T15:30:00+07:00"
