"""Human-readable run reports (the Prefect artifact and the CLI's closing lines)."""
from __future__ import annotations

from .models import RunSummary

STAGES = ("discovered", "new_candidates", "fetched", "extracted", "indonesian", "matched",
          "stories_new", "stories_updated", "alerts_sent", "alerts_failed", "alerts_pending")


def summary_markdown(s: RunSummary, feed_states: list[dict] | None = None) -> str:
    lines = ["# pantau ingest", "", "| stage | count |", "|---|---|"]
    lines += [f"| {k} | {getattr(s, k)} |" for k in STAGES]
    lines += ["", f"## Errors ({len(s.errors)})", ""]
    if s.errors:
        lines += ["| stage | where | reason |", "|---|---|---|"]
        lines += [f"| {e['stage']} | {e['where']} | {e['reason'].replace('|', '/')} |" for e in s.errors[:200]]
        if len(s.errors) > 200:
            lines.append(f"\n… and {len(s.errors) - 200} more")
    else:
        lines.append("none")
    return "\n".join(lines)


def summary_text(s: RunSummary | dict) -> str:
    d = s if isinstance(s, dict) else s.to_dict()
    head = " · ".join(f"{k} {d[k]}" for k in STAGES)
    out = [head]
    by_stage: dict[str, int] = {}
    for e in d["errors"]:
        by_stage[e["stage"]] = by_stage.get(e["stage"], 0) + 1
    for e in [e for e in d["errors"] if e["stage"] == "discover"]:
        out.append(f"  source {e['where']}: {e['reason']}")
    for stage, n in by_stage.items():
        if stage != "discover":
            out.append(f"  {n} {stage} error(s) (details in the Prefect artifact / --json)")
    return "\n".join(out)
