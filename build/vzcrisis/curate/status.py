"""Where curation stands (`vzcrisis status`): review counts, stale decisions, weak evidence.

Starts from ``validate.project.load_project`` so the effective review status is the validator's own
(an accepted record whose content changed since counts as pending: "stale").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from venezuela_crisis.models import CURATED_TABLES, ReviewStatus

from ..records.load import raw_records
from ..validate.project import load_project

COLUMNS = ("accepted", "pending", "rejected", "invalid")


def project_status(root: Path) -> dict[str, Any]:
    """Counts by table and effective status, stale, uncited, single-origin and disputed records.

    ``invalid`` counts records that fail validation (see ``problems`` and ``vzcrisis
    validate``); they have no effective status.
    """
    project, problems = load_project(root)
    raws = raw_records(root)
    tables: dict[str, dict[str, int]] = {t: dict.fromkeys(COLUMNS, 0) for t in CURATED_TABLES}
    valid_ids: set[str] = set()
    stale: list[str] = []
    origins = {
        r.raw.id: str(getattr(r.model, "origin", r.raw.id))
        for r in project.records.get("sources", [])
    }
    single: list[str] = []
    disputed: dict[str, list[str]] = {}
    for table, records in project.records.items():
        for record in records:
            valid_ids.add(record.raw.id)
            tables[table][record.status.value] += 1
            if record.status != record.model.review.status:
                stale.append(record.raw.id)
            cited = {origins.get(c.source, c.source) for c in record.model.citations}
            if table != "sources" and len(cited) == 1:
                single.append(record.raw.id)
            for dispute in record.model.disputes:
                disputed.setdefault(dispute, []).append(record.raw.id)
    for raw in raws:
        if raw.table in tables and raw.id not in valid_ids:
            tables[raw.table]["invalid"] += 1
    uncited = [r.id or f"{r.path}:{r.line}" for r in raws if not r.data.get("citations")]
    total = {c: sum(t[c] for t in tables.values()) for c in COLUMNS}
    return {
        "tables": tables,
        "total": total,
        "stale": sorted(stale),
        "uncited": sorted(uncited),
        "single_origin": sorted(single),
        "disputed": {k: sorted(v) for k, v in sorted(disputed.items())},
        "problems": len(problems),
    }


def status_lines(data: dict[str, Any]) -> list[str]:
    """The status as plain text lines (what `vzcrisis status` prints)."""
    width = max(len(t) for t in data["tables"]) + 2
    lines = ["table".ljust(width) + "".join(c.rjust(10) for c in COLUMNS)]
    rows = [*data["tables"].items(), ("total", data["total"])]
    for table, counts in rows:
        lines.append(table.ljust(width) + "".join(str(counts[c]).rjust(10) for c in COLUMNS))
    pending = ReviewStatus.pending.value
    lines.append(f"stale (accepted, changed since; counted {pending}): {_ids(data['stale'])}")
    lines.append(f"without citations: {_ids(data['uncited'])}")
    lines.append(f"cited by only one origin: {_ids(data['single_origin'])}")
    disputes = data["disputed"]
    lines.append(
        "disputed: "
        + ("; ".join(f"{d}: {', '.join(v)}" for d, v in disputes.items()) if disputes else "none")
    )
    if data["problems"]:
        lines.append(f"validation problems: {data['problems']} (run `vzcrisis validate`)")
    return lines


def _ids(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "none"
