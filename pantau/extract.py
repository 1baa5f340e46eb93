"""Article extraction: clean the page, let trafilatura find the main text, then drop boilerplate lines.

Three passes, all general rules that hold for any outlet (never per-URL rules):

1. ``prune_tree`` normalises and cleans the DOM before trafilatura sees it: text that editors wrote
   as ``<br>``-separated runs or bare ``<div>``s becomes paragraphs (trafilatura otherwise drops such
   leads); link-dense boxes and headline teasers ("Berita terkait", "Terpopuler", "Pro Kontra")
   are removed; social embeds go; and the block holding most of the paragraph text is protected
   from trafilatura's class-name discards (okezone puts its body in ``div.author-and-share``).
2. trafilatura extracts the main text and the metadata.
3. ``clean_text`` removes lines that are only boilerplate: "Baca juga: …", "Advertisement",
   "Simak Video …", "[Gambas:Video 20detik]", credits, date stamps, section labels.

Multi-page articles: ``pagination`` reads a page's "show all" or "next page" links; the fetch stage
(``connectors/pages.py``) follows them and ``merge_pages`` joins the parts.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import trafilatura
import trafilatura.utils
from lxml import html as lxml_html
from lxml.etree import ParserError
from trafilatura.metadata import extract_metadata, set_date_params

WIB = timezone(timedelta(hours=7), "WIB")

# --- pass 1: the DOM ---------------------------------------------------------------------------

_BLOCK_TAGS = frozenset("""p div table ul ol section article blockquote h1 h2 h3 h4 h5 h6 figure aside
    header footer nav form pre dl li main""".split())
_BOX_TAGS = ("ul", "ol", "div", "section", "aside", "nav", "table", "tbody", "dl")
_TEASER_TAGS = ("li", "div", "article", "section", "td", "dd", "p")
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# Class/id words under which trafilatura discards a block; the block holding the story is shielded.
_DISCARD_HINT = re.compile(r"share|social|sosmed|comment|komentar|related|terkait|sidebar|widget|footer|"
                           r"\bnav|menu|\bads?\b|banner|sticky|popup|modal|hidden|author|byline|promo|teaser",
                           re.IGNORECASE)
_CAPTION_HINT = re.compile(r"caption|photo-?desc|foto-?desc|img-?desc|image-?desc|keterangan|ket-?foto|"
                           r"text_gal|photo-?text|foto-?text", re.IGNORECASE)
_EMBED_HINT = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|fb-post|twitter-timeline", re.IGNORECASE)


def _words(el) -> int:
    return len(" ".join(el.itertext()).split())


def _link_words(el) -> int:
    return sum(len(" ".join(a.itertext()).split()) for a in el.iter("a"))


def _story_paragraphs(tree, skip=frozenset()) -> dict:
    """Word count of each paragraph with at least 8 words outside links (``skip`` left out)."""
    out = {}
    for p in tree.iter("p"):
        if p not in skip:
            n = _words(p)
            if n - _link_words(p) >= 8:
                out[p] = n
    return out


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


def _is_teaser(el) -> bool:
    """A short block that leads with a headline link to another page: a related/popular teaser."""
    n = _words(el)
    if n == 0 or n > 80:
        return False
    lw = _link_words(el)
    if el.tag == "p":
        return lw >= 3 and lw / n >= 0.8          # a paragraph that is only a link
    heading_link = any(a.getparent() is not None and a.getparent().tag in _HEADINGS for a in el.iter("a"))
    long_link = any(len(" ".join(a.itertext()).split()) >= 4 for a in el.iter("a"))
    if not (heading_link or (long_link and lw / n >= 0.25)):
        return False
    return _starts_with_link(el)


def _is_caption(el) -> bool:
    if el.tag == "figcaption":
        return True
    if _CAPTION_HINT.search(" ".join(filter(None, (el.get("class"), el.get("id"))))):
        return _words(el) <= 80              # a long block is not a caption, whatever its class says
    # a picture with a line of text beside it, e.g. <div class="photo"><img> credit, caption</div>
    if el.tag not in ("div", "span", "p") or len(el.findall(".//img")) != 1:
        return False
    n = _words(el)
    return (0 < n <= 40 and _link_words(el) <= 0.3 * n
            and not any(isinstance(d.tag, str) and d.tag in _HEADINGS | {"ul", "ol", "table"}
                        for d in el.iterdescendants()))


def _captions(tree) -> None:
    """Captions are noise beside a written story but *are* the story on a photo page.

    With at least 40 words of paragraphs outside captions, captions are dropped; otherwise (a photo
    page, a gallery) each caption becomes a paragraph so that trafilatura keeps it.
    """
    caps = [el for el in tree.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body")
            and _is_caption(el)]
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
            for fig in c.iterancestors("figure"):   # trafilatura drops figures without images
                fig.tag = "div"


def prune_tree(tree) -> None:
    """Normalise and clean an article page in place (see the module docstring)."""
    for bad in tree.xpath("//script|//style|//noscript|//iframe|//form|//template"):
        bad.drop_tree()
    for el in tree.iter():
        if isinstance(el.tag, str) and _EMBED_HINT.search(" ".join(filter(None, (el.get("class"), el.get("id"))))):
            el.drop_tree()
    for el in list(tree.iter("div", "span", "td", "section", "article", "font")):
        _paragraphise(el)
    for el in tree.iter("div"):                    # a <div> holding only text is a paragraph
        if (el.text or "").strip() and not any(isinstance(k.tag, str) and k.tag in _BLOCK_TAGS
                                               for k in el.iterdescendants()):
            el.tag = "p"
    for table in list(tree.iter("table")):          # tables of figures: exchange rates, standings
        cells = [c.text_content().strip() for c in table.iter("td", "th")]
        cells = [c for c in cells if c]
        if cells and sum(bool(re.fullmatch(r"[\d.,:%+-]+", c)) for c in cells) >= 0.4 * len(cells):
            table.drop_tree()
    for el in reversed(list(tree.iter(*_BOX_TAGS))):   # innermost first: boxes of links
        n = _words(el)
        if el.getparent() is not None and n and len(el.findall(".//a")) >= 3 and _link_words(el) / n > 0.5:
            el.drop_tree()
    for el in reversed(list(tree.iter(*_TEASER_TAGS))):
        if el.getparent() is not None and _is_teaser(el):
            el.drop_tree()
    _captions(tree)
    paragraphs = _story_paragraphs(tree)
    total = sum(paragraphs.values())
    if total:
        for el in tree.iter():
            if not isinstance(el.tag, str) or el.tag in ("html", "body"):
                continue
            attrs = " ".join(filter(None, (el.get("class"), el.get("id"))))
            if attrs and _DISCARD_HINT.search(attrs):
                inside = sum(paragraphs.get(p, 0) for p in el.iter("p"))
                if inside > 0.4 * total:
                    el.attrib.pop("class", None)
                    el.attrib.pop("id", None)


# --- pass 3: lines -------------------------------------------------------------------------------

_DAY = r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DATE_STAMP = re.compile(
    rf"^(?:{_DAY},?\s*)?\d{{1,2}}[\s/.-]+(?:\d{{1,2}}|[a-z]{{3,9}})[\s/.,-]+\d{{2,4}}(?:\s*[|,-]?\s*\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?)?"
    r"\s*(?:wib|wita|wit|gmt\+?\d*)?$"
    r"|^\d{4}-\d\d-\d\d(?:[t ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:z|[+-]\d\d:?\d\d)?)?$", re.IGNORECASE)
# A line that is *only* boilerplate (checked on the stripped line, case-insensitively).
_BOILERPLATE_LINE = re.compile(
    r"""^(?:
        advertisement|advertisment|iklan|scroll\ to\ (?:continue|resume)(?:\ with\ content)?
      | (?:baca|lihat|simak)\ (?:juga|pula)\b.*               # "Baca juga: …", "Lihat juga Video …"
      | simak\ (?:video|juga|selengkapnya|berita)\b.*
      | \[gambas:[^\]]*\]\s*
      | (?:video|foto)\s*:.*\b(?:20detik|detik)\b.*
      | tulis\ komentarmu\b.* | .*\#jernihberkomentar.*
      | syarat\ (?:&|dan)\ ketentuan.*
      | (?:data\ dirimu|segera\ lengkapi\ data).*
      | (?:dapatkan|ikuti)\ (?:update|berita|informasi)\b.*(?:google\ news|whatsapp|telegram|channel).*
      | (?:editor|penulis|reporter|pewarta|sumber|redaktur|redaksi|fotografer|kontributor|foto|image|dok)
        \s*:\s*\S.{0,80}                                       # credits: "Editor : …", "Fotografer: …"
      | [\w.]{2,20}\s*/\s*©?\s*[\w.]+(?:\s+[\w.]+){0,3}(?:\s*/.{0,40})?   # photo credits "Republika/ Wihdan Hidayat"
      | .{0,60}(?:\[at\]|@[a-z0-9-]+\.[a-z.]{2,}).{0,40}               # "Redaksi: redaksi[at]…", contact lines
      | disclaimer\b.*
      | .{0,25}\b(?:terkait|lainnya|terbaru|terpopuler|populer|popular|pilihan|rekomendasi|recommendation|index)
        \b\W{0,3}(?:index)?\W{0,3}                             # section labels "BERITA TERKAIT", "Popular"
      | (?:load|show|lihat)\ (?:more|selengkapnya|semua)\W*
      | (?:informasi\ )?pemasangan\ iklan.* | (?:foto|video)\w{0,12}
      | \(?(?:[a-z]{2,5}/){1,3}[a-z]{2,5}\)?                   # "(ant/nrm)", "(rdn/rdn)" desk codes
      | copyright\b.* | ©.*
      | halaman\ (?:selanjutnya|berikutnya)\b.* | next\ page\b.*
      | (?:share|bagikan)(?:\ (?:ke|on))?\s*:?.{0,40}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_INLINE_NOISE = re.compile(r"\[gambas:[^\]]*\]|\bADVERTISEMENT\b|\bSCROLL TO (?:CONTINUE|RESUME) WITH CONTENT\b"
                           r"|\((?:baca|lihat|simak) (?:juga|pula)\b[^()]{0,200}\)"    # "(Baca juga: …)" in a paragraph
                           r"|\b(?:baca|lihat|simak) (?:juga|pula)\s*:\s*(?=[,.;]|$)",  # a dangling "Baca Juga:"
                           re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s+(?:[-|–—:]|::)\s+[^-|–—]{2,60}$")


@dataclass
class Extracted:
    title: str
    text: str
    url: str | None
    published: datetime | None
    author: str | None
    site: str | None


def clean_text(text: str) -> str:
    """Drop boilerplate lines and inline markers; collapse blank runs."""
    out: list[str] = []
    for raw in text.splitlines():
        line = re.sub(r"[ \t]{2,}", " ", _INLINE_NOISE.sub("", raw)).strip()
        bare = re.sub(r"\s*\|\s*(?::\s*\|?)?\s*", " : ", line).strip(" :") if line.startswith("|") else line
        if not bare or re.fullmatch(r"[^\W\d_]+", bare) or _BOILERPLATE_LINE.match(bare) or _DATE_STAMP.match(bare) or re.fullmatch(r"[|:\s-]+", bare):
            continue
        out.append(line)
    return "\n".join(out)


def clean_title(title: str | None, site: str | None, hostname: str | None) -> str:
    """Strip a trailing " - Kompas.com Regional" style site suffix."""
    t = (title or "").strip()
    m = _TITLE_SUFFIX.search(t)
    if m:
        suffix = m.group(0).lower()
        names = {n.lower() for n in (site, hostname) if n}
        names |= {n.split(".")[0] for n in names}
        if any(n and n in suffix for n in names) or re.search(r"\.(?:com|co\.id|id|net)\b", suffix):
            t = t[: m.start()].strip()
    return t


def parse_date(value: str | None) -> datetime | None:
    """An ISO date or datetime as an aware datetime in WIB (a naive value is taken to be WIB)."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        if (dt.hour, dt.minute, dt.second) == (0, 0, 0) and len(value.strip()) <= 10:
            dt = datetime.combine(dt.date(), time(0, 0))
        dt = dt.replace(tzinfo=WIB)
    return dt.astimezone(WIB)


_MONTHS = {m: i for i, names in enumerate((
    "jan januari january", "feb februari february pebruari", "mar mrt maret march", "apr april",
    "mei may", "jun juni june", "jul juli july", "agu agt ags agustus aug august",
    "sep sept september", "okt oktober oct october", "nov nop november nopember", "des desember dec december",
), start=1) for m in names.split()}
_STAMP = re.compile(r"(?<!\d)(\d{1,2})[\s/.-]+(\d{1,2}|[a-z]{3,9})[\s/.,-]+(\d{4})\D{0,8}?(\d{1,2})[:.](\d{2})(?!\d)"
                    r"(?:\s*(wib|wita|wit)\b)?", re.IGNORECASE)
_ZONES = {"wib": WIB, "wita": timezone(timedelta(hours=8), "WITA"), "wit": timezone(timedelta(hours=9), "WIT")}


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def stamp_time(tree, day: datetime, title: str = "", window: int = 40) -> datetime | None:
    """The byline time ("Kamis, 05/11/2015 10:08 WIB") of an article published on ``day``.

    Many outlets give only the date in their metadata; the time is in the visible byline next to the
    headline. Stamps are read from the text nearest the headline (the title's text in the page, else
    the ``<h1>``), so that a related-article list of the same day cannot lend its time.
    """
    texts = [t for t in tree.xpath("//body//text()[normalize-space()]")
             if t.getparent().tag not in ("script", "style")]
    key = _norm(title)

    def in_heading(t) -> bool:
        return any(a.tag in _HEADINGS for a in t.getparent().iterancestors()) or t.getparent().tag in _HEADINGS

    named = [i for i, t in enumerate(texts) if key and len(key) > 10 and _norm(str(t)) == key]
    anchor = next((i for i in named if in_heading(texts[i])), named[0] if named else None)
    if anchor is None:
        anchor = next((i for i, t in enumerate(texts) if t.getparent().tag == "h1"
                       or any(a.tag == "h1" for a in t.getparent().iterancestors())), None)
    if anchor is None:
        return None
    order = sorted(range(max(0, anchor - window), min(len(texts), anchor + window)), key=lambda i: abs(i - anchor))
    for i in order:
        for m in _STAMP.finditer(str(texts[i])):
            d, mon, y, hh, mm, zone = m.groups()
            month = int(mon) if mon.isdigit() else _MONTHS.get(mon.lower())
            try:
                found = datetime(int(y), month or 0, int(d), int(hh), int(mm),
                                 tzinfo=_ZONES.get((zone or "wib").lower(), WIB))
            except ValueError:
                continue
            if found.date() == day.date():
                return found.astimezone(WIB)
    return None


def _canonical(meta_url: str | None, fetched_url: str) -> str:
    if meta_url and meta_url.startswith(("http://", "https://")) and urlsplit(meta_url).path not in ("", "/"):
        return meta_url
    return fetched_url


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


def decode_html(content: bytes, content_type: str | None = None) -> str:
    """Bytes of a page as text: the charset of the Content-Type header, else of a ``<meta>`` tag,
    else UTF-8, else cp1252 (which never fails)."""
    charsets = []
    for part in (content_type or "").split(";"):
        k, _, v = part.strip().partition("=")
        if k.lower() == "charset" and v:
            charsets.append(v.strip("\"' "))
    m = _META_CHARSET.search(content[:4096])
    if m:
        charsets.append(m.group(1).decode("ascii", "replace"))
    for enc in (*charsets, "utf-8"):
        try:
            return content.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("cp1252", errors="replace")


# --- multi-page articles -------------------------------------------------------------------------

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


def parse_html(html: str):
    """An lxml tree of ``html``; None when it is not HTML at all."""
    try:
        return trafilatura.utils.load_html(html)
    except (ParserError, ValueError, TypeError):
        return None


def _body_text(tree, url: str) -> str:
    """The cleaned main text of a parsed page (the tree is pruned in place)."""
    if tree is None:
        return ""
    prune_tree(tree)
    return clean_text(trafilatura.extract(tree, url=url, include_comments=False, favor_recall=False) or "")


def _drop_headline(text: str, title: str) -> str:
    """Drop the headline when it is repeated (perhaps behind a rubric, "In Picture: …") near the top."""
    key = _norm(title)
    if not key:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines[:3]):
        norm = _norm(line)
        if len(lines) > 1 and norm.endswith(key) and len(norm.split()) <= len(key.split()) + 4:
            return "\n".join(lines[:i] + lines[i + 1:])
    return text


def extract_article(html: str, url: str, more: list[str] | tuple[str, ...] = ()) -> Extracted | None:
    """Main text and metadata of an article page; None when the page has no article text.
    ``more``: the HTML of the article's later pages, in order (their text is appended)."""
    tree = parse_html(html)
    if tree is None:
        return None
    meta = extract_metadata(deepcopy(tree), default_url=url, date_config={
        **set_date_params(True), "outputformat": "%Y-%m-%dT%H:%M:%S%z"})   # max_date is today, per call
    title = clean_title(meta.title, meta.sitename, meta.hostname)
    published = parse_date(meta.date)
    if published and published.timetz().replace(tzinfo=None) == time(0, 0):
        published = stamp_time(tree, published, title) or published
    text = _body_text(tree, url)
    if not text:
        return None
    text = _drop_headline(text, title)
    if more:
        parts = [_drop_headline(_body_text(parse_html(h), url), title) for h in more]
        text = merge_pages(text, [p for p in parts if p])
    return Extracted(
        title=title,
        text=text,
        url=_canonical(meta.url, url),
        published=published,
        author=meta.author,
        site=meta.sitename or meta.hostname,
    )


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised body: identical syndicated copies hash alike."""
    norm = unicodedata.normalize("NFKC", text).lower()
    norm = re.sub(r"\W+", " ", norm).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()
