"""Article extraction: trafilatura, then general Indonesian-news clean-up.

trafilatura finds the main text; on Indonesian outlets it still leaks in-body boxes ("Baca juga: …",
"Advertisement", "Simak Video …", "[Gambas:Video 20detik]", comment-contest paragraphs). Those are
removed by line-level rules that hold for any outlet, never by per-URL rules.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from urllib.parse import urlsplit

import trafilatura

WIB = timezone(timedelta(hours=7), "WIB")

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
      | (?:editor|penulis|reporter|pewarta|sumber)\s*:\s*\S.{0,80}
      | \(?(?:[a-z]{2,5}/){1,3}[a-z]{2,5}\)?                   # "(ant/nrm)", "(rdn/rdn)" desk codes
      | copyright\b.* | ©.*
      | halaman\ (?:selanjutnya|berikutnya)\b.* | next\ page\b.*
      | (?:share|bagikan)(?:\ (?:ke|on))?\s*:?.{0,40}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_INLINE_NOISE = re.compile(r"\[gambas:[^\]]*\]|\bADVERTISEMENT\b|\bSCROLL TO (?:CONTINUE|RESUME) WITH CONTENT\b",
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
        line = _INLINE_NOISE.sub("", raw).strip()
        if not line or _BOILERPLATE_LINE.match(line):
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
    """trafilatura gives ISO dates (date or datetime); return an aware datetime, WIB when unstated."""
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
    return dt


def _canonical(meta_url: str | None, fetched_url: str) -> str:
    if meta_url and meta_url.startswith(("http://", "https://")) and urlsplit(meta_url).path not in ("", "/"):
        return meta_url
    return fetched_url


def extract_article(html: str, url: str) -> Extracted | None:
    """Main text and metadata of an article page; None when the page has no article text."""
    raw = trafilatura.extract(html, url=url, include_comments=False, with_metadata=True,
                              output_format="json", favor_recall=False)
    if not raw:
        return None
    doc = json.loads(raw)
    text = clean_text(doc.get("text") or "")
    if not text:
        return None
    site = doc.get("sitename") or doc.get("hostname")
    title = clean_title(doc.get("title"), doc.get("sitename"), doc.get("hostname"))
    first, _, rest = text.partition("\n")
    if rest and title and first.strip().lower() == title.lower():
        text = rest                          # the headline repeated as the first body line
    return Extracted(
        title=title,
        text=text,
        url=_canonical(doc.get("source") or doc.get("url"), url),
        published=parse_date(doc.get("date")),
        author=doc.get("author"),
        site=site,
    )


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised body: identical syndicated copies hash alike."""
    norm = unicodedata.normalize("NFKC", text).lower()
    norm = re.sub(r"\W+", " ", norm).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()
