"""An alert's words: one story rendered per format (markdown for Slack and chat, html for email,
text for the rest) from Jinja2 templates (``pantau/templates``, overridable per channel), with every
piece of untrusted text (titles, article text, outlet names, the event card) neutralised for its
format and capped (``neutralise.py``); only the links pantau made itself pass as they are.

Every alert opens with the event at a glance (``pantau.events``: who, what, forum, where, when —
only the fields the rules are sure of), says why it matched in words, and carries every link as
text too (an email's plain-text part is made from its HTML, which drops ``href``s). Chat channels
show the title once: the channel's own title field carries it, the markdown body does not repeat it.
Digests: ``digest.py``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from ..clock import WIB
from ..events import extract
from ..store import ArticleRow, StoryRow
from .neutralise import LIMITS, cap, cap_message, clean, link, neutralise


# ---- untrusted text: neutralise.py ---------------------------------------------------------------
def slack_escape(text: str) -> str:
    return neutralise(text, "markdown", one_line=False)


def text_escape(text: str) -> str:
    return neutralise(text, "text", one_line=False)


class Trusted(str):
    """Text pantau wrote itself (a canonical link): passed to the template as it is."""


def _finalize(fmt: str) -> Callable[[object], object]:
    return lambda v: v if isinstance(v, Trusted) or not isinstance(v, str) else neutralise(v, fmt, one_line=False)


def environment(fmt: str, override_dir: str | None) -> Environment:
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


CARD_ROWS = (("Who", "who"), ("What", "what"), ("Forum", "forum"), ("Where", "where"), ("When", "when"))


def event_of(article: ArticleRow) -> dict | None:
    """The event card of an article (``EventCard.to_dict`` plus ``rows``: (label, text) of each field
    it has, in reading order), or None when the rules found nothing."""
    card = extract(article.title, article.text, article.published)
    if not card:
        return None
    out = card.to_dict()
    out["rows"] = [(label, " · ".join(out[key]) if key == "who" else out[key]) for label, key in CARD_ROWS if out[key]]
    return out


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def render(
    story: StoryRow,
    articles: list[ArticleRow],
    kind: str,
    fmt: str,
    topic_label: str,
    new_ids: set[int] | None = None,
    template_dir: str | None = None,
    feedback: dict | None = None,
    max_chars: int = 0,
) -> tuple[str, str]:
    """(title, body) of an alert for one story in one format. ``feedback``: the alert's one-click
    links (``wrong_url``, ``right_url``, ``command``: alerts/tokens.py), else the command is shown.
    ``max_chars``: the channel's longest body (0: none); a longer alert first loses its excerpt, then
    outlets ("+N more outlets"), new ones kept."""
    lead = max(articles, key=lambda a: a.score or 0)
    new_ids = new_ids or set()
    published = min((a.published for a in articles if a.published), default=None)
    lim = LIMITS.get(fmt, LIMITS["text"])
    limit = min(max_chars, lim.message) if max_chars else lim.message

    def item(text: str) -> str:
        return cap(clean(text, one_line=True), lim.item)

    ctx: dict[str, Any] = dict(
        kind=kind,
        title=cap(clean(story.title, one_line=True), lim.title),
        topic_label=topic_label,
        score=lead.score or 0.0,
        reason=item(lead.explanation.get("reason", "")),
        published=wib(published),
        # an article titled as the story links by its outlet's name: the title is said once
        articles=[
            dict(
                outlet=item(outlet_name(a)),
                url=Trusted(link(a.url)),
                title="" if _same(a.title, story.title) else item(a.title),
                is_new=a.id in new_ids,
            )
            for a in articles
        ],
        new_outlets=sorted({item(outlet_name(a)) for a in articles if a.id in new_ids}),
        excerpt=excerpt_of(clean(lead.text), lim.excerpt),
        event=event_of(lead),
        link=Trusted(link(lead.url)),
        story_id=story.id,  # "Wrong alert? pantau feedback <id> --wrong" (ids start at 1)
        feedback={k: Trusted(v) if isinstance(v, str) else v for k, v in feedback.items()} if feedback else None,
    )
    template = environment(fmt, template_dir).get_template(f"{fmt}.j2")
    body = template.render(**ctx, more_outlets=0).strip()
    if len(body) > limit:  # too long: the excerpt goes first, then outlets ("+N more outlets")
        ctx["excerpt"] = ""
        listed = sorted(ctx["articles"], key=lambda a: not a["is_new"])  # an update's new outlets stay
        n = len(listed)
        body = template.render(**ctx, more_outlets=0).strip()
        while len(body) > limit and n > 1:
            n -= 1
            body = template.render(**{**ctx, "articles": listed[:n]}, more_outlets=len(listed) - n).strip()
    prefix = "[pantau] " + ("update: " if kind == "update" else "")
    title = neutralise(story.title, "markdown" if fmt == "markdown" else "text", lim.title)  # untrusted too
    return prefix + title, cap_message(body, fmt)
