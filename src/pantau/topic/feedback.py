"""Teaching a topic: ``pantau exemplar add`` and ``pantau feedback`` save an article as an exemplar
file in the topic folder of the config in use; the next run (and ``pantau evaluate``) uses it.

This module neither fetches nor opens the store: the CLI hands it the article (title, text, URL, date)
or a callable that reads a story.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from ..errors import PantauError, TopicError
from ..paths import PACKAGE
from . import exemplars
from .loading import load_topic


class UnknownStory(PantauError, LookupError):
    """No story with that id in the store."""


def topic_dir(config, name: str | None = None) -> Path:
    """The folder of the topic named ``name`` in a loaded config (the only topic when not named),
    where feedback is written: never the copy shipped inside an installed pantau."""
    names = [t.name for t in config.topics]
    if name is None and len(config.topics) != 1:
        raise TopicError(f"the config has {len(names)} topics ({', '.join(names)}): name one with --topic")
    topic = config.topics[0] if name is None else next((t for t in config.topics if t.name == name), None)
    if topic is None:
        raise TopicError(f"no topic named {name!r} in the config (have: {', '.join(names)})")
    folder = config.topic_dir(topic)
    if folder.resolve().is_relative_to(PACKAGE):
        raise TopicError(
            f"{folder} is the {topic.name} topic installed with pantau: `pantau init` copies it "
            "next to a config.yaml of yours, where it can learn"
        )
    return folder


def read_text_file(path: Path) -> tuple[str, str, dict[str, str]]:
    """(title, body, meta) of a .txt article: title on the first line, optional ``key: value`` lines,
    a blank line, the body — the exemplar format itself."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PantauError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    title, meta, body = exemplars.parse(raw)
    return title, body or title, meta


def add_exemplar(
    folder: Path,
    polarity: str,
    title: str,
    text: str,
    source: str = "",
    published: datetime | date | str | None = None,
    note: str = "",
    today: date | None = None,
) -> Path:
    """Save an article as a positive or negative exemplar of the topic in ``folder``.

    The topic must load (a bad topic.yaml is reported before anything is written); an article that
    is already an exemplar of either polarity (same source URL or same text) raises DuplicateExemplar.
    """
    load_topic(folder)
    when = (
        published.date().isoformat()
        if isinstance(published, datetime)
        else published.isoformat()
        if isinstance(published, date)
        else (published or "")
    )
    meta = {"source": source, "date": when, "added": (today or date.today()).isoformat(), "note": note}
    return exemplars.write(folder, polarity, title, text, meta)


def feedback(
    story_id: int,
    right: bool,
    read_story: Callable[[int], dict | None],
    topic_dirs: dict[str, Path],
    today: date | None = None,
) -> tuple[Path, dict]:
    """``pantau feedback STORY_ID --wrong|--right``: the story's lead article (its best-scoring one)
    becomes a negative (wrong alert) or positive (right alert) exemplar of the story's topic.

    ``read_story(id)`` returns ``{"id", "topic", "articles": [{"title", "text", "url", "published",
    "score"}, …]}`` or None. Returns the written path and the lead article."""
    story = read_story(story_id)
    if story is None or not story.get("articles"):
        raise UnknownStory(f"no story {story_id} in the store (story ids are shown in alerts)")
    folder = topic_dirs.get(story["topic"])
    if folder is None:
        raise TopicError(f"story {story_id} belongs to topic {story['topic']!r}, which the config no longer has")
    lead = max(story["articles"], key=lambda a: a.get("score") or 0.0)
    path = add_exemplar(
        folder,
        "positive" if right else "negative",
        lead["title"],
        lead["text"],
        lead.get("url") or "",
        lead.get("published"),
        note=f"pantau feedback {story_id} --{'right' if right else 'wrong'}",
        today=today,
    )
    return path, lead
