"""Multi-page articles: a page's "show all" and "next page" links (the fetch stage follows them) and the
merge of the parts' text."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .dom import parse_html

_ALL_TEXT = re.compile(r"tampilkan semua|lihat semua(?: halaman)?|semua halaman|satu halaman|show all|view all|"
                       r"single page|baca (?:dalam )?satu halaman", re.IGNORECASE)
_ALL_QUERY = re.compile(r"(?:^|&)(?:page=all|single=1|showall=1|show=all|view=all|full=1)(?:&|$)", re.IGNORECASE)
_NEXT_TEXT = re.compile(r"^(?:halaman )?(?:selanjutnya|berikutnya)\W*$|^next(?: page)?\W*$|^[›»>]$", re.IGNORECASE)


def _article_key(url: str) -> tuple[str, str]:
    """Host and path of an article without its page number (``/2``, ``-2``, ``?page=2``)."""
    parts = urlsplit(url)
    path = re.sub(r"(?:/|-)(?:page-?)?\d{1,2}/?$|/all/?$", "", parts.path.rstrip("/")) or "/"
    return (parts.hostname or "").removeprefix("www.").removeprefix("m."), path


def pagination(html: str, url: str) -> tuple[str | None, str | None]:
    """(show-all URL, next-page URL) of a multi-page article, each None when absent.

    General rules, no per-site lists: a link to the same article whose query asks for everything
    (``page=all``, ``single=1``…) or whose text says so ("Tampilkan semua", "Show all"); a next page
    from ``rel="next"`` or a "Selanjutnya"/"Next"/"2" link to the same article.
    """
    tree = parse_html(html)
    if tree is None:
        return None, None
    key = _article_key(url)
    here = urlsplit(url)
    current = re.search(r"(?:^|&)page=(\d+)", here.query)
    page_no = int(current.group(1)) if current else 1
    show_all = nxt = None
    for a in tree.xpath("//a[@href]|//link[@href][@rel]"):
        href = urljoin(url, a.get("href").strip())
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or href.split("#")[0] == url or _article_key(href) != key:
            continue
        text = " ".join(" ".join(a.itertext()).split()) if a.tag == "a" else ""
        if show_all is None and (_ALL_QUERY.search(parts.query) or _ALL_TEXT.search(text)):
            show_all = href
        rel = (a.get("rel") or "").lower().split()
        if nxt is None and ("next" in rel or _NEXT_TEXT.match(text) or text == str(page_no + 1)):
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
