"""Exemplars as data: ``<topic>/exemplars/positive/*.txt`` and ``<topic>/exemplars/negative/*.txt``.

Any number of files, found without editing topic.yaml. One article per file (UTF-8)::

    Title on the first line
    source: https://… (or the dataset, id and URL it came from)     ← optional "key: value" lines
    date: 2019-09-17
    <blank line>
    Body …

A file without the blank line after its title is read as title + body all the same.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TopicError

POLARITIES = ("positive", "negative")
FOLDER = "exemplars"
_META = re.compile(r"^([a-z_]{2,12})\s*:\s*(.*)$")


class DuplicateExemplar(TopicError):
    """The article is already an exemplar of this topic (same source URL or same text)."""


@dataclass
class Exemplar:
    name: str  # the file's stem: what explanations call it
    polarity: str  # positive | negative
    title: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    vector: dict[str, float] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return self.meta.get("source", "")

    @property
    def outlet(self) -> str:
        """The outlet, from the ``source:`` line: a URL's site ("sindonews.com"), else its first part
        ("Liputan6, 3 March 2023; …" → "Liputan6")."""
        return outlet_of(self.source)

    def describe(self, size: int = 90) -> str:
        """How a reader recognises the exemplar: “its title” (outlet, date) — never its file name."""
        title = " ".join(self.title.split()) or self.name
        if len(title) > size:
            title = title[:size].rsplit(" ", 1)[0] + "…"
        when = _day(self.meta.get("date", ""))
        extra = ", ".join(x for x in (self.outlet, when) if x)
        return f"“{title}”" + (f" ({extra})" if extra else "")


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SECOND_LEVEL = {"co", "com", "go", "or", "ac", "web", "my", "net"}  # kompas.co.id, detik.com.sg …


def outlet_of(source: str) -> str:
    source = source.strip()
    if not source:
        return ""
    m = re.match(r"https?://([^/\s]+)", source)
    if m is None:
        return source.split(";")[0].split(",")[0].strip()
    labels = m.group(1).lower().split(":")[0].split(".")
    if labels and labels[0] == "www":
        labels = labels[1:]
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _day(value: str) -> str:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if m is None:
        return value.strip()
    y, mo, d = (int(g) for g in m.groups())
    return f"{d} {_MONTHS[mo - 1]} {y}" if 1 <= mo <= 12 else value.strip()


def parse(raw: str) -> tuple[str, dict[str, str], str]:
    """(title, meta, body) of an exemplar file's text."""
    lines = raw.replace("\r\n", "\n").lstrip("\ufeff").split("\n")
    title, rest = lines[0].strip(), lines[1:]
    meta: dict[str, str] = {}
    i = 0
    while i < len(rest) and (m := _META.match(rest[i].strip())):
        meta[m.group(1)] = m.group(2).strip()
        i += 1
    if i < len(rest) and not rest[i].strip():
        i += 1
    elif meta:  # "key: value" lines not closed by a blank line: body text
        meta, i = {}, 0
    return title, meta, "\n".join(rest[i:]).strip()


def render(title: str, text: str, meta: dict[str, str]) -> str:
    head = [" ".join(title.split())] + [f"{k}: {' '.join(str(v).split())}" for k, v in meta.items() if v]
    return "\n".join(head) + "\n\n" + text.strip() + "\n"


def folder(topic_dir: Path, polarity: str) -> Path:
    return Path(topic_dir) / FOLDER / polarity


def read_folder(path: Path, polarity: str) -> list[Exemplar]:
    out = []
    for p in sorted(path.glob("*.txt")):
        try:
            title, meta, body = parse(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as e:
            raise TopicError(f"{p}: cannot read exemplar ({getattr(e, 'strerror', None) or e})") from None
        if title or body:
            out.append(Exemplar(p.stem, polarity, title, body, meta, p))
    return out


def read_exemplars(topic_dir: Path) -> tuple[list[Exemplar], list[Exemplar]]:
    """(positives, negatives). The positive folder must exist and hold at least one text."""
    pos_dir, neg_dir = folder(topic_dir, "positive"), folder(topic_dir, "negative")
    if not pos_dir.is_dir():
        raise TopicError(f"{pos_dir}: no such folder (a topic needs a positive exemplar .txt there)")
    positives = read_folder(pos_dir, "positive")
    if not positives:
        raise TopicError(f"{pos_dir}: no exemplar .txt files (a topic needs at least one positive exemplar)")
    return positives, read_folder(neg_dir, "negative") if neg_dir.is_dir() else []


# ---- writing ------------------------------------------------------------------------------------
def fingerprint(text: str) -> str:
    """Identity of a body across whitespace, case and punctuation differences."""
    return hashlib.sha1(" ".join(re.findall(r"\w+", text.lower())).encode()).hexdigest()


def _same_url(a: str, b: str) -> bool:
    def norm(u: str) -> str:
        return re.sub(r"^https?://(www\.)?|/+$", "", u.strip().split()[0]) if u.strip() else ""

    return bool(norm(a)) and norm(a) == norm(b)


def _url(source: str) -> str:
    m = re.search(r"https?://\S+", source or "")
    return m.group(0).rstrip(").,") if m else ""


def find_duplicate(topic_dir: Path, text: str, url: str = "") -> Exemplar | None:
    """An exemplar of either polarity with the same source URL or the same body text."""
    body = fingerprint(text)
    for polarity in POLARITIES:
        d = folder(topic_dir, polarity)
        for e in read_folder(d, polarity) if d.is_dir() else []:
            if (url and _same_url(url, _url(e.source))) or fingerprint(e.text) == body:
                return e
    return None


def slug(title: str, size: int = 48) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:size].rstrip("-")
    return s or "article"


def write(topic_dir: Path, polarity: str, title: str, text: str, meta: dict[str, str]) -> Path:
    """Save one exemplar file; DuplicateExemplar if the topic already has this article."""
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}")
    if not text.strip():
        raise TopicError("no article text to save as an exemplar")
    dup = find_duplicate(topic_dir, text, _url(meta.get("source", "")))
    if dup is not None:
        raise DuplicateExemplar(f"already a {dup.polarity} exemplar of this topic: {dup.path}")
    d = folder(topic_dir, polarity)
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{slug(title or text[:60])}-{fingerprint(text)[:8]}.txt"
    path.write_text(render(title, text, meta), encoding="utf-8")
    return path
