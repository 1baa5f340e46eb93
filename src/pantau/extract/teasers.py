"""Link rules of the DOM clean-up (``dom.py``): link-dense boxes (menus, link lists) and headline teasers
("Berita terkait", "Terpopuler") go — not story lists ("10 things…") nor the sources the story cites."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from .story import HEADINGS, WordCounts, story_block, story_paragraphs, within

_BOX_TAGS = ("ul", "ol", "div", "section", "aside", "nav", "table", "tbody", "dl", "span")
_TEASER_TAGS = ("li", "div", "article", "section", "td", "dd", "p")


def _jump(a) -> bool:
    """A link to a place on a page (``#cite_ref-3``, ``…/page#comments``): a footnote's way back, not a headline."""
    return "#" in (a.get("href") or "")


def _starts_with_link(el, max_lead: int = 8) -> bool:
    """True when the first words of ``el`` (after at most ``max_lead`` words, e.g. a date) are a link to
    another page (a jump within a page, a footnote's "^", counts as lead words)."""
    n = 0
    for t in el.xpath(".//text()[normalize-space()]"):
        x = t.getparent() if t.is_text else t.getparent().getparent()
        while x is not None and x is not el:
            if x.tag == "a" and not _jump(x):
                return True
            x = x.getparent()
        n += len(t.split())
        if n > max_lead:
            return False
    return False


def _is_teaser(el, counts: WordCounts) -> bool:
    """A short block that leads with a headline link to another page: a related/popular teaser."""
    n = counts.words[el]
    if n == 0 or n > 80:
        return False
    lw = counts.link_words[el]
    if el.tag == "p":
        return lw >= 3 and lw / n >= 0.8  # a paragraph that is only a link
    heading_link = any(a.getparent() is not None and a.getparent().tag in HEADINGS for a in el.iter("a"))
    long_link = any(len(" ".join(a.itertext()).split()) >= 4 for a in el.iter("a"))
    if not (heading_link or (long_link and lw / n >= 0.25)):
        return False
    return _starts_with_link(el) and not _link_in_sentence(el)


def _link_in_sentence(el) -> bool:
    """The first link of ``el`` sits inside a sentence that goes on after it ("gero <a>removed the
    attribute</a> from dialogs …"): a written item, not a headline."""
    first = next((a for a in el.iter("a") if " ".join(a.itertext()).strip() and not _jump(a)), None)
    tail = (first.tail or "") if first is not None else ""
    return bool(re.match(r"\s*[,;]?\s*[^\W\d_]", tail)) and tail.lstrip(" ,;")[:1].islower()


def drop_link_boxes(tree) -> None:
    counts = WordCounts(tree)
    for el in reversed(list(tree.iter(*_BOX_TAGS))):  # innermost first: boxes of links
        n = counts.words[el]
        if el.getparent() is not None and n and counts.links[el] >= 3 and counts.link_words[el] / n > 0.5:
            counts.drop(el)


def drop_teasers(tree) -> None:
    """Teasers go (related, popular, latest boxes); what only looks like them stays:
    * items of a list holding more written text than all the page's paragraphs ("10 things…");
    * sources the story cites: titles linking to other sites, with author and date beside them
      (wherever they are: references often follow the story block, not in it);
    * an annotated link within the story block with more of the story after it."""
    paragraphs = story_paragraphs(tree)
    main = story_block(tree, paragraphs)
    in_main = {p: n for p, n in paragraphs.items() if main is not None and within(p, main)}
    main_words, page = sum(in_main.values()), sum(paragraphs.values())
    story = main is not None and (main in paragraphs or bool(in_main))
    order = {el: i for i, el in enumerate(tree.iter())}
    counts = WordCounts(tree)
    own_site = _own_site(tree)
    for el in reversed(list(tree.iter(*_TEASER_TAGS))):
        if el.getparent() is None or not _is_teaser(el, counts):
            continue
        links = counts.link_words[el]
        own = counts.words[el] - links  # words outside links
        box = el.getparent()
        if el.tag == "li" and 2 * own >= links and counts.words[box] - counts.link_words[box] >= max(page, 60):
            continue
        if 2 * own >= links and _cites_elsewhere(el, own_site):
            continue
        if main is not None and within(el, main):
            if el.tag != "p":
                last = max(order.get(d, -1) for d in el.iter())
                # paragraphs still in the story block after it (those of teasers dropped before are not)
                after = sum(n for p, n in in_main.items() if order[p] > last and within(p, main))
                if story and after >= 0.2 * main_words and own >= 2 * links:
                    continue
        counts.drop(el)


def _host(href: str | None) -> str | None:
    if not href or not href.startswith(("http://", "https://", "//")):
        return None
    labels = (urlsplit(href if not href.startswith("//") else "http:" + href).hostname or "").split(".")
    # the registered domain: news.detik.com and inet.detik.com are one site; so are a.b.co.id and c.b.co.id
    keep = 3 if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:]) or None


def _own_site(tree) -> str | None:
    """The page's own site (teasers link within it): its canonical or Open Graph URL's, else the one most
    absolute links go to."""
    for href in tree.xpath("//link[@rel='canonical']/@href|//meta[@property='og:url']/@content"):
        if host := _host(str(href)):
            return host
    hosts = Counter(h for a in tree.iter("a") if (h := _host(a.get("href"))))
    return hosts.most_common(1)[0][0] if hosts else None


def _cites_elsewhere(el, own_site: str | None) -> bool:
    """Every headline-long link of ``el`` goes to another site: a citation, not a teaser."""
    long = [a for a in el.iter("a") if len(" ".join(a.itertext()).split()) >= 4]
    hosts = [_host(a.get("href")) for a in long]
    return bool(long) and all(h is not None and h != own_site for h in hosts)
