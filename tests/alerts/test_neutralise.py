"""Hostile text in alerts, per output format: mentions, link syntax and markup inert; control, bidi and
zero-width characters gone; lengths capped — for the title, the excerpt, the outlet name and the whole
message. Rendered through the real templates (``render``) and checked as a property (hypothesis)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.alerts import render
from pantau.alerts.neutralise import LIMITS, clean, neutralise
from pantau.clock import utcnow
from pantau.store import ArticleRow, StoryRow

HOSTILE = (
    "<!channel> <!here> @here @everyone <@U123> <https://evil.example|klik> [klik](https://evil.example) "
    "*tebal* `kode` <script>alert(1)</script> <a href='https://evil.example'>x</a> "
    "nul\x00 bel\x07 rlo\u202egpj.exe lri\u2066x\u2069 zw\u200bsp\u200d\ufeff lrm\u200e"
)
INVISIBLE = ["\x00", "\x07", "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u200e"]


def _story(title: str, text: str, site: str, n: int = 1) -> tuple[StoryRow, list[ArticleRow]]:
    now = utcnow()
    story = StoryRow(id=7, topic="t", title=title, signature=[], first_published=now, created_at=now, updated_at=now)
    arts = [
        ArticleRow(
            id=i + 1,
            url=f"https://outlet{i}.example/berita/{i}",
            fetched_url=f"https://outlet{i}.example/berita/{i}",
            source=f"s{i}",
            site=site,
            title=title,
            text=text,
            published=now,
            author=None,
            language="id",
            content_hash=f"h{i}",
            topic="t",
            score=0.9,
            relevant=True,
            explanation={"reason": "Rusia · G20 " + title[:50]},
            story_id=7,
        )
        for i in range(n)
    ]
    return story, arts


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_hostile_title_text_and_outlet_are_inert_in_every_format(fmt):
    story, arts = _story(HOSTILE, HOSTILE, site=HOSTILE)
    title, body = render(story, arts, "new", fmt, "G20")
    mentions = ["<!channel>", "<!here>", "<@U123>", "<https://evil"]
    for out in (title, body):
        assert not any(ch in out for ch in INVISIBLE), (fmt, out)
        for mention in mentions + (["@here", "@everyone"] if fmt != "html" or out is title else []):
            assert mention not in out, (fmt, mention)  # (an email body may say @here: nobody is paged)
    if fmt == "markdown":
        assert "[klik](" not in body and "*tebal*" not in body and "`kode`" not in body
        assert "|klik" not in body
        assert f"<{arts[0].url}|" in body  # pantau's own link is still a link
    if fmt == "html":
        assert "<script>" not in body and "<a href='https://evil" not in body and "&lt;script&gt;" in body
        assert f'<a href="{arts[0].url}">' in body
    if fmt == "text":
        assert "‹!channel›" in body and arts[0].url in body


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_lengths_are_capped_per_format(fmt):
    lim = LIMITS[fmt]
    story, arts = _story("Judul " * 2000, "Isi berita panjang. " * 5000, site="Outlet " * 500, n=60)
    title, body = render(story, arts, "new", fmt, "G20")
    assert len(title) <= len("[pantau] ") + lim.title
    assert len(body) <= lim.message, (fmt, len(body))
    assert "Outlet Outlet" in body and ("Outlet " * 60) not in body  # an outlet name is capped too


def test_a_10000_character_title_gives_a_small_alert():
    story, arts = _story("x" * 10_000, "isi " * 100, site="Kompas")
    for fmt in ("text", "markdown", "html"):
        title, body = render(story, arts, "new", fmt, "G20")
        assert len(title.encode()) + len(body.encode()) < 8_000, fmt


BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=300), st.sampled_from(["text", "markdown", "html"]))
def test_neutralised_text_never_carries_invisible_or_active_characters(text, fmt):
    out = neutralise(text, fmt, limit=120)
    assert all(unicodedata.category(ch) not in BAD_CATEGORIES for ch in out)
    assert len(clean(text, one_line=True)) <= 120 or len(out) <= 200  # capped (html escaping may lengthen)
    active = {"text": "<>@", "markdown": "<>@[]|*`", "html": "<>\"'"}[fmt]
    assert not any(ch in out for ch in active), (fmt, out)
