"""What a run did, for people: the verdict, the closing table of the CLI and the Prefect artifact.

A run's verdict (``judge``) and the exit code of ``pantau run`` (``EXIT_CODES``):

====  ===============  =================================================================
exit  outcome          meaning
====  ===============  =================================================================
0     ``ok``           at least one source was read and every due alert was delivered
3     ``no_source``    every source failed (offline, DNS, all sites down): nothing was read
4     ``undelivered``  a channel could not deliver; the alerts stay in the outbox and are
                       retried with backoff on later runs
====  ===============  =================================================================

(2 is a configuration or usage error, 1 an unexpected error.) Both non-ok outcomes end the Prefect
flow run in a ``Failed`` state carrying the verdict as its message, so automations can react.

The run's artifacts (stable keys, the flow's name first): ``<flow>-summary`` (``summary_markdown``),
``<flow>-stories`` (``stories_table``: the stories the run started or grew), a digest run's
``digest`` (``digest_report``) and a backfill's ``backfill-progress``. The summary also lists the
verdicts readers gave through the alerts' feedback links since the last run (``feedback_lines``).
"""

from __future__ import annotations

from sqlalchemy.exc import NoResultFound

from .alerts.render import outlet_name, wib
from .config import Source
from .errors import Problem
from .models import Candidate, ChannelOutcome, Counts, Delivery, FeedResult, RunSummary, SourceOutcome
from .store import FeedbackRow, Store

EXIT_CODES = {"ok": 0, "no_source": 3, "undelivered": 4}

STAGES = (
    "discovered",
    "new_candidates",
    "fetched",
    "extracted",
    "indonesian",
    "matched",
    "stories_new",
    "stories_updated",
    "alerts_sent",
    "alerts_failed",
    "alerts_pending",
)


def judge(s: RunSummary) -> tuple[str, str]:
    """(outcome, one-line message) of a finished run."""
    failed = [x for x in s.sources if x.error]
    if s.sources and len(failed) == len(s.sources):
        if all(x.unreachable for x in failed):
            return "no_source", (
                f"no source reachable ({len(failed)} of {len(s.sources)} failed) — is this machine online?"
            )
        return "no_source", f"every source failed ({len(failed)} of {len(s.sources)}) — see the table above"
    unsure = [c for c in s.channels if c.uncertain]
    if unsure:
        n = sum(c.uncertain for c in unsure)
        names = ", ".join(c.name for c in unsure)
        return "undelivered", (
            f"{n} alert{'s' if n != 1 else ''} may not have arrived ({names} did not answer "
            "after sending); not re-sent — check, then `pantau outbox --requeue ID`"
        )
    undelivered = [c for c in s.channels if c.failed]
    if undelivered:
        n = sum(c.failed for c in undelivered)
        names = ", ".join(c.name for c in undelivered)
        return "undelivered", (
            f"{n} alert{'s' if n != 1 else ''} not delivered ({names}); kept in the outbox and retried on the next run"
        )
    sent = s.alerts_sent
    bad = f", {len(failed)} source{'s' if len(failed) != 1 else ''} failed" if failed else ""
    stories = f"{s.stories_new} new stor{'y' if s.stories_new == 1 else 'ies'}{bad}"
    if s.dry_run:
        return "ok", (
            f"dry run: {sent} alert{'s' if sent != 1 else ''} would be sent, {stories} — nothing sent, nothing kept"
        )
    return "ok", f"{sent} alert{'s' if sent != 1 else ''} sent, {stories}"


def summarise(
    sources: list[Source],
    results: list[FeedResult],
    fresh: list[Candidate],
    done: Counts,
    delivered: Delivery,
    skipped: dict[str, str],
    outbox: dict[str, int],
    would_send: list[dict] | None = None,
) -> RunSummary:
    """The run's report from what each stage returned, with its verdict. ``would_send``: a dry run's
    notes of what its channels were given (pantau/run_options.py), None for a real run."""
    new_by_source: dict[str, int] = {}
    for c in fresh:
        new_by_source[c.source] = new_by_source.get(c.source, 0) + 1
    real = [c for name, c in delivered.channels.items() if name != "console"]
    s = RunSummary(
        discovered=sum(len(r.candidates) for r in results),
        new_candidates=len(fresh),
        fetched=done.fetched,
        extracted=done.extracted,
        indonesian=done.indonesian,
        matched=done.matched,
        stories_new=done.stories_new,
        stories_updated=done.stories_updated,
        alerts_sent=sum(c.sent for c in real),
        alerts_failed=sum(c.failed for c in real),
        alerts_pending=sum(outbox.get(state, 0) for state in ("pending", "failed", "uncertain")),
        errors=done.problems,
        sources=[
            SourceOutcome(
                src.name,
                src.kind,
                links=len(r.candidates),
                new=new_by_source.get(src.name, 0),
                not_modified=r.not_modified,
                error=r.error,
                unreachable=r.unreachable,
            )
            for src, r in zip(sources, results, strict=True)
        ],
        channels=real + [ChannelOutcome(name, skipped=why) for name, why in skipped.items()],
        dry_run=would_send is not None,
        would_send=[
            {"channel": n["channel"], "title": n["title"]} for n in would_send or [] if n["channel"] != "console"
        ],
    )
    s.outcome, s.message = judge(s)
    return s


def _source_result(x) -> str:
    if x.error:
        return x.error
    if x.not_modified:
        return "not modified"
    return f"{x.links} link{'s' if x.links != 1 else ''}, {x.new} new"


def _channel_result(c) -> str:
    if c.skipped:
        return f"skipped: {c.skipped}"
    if c.waiting and not (c.sent or c.failed or c.uncertain):
        return f"{c.waiting} waiting for the digest"
    text = f"{c.sent} sent"
    if c.uncertain:
        text += f", {c.uncertain} uncertain"
    if c.failed or c.uncertain:
        text += f", {c.failed} failed: {c.last_error}"
    return text


def counts_line(s: RunSummary) -> str:
    return (
        f"discovered {s.discovered} · new {s.new_candidates} · fetched {s.fetched} · "
        f"extracted {s.extracted} · Indonesian {s.indonesian} · matched {s.matched} · "
        f"stories {s.stories_new} new, {s.stories_updated} updated · alerts {s.alerts_sent} "
        f"sent, {s.alerts_failed} failed, {s.alerts_pending} pending"
    )


def summary_text(s: RunSummary) -> str:
    """The closing lines of ``pantau run``: sources, channels, counts, and the verdict last."""
    out = []
    if s.sources:
        wn = max(len("source"), *(len(x.name) for x in s.sources))
        wk = max(len("kind"), *(len(x.kind) for x in s.sources))
        out.append(f"{'source':<{wn}}  {'kind':<{wk}}  result")
        for x in s.sources:
            out.append(f"{x.name:<{wn}}  {x.kind:<{wk}}  {_source_result(x)}")
    for c in s.channels:
        out.append(f"channel {c.name}: {_channel_result(c)}")
    for n in s.would_send:
        out.append(f"dry run, would send to {n['channel']}: {n['title']}")
    for f in s.feedback:
        out.append(f"feedback since last run: story {f['story_id']} is {f['verdict']} ({f['who']}): {f['title']}")
    other = [e for e in s.errors if _beyond_table(e)]
    if other:
        out.append(
            f"{len(other)} link{'s' if len(other) != 1 else ''} or page{'s' if len(other) != 1 else ''} "
            "could not be read (listed in the run's Prefect artifact and in --json)"
        )
    out.append(counts_line(s))
    mark = "ok" if s.outcome == "ok" else "FAILED"
    out.append(f"{mark}: {s.message}")
    return "\n".join(out)


def _beyond_table(p: Problem) -> bool:
    """A problem the sources table does not already show (a source's own failure is in it)."""
    return p.stage != "discover" or p.reason.startswith("invalid link")


def _cell(text: object) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def summary_markdown(s: RunSummary, flow: str = "ingest") -> str:
    """The run's summary artifact (``<flow>-summary``)."""
    lines = [f"# pantau {flow} — {s.outcome}", "", f"**{_cell(s.message)}**", "", "| stage | count |", "|---|---|"]
    lines += [f"| {k} | {getattr(s, k)} |" for k in STAGES]
    lines += ["", "## Sources", "", "| source | kind | result |", "|---|---|---|"]
    lines += [f"| {x.name} | {x.kind} | {_cell(_source_result(x))} |" for x in s.sources]
    lines += ["", "## Channels", ""]
    if s.channels:
        lines += ["| channel | result |", "|---|---|"]
        lines += [f"| {c.name} | {_cell(_channel_result(c))} |" for c in s.channels]
    else:
        lines.append("none configured")
    if s.dry_run:
        lines += ["", f"## Dry run: would have sent ({len(s.would_send)})", ""]
        if s.would_send:
            lines += ["| channel | alert |", "|---|---|"]
            lines += [f"| {n['channel']} | {_cell(n['title'])} |" for n in s.would_send]
        else:
            lines.append("nothing")
    if s.feedback:
        lines += ["", f"## Feedback since last run ({len(s.feedback)})", ""]
        lines += ["| verdict | story | title | who | when |", "|---|---|---|---|---|"]
        lines += [
            f"| {f['verdict']} | {f['story_id']} | {_cell(f['title'])} | {_cell(f['who'])} | {f['at']} |"
            for f in s.feedback
        ]
    other = [e for e in s.errors if _beyond_table(e)]
    lines += ["", f"## Links and pages that failed ({len(other)})", ""]
    if other:
        lines += ["| stage | where | reason |", "|---|---|---|"]
        lines += [f"| {e.stage} | {_cell(e.where)} | {_cell(e.reason)} |" for e in other[:200]]
        if len(other) > 200:
            lines.append(f"\n… and {len(other) - 200} more")
    else:
        lines.append("none")
    return "\n".join(lines)


def feedback_lines(store: Store, rows: list[FeedbackRow]) -> list[dict]:
    """The verdicts readers gave since the last run, for its summary: verdict, story, title, who, when (WIB)."""
    out = []
    for r in rows:
        try:
            title = store.stories.get(r.story_id).title
        except NoResultFound:
            title = "(story no longer stored)"
        out.append({"verdict": r.verdict, "story_id": r.story_id, "title": title, "who": r.who, "at": wib(r.at)})
    return out


def stories_table(store: Store, story_ids: list[int]) -> list[dict]:
    """The stories a run started or grew, one row each (``<flow>-stories``): the link of its best
    article, the story's title, its outlets, that article's score and why it matched."""
    rows = []
    for story_id in dict.fromkeys(story_ids):
        story = store.stories.get(story_id)
        arts = store.articles.of_story(story_id)
        if not arts:
            continue
        lead = max(arts, key=lambda a: a.score or 0)
        rows.append(  # the link first: the UI's table cuts its last columns off
            {
                "link": lead.url,
                "title": story.title,
                "outlets": ", ".join(sorted({outlet_name(a) for a in arts})),
                "score": round(lead.score or 0.0, 3),
                "why": lead.explanation.get("reason", ""),
            }
        )
    return rows


def digest_report(done: Delivery, dry_run: bool, preview: bool = False) -> tuple[str, str, str]:
    """(outcome, one-line message, markdown) of a digest run: per channel the digest it sent (or
    would have sent, or shows as a preview, or failed to send), or that none was due."""
    by_channel = done.channels
    failed = [name for name, c in by_channel.items() if c.failed or c.uncertain]
    sent = [name for name, c in by_channel.items() if c.sent]
    verb = "previewed, nothing sent" if preview else "would be sent" if dry_run else "sent"
    if failed:
        outcome, message = (
            "undelivered",
            (f"digest not delivered ({', '.join(failed)}); kept in the outbox and retried on the next run"),
        )
    elif not by_channel:
        outcome, message = "ok", "no channel in mode: digest"
    else:
        outcome = "ok"
        each = ", ".join(f"{n}: {by_channel[n].sent} stories" for n in sent)
        message = f"{len(sent)} digest{'s' if len(sent) != 1 else ''} {verb}" + (
            f" ({each})" if sent else " (nothing waiting, or no digest_cron tick since the last digest)"
        )
    lines = [f"# pantau digest — {outcome}", "", f"**{_cell(message)}**"]
    for name, c in by_channel.items():
        lines += ["", f"## {name}", ""]
        if c.digest is None:
            lines.append("nothing due")
            continue
        state = verb if c.sent else f"FAILED: {c.last_error}"
        n = c.digest.stories
        lines += [
            f"**{_cell(c.digest.title)}** — {n} stor{'y' if n == 1 else 'ies'}, {state}",
            "",
            "```",
            c.digest.body,
            "```",
        ]
    return outcome, message, "\n".join(lines)
