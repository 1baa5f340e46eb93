"""The text an event card reads: the title, then the body without its dateline, split into sentences,
each with its quotations blanked out (what someone *said* is not what happened)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# "Liputan6.com, Jakarta -", "MOSKOW, KOMPAS.com -", "Jakarta, CNBC Indonesia -", "bali.jpnn.com, NEW YORK -"
_DATELINE = re.compile(r"^\s*((?:[^\n.!?\"“]|\.(?=\S)){0,60}?)\s+[-–—]+\s+")
_PLACE_LINE = re.compile(r"^[A-Z][A-Z .'-]{1,30}\.\s+(?=[A-Z])")  # "KONTAN.CO.ID -  KIEV. Duta Besar …"
_SPLIT = re.compile(r"(?<=[.!?])[\"”']?\s+(?=[\"“(]?[A-Z0-9])|\n+")
_ABBREV = re.compile(r"\b(St|Dr|Prof|No|Jl|Tn|Ny|H|Hj|Ir|Drs|dll|dkk|a\.n|u\.p|Mr|Mrs|Ms|Sdr|Bpk)\.$")
_QUOTE = re.compile(r"[\"“][^\"“”]{2,}?[\"”]")


@dataclass(frozen=True)
class Sentence:
    text: str  # as written
    plain: str  # quotations blanked: «…»
    region: str  # title | lead
    index: int  # 0 = title; 1… = the body's sentences in order


def strip_dateline(text: str) -> str:
    m = _DATELINE.match(text)
    if m and len(m.group(1).split()) <= 5 and m.group(1).strip():
        text = text[m.end() :]
        place = _PLACE_LINE.match(text)
        return text[place.end() :] if place else text
    return text


def split(text: str) -> list[str]:
    """Sentences of a text; "St. Petersburg" or "Dr. X" do not end one."""
    out: list[str] = []
    for piece in _SPLIT.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if out and _ABBREV.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def unquote(sentence: str) -> str:
    return _QUOTE.sub("«…»", sentence)


def read(title: str, text: str, lead_sentences: int = 5) -> list[Sentence]:
    """The title (index 0) and the first ``lead_sentences`` sentences of the body."""
    out = [Sentence(title.strip(), unquote(title.strip()), "title", 0)] if title.strip() else []
    for i, s in enumerate(split(strip_dateline(text.strip()))[:lead_sentences], start=1):
        out.append(Sentence(s, unquote(s), "lead", i))
    return out
