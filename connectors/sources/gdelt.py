"""The ``gdelt`` connector: the GDELT DOC 2.0 API, article-list mode, Indonesian-language sources.

Request: ``?query=(Rusia OR Ukraina OR …) (diplomasi OR …) sourcelang:indonesian&mode=artlist&format=json
&maxrecords=N&timespan=48h&sort=datedesc``. Response: ``{"articles": [{"url", "title", "seendate"
("20230303T101500Z"), "domain", "language", "sourcecountry", …}]}``; GDELT answers problems (a bad
query, too many requests) with a plain-text message and status 200, which is reported as the error.
GDELT asks for at most one request every 5 seconds: requests to its host are spaced that far apart.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from urllib.parse import urlencode

from pantau.config import Source
from pantau.errors import ParseError
from pantau.models import Candidate, FeedResult

from ..net import Fetcher
from .base import SourceContext, fetch_for

MIN_INTERVAL_S = 5.0


def build_query(source: Source, ctx: SourceContext) -> str:
    q = source.query or ctx.expression()
    return q if "sourcelang:" in q else f"{q} sourcelang:indonesian"


def request_url(source: Source, ctx: SourceContext) -> str:
    params = {
        "query": build_query(source, ctx),
        "mode": "artlist",
        "format": "json",
        "maxrecords": min(source.max_items, 250),
        "timespan": f"{math.ceil(source.max_age_hours)}h",
        "sort": "datedesc",
    }
    return f"{source.url}?{urlencode(params)}"


def parse_seendate(value: str | None) -> datetime | None:
    try:
        return datetime.strptime(value or "", "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_artlist(content: bytes, source: Source) -> list[Candidate]:
    """Candidates of an artlist JSON answer. Raises ParseError with GDELT's own message otherwise."""
    text = content.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text) if text else {}
    except json.JSONDecodeError:
        raise ParseError(f"GDELT answered: {' '.join(text.split())[:200]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles", []), list):
        raise ParseError("GDELT answer has no article list")
    out = []
    for a in data.get("articles", []):
        url = (a.get("url") or "").strip() if isinstance(a, dict) else ""
        if not url.startswith(("http://", "https://")):
            continue
        out.append(
            Candidate(
                url=url,
                source=source.name,
                title=(a.get("title") or "").strip(),
                published=parse_seendate(a.get("seendate")),
                outlet=source.outlet or a.get("domain"),
            )
        )
    return out


async def discover(fetcher: Fetcher, source: Source, ctx: SourceContext) -> FeedResult:
    """The ``gdelt`` connector (see connectors/sources/__init__.py)."""
    result = FeedResult(source=source.name, url=source.key)
    r = await fetch_for(
        result,
        fetcher,
        request_url(source, ctx),
        "GDELT request failed: ",
        respect_robots=False,
        min_interval=MIN_INTERVAL_S,
        headers={"Accept": "application/json"},
    )
    if r is None:
        return result
    try:
        result.candidates = parse_artlist(r.content, source)
    except ParseError as e:
        result.error = str(e)
    return result
