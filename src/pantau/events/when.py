"""When: a date the event's sentences give — "Kamis (31/3)", "Rabu (29/6/2022)", "Kamis, 19 Juni 2025",
"kemarin" — resolved against the article's date (a day and month without a year: the latest such date
not after the article, give or take a week). Left out when it is a range ("15-16 November"), the date
someone said or was quoted ("kata …, Rabu (16/11)", "dikutip Jumat (1/7)"), or when the weekday the
text gives is not that date's."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .field import Field
from .sentences import Sentence

WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maret": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "september": 9,
    "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "desember": 12, "des": 12,
}  # fmt: skip
_MONTH_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
_DAY = r"(?:(?P<wd>Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu)\s*,?\s*)?"
_NUMERIC = re.compile(_DAY + r"\((?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{2,4}))?\)")
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_WRITTEN = re.compile(
    _DAY + r"(?:tanggal\s+)?(?P<d>\d{1,2})\s+(?P<mn>" + _MONTH_ALT + r")\b\.?(?:\s+(?P<y>\d{4}))?", re.IGNORECASE
)
_RELATIVE = re.compile(r"\b(kemarin|hari ini)\b", re.IGNORECASE)
_SAID = re.compile(
    r"\b(dikutip|dilansir|diakses|diunggah|diungkap|diketahui|diumumkan|cuit|cuitan|unggahan|kata|ujar|ucap|ungkap|"
    r"jelas|tulis|tegas|tegasnya|katanya|"
    r"konferensi pers|jumpa pers|keterangan|pernyataan)\b[^.]{0,45}$",
    re.IGNORECASE,
)
_RANGE_BEFORE = re.compile(r"\d\s*[-–]\s*$")
_RANGE_AFTER = re.compile(r"^\s*[-–]\s*\d")


def shown(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {_MONTH_SHORT[day.month - 1]} {day.year}"


def _resolve(d: int, m: int, y: int | None, article: date | None) -> date | None:
    try:
        if y is not None:
            return date(y + 2000 if y < 100 else y, m, d)
        if article is None:
            return None
        found = date(article.year, m, d)
    except ValueError:
        return None
    return found.replace(year=found.year - 1) if found > article + timedelta(days=7) else found


def _weekday_ok(name: str | None, day: date) -> bool:
    return name is None or WEEKDAYS[day.weekday()] == name.replace("Jum'at", "Jumat").capitalize()


def dates_in(s: Sentence, article: date | None) -> list[date]:
    text = s.plain
    out: list[tuple[int, date]] = []
    for m in list(_NUMERIC.finditer(text)) + list(_WRITTEN.finditer(text)):
        before, after = text[: m.start()], text[m.end() :]
        if _SAID.search(before[-60:]) or _RANGE_BEFORE.search(before) or _RANGE_AFTER.match(after):
            continue
        y = int(m.group("y")) if m.group("y") else None
        month = int(m.group("m")) if "m" in m.groupdict() and m.group("m") else MONTHS[m.group("mn").lower()]
        day = _resolve(int(m.group("d")), month, y, article)
        if day is not None and _weekday_ok(m.group("wd"), day):
            out.append((m.start(), day))
    if article is not None:
        for m in _RELATIVE.finditer(text):
            if not _SAID.search(text[: m.start()][-60:]):
                out.append((m.start(), article - timedelta(days=1 if m.group(1).lower() == "kemarin" else 0)))
    return [d for _, d in sorted(out)]


def find(sentences: list[Sentence], article: date | None) -> Field | None:
    for s in sentences:
        if found := dates_in(s, article):
            return Field(found[0].isoformat(), shown(found[0]), s.text)
    return None
