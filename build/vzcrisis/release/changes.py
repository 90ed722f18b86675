"""What changed since the previous release, and which semver bump that calls for.

``diff_release`` compares the new tables with the previous release's Parquet files: per table the
ids added, removed and changed (with the changed fields, among columns both releases have), and
per table schema the fields added, removed or retyped. ``required_bump`` applies the rule:

* ids removed, fields removed or retyped, or a table schema's major version bumped -> major
* ids added, fields or tables added, or a table schema's minor version bumped -> minor
* otherwise (only changed records, or nothing) -> patch

``check_version`` refuses a version whose bump contradicts the diff and names the right one.

Record changes of tables on disk (the release being written and the previous one) are computed
by DuckDB, one query per table over both tables' Parquet files: a full join on id that returns
only the ids added, removed or changed, with one flag per column (``IS DISTINCT FROM``). That is
exactly Python's ``!=`` on the values when both columns have the same Arrow type and hold no
floating-point or map values; otherwise (a retyped column, NaN semantics) and for tables held in
memory, the table is compared column by column in Arrow and Python (`_arrow_changes`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from venezuela_crisis.errors import ReleaseError

from .arrow_schema import DATASET
from .table_files import ReleasedTables, files_of, read_release_table, release_schema

VERSION_RE = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
LEVELS = ("patch", "minor", "major")


def parse_version(version: str) -> tuple[int, int, int]:
    """(major, minor, patch) of an X.Y.Z version (raises ReleaseError otherwise)."""
    match = VERSION_RE.match(version)
    if match is None:
        raise ReleaseError(f"version {version!r} is not X.Y.Z (e.g. 1.0.0); pick a semver number")
    return int(match[1]), int(match[2]), int(match[3])


def bump_of(previous: str, version: str) -> str:
    """Which component `version` bumps relative to `previous` (major, minor or patch)."""
    old, new = parse_version(previous), parse_version(version)
    if new[0] != old[0]:
        return "major"
    return "minor" if new[1] != old[1] else "patch"


def next_version(previous: str, bump: str) -> str:
    """The next version after `previous` for a bump level."""
    major, minor, patch = parse_version(previous)
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def diff_release(
    version: str,
    previous_dir: Path | None,
    previous_schema_versions: dict[str, str],
    tables: Mapping[str, pa.Table],
    schema_versions: dict[str, str],
) -> dict[str, Any]:
    """The content of changes.json: record and schema changes against the previous release."""
    previous = previous_dir.name if previous_dir is not None else None
    out: dict[str, Any] = {
        "dataset": DATASET,
        "version": version,
        "previous_version": previous,
        "tables": {},
        "schemas": {},
    }
    for table in tables:
        new = _Columns.of_new(tables, table)
        old = _Columns.of_release(previous_dir, table) if previous_dir is not None else None
        out["tables"][table] = _record_changes(old, new)
        if previous_dir is not None:
            schema = _schema_changes(old.schema if old else None, new.schema)
            schema["previous_version"] = previous_schema_versions.get(table)
            schema["version"] = schema_versions[table]
            out["schemas"][table] = schema
    out["bump"], out["reasons"] = required_bump(out) if previous is not None else (None, [])
    return out


def required_bump(changes: dict[str, Any]) -> tuple[str, list[str]]:
    """The semver level the changes call for, and why (one reason per line)."""
    major: list[str] = []
    minor: list[str] = []
    patch: list[str] = []
    for table, entry in sorted(changes["tables"].items()):
        if entry["removed"]:
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


@dataclass(frozen=True)
class _Columns:
    """A table read a few columns at a time (each read id-sorted, so reads align by position),
    and its Parquet files when it is on disk (empty when it is held in memory)."""

    schema: pa.Schema
    read: Callable[[list[str]], pa.Table]
    files: tuple[Path, ...] = ()

    @staticmethod
    def of_new(tables: Mapping[str, pa.Table], table: str) -> _Columns:
        if isinstance(tables, ReleasedTables):
            released = tables
            files = tuple(released.directory / rel for rel in released.layout[table].files)
            return _Columns(released.schema(table), lambda cols: released.read(table, cols), files)
        data = tables[table]
        return _Columns(data.schema, data.select)

    @staticmethod
    def of_release(release_dir: Path, table: str) -> _Columns | None:
        schema = release_schema(release_dir, table)
        if schema is None:
            return None
        return _Columns(
            schema,
            lambda cols: _required(read_release_table(release_dir, table, cols)),
            tuple(p for p in files_of(release_dir, table) if p.is_file()),
        )

    def column(self, name: str) -> pa.ChunkedArray:
        return self.read(["id"] if name == "id" else ["id", name]).column(name)

    def sql(self) -> str:
        """A DuckDB table expression over the files (a partition's values are in its path and
        also in its columns: read the files' columns only)."""
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in self.files)
        return f"read_parquet([{files}], hive_partitioning = false, union_by_name = false)"


def _required(data: pa.Table | None) -> pa.Table:
    if data is None:
        raise ReleaseError("a table file of the previous release disappeared during the diff")
    return data


def _record_changes(old: _Columns | None, new: _Columns) -> dict[str, Any]:
    """Ids added, removed and changed (with the changed columns) between two tables: in DuckDB
    when both are on disk and every common column compares alike there, else `_arrow_changes`."""
    if old is None:
        new_ids = [str(i) for i in new.column("id").to_pylist()]
        return {"added": sorted(new_ids), "removed": [], "changed": {}}
    names = _common(old.schema, new.schema)
    if old.files and new.files and all(_sql_comparable(old.schema, new.schema, n) for n in names):
        return _sql_changes(old, new, names)
    return _arrow_changes(old, new, names)


def _common(old: pa.Schema, new: pa.Schema) -> list[str]:
    """The columns of `new` that `old` has too, in `new`'s order."""
    old_names = set(old.names)
    return [n for n in new.names if n in old_names]


def _exact_in_sql(kind: pa.DataType) -> bool:
    """True when DuckDB's ``IS DISTINCT FROM`` on values of `kind` is Python's ``!=`` on them:
    the types the schemas use, and lists and structs of them (not floats: NaN != NaN in Python
    only; not maps, times or timestamps: their Python values may differ in other ways)."""
    if pa.types.is_dictionary(kind):
        return _exact_in_sql(kind.value_type)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _exact_in_sql(kind.value_type)
    if pa.types.is_struct(kind):
        return all(_exact_in_sql(kind.field(i).type) for i in range(kind.num_fields))
    return any(
        check(kind)
        for check in (
            pa.types.is_string,
            pa.types.is_large_string,
            pa.types.is_integer,
            pa.types.is_boolean,
            pa.types.is_date32,
            pa.types.is_binary,
            pa.types.is_decimal128,  # (decimal256 can exceed DuckDB's DECIMAL)
        )
    )


def _sql_comparable(old: pa.Schema, new: pa.Schema, name: str) -> bool:
    before, after = old.field(name).type, new.field(name).type
    return bool(before.equals(after)) and _exact_in_sql(after)


def _name(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _sql_changes(old: _Columns, new: _Columns, names: list[str]) -> dict[str, Any]:
    """`_record_changes` in one DuckDB query: only differing ids come back, each with one
    ``IS DISTINCT FROM`` flag per common column (values compared, never hashes)."""
    flags = [f"o.{_name(n)} is distinct from n.{_name(n)}" for n in names]
    query = (
        "with d as (select o.id as old_id, n.id as new_id, "
        f"[{', '.join(flags)}] as differs from {old.sql()} o full join {new.sql()} n "
        f"on o.id = n.id where o.id is null or n.id is null or {' or '.join(flags) or 'false'}) "
        "select list(new_id order by new_id) filter (where old_id is null) as added, "
        "list(old_id order by old_id) filter (where new_id is null) as removed, "
        "list({'id': new_id, 'differs': differs} order by new_id) "
        "filter (where old_id is not null and new_id is not null) as changed from d"
    )
    try:
        with duckdb.connect(":memory:") as con:
            found = con.sql(query).to_arrow_table().to_pylist()[0]
    except duckdb.Error as exc:
        raise ReleaseError(f"comparing with the previous release failed: {exc}") from exc
    changed = {
        str(row["id"]): [n for n, d in zip(names, row["differs"], strict=True) if d]
        for row in found["changed"] or []
    }
    return {  # (DuckDB sorts strings by UTF-8 bytes, that is like Python; sorted() is cheap)
        "added": sorted({str(i) for i in found["added"] or []}),
        "removed": sorted({str(i) for i in found["removed"] or []}),
        "changed": dict(sorted(changed.items())),
    }


def _arrow_changes(old: _Columns, new: _Columns, names: list[str]) -> dict[str, Any]:
    """`_record_changes` column by column over Arrow arrays aligned by id (one column of each
    table in memory at a time): a column equal as a whole is skipped, others are compared value
    by value in Python."""
    new_ids = [str(i) for i in new.column("id").to_pylist()]
    old_ids = [str(i) for i in old.column("id").to_pylist()]
    old_at = {rid: i for i, rid in enumerate(old_ids)}
    common_ids = sorted(set(new_ids) & set(old_at))
    new_at = {rid: i for i, rid in enumerate(new_ids)}
    take_new = pa.array([new_at[rid] for rid in common_ids], pa.int64())
    take_old = pa.array([old_at[rid] for rid in common_ids], pa.int64())
    changed: dict[str, list[str]] = {}
    for name in names:
        after = new.column(name).take(take_new)
        before = old.column(name).take(take_old)
        if after.type.equals(before.type) and after.equals(before):
            continue
        for rid, a, b in zip(common_ids, after.to_pylist(), before.to_pylist(), strict=True):
            if a != b:
                changed.setdefault(rid, []).append(name)
    return {
        "added": sorted(set(new_ids) - set(old_at)),
        "removed": sorted(set(old_at) - set(new_ids)),
        "changed": dict(sorted(changed.items())),
    }


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
