"""pantau's error vocabulary (a leaf module: it imports nothing of pantau).

Raise one of these where a caller can do something about it; every *expected* failure is one of
them and is shown to a person as one line (``str(error)``), never as a traceback. Anything else that
escapes is a bug and keeps its traceback.

A stage that *reports* rather than raises (one broken feed among twenty, one page that cannot be
extracted) returns a :class:`Problem` row instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


class PantauError(Exception):
    """Root of every expected pantau failure."""


class ConfigError(PantauError, ValueError):
    """config.yaml, a topic folder, a channel or the storage URL is missing or invalid.
    The message names the file and the key."""


class TopicError(ConfigError):
    """A topic folder (``topic.yaml`` and its exemplars) is missing or invalid."""


class FetchError(PantauError):
    """A request failed. ``transient`` errors (timeouts, connection faults, 5xx, 429) are worth
    retrying on a later attempt; the rest (4xx, robots.txt, blocked address, wrong type) are not.
    ``network``: the host could not be reached at all (DNS, refused, reset, timed out);
    ``blocked``: pantau itself refused to connect (an address that is not public, see http.allow_private);
    ``permanent``: the site refused for good (404, 410, robots.txt disallows): never worth another try;
    ``deadline``: not tried, or cut short, because the run's deadline came first — the link is
    released for the next run, not a failure."""

    def __init__(
        self,
        message: str,
        transient: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
        network: bool = False,
        blocked: bool = False,
        permanent: bool = False,
        deadline: bool = False,
    ):
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after
        self.network = network
        self.blocked = blocked
        self.permanent = permanent
        self.deadline = deadline


class ParseError(PantauError, ValueError):
    """A document (feed, sitemap, API answer, page) is not what it claims to be."""


class StoreError(PantauError):
    """The store failed during a run (PostgreSQL down or frozen, SQLite locked, a corrupt file, a full
    disk). The run ends with this one line (``pantau run``: exit 2); what it had recorded stays, what
    it had not is recorded by the next run (nothing is half-recorded: ``store.transaction()``)."""


class DeliveryError(PantauError):
    """A channel could not deliver an alert. ``uncertain``: the request went out but no answer
    came back, so the message may have arrived (never re-sent automatically)."""

    def __init__(self, message: str, uncertain: bool = False):
        super().__init__(message)
        self.uncertain = uncertain


@dataclass(frozen=True)
class Problem:
    """A failure a stage reports and moves past: which stage, where (source name or URL), why."""

    stage: str
    where: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)
