"""The stages between fetch and alert, as plain functions the flow calls (no network here).

candidates → select_new (dedupe, skip seen) → [fetch: connectors] → analyse (extract, language, topic)
→ record (store article, join or start a story, record the alert intent).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from . import alerts
from .extract import content_hash, extract_article
from .language import detect_language
from .models import Article, Candidate, FeedResult, Match, Page, RunSummary
from .stories import canonical_url, find_story, signature
from .store import Store, utcnow
from .topic import Matcher

STORY_THRESHOLD = 0.4
STORY_WINDOW = timedelta(hours=72)


@dataclass
class Analysed:
    page: Page
    article: Article | None = None
    matches: list[Match] = field(default_factory=list)
    skip_reason: str | None = None        # why it stops here (not an error: e.g. not Indonesian)
    error: str | None = None

    @property
    def best(self) -> Match | None:
        return max(self.matches, key=lambda m: m.score, default=None)


def _published(page_date: datetime | None, feed_date: datetime | None) -> datetime | None:
    """The page's date, unless it is a bare day and the feed gives a time on that same day."""
    if page_date is None:
        return feed_date
    if feed_date is not None and page_date.timetz().replace(tzinfo=None) == time(0, 0) \
            and feed_date.astimezone(page_date.tzinfo).date() == page_date.date():
        return feed_date
    return page_date


def select_new(store: Store, results: list[FeedResult], max_attempts: int, limit: int) -> list[Candidate]:
    """New candidate links of this run: one per canonical URL, never one already fetched."""
    by_url: dict[str, Candidate] = {}
    for r in results:
        for c in r.candidates:
            by_url.setdefault(canonical_url(c.url), c)
    fresh = store.unseen(list(by_url), max_attempts)
    return [by_url[u] for u in fresh][:limit]


def analyse(pages: list[Page], matchers: list[Matcher], languages: list[str]) -> list[Analysed]:
    out = []
    for p in pages:
        a = Analysed(page=p)
        out.append(a)
        if p.error or not p.html:
            a.error = p.error or "empty page"
            continue
        try:
            x = extract_article(p.html, p.final_url, p.more_html)
        except Exception as e:  # a hostile page must not stop the batch
            a.error = f"extraction failed: {type(e).__name__}: {e}"
            continue
        if x is None:
            a.error = "no article text found"
            continue
        lang, _ = detect_language(f"{x.title}\n{x.text}")
        a.article = Article(
            url=canonical_url(x.url or p.final_url), fetched_url=p.final_url, source=p.candidate.source,
            title=x.title or p.candidate.title, text=x.text, published=_published(x.published, p.candidate.published),
            author=x.author, site=p.candidate.outlet or x.site, language=lang,
            content_hash=content_hash(x.title, x.text))
        if lang not in languages:
            a.skip_reason = f"language {lang}"
            continue
        a.matches = [m.score(a.article.title, a.article.text) for m in matchers]
    return out


def record(store: Store, analysed: list[Analysed], channels: list[alerts.Channel], summary: RunSummary) -> None:
    """Persist each analysed page; group relevant articles into stories and record alert intents."""
    for a in analysed:
        cand_url = canonical_url(a.page.candidate.url)
        if a.error:
            summary.error("fetch" if a.page.html is None else "extract", a.page.candidate.url, a.error)
            store.mark_seen(cand_url, error=a.error)
            continue
        summary.extracted += 1
        art = a.article
        if a.skip_reason is None:
            summary.indonesian += 1
        best = a.best
        duplicate = store.find_article(url=art.url) or store.find_article(content_hash=art.content_hash)
        article_id = store.add_article(art, best) if not (duplicate and duplicate.url == art.url) else None
        store.mark_seen(cand_url)
        if art.url != cand_url:
            store.mark_seen(art.url)
        if article_id is None or best is None or not best.relevant:
            continue
        summary.matched += 1
        sig = signature(art.title, art.text)
        if duplicate is not None and duplicate.story_id:
            story = store.get_story(duplicate.story_id)      # syndicated copy of a known article
        else:
            story = find_story(sig, art.published, store.recent_stories(best.topic, utcnow() - STORY_WINDOW),
                               STORY_THRESHOLD, STORY_WINDOW)
        if story is None:
            story_id = store.create_story(best.topic, art.title, sig, art.published)
            summary.stories_new += 1
        else:
            story_id = story["id"]
            store.touch_story(story_id)
            summary.stories_updated += 1
        store.set_article_story(article_id, story_id)
        alerts.plan(store, story_id, best.topic, channels)


def batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]
