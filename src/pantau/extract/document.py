"""One article read by hand (``pantau extract``, ``explain``, ``exemplar add``): a local file — HTML,
or plain text whose first line is the title — or a page already fetched (connectors/net/pages.py:
``fetch_one``). Each answers (title, text, url, Extracted or None); a failure is one PantauError line."""

from __future__ import annotations

from pathlib import Path

from ..errors import PantauError
from . import Extracted, decode_html, extract_article

Document = tuple[str, str, str, Extracted | None]


def read_html(target: str, html: str, url: str, more: list[str] | tuple[str, ...] = ()) -> Document:
    x = extract_article(html, url, more)
    if x is None:
        raise PantauError(f"{target}: no article text found")
    return x.title, x.text, x.url or url, x


def read_local(target: str) -> Document:
    try:
        raw = Path(target).read_bytes()
    except OSError as e:
        raise PantauError(f"{target}: cannot read ({e.strerror})") from None
    html, url = decode_html(raw), Path(target).resolve().as_uri()
    if "<" not in html[:2000]:  # plain text: the first line is the title
        first, _, rest = html.partition("\n")
        return first.strip(), rest.strip() or first.strip(), url, None
    return read_html(target, html, url)
