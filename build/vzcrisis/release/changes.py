"""What changed since the previous release, and which semver bump that calls for.

``diff_release`` gives the content of ``changes.json``: per table the ids added, removed and
changed (with what changed), computed by the SDK's one definition of "changed"
(``venezuela_crisis.format.diff``, the same function ``vc.diff`` calls), and per table schema
the fields added, removed or retyped. ``required_bump`` applies the rule:

* ids removed, fields removed or retyped, or a table schema's major version bumped -> major
* ids added, fields or tables added, or a table schema's minor version bumped -> minor
* otherwise (only changed records, or nothing) -> patch

``check_version`` refuses a version whose bump contradicts the diff and names the right one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from venezuela_crisis.catalog import CURATED_TABLE_NAMES
from venezuela_crisis.errors import ReleaseError
from venezuela_crisis.format.arrow import DATASET
from venezuela_crisis.format.diff import diff_layouts
from venezuela_crisis.format.layout import Layout
from venezuela_crisis.format.layout import TableFiles as Files
from venezuela_crisis.format.manifest import read_manifest
from venezuela_crisis.format.versions import LEVELS, bump_of, next_version, parse_version

from ..records.columns import SCRATCH_PREFIX, STEP_MEMORY
from .table_files import ReleasedTables

MEMORY_LIMIT = STEP_MEMORY
"""DuckDB's memory for the diff: with DuckDB's default, comparing two releases of a million
records column by column took 600 MB more than any other step."""


def new_layout(tables: ReleasedTables, schema_versions: dict[str, str]) -> Layout:
    """The SDK's view of the release being written (it has no manifest yet)."""
    return Layout(
        tables.directory,
        {
            name: Files(tuple(tables.directory / f for f in t.files), t.partitioning)
            for name, t in tables.layout.items()
        },
        dict(schema_versions),
    )


def diff_release(
    version: str,
    previous_dir: Path | None,
    previous_schema_versions: dict[str, str],
    tables: ReleasedTables,
    schema_versions: dict[str, str],
) -> dict[str, Any]:
    """The content of changes.json: record and schema changes against the previous release."""
    previous = previous_dir.name if previous_dir is not None else None
    new = new_layout(tables, schema_versions)
    if previous_dir is not None:
        old = Layout.from_manifest(previous_dir, read_manifest(previous_dir))
    else:
        old = Layout(tables.directory, {}, dict(schema_versions))  # nothing: every id added
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-diff-") as spill:
        found = diff_layouts(old, new, tuple(tables), memory_limit=MEMORY_LIMIT, spill=Path(spill))
    out: dict[str, Any] = {
        "dataset": DATASET,
        "version": version,
        "previous_version": previous,
        "tables": {
            t: {"added": d.added, "removed": d.removed, "changed": d.changed}
            for t, d in found.items()
        },
        "schemas": {},
    }
    if previous_dir is not None:
        for table in tables:
            schema = _schema_changes(old.schema(table), new.schema(table))
            schema["previous_version"] = previous_schema_versions.get(table)
            schema["version"] = schema_versions[table]
            out["schemas"][table] = schema
    out["bump"], out["reasons"] = required_bump(out) if previous is not None else (None, [])
    errata = _errata(new, out["tables"])
    if errata:
        out["errata"] = errata
    return out


ERRATUM = "Correction"
"""A changed record whose ``review.note`` starts with this is listed under errata (the note
says what was wrong and why, in the reviewer's words)."""


def _errata(new: Layout, tables: dict[str, Any]) -> list[dict[str, str]]:
    """Corrections: changed records whose review note starts with `ERRATUM`, in table order."""
    out = []
    for table, entry in tables.items():
        changed = entry["changed"]
        schema = new.schema(table) if changed else None
        # citations have no review: read only what has one (read() refuses a missing column)
        data = new.read(table, ["id", "review"]) if schema and "review" in schema.names else None
        if data is None:
            continue
        for rid, review in zip(data["id"].to_pylist(), data["review"].to_pylist(), strict=True):
            note = (review or {}).get("note") or ""
            if rid in changed and note.startswith(ERRATUM):
                out.append({"table": table, "id": str(rid), "note": note})
    return out


def required_bump(changes: dict[str, Any]) -> tuple[str, list[str]]:
    """The semver level the changes call for, and why (one reason per line)."""
    major: list[str] = []
    minor: list[str] = []
    patch: list[str] = []
    for table, entry in sorted(changes["tables"].items()):
        if entry["removed"] and table not in CURATED_TABLE_NAMES:
            # a citation row is evidence of a record: removing a wrong quote corrects the record
            # (which shows as changed), it removes no record a reader could have pinned
            patch.append(
                f"citations were removed, the records citing them changed ({table}: "
                f"{len(entry['removed'])})"
            )
        elif entry["removed"]:
            major.append(f"ids were removed ({table}: {len(entry['removed'])})")
        if entry["added"]:
            minor.append(f"ids were added ({table}: {len(entry['added'])})")
        if entry["changed"]:
            patch.append(f"records changed ({table}: {len(entry['changed'])})")
    for table, schema in sorted(changes["schemas"].items()):
        old, new = schema["previous_version"], schema["version"]
        if old is None:
            minor.append(f"table {table} is new")
        elif parse_version(new)[0] > parse_version(old)[0]:
            major.append(f"schema of {table} has a new major version ({old} -> {new})")
        elif parse_version(new)[:2] > parse_version(old)[:2]:
            minor.append(f"schema of {table} has a new minor version ({old} -> {new})")
        for name in schema["removed_fields"] + schema["changed_fields"]:
            major.append(f"field {table}.{name} was removed or retyped")
        for name in schema["added_fields"]:
            minor.append(f"field {table}.{name} was added")
    if major:
        return "major", major
    if minor:
        return "minor", minor
    return "patch", patch or ["nothing changed in the records"]


def check_version(version: str, changes: dict[str, Any]) -> None:
    """Refuse a version whose bump contradicts the changes; the message names the right one."""
    parse_version(version)
    previous = changes["previous_version"]
    if previous is None:
        return
    given, needed = bump_of(previous, version), changes["bump"]
    if given == needed:
        return
    right = next_version(previous, needed)
    reasons = "; ".join(changes["reasons"])
    if LEVELS.index(given) < LEVELS.index(needed):
        raise ReleaseError(
            f"{version} is a {given} release after {previous} but {reasons}; use {right}"
        )
    raise ReleaseError(
        f"{version} is a {given} release after {previous} but the changes only call for a "
        f"{needed} release ({reasons}); use {right}"
    )


def changes_markdown(changes: dict[str, Any]) -> str:
    """CHANGES.md: the same content as changes.json, for people."""
    return "\n".join(changes_lines(changes)).rstrip("\n") + "\n"


def write_changes_markdown(path: Path, changes: dict[str, Any]) -> None:
    """Write `changes_markdown(changes)` to `path` line by line (no whole-file string)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        pending, first = 0, True
        for line in changes_lines(changes):
            if not line:
                pending += 1
                continue
            handle.write("\n" * (pending if first else pending + 1) + line)
            pending, first = 0, False
        handle.write("\n")


def changes_lines(changes: dict[str, Any]) -> Iterator[str]:
    """The lines of CHANGES.md (see `changes_markdown`), one at a time."""
    version, previous = changes["version"], changes["previous_version"]
    yield from [f"# Changes in {DATASET} {version}", ""]
    if previous is None:
        yield from ["First release: every record is new.", ""]
    else:
        yield from [f"Compared with {previous}: a **{changes['bump']}** release.", ""]
        yield from [f"- {reason}" for reason in changes["reasons"]] + [""]
    if changes.get("errata"):
        yield from ["## Errata", ""]
        yield from ["Corrections of records published earlier, each with its reason:", ""]
        yield from (f"- `{e['table']}` `{e['id']}`: {e['note']}" for e in changes["errata"])
        yield ""
    for table, entry in changes["tables"].items():
        counts = ", ".join(f"{len(entry[k])} {k}" for k in ("added", "removed", "changed"))
        yield from [f"## {table}", "", counts + ".", ""]
        for kind in ("added", "removed"):
            if entry[kind]:
                yield from [f"{kind.capitalize()}:", ""]
                yield from (f"- `{i}`" for i in entry[kind])
                yield ""
        if entry["changed"]:
            yield from ["Changed:", ""]
            yield from (
                f"- `{i}`: {', '.join(fields)}" for i, fields in sorted(entry["changed"].items())
            )
            yield from [""]
        schema = changes["schemas"].get(table)
        if schema and (
            schema["added_fields"] or schema["removed_fields"] or schema["changed_fields"]
        ):
            yield from [f"Schema {schema['previous_version']} -> {schema['version']}:", ""]
            for kind in ("added_fields", "removed_fields", "changed_fields"):
                for name in schema[kind]:
                    yield f"- {kind.split('_')[0]} field `{name}`"
            yield from [""]


def _schema_changes(old: pa.Schema | None, new: pa.Schema) -> dict[str, Any]:
    if old is None:
        return {"added_fields": [], "removed_fields": [], "changed_fields": []}
    before = {f.name: f for f in old}
    after = {f.name: f for f in new}
    return {
        "added_fields": sorted(set(after) - set(before)),
        "removed_fields": sorted(set(before) - set(after)),
        "changed_fields": sorted(
            n
            for n in set(before) & set(after)
            if not before[n].type.equals(after[n].type)
            or (after[n].nullable and not before[n].nullable)
        ),
    }
