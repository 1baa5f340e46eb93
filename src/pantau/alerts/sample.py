"""A realistic alert (the seed story, two outlets) for ``pantau test-alert``."""

from __future__ import annotations

from datetime import UTC, datetime

from ..clock import utcnow
from ..store import ArticleRow, StoryRow
from .render import render


def sample_alert(fmt: str, template_dir: str | None = None) -> tuple[str, str]:
    now = utcnow()
    then = datetime(2023, 3, 3, 3, 0, tzinfo=UTC)  # the seed story's day: the event card names that day's posts
    story = StoryRow(
        id=0,
        topic="test",
        title="[test] Blinken Bertemu Lavrov di Sela Pertemuan Menlu G20 New Delhi",
        signature=[],
        first_published=then,
        created_at=now,
        updated_at=now,
    )

    def article(id: int, outlet: str, title: str, score: float, text: str) -> ArticleRow:
        url = f"https://www.{outlet.lower()}.com/global/read/test"
        return ArticleRow(
            id=id,
            site=outlet,
            url=url,
            fetched_url=url,
            source=outlet.lower(),
            title=title,
            text=text,
            published=then,
            author=None,
            language="id",
            content_hash="",
            topic="test",
            score=score,
            relevant=True,
            story_id=0,
            explanation={
                "reason": "Rusia · G20 · Ukraina · pertemuan · diplomat; reads like “Blinken Bertemu Lavrov di Sela "
                "Pertemuan G20 New Delhi, Desak Rusia Akhiri Perang di Ukraina” (Liputan6, 3 Mar 2023)"
            },
        )

    arts = [
        article(
            1,
            "Liputan6",
            "Blinken Desak Lavrov Akhiri Perang",
            0.97,
            "Menteri Luar Negeri AS Antony Blinken meminta Menlu Rusia Sergei Lavrov mengakhiri perang "
            "agresi melawan Ukraina saat keduanya bertatap muka di sela pertemuan G20 di New Delhi.",
        ),
        article(
            2,
            "Kompas",
            "Rusia Tuduh Barat Lakukan Pemerasan di Pertemuan G20",
            0.95,
            "Rusia menuduh Barat melakukan pemerasan dan ancaman.",
        ),
    ]
    return render(story, arts, "new", fmt, "pantau test alert", template_dir=template_dir)
