"""A page's ``rel=canonical`` names its identity only on its own site: a canonical on another host is
kept as a note, never the article's URL (its identity, its alert link, the URL marked done)."""

from __future__ import annotations

import pytest

from pantau import pipeline
from pantau.extract import extract_article
from pantau.models import Candidate, Page
from support.faults import article_html


def page(canonical: str) -> str:
    return article_html("kanonik").replace("</head>", f'<link rel="canonical" href="{canonical}">\n</head>')


def test_a_canonical_on_another_site_is_a_note_not_the_identity(matcher):
    fetched = "https://situs-a.example/berita/kanonik"
    x = extract_article(page("https://situs-b.example/berita/asli"), fetched)
    assert x is not None and x.url == fetched
    assert any("situs-b.example/berita/asli" in n for n in x.notes)
    p = Page(
        candidate=Candidate(url=fetched, source="a"),
        final_url=fetched,
        status=200,
        html=page("https://situs-b.example/berita/asli"),
    )
    [a] = pipeline.analyse([p], [matcher], ["id"])
    assert a.article is not None and a.article.url == fetched and "situs-b" not in a.article.url
    assert any("situs-b.example" in n for n in a.page.notes)


@pytest.mark.parametrize(
    "fetched, canonical",
    [
        ("https://m.kompas.com/global/read/1/x", "https://www.kompas.com/global/read/1/x"),
        ("https://news.detik.com/berita/d-1/x", "https://news.detik.com/berita/d-1/x-judul"),
    ],
)
def test_a_canonical_on_the_same_site_is_the_identity(fetched, canonical):
    x = extract_article(page(canonical), fetched)
    assert x is not None and x.url == canonical and not x.notes
