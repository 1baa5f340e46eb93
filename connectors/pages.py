"""Article page fetch: many pages at once, bounded by the Fetcher's overall and per-host limits.
A failed page is reported on its own Page and never stops the others."""
from __future__ import annotations

import asyncio

from pantau.models import Candidate, Page

from .http import Fetcher, FetchError

HTML_TYPES = ("text/html", "application/xhtml+xml")


async def fetch_page(fetcher: Fetcher, c: Candidate) -> Page:
    try:
        r = await fetcher.get(c.url, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
    except FetchError as e:
        return Page(candidate=c, final_url=c.url, status=e.status, error=str(e))
    ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and ctype not in HTML_TYPES:
        return Page(candidate=c, final_url=r.url, status=r.status, error=f"not an HTML page ({ctype})")
    return Page(candidate=c, final_url=r.url, status=r.status, html=r.text)


async def fetch_pages(fetcher: Fetcher, candidates: list[Candidate]) -> list[Page]:
    return list(await asyncio.gather(*(fetch_page(fetcher, c) for c in candidates)))
