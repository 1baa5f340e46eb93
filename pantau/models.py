"""Plain data passed between stages: candidate → fetched page → article → match → alert."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Candidate:
    """A link a source says exists; nothing has been fetched yet."""
    url: str
    source: str
    title: str = ""
    published: datetime | None = None
    outlet: str | None = None


@dataclass
class FeedResult:
    """What one source yielded in one run, plus the state to remember for the next."""
    source: str
    url: str
    candidates: list[Candidate] = field(default_factory=list)
    status: int | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    aliases: dict[str, str] = field(default_factory=dict)   # redirect link → outlet URL, newly resolved


@dataclass
class Page:
    """A fetched article page (or the reason it could not be fetched)."""
    candidate: Candidate
    final_url: str
    status: int | None = None
    html: str | None = None
    error: str | None = None
    more_html: list[str] = field(default_factory=list)    # later pages of a multi-page article, in order
    notes: list[str] = field(default_factory=list)        # e.g. a later page that could not be fetched


@dataclass
class Article:
    url: str                 # canonical URL
    fetched_url: str
    source: str
    title: str
    text: str
    published: datetime | None = None
    author: str | None = None
    site: str | None = None
    language: str | None = None
    content_hash: str = ""


@dataclass
class Match:
    topic: str
    score: float
    relevant: bool
    reason: str                                   # short, for the alert line
    concepts: dict[str, list[str]] = field(default_factory=dict)
    nearest_exemplar: str | None = None
    similarity: float = 0.0
    top_terms: list[str] = field(default_factory=list)
    contributions: dict[str, float] = field(default_factory=dict)
    nearest_negative: str | None = None           # the negative exemplar (known false alarm) most like it
    negative_similarity: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class RunSummary:
    discovered: int = 0
    new_candidates: int = 0
    fetched: int = 0
    extracted: int = 0
    indonesian: int = 0
    matched: int = 0
    stories_new: int = 0
    stories_updated: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0
    alerts_pending: int = 0
    errors: list[dict] = field(default_factory=list)

    def error(self, stage: str, where: str, reason: str) -> None:
        self.errors.append({"stage": stage, "where": where, "reason": reason})

    def to_dict(self) -> dict:
        return asdict(self)

    def merge(self, other: "RunSummary") -> None:
        for k, v in asdict(other).items():
            if k == "errors":
                self.errors.extend(other.errors)
            else:
                setattr(self, k, getattr(self, k) + v)
