"""The story's full body from the page's own data, when the HTML holds only its start.

Pages rendered by a script framework ship their state as JSON in a ``<script>``
(``window.__PRELOADED_STATE__ = {…}``, ``__NEXT_DATA__``, JSON-LD): the HTML may show the first
paragraphs only (a metered or lazily rendered body) while the data holds the whole body — as an HTML
string, as JsonML (``["p", "text ", ["a", {…}, "link"], " text"]``) or as plain text. A body in the data
is taken when it holds nearly every paragraph pantau extracted from the HTML *and* more: the same story,
longer. It is then read like a page (pruned, trafilatura, cleaned), so its boxes go as they would.
"""

from __future__ import annotations

import json
import re
from html import escape

_SCRIPT_JSON = re.compile(r"[{\[]")
_MIN_SCRIPT = 2000  # characters: state blobs are large; smaller scripts are code
_PHRASE_WORDS = 6
_MAX_DEPTH = 60


def _phrase(text: str) -> str | None:
    """A run of plain words from the body's longest line, to find the scripts that hold the body."""
    line = max(text.splitlines(), key=lambda s: len(s.split()), default="")
    words = line.split()
    if len(words) < 2 * _PHRASE_WORDS:
        return None
    for start in range(len(words) // 3, len(words) - _PHRASE_WORDS):
        run = words[start : start + _PHRASE_WORDS]
        if all(re.fullmatch(r"[^\W\d_]+", w) for w in run):
            return " ".join(run)
    return None


def _jsonml_html(node, depth: int = 0) -> str:
    """HTML of a JsonML node: ``[tag, {attributes}?, children…]`` or a string."""
    if depth > _MAX_DEPTH:
        return ""
    if isinstance(node, str):
        return escape(node)
    if not (isinstance(node, list) and node and isinstance(node[0], str) and re.fullmatch(r"[a-z][a-z0-9]*", node[0])):
        return ""
    tag, rest = node[0], node[1:]
    if rest and isinstance(rest[0], dict):
        rest = rest[1:]
    inner = "".join(_jsonml_html(child, depth + 1) for child in rest)
    return f"<{tag}>{inner}</{tag}>"


def _is_jsonml_body(value) -> bool:
    """A list of at least three JsonML paragraphs (``["p", …]``)."""
    return isinstance(value, list) and sum(isinstance(v, list) and v[:1] == ["p"] for v in value) >= 3


def _bodies(value, phrase: str, depth: int = 0):
    """HTML of every value in the data that holds ``phrase``: HTML strings, JsonML bodies, plain text
    (no deeper than ``_MAX_DEPTH``: a hostile page's nesting is not followed)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        if phrase in value:
            yield value if "<p" in value else "".join(f"<p>{escape(p)}</p>" for p in value.split("\n") if p.strip())
    elif isinstance(value, dict):
        for v in value.values():
            yield from _bodies(v, phrase, depth + 1)
    elif isinstance(value, list):
        if _is_jsonml_body(value):
            html = "".join(_jsonml_html(v) for v in value)
            if phrase in re.sub(r"<[^>]+>", "", html):
                yield html
                return
        for v in value:
            yield from _bodies(v, phrase, depth + 1)


def _data(script: str):
    """The JSON value of a script (``… = {…};`` or bare JSON), or None."""
    m = _SCRIPT_JSON.search(script)
    if m is None:
        return None
    try:
        return json.JSONDecoder().raw_decode(script, m.start())[0]
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        return None


def state_scripts(tree) -> list[str]:
    """The page's scripts large enough to hold its data (read before the clean-up drops scripts)."""
    return [s.text for s in tree.iter("script") if len(s.text or "") >= _MIN_SCRIPT]


def state_bodies(scripts: list[str], text: str) -> list[str]:
    """HTML bodies in the page's script data that hold a phrase of ``text`` (the body read from the HTML)."""
    phrase = _phrase(text) if scripts else None
    if phrase is None:
        return []
    out: list[str] = []
    for raw in scripts:
        if phrase.split()[0] not in raw:
            continue
        plain = raw.replace("\\u002F", "/").replace('\\"', '"')
        if phrase not in plain:
            continue
        data = _data(raw)
        if data is not None:
            out.extend(_bodies(data, phrase))
    return out


def _keys(text: str) -> list[str]:
    return [" ".join(re.findall(r"\w+", line.lower())) for line in text.splitlines() if len(line.split()) >= 8]


def fuller(text: str, candidate: str, cover: float = 0.8, more: float = 1.3) -> bool:
    """``candidate`` holds at least ``cover`` of ``text``'s paragraphs and ``more`` times its words."""
    keys = _keys(text)
    if not keys or len(candidate.split()) < more * len(text.split()):
        return False
    flat = " ".join(re.findall(r"\w+", candidate.lower()))
    return sum(k in flat for k in keys) >= cover * len(keys)
