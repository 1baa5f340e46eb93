"""Bytes of a page as text."""

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
