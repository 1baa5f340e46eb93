"""Plain data passed between stages: candidate → fetched page → article → match → alert."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime

from .config import Channel as ChannelSettings
from .errors import Problem

# -- delivery -----------------------------------------------------------------------------------
# A delivery target at run time: its validated settings (config.yaml's ``channels:`` entry), the
# format it takes, and a sender that closes over the secret Apprise URL (nothing else ever sees it).
# (title, body, format, idempotency key); raises DeliveryError when not delivered
Sender = Callable[[str, str, str, "str | None"], None]
# (story id, channel name) -> an alert's one-click feedback: {wrong_url, right_url, command} (alerts/tokens.py)
FeedbackLinks = Callable[[int, str], dict]


@dataclass
class Channel:
    """A resolved channel (connectors/delivery builds them; pantau/alerts sends through them)."""

    settings: ChannelSettings
    format: str  # markdown | html | text (``auto`` resolved from the URL)
    send: Sender
    timezone: str = "Asia/Jakarta"
    template_dir: str | None = None
    feedback: FeedbackLinks | None = None  # None: alerts show the `pantau feedback` command
    max_chars: int = 0  # the longest body the service takes (Apprise's body_maxlen; 0: no limit known)

    @property
    def name(self) -> str:
        return self.settings.name

    @classmethod
    def internal(cls, name: str, fmt: str, send: Sender, **settings) -> Channel:
        """A channel that has no config.yaml entry (the console; tests): settings from defaults."""
        timezone = settings.pop("timezone", "Asia/Jakarta")
        template_dir = settings.pop("template_dir", None)
        max_chars = settings.pop("max_chars", 0)
        # model_construct: no url_env/url_secret to validate; every other field takes its default
        settings_ = ChannelSettings.model_construct(name=name, **settings)
        return cls(settings_, fmt, send, timezone, template_dir, max_chars=max_chars)


# -- the stages' data -------------------------------------------------------------------------------
_REFUSED = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates: PostgreSQL refuses them


def storable(value):
    """Text every engine keeps as it is: without NUL (PostgreSQL: "text fields cannot contain NUL")
    and lone surrogates (not encodable as UTF-8). Anything but a string is returned as given."""
    return _REFUSED.sub("", value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Candidate:
    """A link a source says exists; nothing has been fetched yet. Its text fields come from a feed
    (untrusted): what no store could keep is dropped here, at the edge."""

    url: str
    source: str
    title: str = ""
    published: datetime | None = None
    outlet: str | None = None
    canonical: str = ""  # the store's key for it, set once by pipeline.select_new (pantau/urls.py)

    def __post_init__(self) -> None:
        for name in ("url", "title", "outlet"):
            object.__setattr__(self, name, storable(getattr(self, name)))


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
    unreachable: bool = False  # the error is that the host could not be reached at all
    aliases: dict[str, str] = field(default_factory=dict)  # redirect link → outlet URL, newly resolved


@dataclass
class Page:
    """A fetched article page (or the reason it could not be fetched)."""

    candidate: Candidate
    final_url: str
    status: int | None = None
    html: str | None = None
    error: str | None = None
    more_html: list[str] = field(default_factory=list)  # later pages of a multi-page article, in order
    notes: list[str] = field(default_factory=list)  # e.g. a later page that could not be fetched
    permanent: bool = False  # the error is for good (404, 410, robots.txt): never tried again
    released: bool = False  # not fetched because the run's deadline came first: the next run's


@dataclass
class Article:
    url: str  # canonical URL
    fetched_url: str
    source: str
    title: str
    text: str
    published: datetime | None = None
    author: str | None = None
    site: str | None = None
    language: str | None = None
    content_hash: str = ""

    def __post_init__(self) -> None:  # text from a page: what no store could keep is dropped here
        for f in fields(self):
            setattr(self, f.name, storable(getattr(self, f.name)))


@dataclass
class Match:
    topic: str
    score: float
    relevant: bool
    reason: str  # short, for the alert line
    concepts: dict[str, list[str]] = field(default_factory=dict)
    nearest_exemplar: str | None = None
    similarity: float = 0.0
    top_terms: list[str] = field(default_factory=list)
    contributions: dict[str, float] = field(default_factory=dict)
    nearest_negative: str | None = None  # the negative exemplar (known false alarm) most like it
    negative_similarity: float = 0.0
    about: str = ""  # what the sentences say the article is about: "diplomacy" or an off-topic frame
    about_votes: dict[str, float] = field(default_factory=dict)  # frame → share of the sentences' votes
    about_sentences: list[str] = field(default_factory=list)  # "[title] frame: sentence", the strongest voters

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SourceOutcome:
    """One source in one run, for the closing table."""

    name: str
    kind: str
    links: int = 0
    new: int = 0
    not_modified: bool = False
    error: str | None = None
    unreachable: bool = False


@dataclass
class ChannelOutcome:
    """One channel in one run: sent and failed counts, or why it was skipped."""

    name: str
    sent: int = 0
    failed: int = 0
    uncertain: int = 0  # sent, but no answer came: maybe delivered; never re-sent automatically
    skipped: str | None = None
    last_error: str | None = None
    waiting: int = 0  # a digest channel: alerts waiting for its next digest
    digest: DigestMessage | None = None  # a digest channel: the message sent or tried (None: none was due)


@dataclass
class DigestMessage:
    title: str
    body: str
    stories: int


@dataclass
class Delivery:
    """What one delivery step did: each channel's outcome, by name, and the alerts it found orphaned
    (sent by a run that ended before recording it: now uncertain, never re-sent)."""

    channels: dict[str, ChannelOutcome] = field(default_factory=dict)
    orphaned: int = 0

    def channel(self, name: str) -> ChannelOutcome:
        return self.channels.setdefault(name, ChannelOutcome(name))

    @property
    def sent(self) -> int:
        return sum(c.sent for c in self.channels.values())

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.channels.values())

    @property
    def uncertain(self) -> int:
        return sum(c.uncertain for c in self.channels.values()) + self.orphaned

    @classmethod
    def merge(cls, parts: list[Delivery]) -> Delivery:
        """One run's delivery from each channel's (one task run per channel)."""
        out = cls()
        for part in parts:
            out.channels.update(part.channels)
            out.orphaned += part.orphaned
        return out


@dataclass
class Counts:
    """What the stages after discovery did with one batch (or, added up, with the run)."""

    fetched: int = 0
    extracted: int = 0
    indonesian: int = 0
    matched: int = 0
    stories_new: int = 0
    stories_updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    story_ids: list[int] = field(default_factory=list)  # the stories this batch started or grew

    def __iadd__(self, other: Counts) -> Counts:
        for f in fields(self):
            if f.name in ("problems", "story_ids"):
                getattr(self, f.name).extend(getattr(other, f.name))
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


@dataclass
class RunSummary:
    """The report of one run (built by the flow from what each stage returned)."""

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
    errors: list[Problem] = field(default_factory=list)
    sources: list[SourceOutcome] = field(default_factory=list)
    channels: list[ChannelOutcome] = field(default_factory=list)
    outcome: str = "ok"  # ok | no_source | undelivered (see pantau/report.py: judge)
    message: str = ""
    dry_run: bool = False  # nothing was sent or kept; ``would_send`` lists what would have been
    would_send: list[dict] = field(default_factory=list)  # {channel, title}
    feedback: list[dict] = field(default_factory=list)  # verdicts given since the last run (report.py)

    def to_dict(self) -> dict:
        return asdict(self)
