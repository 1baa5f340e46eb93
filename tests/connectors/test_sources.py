"""The source connectors and the HTTP client's manners, against a real HTTP server on 127.0.0.1.

Feeds are real recorded ones (tests/fixtures/feeds). Sitemaps, Google News search RSS (with its
redirect links) and GDELT DOC 2.0 answers cannot be recorded offline: the replay site crafts them in
their documented formats (sitemaps.org 0.9 + Google's news extension; the Google News RSS item shape;
GDELT's artlist JSON and its plain-text error answers) — see pantau/demo/formats.py.
"""

import asyncio
import gzip
import time
from urllib.parse import urlsplit

import pytest

from pantau.config import ConfigError, Http, Source, parse_config
from pantau.connectors.net import Fetcher, FetchError
from pantau.connectors.net.pacing import retry_after_seconds
from pantau.connectors.sources import SourceContext, discover, gdelt, google_news, homepage, sitemap
from pantau.demo.formats import GN_STYLES, google_news_id
from support.paths import FIXTURES
from support.servers import allowing

FAST = {"per_host_interval_s": 0, "retries": 2}
CTX = SourceContext(search_any=["Rusia", "Ukraina", "G20"], search_context=["diplomasi", "pertemuan"])


@pytest.fixture(autouse=True)
def quick_google_lookups(monkeypatch):
    """Google News lookups are spaced 1 s apart at Google; the loopback replay needs no such wait."""
    monkeypatch.setattr(google_news, "RESOLVE_INTERVAL_S", 0.05)


def run(coro):
    return asyncio.run(coro)


async def _discover(source: Source, settings: Http | None = None, ctx: SourceContext = CTX):
    async with Fetcher(settings or allowing(urlsplit(source.url).port, **FAST)) as f:
        return await discover(f, source, ctx)


# --- config -------------------------------------------------------------------------------------


def test_kind_selects_connector_and_validates(tmp_path):
    base = {"topics": [{"name": "t", "path": "seeds/x"}]}
    cfg = parse_config(
        {**base, "sources": [{"name": "g", "kind": "gdelt"}, {"name": "n", "kind": "google_news"}]}, tmp_path
    )
    assert cfg.sources[0].url == "https://api.gdeltproject.org/api/v2/doc/doc"
    assert cfg.sources[0].key == "gdelt:g" and cfg.sources[1].key == "google_news:n"
    with pytest.raises(ConfigError, match=r"sources\.0.*url is required for a sitemap source"):
        parse_config({**base, "sources": [{"name": "s", "kind": "sitemap"}]}, tmp_path)
    with pytest.raises(ConfigError, match=r"sources\.0\.kind"):
        parse_config({**base, "sources": [{"name": "s", "kind": "twitter", "url": "https://x"}]}, tmp_path)
    with pytest.raises(ConfigError, match=r"no topic named 'nope'"):
        parse_config({**base, "sources": [{"name": "g", "kind": "gdelt", "topic": "nope"}]}, tmp_path)


# --- sitemap ------------------------------------------------------------------------------------


def test_sitemap_index_to_gzipped_news_sitemap(replay_site):
    src = Source(name="sm", kind="sitemap", url=f"{replay_site.base}/sitemaps/index.xml", max_age_hours=1e6)
    r = run(_discover(src))
    want = {f"{replay_site.base}/{m['path']}" for m in replay_site.items("sindonews")}
    assert r.error is None and {c.url for c in r.candidates} == want
    assert all(c.title for c in r.candidates)
    assert all(c.published and c.published.tzinfo for c in r.candidates if c.published)
    assert "/sitemaps/sindonews.xml.gz" in replay_site.requests


def test_sitemap_age_filter_and_bad_documents(replay_site):
    old = Source(name="sm", kind="sitemap", url=f"{replay_site.base}/sitemaps/index.xml", max_age_hours=48)
    dated = [c for c in run(_discover(old)).candidates if c.published]
    assert dated == []  # 2019 articles are older than two days
    bomb = gzip.compress(b"<urlset>" + b" " * 60_000_000)
    replay_site.extra_pages["/sitemaps/bomb.xml.gz"] = ("application/x-gzip", bomb)
    replay_site.extra_pages["/sitemaps/html.xml"] = ("application/xml", b"<html><body>hi</body></html>")
    replay_site.extra_pages["/sitemaps/entity.xml"] = (
        "application/xml",
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>http://127.0.0.1/&x;</loc></url></urlset>",
    )
    errs = {
        name: run(_discover(Source(name="s", kind="sitemap", url=f"{replay_site.base}/sitemaps/{name}"))).error
        for name in ("bomb.xml.gz", "html.xml", "entity.xml")
    }
    assert "gzip expands beyond" in errs["bomb.xml.gz"]
    assert "not a sitemap (root element <html>" in errs["html.xml"]
    ent = run(_discover(Source(name="s", kind="sitemap", url=f"{replay_site.base}/sitemaps/entity.xml")))
    assert all("root:" not in c.url for c in ent.candidates)  # no external entity was read


def test_parse_sitemap_plain_urlset_with_lastmod():
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://www.antaranews.com/berita/1</loc><lastmod>2023-03-03T10:00:00+07:00</lastmod></url>"
        b"<url><loc>not a url</loc></url></urlset>"
    )
    items, children = sitemap.parse_sitemap(body, Source(name="a", kind="sitemap", url="https://x/s.xml"))
    assert children == [] and [c.url for c in items] == ["https://www.antaranews.com/berita/1"]
    assert items[0].published.isoformat() == "2023-03-03T10:00:00+07:00"


# --- google_news --------------------------------------------------------------------------------


def test_google_news_query_and_redirect_resolution(replay_site):
    src = Source(name="gn", kind="google_news", url=f"{replay_site.base}/gn/rss/search", max_age_hours=1e6)
    r = run(_discover(src))
    want = {f"{replay_site.base}/{m['path']}" for m in replay_site.items("kompas")}
    assert r.error is None and {c.url for c in r.candidates} == want  # all four link styles
    kind, query = replay_site.searches[-1]
    assert kind == "google_news" and "hl=id&gl=ID&ceid=ID:id" in query
    assert "%28Rusia%20OR%20Ukraina%20OR%20G20%29%20%28diplomasi%20OR%20pertemuan%29" in query
    assert all(not c.title.endswith(" - Kompas") and c.outlet == "Kompas" for c in r.candidates)
    # the redirect lookups read Location headers: no article page was downloaded while resolving
    assert replay_site.page_requests() == []
    lookups = [p for p in replay_site.requests if p.startswith("/gn/rss/articles/")]
    assert len(lookups) == sum(1 for i in range(len(want)) if i % GN_STYLES)  # style 0 ids decode offline
    posts = [p for p in replay_site.requests if p.startswith("POST ")]
    assert posts and set(posts) == {"POST /gn/_/DotsSplashUi/data/batchexecute"}
    assert len(posts) == sum(1 for i in range(len(want)) if i % GN_STYLES == 3)  # opaque ids → batchexecute
    assert set(r.aliases.values()) == want  # every resolution is kept


def test_google_news_known_aliases_spare_requests(replay_site):
    src = Source(name="gn", kind="google_news", url=f"{replay_site.base}/gn/rss/search", max_age_hours=1e6)
    first = run(_discover(src))
    before = len([p for p in replay_site.requests if p.startswith("/gn/rss/articles/")])
    ctx = SourceContext(
        search_any=["Rusia"], known_aliases=lambda links: {k: v for k, v in first.aliases.items() if k in links}
    )
    second = run(_discover(src, ctx=ctx))
    after = len([p for p in replay_site.requests if p.startswith("/gn/rss/articles/")])
    assert {c.url for c in second.candidates} == {c.url for c in first.candidates} and after == before


def test_google_news_ids_and_unresolvable_links(replay_site):
    url = "https://www.kompas.com/read/2023/03/03/rusia-tuduh-barat"
    assert google_news.decode_article_id(f"https://news.google.com/rss/articles/{google_news_id(url)}?oc=5") == url
    assert google_news.decode_article_id("https://news.google.com/rss/articles/AU_yqLsomething") is None
    src = Source(name="gn", kind="google_news", url=f"{replay_site.base}/gn/rss/search", max_age_hours=1e6)
    replay_site.search_outlets["google_news"] = "sindonews"  # links now point past the known items
    body = replay_site.respond("/gn/rss/search")[2].replace(b"AU_yqL1x1?oc", b"AU_yqL1x999?oc")
    replay_site.extra_pages["/gn/rss/search"] = ("application/xml", body)
    r = run(_discover(src))
    n = len(replay_site.items("sindonews"))
    assert r.error == f"1 of {n} Google News links could not be resolved to an outlet URL"
    assert len(r.candidates) == len(replay_site.items("sindonews")) - 1


# --- gdelt --------------------------------------------------------------------------------------


def test_gdelt_artlist_and_query(replay_site):
    src = Source(name="gd", kind="gdelt", url=f"{replay_site.base}/gdelt/api/v2/doc/doc", max_age_hours=48)
    r = run(_discover(src))
    assert r.error is None and len(r.candidates) == len(replay_site.items("tempo"))
    assert all(c.published is None or c.published.tzinfo for c in r.candidates)
    query = replay_site.searches[-1][1]
    for part in (
        "mode=artlist",
        "format=json",
        "sourcelang%3Aindonesian",
        "timespan=48h",
        "query=%28Rusia+OR+Ukraina+OR+G20%29+%28diplomasi+OR+pertemuan%29",
    ):
        assert part in query


def test_gdelt_plain_text_answer_is_the_error(replay_site):
    replay_site.routes["/gdelt/api/v2/doc/doc"] = lambda q: (
        200,
        "text/html",
        b"Please limit requests to one every 5 seconds or contact us.",
        {},
    )
    r = run(_discover(Source(name="gd", kind="gdelt", url=f"{replay_site.base}/gdelt/api/v2/doc/doc")))
    assert r.error == "GDELT answered: Please limit requests to one every 5 seconds or contact us."
    assert r.candidates == []


def test_gdelt_requests_are_five_seconds_apart(replay_site):
    """Two GDELT sources in one run: the second request waits out GDELT's 5-second rule."""
    stamps = []

    def answer(q):
        stamps.append(time.monotonic())
        return 200, "application/json", b'{"articles": []}', {}

    replay_site.routes["/gdelt/api/v2/doc/doc"] = answer

    async def go():
        async with Fetcher(allowing(replay_site, **FAST)) as f:
            for name in ("a", "b"):
                await discover(f, Source(name=name, kind="gdelt", url=f"{replay_site.base}/gdelt/api/v2/doc/doc"), CTX)

    run(go())
    assert len(stamps) == 2 and stamps[1] - stamps[0] >= gdelt.MIN_INTERVAL_S - 0.05


# --- homepage -----------------------------------------------------------------------------------


def test_homepage_feeds_and_article_links(replay_site):
    with_feed = run(_discover(Source(name="hp", kind="homepage", url=f"{replay_site.base}/outlets/kompas/?feed=1")))
    assert "/feeds/kompas.xml" in replay_site.requests
    kompas = {f"{replay_site.base}/{m['path']}" for m in replay_site.items("kompas")}
    assert {c.url for c in with_feed.candidates} == kompas
    assert any(c.published for c in with_feed.candidates)  # feed items bring their dates
    links = homepage.article_links(
        '<a href="/tag/politik">Politik dan pemerintahan hari ini</a><a href="/read/2023/03/03/x">Menlu Retno '
        'bertemu Lavrov di New Delhi</a><a href="https://other.example/read/1">Situs lain dengan judul panjang</a>'
        '<a href="/read/2">Pendek</a>',
        "https://www.kompas.com/",
        Source(name="k", kind="homepage", url="https://kompas.com"),
    )
    assert [c.url for c in links] == ["https://www.kompas.com/read/2023/03/03/x"]


@pytest.mark.parametrize(
    "page,base,n_min,feed",
    [
        (
            "okezone__okezone-mainpage.html",
            "http://www.okezone.com/",
            15,
            "http://sindikasi.okezone.com/index.php/rss/0/RSS2.0",
        ),
        ("tempo-english__tempoen-mainpage.html", "http://en.tempo.co/", 40, None),
    ],
)
def test_homepage_links_on_real_front_pages(page, base, n_min, feed):
    from trafilatura.feeds import FeedParameters, determine_feed

    from pantau.extract import decode_html

    html = decode_html((FIXTURES / "html" / page).read_bytes())
    links = homepage.article_links(html, base, Source(name="h", kind="homepage", url=base))
    assert len(links) >= n_min and all("/read/" in c.url and len(c.title.split()) >= 4 for c in links)
    assert len({c.url for c in links}) == len(links)
    found = determine_feed(html, FeedParameters(base, base.split("/")[2], base))
    assert (feed in found) if feed else found == []


def test_homepage_without_feeds_reads_robots_sitemaps(replay_site):
    replay_site.robots_txt += f"Sitemap: {replay_site.base}/sitemaps/index.xml\n"
    src = Source(name="hp", kind="homepage", url=f"{replay_site.base}/outlets/okezone/", max_age_hours=1e6)
    r = run(_discover(src))
    urls = {c.url for c in r.candidates}
    assert {f"{replay_site.base}/{m['path']}" for m in replay_site.items("sindonews")} <= urls  # from the sitemap
    assert {f"{replay_site.base}/{m['path']}" for m in replay_site.items("okezone")} <= urls  # from the page


# --- manners ------------------------------------------------------------------------------------


def test_robots_txt_is_honoured_and_read_once(replay_site):
    replay_site.extra_pages["/private/a.html"] = ("text/html", b"<html><body>secret</body></html>")

    async def go():
        async with Fetcher(allowing(replay_site, **FAST)) as f:
            with pytest.raises(FetchError, match="disallowed by robots.txt"):
                await f.get(f"{replay_site.base}/private/a.html")
            ok = await f.get(replay_site.feed_url("kompas"))
            await f.get(replay_site.feed_url("antara"))
            return ok

    assert run(go()).status == 200
    assert "/private/a.html" not in replay_site.requests
    assert replay_site.requests.count("/robots.txt") == 1


def test_crawl_delay_and_unreachable_robots(replay_site):
    replay_site.robots_txt = "User-agent: *\nCrawl-delay: 1\n"
    stamps = []
    replay_site.routes["/slow"] = lambda q: (stamps.append(time.monotonic()), (200, "text/plain", b"x", {}))[1]

    async def go():
        async with Fetcher(allowing(replay_site, **FAST)) as f:
            for _ in range(2):
                await f.get(f"{replay_site.base}/slow")

    run(go())
    assert stamps[1] - stamps[0] >= 0.95

    async def dead():
        async with Fetcher(allowing(9, **FAST)) as f:  # nothing listens on port 9 of loopback
            await f.get("http://127.0.0.1:9/feed.xml")

    with pytest.raises(FetchError, match=r"^connection refused by 127.0.0.1$") as e:
        run(dead())
    assert e.value.transient


def test_retry_after_is_obeyed_then_reported(replay_site):
    calls = []

    def busy(q):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 429, "text/plain", b"slow down", {"Retry-After": "1"}
        return 200, "text/plain", b"ok", {}

    replay_site.routes["/busy"] = busy
    replay_site.routes["/down"] = lambda q: (503, "text/plain", b"maintenance", {"Retry-After": "3600"})

    async def go():
        async with Fetcher(allowing(replay_site, **FAST)) as f:
            ok = await f.get(f"{replay_site.base}/busy")
            with pytest.raises(FetchError) as e:
                await f.get(f"{replay_site.base}/down")
            return ok, e.value

    ok, err = run(go())
    assert ok.status == 200 and len(calls) == 2 and calls[1] - calls[0] >= 0.95
    assert err.status == 503 and not err.transient and err.retry_after == 3600 and "Retry-After 3600s" in str(err)
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert retry_after_seconds("soon") is None


def test_identifiable_user_agent_and_content_type_checks(replay_site):
    page = b"<html><body>a page, not a feed</body></html>"
    replay_site.routes["/notafeed.xml"] = lambda q: (200, "text/html", page, {})
    r = run(_discover(Source(name="x", url=f"{replay_site.base}/notafeed.xml")))
    assert r.error == "not a feed (content-type text/html)"
    page = run(_discover(Source(name="hp", kind="homepage", url=replay_site.feed_url("kompas"))))
    assert page.error == "not an HTML page (application/rss+xml)"
    assert replay_site.user_agents == {Http().user_agent}  # robots.txt, feed and page alike
    assert Http().user_agent.startswith("pantau/") and "+http" in Http().user_agent
