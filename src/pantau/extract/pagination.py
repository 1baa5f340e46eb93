"""Multi-page articles: a page's "show all" and "next page" links (the fetch stage follows them) and the
merge of the parts' text."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .dom import parse_html

_ALL_TEXT = re.compile(
    r"tampilkan semua|lihat semua(?: halaman)?|semua halaman|satu halaman|show all|view all|"
    r"single page|baca (?:dalam )?satu halaman",
    re.IGNORECASE,
)
_ALL_QUERY = re.compile(r"(?:^|&)(?:page=all|single=1|showall=1|show=all|view=all|full=1)(?:&|$)", re.IGNORECASE)
_NEXT_TEXT = re.compile(r"^(?:halaman )?(?:selanjutnya|berikutnya)\W*$|^next(?: page)?\W*$|^[›»>]$", re.IGNORECASE)


def _article_key(url: str) -> tuple[str, str]:
    """Host and path of an article without its page number (``/2``, ``-2``, ``?page=2``)."""
    parts = urlsplit(url)
    path = re.sub(r"(?:/|-)(?:page-?)?\d{1,2}/?$|/all/?$", "", parts.path.rstrip("/")) or "/"
    return (parts.hostname or "").removeprefix("www.").removeprefix("m."), path


# Any of these in the raw HTML may mark a multi-page article; a page with none of them (most pages)
# is answered without parsing it (the fetch stage asks this of every page it fetches).
_HINT_WORDS = (
    "next",
    "tampilkan semua",
    "lihat semua",
    "semua halaman",
    "satu halaman",
    "show all",
    "view all",
    "single page",
    "page=all",
    "single=1",
    "showall=1",
    "show=all",
    "view=all",
    "full=1",
    "selanjutnya",
    "berikutnya",
    "›",
    "»",
    "&rsaquo;",
    "&raquo;",
)
_HINT_SHAPES = re.compile(r">\s*(?:&gt;|\d{1,2})\s*</a")


def _may_paginate(html: str) -> bool:
    low = html.lower()  # plain substring tests: fast on a 50 KB page
    return any(w in low for w in _HINT_WORDS) or bool(_HINT_SHAPES.search(low))


def pagination(html: str, url: str) -> tuple[str | None, str | None]:
    """(show-all URL, next-page URL) of a multi-page article, each None when absent.

    General rules, no per-site lists: a link to the same article whose query asks for everything
    (``page=all``, ``single=1``…) or whose text says so ("Tampilkan semua", "Show all"); a next page
    from ``rel="next"`` or a "Selanjutnya"/"Next"/"2" link to the same article.
    """
    if not _may_paginate(html):
        return None, None
    tree = parse_html(html)
    if tree is None:
        return None, None
    key = _article_key(url)
    here = urlsplit(url)
    current = re.search(r"(?:^|&)page=(\d+)", here.query)
    page_no = int(current.group(1)) if current else 1
    show_all = nxt = None
    for a in tree.xpath("//a[@href]|//link[@href][@rel]"):
        raw = a.get("href").strip()
        text = " ".join(" ".join(a.itertext()).split()) if a.tag == "a" else ""
        rel = (a.get("rel") or "").lower().split()
        says_all = bool(_ALL_QUERY.search(raw.partition("?")[2]) or _ALL_TEXT.search(text))
        says_next = "next" in rel or bool(_NEXT_TEXT.match(text)) or text == str(page_no + 1)
        if not (says_all and show_all is None) and not (says_next and nxt is None):
            continue  # most links: no need to resolve them
        href = urljoin(url, raw)
        if urlsplit(href).scheme not in ("http", "https") or href.split("#")[0] == url or _article_key(href) != key:
            continue
        if says_all and show_all is None:
            show_all = href
        if says_next and nxt is None:
            nxt = href
    return show_all, nxt


def merge_pages(first: str, more: list[str]) -> str:
    """The text of page 1 followed by the lines of later pages that it does not already have."""
    seen = set(first.splitlines())
    lines = first.splitlines()
    for text in more:
        for line in text.splitlines():
            if line not in seen:
                seen.add(line)
                lines.append(line)
    return "\n".join(lines)
