"""Block rules of the DOM clean-up (``dom.py``): code, widgets and hidden blocks; forms kept when they hold
the article; loose text made into paragraphs; tables judged by their place; captions dropped beside a
written story and kept on a photo page."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from .shield import DISCARD_HINT, drop_discard_words
from .story import HEADINGS, attrs, is_hidden, link_words_of, story_block, story_paragraphs, within, words_of

_BLOCK_TAGS = frozenset(
    """p div table ul ol section article blockquote h1 h2 h3 h4 h5 h6 figure aside
    header footer nav form pre dl li main""".split()
)
_IN_PARAGRAPH = frozenset("p li a h1 h2 h3 h4 h5 h6".split())
_NOT_TEXT = frozenset("img picture video audio svg button input select textarea br hr".split())
_CAPTION_HINT = re.compile(
    r"caption|photo-?desc|foto-?desc|img-?desc|image-?desc|keterangan|ket-?foto|"
    r"text_gal|photo-?text|foto-?text|legend",
    re.IGNORECASE,
)
_EMBED_HINT = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|fb-post|twitter-timeline", re.IGNORECASE)


def drop_code(tree) -> None:
    for bad in tree.xpath("//script|//style|//noscript|//iframe|//template"):
        bad.drop_tree()
    _forms(tree)
    _hidden(tree)
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or not _EMBED_HINT.search(attrs(el)):
            continue
        if el.tag != "blockquote":
            el.drop_tree()  # a widget
            continue
        # a quoted post (<blockquote class="twitter-tweet">) is the story's quote: its wrappers
        # ("social-media-embed") lose the words under which trafilatura would discard it
        words = words_of(el)
        for up in el.iterancestors():
            if up.tag in ("html", "body") or words_of(up) > words + 5:
                break
            drop_discard_words(up)


def _forms(tree) -> None:
    """Forms are search boxes, sign-ups and comment boxes — unless the page's text sits inside one
    (whole pages wrapped in ``<form>`` by their CMS): a form holding over a third of the page's
    paragraph words becomes a plain block (its fields go), every other form is dropped."""
    forms = [f for f in tree.iter("form") if not any(a.tag == "form" for a in f.iterancestors())]
    if not forms:
        return
    paragraphs = story_paragraphs(tree)
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
    hidden = [el for el in tree.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body") and is_hidden(el)]
    if not hidden:
        return
    paragraphs = story_paragraphs(tree)
    total = sum(paragraphs.values())
    for el in hidden:
        if el.getparent() is not None and sum(paragraphs.get(p, 0) for p in el.iter("p")) <= total / 3:
            el.drop_tree()


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


def paragraphs_from_text(tree) -> None:
    for el in list(tree.iter("div", "span", "td", "section", "article", "font")):
        if not any(isinstance(a.tag, str) and a.tag in _IN_PARAGRAPH for a in el.iterancestors()):
            _paragraphise(el)  # not a <span> of a paragraph's own text: no block inside a paragraph
    for el in tree.iter("div"):  # a <div> holding only text (perhaps styled: <span>, <b>) is a paragraph
        if any(isinstance(k.tag, str) and k.tag in _BLOCK_TAGS | _NOT_TEXT for k in el.iterdescendants()):
            continue
        if (el.text or "").strip() or (
            words_of(el) >= 3 and link_words_of(el) < words_of(el) and not DISCARD_HINT.search(attrs(el))
        ):
            el.tag = "p"


def drop_figure_tables(tree) -> None:
    """Tables of figures beside the story (exchange rates, market or league widgets) go; a table
    within the story's block or around it (a layout table), among written paragraphs, or with
    sentences in it, stays — a results table or a standings table can be what the story is about."""
    paragraphs = story_paragraphs(tree)
    main = story_block(tree, paragraphs)
    around = set() if main is None else {main, *main.iterancestors()}
    beside = {p.getparent() for p in paragraphs} - {tree, tree.find("body")}  # blocks where sentences are written
    for table in list(tree.iter("table")):
        if table in around or (main is not None and within(table, main)) or table.getparent() in beside:
            continue
        if any(a.tag == "table" for a in table.iterancestors()):
            continue  # judged with its outer table
        cells = [c.text_content().strip() for c in table.iter("td", "th")]
        cells = [c for c in cells if c]
        if not cells or any(len(c.split()) >= 12 for c in cells):
            continue
        if sum(bool(re.fullmatch(r"[\d.,:%+-]+", c)) for c in cells) >= 0.4 * len(cells):
            table.drop_tree()


def _is_caption(el) -> bool:
    if el.tag == "figcaption":
        return True
    if _CAPTION_HINT.search(" ".join(filter(None, (el.get("class"), el.get("id"))))):
        if el.tag in ("ul", "ol") and len(el) > 1:  # a gallery's captions, one item a picture
            return sum(words_of(li) <= 80 for li in el) >= 0.75 * len(el)
        return words_of(el) <= 80  # a long block is not a caption, whatever its class says
    # a picture with a line of text beside it, e.g. <div class="photo"><img> credit, caption</div>
    # (a <p> that opens with a picture is a paragraph: an update's red bar, an icon)
    if el.tag not in ("div", "span") or len(el.findall(".//img")) != 1:
        return False
    if el.find(".//figcaption") is not None or any(
        _CAPTION_HINT.search(attrs(d)) for d in el.iterdescendants() if isinstance(d.tag, str)
    ):
        return False  # a block holding a picture *with its own caption* and text: a step, a card — judged inside
    n = words_of(el)
    return (
        0 < n <= 40
        and link_words_of(el) <= 0.3 * n
        and not any(isinstance(d.tag, str) and d.tag in HEADINGS | {"ul", "ol", "table"} for d in el.iterdescendants())
    )


def judge_captions(tree) -> None:
    """Captions are noise beside a written story but *are* the story on a photo page.

    With at least 40 words of paragraphs outside captions, captions are dropped; otherwise (a photo
    page, a gallery) each caption becomes a paragraph so that trafilatura keeps it.
    """
    caps = [el for el in tree.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body") and _is_caption(el)]
    caps = [c for c in caps if not any(a in caps for a in c.iterancestors())]
    body = sum(story_paragraphs(tree, skip={p for c in caps for p in c.iter("p")}).values())
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
