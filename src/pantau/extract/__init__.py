"""Article extraction: from a page's HTML to its title, text, date and canonical URL.

One stage, one module per pass (as trafilatura's own stage modules):

1. ``dom.py``        — clean the page's DOM (paragraphs from loose text, boxes and teasers pruned), its
                       rules by concern in ``blocks.py``, ``teasers.py`` and ``shield.py``, measured
                       against where the story is (``story.py``);
2. trafilatura finds the main text (its fast path; with its fallback extractors when the fast path
   returns much less than the page's paragraphs hold; on the page as it came when the pruned body is a
   scrap of it) and the metadata; ``state.py`` — the full body from the page's JSON state when the
   HTML shows only its start;
3. ``lines.py``      — repair mojibake (ftfy); drop boilerplate and promotion lines ("Baca juga: …",
                       "Cek berita … di Google News", "Advertisement", credits …);
   ``dates.py``      — the publication time in WIB (metadata, else the byline's time);
   ``pagination.py`` — multi-page articles (the fetch stage follows the links; their text is merged);
   ``charset.py``    — bytes to text; ``language.py`` — what language the text is in.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime, time
from urllib.parse import urlsplit

from courlan import extract_domain

from .charset import decode_html
from .dates import WIB, parse_date, stamp_time
from .dom import parse_html, prune_tree
from .lines import clean_text, clean_title, drop_repeats, norm
from .pagination import merge_pages, pagination
from .state import fuller, state_bodies, state_scripts
from .story import page_words

__all__ = [
    "Extracted",
    "extract_article",
    "content_hash",
    "decode_html",
    "parse_date",
    "pagination",
    "parse_html",
    "clean_text",
    "WIB",
]


@dataclass
class Extracted:
    title: str
    text: str
    url: str | None
    published: datetime | None
    author: str | None
    site: str | None
    notes: list[str] = field(default_factory=list)  # e.g. a canonical URL on another site, not followed


def _site(url: str) -> str:
    """The registrable domain (``m.kompas.com`` → ``kompas.com``), else the host."""
    return (extract_domain(url, fast=True) or urlsplit(url).hostname or "").lower()


def _no_site(url: str) -> bool:
    """A local file, or a page replayed on a loopback address (the demo, tests; the SSRF guard lets
    no other run fetch one): no site of its own, so its canonical says where it is from."""
    if not url.startswith(("http://", "https://")):
        return True
    try:
        return ipaddress.ip_address(urlsplit(url).hostname or "").is_loopback
    except ValueError:
        return False


def _canonical(meta_url: str | None, fetched_url: str, notes: list[str] | None = None) -> str:
    """The page's own URL for it (``rel=canonical``/``og:url``) when it names a page of the same site;
    a canonical on another site is only a note — a page must not take over another site's article
    (its identity, its alert link, its URL marked done)."""
    if meta_url and meta_url.startswith(("http://", "https://")) and urlsplit(meta_url).path not in ("", "/"):
        if _no_site(fetched_url) or _site(meta_url) == _site(fetched_url):
            return meta_url
        if notes is not None:
            notes.append(f"canonical URL on another site kept as a note, not followed: {meta_url[:300]}")
    return fetched_url


# The fast path (trafilatura's own extractor alone) is trusted when it returns at least this share of
# the words of the page's paragraphs; below it, trafilatura runs again with its fallback extractors.
FALLBACK_BELOW = 0.5
# A body under SHORT_BODY words is checked against trafilatura alone on the page as it came (fallbacks
# on, nothing pruned); that one is taken when the sentences it adds hold twice the body's words (and at
# least SHORT_SENTENCES), or when it holds SHORT_RATIO times the body's words and adds some sentences
# (SHORT_SOME words): the pruning passes took the page's text for boxes (a section front of summaries,
# a page of formulas). Added headlines, menus, captions and list items are not sentences: a short
# story among teasers stays as it is.
SHORT_BODY = 100
SHORT_SENTENCES = 30
SHORT_SOME = 20
SHORT_RATIO = 3
# How many page bodies took each path ("fast", "fallback", "unpruned", "state") in this process (`make bench`).
PATHS: Counter = Counter()


def _words(text: str) -> int:
    return len(text.split())


def _sentence_words(text: str, body: str) -> int:
    """Words of the lines of ``text`` that ``body`` lacks and that are written sentences (10+ words, a
    closing stop; not a list item, as teasers are)."""
    have = {norm(line) for line in body.splitlines()}
    return sum(
        len(line.split())
        for line in text.splitlines()
        if len(line.split()) >= 10
        and not line.startswith("- ")
        and re.search(r"[.!?…][\"'”’)]*$", line.strip())
        and norm(line) not in have
    )


def _whole_page_wins(body: str, whole: str) -> bool:
    """Whether trafilatura's text of the page as it came (``whole``) is taken over a short ``body``."""
    added = _sentence_words(whole, body)
    return added >= max(2 * _words(body), SHORT_SENTENCES) or (
        added >= SHORT_SOME and _words(whole) >= SHORT_RATIO * _words(body)
    )


def _body_text(tree, url: str) -> str:
    """The cleaned main text of a parsed page (the tree is pruned in place).

    The fast path is tried first; when it returns nothing or much less text than the page's
    paragraphs hold (under ``FALLBACK_BELOW`` of their words), trafilatura runs again with its
    fallback extractors (readability, jusText) on a copy of the pruned page and the longer text wins."""
    if tree is None:
        return ""
    import trafilatura  # loads on first use: importing pantau.extract stays light

    prune_tree(tree)
    held = page_words(tree)
    spare = deepcopy(tree)
    text = trafilatura.extract(tree, url=url, include_comments=False, favor_recall=False, fast=True) or ""
    PATHS["fast"] += 1
    if _words(text) < FALLBACK_BELOW * held or not text:
        PATHS["fallback"] += 1
        slow = drop_repeats(trafilatura.extract(spare, url=url, include_comments=False, fast=False) or "")
        if _words(slow) > _words(text):
            text = slow
    return clean_text(text)


def _from_state(scripts: list[str], text: str, url: str) -> str:
    """The body in the page's script data, read like a page, when it is the same story and longer (state.py)."""
    best = text
    for body in state_bodies(scripts, text):
        read = _body_text(parse_html(f"<html><body><article>{body}</article></body></html>"), url)
        if fuller(text, read) and _words(read) > _words(best):
            best = read
    if best is not text:
        PATHS["state"] += 1
    return best


def _unpruned_text(html: str, url: str) -> str:
    """Last resort when the pruned page gave nothing: trafilatura (fallbacks on) on the page as it came,
    so that pantau is never empty where trafilatura alone finds text."""
    import trafilatura

    PATHS["unpruned"] += 1
    return clean_text(drop_repeats(trafilatura.extract(html, url=url, include_comments=False) or ""))


def _drop_headline(text: str, title: str) -> str:
    """Drop the headline when it is repeated near the top, perhaps behind a rubric ("In Picture: …"), or
    without the rubric the title carries ("Opinion | …")."""
    key = norm(title)
    if not key:
        return text
    lines = text.split("\n")
    parts = re.split(r"\s*[|:–—]\s*|\s+-\s+", title, maxsplit=1)
    rubricless = norm(parts[1]) if len(parts) == 2 and len(parts[0].split()) <= 4 else None
    for i, line in enumerate(lines[:3]):
        words = norm(line)
        if len(lines) > 1 and words.endswith(key) and len(words.split()) <= len(key.split()) + 4:
            return "\n".join(lines[:i] + lines[i + 1 :])
        # the title behind a rubric ("Opinion | Is Football Violence a Crime?"), the line without it
        if len(lines) > 1 and len(words.split()) >= 3 and words == rubricless:
            return "\n".join(lines[:i] + lines[i + 1 :])
    return text


def extract_article(html: str, url: str, more: list[str] | tuple[str, ...] = ()) -> Extracted | None:
    """Main text and metadata of an article page; None when the page has no article text.
    ``more``: the HTML of the article's later pages, in order (their text is appended)."""
    from trafilatura.metadata import extract_metadata, set_date_params

    tree = parse_html(html)
    if tree is None:
        return None
    meta = extract_metadata(
        deepcopy(tree), default_url=url, date_config={**set_date_params(True), "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
    )  # max_date is today, per call
    title = clean_title(meta.title, meta.sitename, meta.hostname)
    published = parse_date(meta.date)
    if published and published.timetz().replace(tzinfo=None) == time(0, 0):
        published = stamp_time(tree, published, title) or published
    scripts = state_scripts(tree)
    text = _body_text(tree, url)
    if not more:  # a multi-page story is merged from its pages (the data may hold all of it in one piece)
        text = _from_state(scripts, text, url)
    if _words(text) < SHORT_BODY:  # nothing, or a scrap: trafilatura on the page as it came, if it finds more sentences
        whole = _unpruned_text(html, url)
        if not text or _whole_page_wins(text, whole):  # never empty where trafilatura alone finds text
            text = whole
    if not text:
        return None
    text = _drop_headline(text, title)
    if more:
        parts = [_drop_headline(_body_text(parse_html(h), url), title) for h in more]
        text = merge_pages(text, [p for p in parts if p])
    notes: list[str] = []
    return Extracted(
        title=title,
        text=text,
        url=_canonical(meta.url, url, notes),
        published=published,
        author=meta.author,
        site=meta.sitename or meta.hostname,
        notes=notes,
    )


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised body: identical syndicated copies hash alike."""
    norm = unicodedata.normalize("NFKC", text).lower()
    norm = re.sub(r"\W+", " ", norm).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()
