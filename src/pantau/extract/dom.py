"""Pass 1 of extraction: normalise and clean an article page's DOM before trafilatura sees it.

Passes (``PASSES``, in order; each can be left out for ablation in evaluation):
``code``       scripts, styles, widgets and hidden blocks go; a ``<form>`` goes unless it holds the
               page's text (CMSs that wrap the whole page in one); quoted posts (tweets) stay;
``paragraphs`` text written as ``<br>``-separated runs or bare/styled ``<div>``s becomes paragraphs
               (trafilatura otherwise drops such leads);
``tables``     tables of figures beside the story (rates widgets) go; tables in or among the story
               (results, standings) stay;
``boxes``      link-dense boxes (menus, link lists) go;
``teasers``    headline teasers ("Berita terkait", "Terpopuler") go — not lists that are the story
               ("10 things…") nor the sources it cites;
``captions``   dropped beside a written story, kept on a photo page;
``shield``     the story's block and its ancestors lose only the class/id words under which
               trafilatura would discard them (okezone's ``div.author-and-share``); "article",
               "content", "post" stay, and comment sections are never shielded.
General rules that hold for any outlet — never per-URL or per-site rules.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from lxml import html as lxml_html
from lxml.etree import ParserError

_BLOCK_TAGS = frozenset(
    """p div table ul ol section article blockquote h1 h2 h3 h4 h5 h6 figure aside
    header footer nav form pre dl li main""".split()
)
_BOX_TAGS = ("ul", "ol", "div", "section", "aside", "nav", "table", "tbody", "dl")
_TEASER_TAGS = ("li", "div", "article", "section", "td", "dd", "p")
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_NOT_TEXT = frozenset("img picture video audio svg button input select textarea br hr".split())
# Class/id words under which trafilatura discards a block; the block holding the story is shielded.
_DISCARD_HINT = re.compile(
    r"share|social|sosmed|comment|komentar|related|terkait|sidebar|widget|footer|"
    r"\bnav|menu|\bads?\b|banner|sticky|popup|modal|hidden|author|byline|promo|teaser",
    re.IGNORECASE,
)
_CAPTION_HINT = re.compile(
    r"caption|photo-?desc|foto-?desc|img-?desc|image-?desc|keterangan|ket-?foto|"
    r"text_gal|photo-?text|foto-?text",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_EMBED_HINT = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|fb-post|twitter-timeline", re.IGNORECASE)


def _words(el) -> int:
    return len(" ".join(el.itertext()).split())


def _link_words(el) -> int:
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


def _story_paragraphs(tree, skip=frozenset()) -> dict:
    """Word count of each paragraph with at least 8 words outside links (``skip`` left out)."""
    out = {}
    for p in tree.iter("p"):
        if p not in skip:
            n = _words(p)
            if n - _link_words(p) >= 8:
                out[p] = n
    return out


def _is_hidden(el) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def page_words(tree) -> int:
    """Words of the page's visible paragraphs (``<p>`` with at least 8 words outside links): what the
    page holds."""
    return sum(n for p, n in _story_paragraphs(tree).items() if not any(_is_hidden(a) for a in (p, *p.iterancestors())))


def _paragraphise(el) -> None:
    """Turn loose text (``text<br>text<br>``) inside a container into ``<p>`` children."""
    kids = list(el)
    loose = len((el.text or "").split()) + sum(len((k.tail or "").split()) for k in kids)
    if loose < 15:
        return
    parts, cur = [], lxml_html.Element("p")
    cur.text = el.text

    def flush():
        nonlocal cur
        if (cur.text or "").strip() or len(cur):
            parts.append(cur)
        cur = lxml_html.Element("p")

    for k in kids:
        el.remove(k)
        if k.tag == "br":
            tail = k.tail
            flush()
            cur.text = tail
        elif isinstance(k.tag, str) and k.tag in _BLOCK_TAGS:
            tail, k.tail = k.tail, None
            flush()
            parts.append(k)
            cur.text = tail
        else:
            cur.append(k)
    flush()
    el.text = None
    el.extend(parts)
    if el.tag in ("span", "font", "b", "strong", "i", "em", "td"):
        el.tag = "div"


def _starts_with_link(el, max_lead: int = 8) -> bool:
    """True when the first words of ``el`` (after at most ``max_lead`` words, e.g. a date) are a link."""
    n = 0
    for t in el.xpath(".//text()[normalize-space()]"):
        x = t.getparent() if t.is_text else t.getparent().getparent()
        while x is not None and x is not el:
            if x.tag == "a":
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
    return _starts_with_link(el)


def _is_caption(el) -> bool:
    if el.tag == "figcaption":
        return True
    if _CAPTION_HINT.search(" ".join(filter(None, (el.get("class"), el.get("id"))))):
        return _words(el) <= 80  # a long block is not a caption, whatever its class says
    # a picture with a line of text beside it, e.g. <div class="photo"><img> credit, caption</div>
    if el.tag not in ("div", "span", "p") or len(el.findall(".//img")) != 1:
        return False
    if el.find(".//figcaption") is not None or any(
        _CAPTION_HINT.search(_attrs(d)) for d in el.iterdescendants() if isinstance(d.tag, str)
    ):
        return False  # a block holding a picture *with its own caption* and text: a step, a card — judged inside
    n = _words(el)
    return (
        0 < n <= 40
        and _link_words(el) <= 0.3 * n
        and not any(isinstance(d.tag, str) and d.tag in HEADINGS | {"ul", "ol", "table"} for d in el.iterdescendants())
    )


def _captions(tree) -> None:
    """Captions are noise beside a written story but *are* the story on a photo page.

    With at least 40 words of paragraphs outside captions, captions are dropped; otherwise (a photo
    page, a gallery) each caption becomes a paragraph so that trafilatura keeps it.
    """
    caps = [el for el in tree.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body") and _is_caption(el)]
    caps = [c for c in caps if not any(a in caps for a in c.iterancestors())]
    body = sum(_story_paragraphs(tree, skip={p for c in caps for p in c.iter("p")}).values())
    for c in caps:
        if body >= 40:
            c.drop_tree()
        else:
            for img in c.findall(".//img"):
                img.drop_tree()
            c.tag = "p"
            c.attrib.clear()
            for fig in c.iterancestors("figure"):  # trafilatura drops figures without images
                fig.tag = "div"


def _drop_code(tree) -> None:
    for bad in tree.xpath("//script|//style|//noscript|//iframe|//template"):
        bad.drop_tree()
    _forms(tree)
    _hidden(tree)
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or not _EMBED_HINT.search(_attrs(el)):
            continue
        if el.tag != "blockquote":
            el.drop_tree()  # a widget
            continue
        # a quoted post (<blockquote class="twitter-tweet">) is the story's quote: its wrappers
        # ("social-media-embed") lose the words under which trafilatura would discard it
        words = _words(el)
        for up in el.iterancestors():
            if up.tag in ("html", "body") or _words(up) > words + 5:
                break
            _drop_discard_words(up)


def _forms(tree) -> None:
    """Forms are search boxes, sign-ups and comment boxes — unless the page's text sits inside one
    (whole pages wrapped in ``<form>`` by their CMS): a form holding over a third of the page's
    paragraph words becomes a plain block (its fields go), every other form is dropped."""
    forms = [f for f in tree.iter("form") if not any(a.tag == "form" for a in f.iterancestors())]
    if not forms:
        return
    paragraphs = _story_paragraphs(tree)
    total = sum(paragraphs.values())
    for form in forms:
        inside = sum(paragraphs.get(p, 0) for p in form.iter("p"))
        if total and inside > total / 3:
            for field in form.xpath(".//input|.//textarea|.//select|.//button"):
                field.drop_tree()
            for f in [form, *form.iter("form")]:
                f.tag = "div"
                f.attrib.pop("action", None)
        else:
            form.drop_tree()


def _hidden(tree) -> None:
    """Blocks the page hides (``hidden``, ``display: none``, ``visibility: hidden``) go — unless one
    holds over a third of the page's paragraph words (a body that script shows on load)."""
    hidden = [el for el in tree.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body") and _is_hidden(el)]
    if not hidden:
        return
    paragraphs = _story_paragraphs(tree)
    total = sum(paragraphs.values())
    for el in hidden:
        if el.getparent() is not None and sum(paragraphs.get(p, 0) for p in el.iter("p")) <= total / 3:
            el.drop_tree()


def _paragraphs(tree) -> None:
    for el in list(tree.iter("div", "span", "td", "section", "article", "font")):
        _paragraphise(el)
    for el in tree.iter("div"):  # a <div> holding only text (perhaps styled: <span>, <b>) is a paragraph
        if any(isinstance(k.tag, str) and k.tag in _BLOCK_TAGS | _NOT_TEXT for k in el.iterdescendants()):
            continue
        if (el.text or "").strip() or (
            _words(el) >= 3 and _link_words(el) < _words(el) and not _DISCARD_HINT.search(_attrs(el))
        ):
            el.tag = "p"


def story_block(tree, paragraphs: dict | None = None):
    """The innermost element holding at least half of the page's paragraph words: where the story
    is (None on a page without paragraphs)."""
    paragraphs = _story_paragraphs(tree) if paragraphs is None else paragraphs
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


def _tables(tree) -> None:
    """Tables of figures beside the story (exchange rates, market or league widgets) go; a table
    within the story's block or around it (a layout table), among written paragraphs, or with
    sentences in it, stays — a results table or a standings table can be what the story is about."""
    paragraphs = _story_paragraphs(tree)
    main = story_block(tree, paragraphs)
    around = set() if main is None else {main, *main.iterancestors()}
    beside = {p.getparent() for p in paragraphs} - {tree, tree.find("body")}  # blocks where sentences are written
    for table in list(tree.iter("table")):
        if table in around or (main is not None and _within(table, main)) or table.getparent() in beside:
            continue
        if any(a.tag == "table" for a in table.iterancestors()):
            continue  # judged with its outer table
        cells = [c.text_content().strip() for c in table.iter("td", "th")]
        cells = [c for c in cells if c]
        if not cells or any(len(c.split()) >= 12 for c in cells):
            continue
        if sum(bool(re.fullmatch(r"[\d.,:%+-]+", c)) for c in cells) >= 0.4 * len(cells):
            table.drop_tree()


def _boxes(tree) -> None:
    counts = WordCounts(tree)
    for el in reversed(list(tree.iter(*_BOX_TAGS))):  # innermost first: boxes of links
        n = counts.words[el]
        if el.getparent() is not None and n and counts.links[el] >= 3 and counts.link_words[el] / n > 0.5:
            counts.drop(el)


def _teasers(tree) -> None:
    """Teasers go (related, popular, latest boxes); what only looks like them stays:
    * items of a list holding more written text than all the page's paragraphs ("10 things…");
    * sources the story cites: within the story block, titles linking to other sites, with author
      and date beside them;
    * an annotated link within the story block with more of the story after it."""
    paragraphs = _story_paragraphs(tree)
    main = story_block(tree, paragraphs)
    in_main = {p: n for p, n in paragraphs.items() if main is not None and _within(p, main)}
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
        if main is not None and _within(el, main):
            if 2 * own >= links and _cites_elsewhere(el, own_site):
                continue
            if el.tag != "p":
                last = max(order.get(d, -1) for d in el.iter())
                # paragraphs still in the story block after it (those of teasers dropped before are not)
                after = sum(n for p, n in in_main.items() if order[p] > last and _within(p, main))
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


def _within(el, block) -> bool:
    return any(a is block for a in el.iterancestors())


_COMMENT_HINT = re.compile(r"comment|komentar|disqus|reply|replies|respon", re.IGNORECASE)


def _attrs(el) -> str:
    return " ".join(filter(None, (el.get("class"), el.get("id"))))


def _shield(tree) -> None:
    """Keep trafilatura from discarding the story's own block for a class or id word
    (``div.author-and-share`` holding the body): on the story block and its ancestors only the
    discard words go ("author-and-share" → dropped token, "article-body" kept), so that the hints
    trafilatura uses to find the article ("article", "content", "post", "entry") stay. The story
    block is found without comment sections, which are never shielded."""
    paragraphs = {
        p: n
        for p, n in _story_paragraphs(tree).items()
        if not any(isinstance(a.tag, str) and _COMMENT_HINT.search(_attrs(a)) for a in p.iterancestors())
    }
    main = story_block(tree, paragraphs)
    if main is None:
        return
    for el in (main, *main.iterancestors()):
        if el.tag in ("html", "body"):
            continue
        _drop_discard_words(el)


def _drop_discard_words(el) -> None:
    """Drop from ``el``'s class and id the words under which trafilatura discards a block."""
    for attr in ("class", "id"):
        value = el.get(attr)
        if value and _DISCARD_HINT.search(value):
            kept = [t for t in value.split() if not _DISCARD_HINT.search(t)]
            if kept:
                el.set(attr, " ".join(kept))
            else:
                el.attrib.pop(attr)


PASSES = {
    "code": _drop_code,
    "paragraphs": _paragraphs,
    "tables": _tables,
    "boxes": _boxes,
    "teasers": _teasers,
    "captions": _captions,
    "shield": _shield,
}


def prune_tree(tree, skip: frozenset[str] | set[str] = frozenset()) -> None:
    """Normalise and clean an article page in place (see the module docstring); ``skip``: names of
    passes (``PASSES``) to leave out, for ablation in evaluation."""
    for name, fn in PASSES.items():
        if name not in skip:
            fn(tree)


def parse_html(html: str):
    """An lxml tree of ``html``; None when it is not HTML at all."""
    from trafilatura.utils import load_html  # trafilatura loads on first use, not on import

    try:
        return load_html(html)
    except (ParserError, ValueError, TypeError):
        return None
