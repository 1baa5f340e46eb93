"""The shield of the DOM clean-up (``dom.py``): the story's block and its ancestors lose only the class/id
words under which trafilatura would discard them; comment sections are never shielded."""

from __future__ import annotations

import re

from .story import attrs, story_block, story_paragraphs

# Class/id words under which trafilatura discards a block; the block holding the story is shielded.
DISCARD_HINT = re.compile(
    r"share|social|sosmed|comment|komentar|related|terkait|sidebar|widget|footer|"
    r"\bnav|menu|\bads?\b|banner|sticky|popup|modal|hidden|author|byline|promo|teaser",
    re.IGNORECASE,
)
_COMMENT_HINT = re.compile(r"comment|komentar|disqus|reply|replies|respon", re.IGNORECASE)


def shield_story(tree) -> None:
    """Keep trafilatura from discarding the story's own block for a class or id word
    (``div.author-and-share`` holding the body): on the story block and its ancestors only the
    discard words go ("author-and-share" → dropped token, "article-body" kept), so that the hints
    trafilatura uses to find the article ("article", "content", "post", "entry") stay. The story
    block is found without comment sections, which are never shielded."""
    paragraphs = {
        p: n
        for p, n in story_paragraphs(tree).items()
        if not any(isinstance(a.tag, str) and _COMMENT_HINT.search(attrs(a)) for a in p.iterancestors())
    }
    main = story_block(tree, paragraphs)
    if main is None:
        return
    for el in (main, *main.iterancestors()):
        if el.tag in ("html", "body"):
            continue
        drop_discard_words(el)


def drop_discard_words(el) -> None:
    """Drop from ``el``'s class and id the words under which trafilatura discards a block."""
    for attr in ("class", "id"):
        value = el.get(attr)
        if value and DISCARD_HINT.search(value):
            kept = [t for t in value.split() if not DISCARD_HINT.search(t)]
            if kept:
                el.set(attr, " ".join(kept))
            else:
                el.attrib.pop(attr)
