"""One neutraliser per output format for text pantau did not write (titles, excerpts, outlet names,
the matcher's reason — everything a feed or a page decides).

Every format first drops what no reader should get from a stranger: control characters (NUL …),
bidirectional overrides and isolates (U+202E turns ``gpj.exe`` around), zero-width and other invisible
format characters, lone surrogates; line and paragraph separators become spaces in one-line fields.
Then what the format would *act on* is made inert, by look-alike characters that read the same:

* ``text`` (plain channels — Slack and Discord still read some syntax in them): ``<…>`` (Slack's
  ``<!channel>``, ``<!here>``, ``<@U…>``, ``<url|label>``) → ``‹…›``; ``@`` → ``＠`` (no
  ``@here``/``@everyone``).
* ``markdown`` (Slack mrkdwn and chat markdown): the same, and ``*`` ``` ` ``` ``|`` ``[`` ``]`` —
  no bold or code, no ``[label](url)`` or ``<url|label>`` link.
* ``html`` (email): escaped (``&``, ``<``, ``>``, quotes), so no tag, attribute or link survives.

And lengths are capped per format (``LIMITS``): the title, each item (outlet, article title), the
excerpt, and the whole message (``cap_message``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True)
class Limits:
    title: int  # the alert's title (subject)
    item: int  # an outlet name or an article title in the list
    excerpt: int  # the start of the lead article
    message: int  # the whole body


LIMITS = {
    "text": Limits(title=200, item=200, excerpt=300, message=4000),
    "markdown": Limits(title=200, item=200, excerpt=300, message=3500),  # a Slack section holds 3,000
    "html": Limits(title=200, item=200, excerpt=500, message=20000),
}

_SEPARATORS = {"\u2028": "\n", "\u2029": "\n", "\r\n": "\n", "\r": "\n"}
_LOOKALIKE = {
    "text": str.maketrans({"<": "\u2039", ">": "\u203a", "@": "\uff20"}),
    "markdown": str.maketrans(
        {
            "<": "\u2039",
            ">": "\u203a",
            "@": "\uff20",
            "*": "\u2217",
            "`": "'",
            "|": "\u2758",
            "[": "\uff3b",
            "]": "\uff3d",
        }
    ),
}


def _kept(ch: str) -> bool:
    if ch in "\n\t":
        return True
    return unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")


def clean(text: str, one_line: bool = False) -> str:
    """``text`` without control, bidi, zero-width, private-use and unassigned characters; with
    ``one_line``, every run of white space (newlines too) one space."""
    for sep, to in _SEPARATORS.items():
        text = text.replace(sep, to)
    text = "".join(ch for ch in text if _kept(ch))
    return " ".join(text.split()) if one_line else text


def cap(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word when one ends near the limit, then "…"."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    word = cut.rsplit(" ", 1)[0]
    return (word if len(word) > limit * 0.8 else cut).rstrip() + "…"


def neutralise(text: object, fmt: str, limit: int | None = None, one_line: bool = True) -> str:
    """``text`` made safe to show in ``fmt`` (``text`` | ``markdown`` | ``html``), capped at ``limit``.
    For html the answer is escaped markup (a ``Markup``: a template does not escape it again)."""
    s = clean(str(text), one_line=one_line)
    if limit is not None:
        s = cap(s, limit)
    if fmt == "html":
        return Markup(escape(s))
    return s.translate(_LOOKALIKE["markdown" if fmt == "markdown" else "text"])


def plain(text: object, limit: int | None = None) -> str:
    return neutralise(text, "text", limit)


def markdown(text: object, limit: int | None = None) -> str:
    return neutralise(text, "markdown", limit)


def html(text: object, limit: int | None = None) -> str:
    return neutralise(text, "html", limit)


def cap_message(body: str, fmt: str) -> str:
    """The whole message within its format's limit: plain and markdown are cut (at a line when one
    ends near it); an html body is never cut inside its markup — render fewer items instead."""
    limit = LIMITS.get(fmt, LIMITS["text"]).message
    if fmt == "html" or len(body) <= limit:
        return body
    cut = body[: limit - 2]
    line = cut.rsplit("\n", 1)[0]
    return (line if len(line) > limit * 0.8 else cut).rstrip() + "\n…"


_URL_UNSAFE = re.compile(r"[\s<>|\"'`\x00-\x1f\x7f]")


def link(url: str) -> str:
    """A URL as a link target in any format: the canonical URL pantau made (``urls.py``), with what
    could end or break out of ``<url|label>`` or an attribute percent-encoded."""
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}" if ord(m.group()) < 128 else "", url)
