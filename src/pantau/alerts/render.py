"""An alert's words: one story rendered per format (markdown for Slack and chat, html for email,
text for the rest) from Jinja2 templates (``pantau/templates``, overridable per channel), with every
piece of untrusted text (titles, article text) escaped for its format.

Every alert opens with the event at a glance (``pantau.events``: who, what, forum, where, when —
only the fields the rules are sure of), says why it matched in words, and carries every link as
text too (an email's plain-text part is made from its HTML, which drops ``href``s). Chat channels
show the title once: the channel's own title field carries it, the markdown body does not repeat it.
Digests: ``digest.py``."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from ..clock import WIB
from ..events import extract
from ..store import ArticleRow, StoryRow

# ---- untrusted text ---------------------------------------------------------------------------
_MENTION = re.compile(r"@(here|channel|everyone)\b", re.I)


def slack_escape(text: str) -> str:
    """Slack mrkdwn for untrusted text. Apprise's Slack plugin escapes & < > itself but keeps
    ``<url|label>`` links and turns ``@name`` into a mention, so: angle brackets become look-alikes
    (no <!channel>, <@U…> or injected links), every @ becomes a full-width ＠ (no mention),
    and formatting characters are neutralised."""
    text = text.replace("<", "\u2039").replace(">", "\u203a").replace("@", "\uff20")
    return text.replace("*", "\u2217").replace("`", "'").replace("|", "\u2758")


def text_escape(text: str) -> str:
    return _MENTION.sub(lambda m: "@\u200b" + m.group(1), text)


def environment(fmt: str, override_dir: str | None) -> Environment:
    loader: BaseLoader = PackageLoader("pantau", "templates")
    if override_dir:  # user templates win; missing ones fall back to ours
        loader = ChoiceLoader([FileSystemLoader(override_dir), loader])
    autoescape = select_autoescape(enabled_extensions=("j2",)) if fmt == "html" else False
    env = Environment(loader=loader, autoescape=autoescape, trim_blocks=False, keep_trailing_newline=False)
    if fmt == "markdown":
        env.finalize = lambda v: slack_escape(v) if isinstance(v, str) else v
    elif fmt == "text":
        env.finalize = lambda v: text_escape(v) if isinstance(v, str) else v
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
    ctx = dict(
        kind=kind,
        title=story.title,
        topic_label=topic_label,
        score=lead.score or 0.0,
        reason=lead.explanation.get("reason", ""),
        published=wib(published),
        # an article titled as the story links by its outlet's name: the title is said once
        articles=[
            dict(
                outlet=outlet_name(a),
                url=a.url,
                title="" if _same(a.title, story.title) else a.title,
                is_new=a.id in new_ids,
            )
            for a in articles
        ],
        new_outlets=sorted({outlet_name(a) for a in articles if a.id in new_ids}),
        excerpt=excerpt_of(lead.text),
        event=event_of(lead),
        link=lead.url,
        story_id=story.id,  # "Wrong alert? pantau feedback <id> --wrong" (ids start at 1)
        feedback=feedback,
    )
    template = environment(fmt, template_dir).get_template(f"{fmt}.j2")
    body = template.render(**ctx, more_outlets=0).strip()
    if max_chars and len(body) > max_chars:
        ctx["excerpt"] = ""
        listed = sorted(ctx["articles"], key=lambda a: not a["is_new"])  # an update's new outlets stay
        n = len(listed)
        body = template.render(**ctx, more_outlets=0).strip()
        while len(body) > max_chars and n > 1:
            n -= 1
            body = template.render(**{**ctx, "articles": listed[:n]}, more_outlets=len(listed) - n).strip()
    prefix = "[pantau] " + ("update: " if kind == "update" else "")
    title = story.title[:200]
    title = slack_escape(title) if fmt == "markdown" else text_escape(title)  # a title is untrusted too
    return prefix + title, body
