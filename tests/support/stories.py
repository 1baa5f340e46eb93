"""A story of n articles (one per outlet) put straight into a store, for the store and alert tests."""

from __future__ import annotations

from pantau.clock import utcnow
from pantau.models import Article, Match


def add_story(
    store,
    title="Menlu RI bertemu Lavrov",
    text="Isi berita <b>tebal</b> @here",
    n=1,
    score=0.9,
    published=None,
    reason="Rusia · pertemuan",
):
    ids = []
    for i in range(n):
        url = f"https://outlet{i}.example/{abs(hash(title))}"
        a = Article(
            url=url,
            fetched_url=url,
            source=f"s{i}",
            title=title,
            text=text,
            site=f"Outlet{i}",
            content_hash=f"h{i}-{title}",
            published=published or utcnow(),
        )
        m = Match(topic="t", score=score, relevant=True, reason=reason)
        ids.append(store.articles.add(a, m))
    sid = store.stories.create("t", title, ["a"], published or utcnow())
    for i in ids:
        store.articles.set_story(i, sid)
    return sid, ids
