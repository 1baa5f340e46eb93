"""Publication times in Western Indonesian Time (WIB): ISO dates from metadata, and the visible byline
time ("Kamis, 05/11/2015 10:08 WIB") when the metadata has only a day."""

from __future__ import annotations

import re
from datetime import datetime, time

from ..clock import WIB, WIT, WITA
from .lines import norm
from .story import HEADINGS


def parse_date(value: str | None) -> datetime | None:
    """An ISO date or datetime as an aware datetime in WIB (a naive value is taken to be WIB)."""
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
    return dt.astimezone(WIB)


_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            "jan januari january",
            "feb februari february pebruari",
            "mar mrt maret march",
            "apr april",
            "mei may",
            "jun juni june",
            "jul juli july",
            "agu agt ags agustus aug august",
            "sep sept september",
            "okt oktober oct october",
            "nov nop november nopember",
            "des desember dec december",
        ),
        start=1,
    )
    for m in names.split()
}
_STAMP = re.compile(
    r"(?<!\d)(\d{1,2})[\s/.-]+(\d{1,2}|[a-z]{3,9})[\s/.,-]+(\d{4})\D{0,8}?(\d{1,2})[:.](\d{2})(?!\d)"
    r"(?:\s*(wib|wita|wit)\b)?",
    re.IGNORECASE,
)
_ZONES = {"wib": WIB, "wita": WITA, "wit": WIT}


def stamp_time(tree, day: datetime, title: str = "", window: int = 40) -> datetime | None:
    """The byline time ("Kamis, 05/11/2015 10:08 WIB") of an article published on ``day``.

    Many outlets give only the date in their metadata; the time is in the visible byline next to the
    headline. Stamps are read from the text nearest the headline (the title's text in the page, else
    the ``<h1>``), so that a related-article list of the same day cannot lend its time.
    """
    texts = [t for t in tree.xpath("//body//text()[normalize-space()]") if t.getparent().tag not in ("script", "style")]
    key = norm(title)

    def in_heading(t) -> bool:
        return any(a.tag in HEADINGS for a in t.getparent().iterancestors()) or t.getparent().tag in HEADINGS

    near = range(len(key) // 2, 2 * len(key) + 20)  # only texts about the title's length can be it
    named = [i for i, t in enumerate(texts) if key and len(key) > 10 and len(t) in near and norm(str(t)) == key]
    anchor = next((i for i in named if in_heading(texts[i])), named[0] if named else None)
    if anchor is None:
        anchor = next(
            (
                i
                for i, t in enumerate(texts)
                if t.getparent().tag == "h1" or any(a.tag == "h1" for a in t.getparent().iterancestors())
            ),
            None,
        )
    if anchor is None:
        return None
    order = sorted(range(max(0, anchor - window), min(len(texts), anchor + window)), key=lambda i: abs(i - anchor))
    for i in order:
        for m in _STAMP.finditer(str(texts[i])):
            d, mon, y, hh, mm, zone = m.groups()
            month = int(mon) if mon.isdigit() else _MONTHS.get(mon.lower())
            try:
                found = datetime(
                    int(y), month or 0, int(d), int(hh), int(mm), tzinfo=_ZONES.get((zone or "wib").lower(), WIB)
                )
            except ValueError:
                continue
            if found.date() == day.date():
                return found.astimezone(WIB)
    return None
