"""Article page fetch: many pages at once, bounded by the Fetcher's overall and per-host limits.
A failed page is reported on its own Page and never stops the others.

Multi-page articles are followed here (``pantau.extract.pagination`` reads the links): a "show all"
version replaces page 1 when it can be fetched; otherwise "next" pages are fetched in turn, up to
``max_pages``, and kept on ``Page.more_html``. A later page that fails is noted, not fatal."""

from __future__ import annotations

import asyncio

from pantau.config import Http
from pantau.errors import FetchError
from pantau.extract.pagination import pagination
from pantau.models import Candidate, Page

from .client import Fetcher, Response

HTML_TYPES = ("text/html", "application/xhtml+xml")


ACCEPT = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}


async def _html(fetcher: Fetcher, url: str) -> tuple[Response | None, FetchError | None]:
    """(response, error) for an HTML page."""
    try:
        r = await fetcher.get(url, headers=ACCEPT)
    except FetchError as e:
        return None, e
    ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and ctype not in HTML_TYPES:
        return r, FetchError(f"not an HTML page ({ctype})", status=r.status)
    return r, None


async def fetch_page(fetcher: Fetcher, c: Candidate, max_pages: int = 10) -> Page:
    r, err = await _html(fetcher, c.url)
    if err is not None:
        return Page(
            candidate=c,
            final_url=r.url if r else c.url,
            status=err.status,
            error=str(err),
            permanent=err.permanent,
            released=err.deadline,
        )
    assert r is not None  # no error: a response
    page = Page(candidate=c, final_url=r.url, status=r.status, html=r.text)
    if max_pages <= 1:
        return page
    show_all, nxt = pagination(r.text, page.final_url)
    if show_all:
        full, err = await _html(fetcher, show_all)
        if err is None and full is not None:
            page.html = full.text
            return page
        page.notes.append(f"show-all page {show_all}: {err}")
    seen = {page.final_url, c.url}
    while nxt and nxt not in seen and 1 + len(page.more_html) < max_pages:
        seen.add(nxt)
        more, err = await _html(fetcher, nxt)
        if err is not None:
            page.notes.append(f"page {len(page.more_html) + 2} {nxt}: {err}")
            break
        assert more is not None
        page.more_html.append(more.text)
        _, nxt = pagination(more.text, more.url)
    return page


async def fetch_pages(fetcher: Fetcher, candidates: list[Candidate], max_pages: int = 10) -> list[Page]:
    return list(await asyncio.gather(*(fetch_page(fetcher, c, max_pages) for c in candidates)))


def fetch_one(url: str, http: Http, max_pages: int = 10) -> Page:
    """One page fetched by hand (``pantau extract URL``): every manner of the Fetcher applies."""

    async def get() -> Page:
        async with Fetcher(http) as f:
            return await fetch_page(f, Candidate(url=url, source="cli"), max_pages)

    return asyncio.run(get())
