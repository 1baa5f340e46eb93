"""Fuzzed feed items (hypothesis) through the link and text paths of a run — ``select_new`` (links
checked, claimed), ``record`` (article, story, alerts in the store) and delivery (every format
rendered) — on SQLite and PostgreSQL: nothing raises; a bad link is dropped with one line naming its
source; every link kept has a host a resolver accepts; no alert carries an invisible character."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau import pipeline
from pantau.alerts import Channel, deliver
from pantau.clock import utcnow
from pantau.extract import content_hash
from pantau.models import Article, Candidate, FeedResult, Match, Page
from pantau.store import Store
from pantau.urls import canonical_url, valid_host

NASTY = ["\x00", "\ud800", "\u202e", "\u2066", "\u200b", "\ufeff", "<!channel>", "@here", "[x](http://e.x)", "\n"]
TEXT = st.lists(
    st.one_of(st.text(alphabet=st.characters(codec=None), max_size=20), st.sampled_from(NASTY)), max_size=8
).map("".join)
HOSTS = st.one_of(
    st.from_regex(r"[a-z0-9.\-]{0,70}", fullmatch=True),
    st.text(max_size=70),
    st.sampled_from(["a..b", "a" * 64 + ".example", ".lead.example", "xn--a..b", "[::1", "[::1]", "ex\u00e4mple.id"]),
)
LINKS = st.one_of(
    st.builds(
        lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
        st.sampled_from(["http", "https", "HTTP", "ftp", "file", ""]),
        HOSTS,
        st.sampled_from(["", ":80", ":8080", ":99999", ":0", ":x", ":"]),
        st.text(max_size=40),
    ),
    st.text(max_size=100),
)
INVISIBLE = ("\x00", "\u202e", "\u2066", "\u200b", "\ufeff")

_STORES: dict[str, Store] = {}


def _store(url: str) -> Store:
    if url not in _STORES:
        _STORES[url] = Store(url)
    return _STORES[url]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(links=st.lists(LINKS, max_size=6), title=TEXT, text=TEXT, outlet=TEXT)
def test_fuzzed_links_and_text_never_stop_a_run_and_reach_alerts_neutralised(store_url, links, title, text, outlet):
    store = _store(store_url)
    out: list[tuple[str, str]] = []
    channels = [
        Channel.internal(fmt, fmt, lambda t, b, f, k=None: out.append((t, b))) for fmt in ("text", "markdown", "html")
    ]
    tag = uuid.uuid4().hex[:8]
    cands = [Candidate(url=u, source="fz", title=title, outlet=outlet) for u in links]
    cands.append(Candidate(url=f"https://ok.example/{tag}", source="fz", title=title, outlet=outlet))
    fresh, dropped = pipeline.select_new(
        store, [FeedResult(source="fz", url="https://f.example/", candidates=cands)], 3, 100, tag
    )
    assert all(p.where == "fz" and "\n" not in p.reason for p in dropped)
    for c in fresh:
        url = canonical_url(c.url)
        assert url is not None
        host = urlsplit(url).hostname
        assert host and valid_host(host)
        if ":" not in host:
            host.encode("idna")  # what the resolver (and so the SSRF guard) is given
    analysed = []
    for c in fresh:
        url = canonical_url(c.url) or c.url
        a = pipeline.Analysed(page=Page(candidate=c, final_url=c.url, status=200, html="<p>x</p>"))
        body = f"{text} {tag}"
        a.article = Article(
            url=url,
            fetched_url=c.url,
            source=c.source,
            title=c.title or title,
            text=body,
            published=utcnow(),
            site=c.outlet,
            language="id",
            content_hash=content_hash(title, body),
        )
        a.matches = [Match(topic="t", score=0.9, relevant=True, reason=title[:40])]
        analysed.append(a)
    pipeline.record(store, analysed, channels)
    deliver(store, channels, tag, {})
    for t, b in out:
        assert not any(ch in t + b for ch in INVISIBLE)
        assert "<!channel>" not in t + b
