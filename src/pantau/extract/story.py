"""Where an article page's story is: words and link words of blocks, the page's paragraphs (``<p>`` with at
least 8 words outside links), the block that holds the story, and word counts kept right as blocks go —
what the passes of ``dom.py`` measure blocks against."""

from __future__ import annotations

import re

HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def words_of(el) -> int:
    return len(" ".join(el.itertext()).split())


def link_words_of(el) -> int:
    return sum(len(" ".join(a.itertext()).split()) for a in el.iter("a"))


class WordCounts:
    """Words, words inside links and links of every element's subtree, counted once bottom-up and
    kept right as subtrees are dropped — the box and teaser passes ask this of every block, and
    counting each subtree afresh made them quadratic in the page's size."""

    def __init__(self, tree):
        self.words: dict = {}
        self.link_words: dict = {}
        self.links: dict = {}
        for el in reversed(list(tree.iter())):  # every element after all of its descendants
            own = len((el.text or "").split()) if isinstance(el.tag, str) else 0
            w = lw = n = 0
            for child in el:
                own += len((child.tail or "").split())
                w += self.words.get(child, 0)
                lw += self.link_words.get(child, 0)
                n += self.links.get(child, 0) + (child.tag == "a")
            self.words[el] = own + w
            self.link_words[el] = own + w if el.tag == "a" else lw
            self.links[el] = n

    def drop(self, el) -> None:
        """Drop ``el`` from the tree (its tail stays) and from its ancestors' counts."""
        w, lw, n = self.words[el], self.link_words[el], self.links[el] + (el.tag == "a")
        for up in el.iterancestors():
            self.words[up] -= w
            self.links[up] -= n
            if up.tag != "a":
                self.link_words[up] -= lw
            else:
                self.link_words[up] -= w
        el.drop_tree()


def story_paragraphs(tree, skip=frozenset()) -> dict:
    """Word count of each paragraph with at least 8 words outside links (``skip`` left out)."""
    out = {}
    for p in tree.iter("p"):
        if p not in skip:
            n = words_of(p)
            if n - link_words_of(p) >= 8:
                out[p] = n
    return out


def is_hidden(el) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def page_words(tree) -> int:
    """Words of the page's visible paragraphs (``<p>`` with at least 8 words outside links): what the
    page holds."""
    return sum(n for p, n in story_paragraphs(tree).items() if not any(is_hidden(a) for a in (p, *p.iterancestors())))


def story_block(tree, paragraphs: dict | None = None):
    """The innermost element holding at least half of the page's paragraph words: where the story
    is (None on a page without paragraphs)."""
    paragraphs = story_paragraphs(tree) if paragraphs is None else paragraphs
    total = sum(paragraphs.values())
    inside: dict = {}
    for p, n in paragraphs.items():
        for a in (p, *p.iterancestors()):
            inside[a] = inside.get(a, 0) + n
    best, depth = None, -1
    for el, n in inside.items():
        if total and n >= 0.5 * total:
            d = sum(1 for _ in el.iterancestors())
            if d > depth:
                best, depth = el, d
    return best


def within(el, block) -> bool:
    return any(a is block for a in el.iterancestors())


def attrs(el) -> str:
    return " ".join(filter(None, (el.get("class"), el.get("id"))))
