"""An alert's words: one story rendered per format (markdown for Slack and chat, html for email,
text for the rest) from Jinja2 templates (``pantau/templates``, overridable per channel), with every
piece of untrusted text (titles, article text, outlet names) neutralised for its format and capped
(``neutralise.py``); only the links pantau made itself pass as they are."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from ..clock import WIB
from ..store import ArticleRow, StoryRow
from .neutralise import LIMITS, cap, cap_message, clean, link, neutralise


# ---- untrusted text: neutralise.py ---------------------------------------------------------------
def slack_escape(text: str) -> str:
    return neutralise(text, "markdown", one_line=False)


def text_escape(text: str) -> str:
    return neutralise(text, "text", one_line=False)


class Trusted(str):
    """Text pantau wrote itself (a canonical link): passed to the template as it is."""


def _finalize(fmt: str):
    return lambda v: v if isinstance(v, Trusted) or not isinstance(v, str) else neutralise(v, fmt, one_line=False)


def _env(fmt: str, override_dir: str | None) -> Environment:
    loader: BaseLoader = PackageLoader("pantau", "templates")
    if override_dir:  # user templates win; missing ones fall back to ours
        loader = ChoiceLoader([FileSystemLoader(override_dir), loader])
    autoescape = select_autoescape(enabled_extensions=("j2",)) if fmt == "html" else False
    env = Environment(loader=loader, autoescape=autoescape, trim_blocks=False, keep_trailing_newline=False)
    env.finalize = _finalize(fmt)
    return env


def outlet_name(article: ArticleRow) -> str:
    return article.site or urlsplit(article.url).hostname or article.source


def wib(dt: datetime | None) -> str:
    if dt is None:
        return "time unknown"
    return dt.astimezone(WIB).strftime("%d %b %Y %H:%M WIB")


def excerpt_of(text: str, limit: int = 300) -> str:
    """The start of an article for an alert: from its first word (never a stray ", - " left by a
    dateline the extractor dropped), cut at a word, at most ``limit`` characters."""
    flat = re.sub(r"^[\W_]+", "", " ".join(text.split()))
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"


def render(
    story: StoryRow,
    articles: list[ArticleRow],
    kind: str,
    fmt: str,
    topic_label: str,
    new_ids: set[int] | None = None,
    template_dir: str | None = None,
) -> tuple[str, str]:
    """(title, body) of an alert for one story in one format."""
    lead = max(articles, key=lambda a: a.score or 0)
    new_ids = new_ids or set()
    published = min((a.published for a in articles if a.published), default=None)
    lim = LIMITS.get(fmt, LIMITS["text"])

    def item(text: str) -> str:
        return cap(clean(text, one_line=True), lim.item)

    shown = articles
    while True:
        ctx = dict(
            kind=kind,
            title=cap(clean(story.title, one_line=True), lim.title),
            topic_label=topic_label,
            score=lead.score or 0.0,
            reason=item(lead.explanation.get("reason", "")),
            published=wib(published),
            articles=[
                dict(outlet=item(outlet_name(a)), url=Trusted(link(a.url)), title=item(a.title), is_new=a.id in new_ids)
                for a in shown
            ],
            new_outlets=sorted({item(outlet_name(a)) for a in articles if a.id in new_ids}),
            excerpt=excerpt_of(clean(lead.text), lim.excerpt),
            story_id=story.id,  # "Wrong alert? pantau feedback <id> --wrong" (ids start at 1)
        )
        body = _env(fmt, template_dir).get_template(f"{fmt}.j2").render(**ctx).strip()
        if len(body) <= lim.message or len(shown) == 1:
            break
        shown = shown[: max(1, len(shown) * 3 // 4)]  # too long: fewer outlets listed
    prefix = "[pantau] " + ("update: " if kind == "update" else "")
    title = neutralise(story.title, "markdown" if fmt == "markdown" else "text", lim.title)  # untrusted too
    return prefix + title, cap_message(body, fmt)
