"""Propose pending records for a source (`vzcrisis draft`).

A draft is a starting point, never data. The proposals come from `propose` (clause-level cue
rules, roles, quotes, dates, amounts, attribution, new actors, corroboration; rules in its
docstring) and are written per table, every record ``review: {status: pending}``:

- events to ``seeds/records/drafts-<source>.yaml``;
- demands, sanctions and new actors to ``seeds/records/drafts-<source>-<table>.yaml``;
- citations to add to existing records (corroboration) to
  ``seeds/drafts/citations-<source>.yaml``, which `vzcrisis review` offers one by one;
- the article's likely upstream origin, from text reuse with the other sources (`origin`), to
  the same file (``origin:``, pending), for the curator to confirm in the source record.

The release takes accepted records only, so nothing drafted is published until reviewed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from venezuela_crisis.errors import InputError
from venezuela_crisis.models import TABLES

from ..records.load import RECORDS_DIR, raw_records
from ..records.write import atomic_write_text, dump, parse_document
from . import origin as origin_lib
from . import propose as propose_lib
from .extract import dateline
from .names import ActorNames, actor_names, name_pattern
from .sources import commented, find_source, read_article

__all__ = [
    "ActorNames",
    "Drafted",
    "actor_names",
    "describe",
    "draft",
    "drafts_path",
    "name_pattern",
]

TODO = (
    "TODO: check the type, roles, date and amounts against the quote; rewrite the DRAFT text\n"
    "in plain words; give it a readable id; then `vzcrisis review`."
)
TABLE_ORDER = ("actors", "events", "demands", "sanctions")
CITATIONS_DIR = Path("seeds") / "drafts"


@dataclass(frozen=True)
class Drafted:
    """What draft wrote: per table its file and proposed records; citations to add."""

    source: str
    file: str
    records: list[dict[str, Any]]
    files: dict[str, str] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    citations: list[dict[str, Any]] = field(default_factory=list)
    citations_file: str | None = None
    origin: dict[str, Any] | None = None


def drafts_path(root: Path, sid: str, table: str = "events") -> Path:
    """Where the drafts of a source for `table` are written."""
    suffix = "" if table == "events" else f"-{table}"
    return root / RECORDS_DIR / f"drafts-{sid}{suffix}.yaml"


def citations_path(root: Path, sid: str) -> Path:
    """Where the citations draft proposes to add to existing records are written."""
    return root / CITATIONS_DIR / f"citations-{sid}.yaml"


def existing_records(root: Path) -> list[propose_lib.Existing]:
    """The project's events, demands and sanctions (any review status), to corroborate."""
    return [
        propose_lib.Existing(r.table, r.id, r.data)
        for r in raw_records(root)
        if r.table in ("events", "demands", "sanctions") and r.id
    ]


def draft(root: Path, sid: str) -> Drafted:
    """Write pending drafts for source `sid`; refuses to overwrite existing drafts files."""
    source, text = find_source(root, sid)
    paths = {t: drafts_path(root, sid, t) for t in TABLE_ORDER}
    for path in [*paths.values(), citations_path(root, sid)]:
        if path.exists():
            rel = path.relative_to(root).as_posix()
            raise InputError(f"{rel}: already exists; review or delete it before drafting again")
    actors = actor_names(root)
    if not actors:
        raise InputError(
            f"{sid}: no actors in the project (seeds/records/*.yaml, table actors); add actors "
            "first so drafts can name who acted"
        )
    day = _published(source.data) or dateline(text)  # the anchor of relative dates
    proposals = propose_lib.propose(sid, text, day, actors, existing_records(root))
    files: dict[str, str] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in TABLE_ORDER:
        records = getattr(proposals, table)
        if records or table == "events":
            files[table] = _write_table(root, paths[table], sid, table, records)
            tables[table] = records
    others = [
        (r.id, str(r.data.get("origin") or ""), read_article(root, r))
        for r in raw_records(root)
        if r.table == "sources" and r.id and r.id != sid
    ]
    suggestion = origin_lib.suggest(text, others)
    citations_file = None
    origin = dataclasses.asdict(suggestion) if suggestion else None
    if proposals.corroborations or origin:
        citations_file = _write_citations(root, sid, proposals.corroborations, origin)
    return Drafted(
        sid,
        files["events"],
        tables["events"],
        files,
        tables,
        proposals.corroborations,
        citations_file,
        origin,
    )


def describe(table: str, record: dict[str, Any]) -> str:
    """One line for a drafted record: id, kind and who."""
    kind = record.get(
        {"events": "type", "demands": "category", "actors": "name"}.get(table, "kind")
    )
    who = record.get(
        {"events": "actors", "demands": "by", "sanctions": "imposed_by"}.get(table, "roles")
    )
    whom = record.get({"events": "recipients", "demands": "addressed_to"}.get(table, "targets"))
    line = f"{record['id']}: {kind} {', '.join(who or [])}"
    return line + (f" -> {', '.join(whom)}" if whom else "")


def _published(data: dict[str, Any]) -> dt.date | None:
    """The source's publication day, the anchor of relative dates (None unless day-precise)."""
    value = data.get("published")
    if data.get("published_precision", "day") != "day":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _dated(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its ISO date as a date (written unquoted, like curated records)."""
    if isinstance(record.get("date"), str):
        return {**record, "date": dt.date.fromisoformat(record["date"])}
    return record


def _write_table(
    root: Path, path: Path, sid: str, table: str, records: list[dict[str, Any]]
) -> str:
    header = (
        f"# Drafts for {sid}, proposed by `vzcrisis draft`: every record is pending and is not\n"
        "# released until accepted with `vzcrisis review`. Edit, then review; delete what is "
        "wrong.\n"
        f'schema_version: "{TABLES[table].schema_version}"\ntable: {table}\nrecords:\n'
    )
    doc = parse_document(path, header)
    seq = CommentedSeq()
    for index, record in enumerate(records):
        node: CommentedMap = commented(_dated(record))
        seq.append(node)
        seq.yaml_set_comment_before_after_key(index, before=TODO, indent=2)
    doc.data["records"] = seq
    text_out = (
        dump(doc.yaml, doc.data) if records else header.replace("records:\n", "records: []\n")
    )
    atomic_write_text(path, text_out)
    return path.relative_to(root).as_posix()


def _write_citations(
    root: Path, sid: str, proposals: list[dict[str, Any]], origin: dict[str, Any] | None
) -> str:
    path = citations_path(root, sid)
    header = (
        f"# Citations of {sid} that `vzcrisis draft` proposes to add to existing records (the\n"
        "# passage says what the record says). `vzcrisis review` offers each: accepting appends\n"
        "# the citation to the record; rejecting drops the proposal. `origin` is the upstream\n"
        "# report the article probably relays (text reuse); review offers it too: accepting sets\n"
        "# the source record's origin.\n"
        "proposals:\n"
    )
    doc = parse_document(path, header)
    doc.data["proposals"] = commented([{**p, "review": {"status": "pending"}} for p in proposals])
    if origin is not None:
        doc.data["origin"] = commented(
            {
                "suggested": origin["origin"],
                "shares_wording_with": origin["source"],
                "overlap": origin["overlap"],
                "review": {"status": "pending"},
            }
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, dump(doc.yaml, doc.data))
    return path.relative_to(root).as_posix()
