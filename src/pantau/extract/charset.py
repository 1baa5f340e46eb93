"""Bytes of a page as text, and text repaired of mojibake."""

from __future__ import annotations

import re

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


# What is left of UTF-8 "–" read as Mac Roman once its first byte ("‚") was lost or taken for a comma.
_DASH_REMNANT = re.compile(r"(?<=\s)\u00c4\u00ec(?=\s)")


# UTF-8's three bytes of a punctuation mark (E2 80 xx) read as Mac Roman: "‚Äé" is a left-to-right mark.
_MAC_ROMAN_TRIPLE = re.compile("\u201a\u00c4[^\\s]")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")  # zero-width spaces and direction marks


def _mac_roman(m: re.Match) -> str:
    try:
        return m.group(0).encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return m.group(0)


def repair(text: str) -> str:
    """Text with mojibake repaired (UTF-8 read as cp1252, Latin-1 or Mac Roman: "â€“", "‚Äì" → "–"),
    by ftfy; quotes stay as written (curly stays curly). What ftfy leaves (Mac Roman remnants of
    invisible marks) is decoded too, and zero-width characters go."""
    import ftfy  # loads on first use

    if not text or text.isascii():
        return text
    text = ftfy.fix_text(text, uncurl_quotes=False, normalization="NFC")
    text = _MAC_ROMAN_TRIPLE.sub(_mac_roman, text)
    return _INVISIBLE.sub("", _DASH_REMNANT.sub("\u2013", text))
