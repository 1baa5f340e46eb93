"""One field of an event card: its value (for measuring), how a card shows it, and the sentence it
was read from (for ``pantau explain``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    value: str  # canonical: "Sergey Lavrov", "Moskow", "2022-06-30", "met"
    shown: str  # "Menlu Rusia Sergey Lavrov", "Moskow, Rusia", "Kamis 30 Jun 2022", "met"
    sentence: str  # the sentence it came from, as written
