"""What every source connector shares: its context, its GET-and-report, its cap on candidates.

Every connector is ``async discover(fetcher, source, ctx) -> FeedResult``: it yields candidates
(url, title, published, source) and reports its own permanent errors on the result. Transient
network errors (timeouts, refused connections, 5xx, 429 beyond its Retry-After) are raised instead,
so the flow's retries see them. Connectors never touch the store: what they need from earlier runs
comes in the context, what later runs need goes out on the result.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from pantau.config import Source
from pantau.errors import FetchError, ParseError
from pantau.models import Candidate, FeedResult

from ..net import Fetcher, Response


def _no_aliases(links: list[str]) -> dict[str, str]:
    return {}


@dataclass
class SourceContext:
    """What a connector may use besides its config: the stored validators of its last fetch, the
    search terms of its topic (google_news, gdelt) and a lookup of redirect links resolved in earlier
    runs (google_news)."""

    etag: str | None = None
    last_modified: str | None = None
    search_any: list[str] = field(default_factory=list)
    search_context: list[str] = field(default_factory=list)
    known_aliases: Callable[[list[str]], dict[str, str]] = _no_aliases

    def expression(self) -> str:
        """The search terms as a boolean query both search services read: ``(a OR b) (c OR d)``."""
        q = "(" + " OR ".join(self.search_any) + ")"
        return q + (" (" + " OR ".join(self.search_context) + ")" if self.search_context else "")


Discover = Callable[[Fetcher, Source, SourceContext], Awaitable[FeedResult]]


async def fetch_for(result: FeedResult, fetcher: Fetcher, url: str, what: str = "", **kw: Any) -> Response | None:
    """A source's GET: transient failures raise (the flow's retries see them); a permanent one is
    recorded on ``result`` (status and error, prefixed by ``what``) and None comes back."""
    try:
        r = await fetcher.get(url, **kw)
    except FetchError as e:
        if e.transient:
            raise
        result.status, result.error, result.unreachable = e.status, f"{what}{e}", e.network
        return None
    result.status = r.status
    return r


def refuse_entity_tricks(content: bytes) -> None:
    """Raise ParseError when an XML document declares entities (billion laughs, external entities that
    would read local files): no feed or sitemap needs them. Checked with defusedxml before the real
    parser sees the document; a document that is merely malformed is left to that parser."""
    try:
        DefusedET.fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        raise ParseError(f"refused: the document declares XML entities ({type(e).__name__})") from None
    except (ElementTree.ParseError, ValueError):
        pass


def _published(c: Candidate) -> datetime:
    assert c.published is not None
    return c.published


def limit(result: FeedResult, source: Source) -> FeedResult:
    """Keep the newest ``max_items`` candidates (undated ones last, in source order)."""
    if len(result.candidates) > source.max_items:
        dated = sorted((c for c in result.candidates if c.published), key=_published, reverse=True)
        undated = [c for c in result.candidates if not c.published]
        result.candidates = (dated + undated)[: source.max_items]
    return result
