"""Build the SQLite database Datasette serves, from a release's Parquet files.

Shape: load (Parquet + article texts) → check (tables, columns, texts) → transform (JSON text for
lists and structs, 0/1 booleans, ISO dates, derived labels, link tables) → write (to a temporary
file, then rename) → check (row counts).

The database is deterministic: the same input gives a byte-identical file (rows are inserted in id
order, nothing records a time). Everything structural -- foreign keys, link tables, indexes -- is
derived from the data model (``references()``), never hand-listed.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
import sqlite3
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlite_utils
from venezuela_crisis.errors import ReleaseError
from venezuela_crisis.models import TABLES
from venezuela_crisis.models.base import Derived, references

from .table_files import files_of

DB_NAME = "venezuela-crisis"
"""Database name in Datasette (the file is ``venezuela-crisis.db``)."""

DB_FILE = f"{DB_NAME}.db"
"""File name of the database inside a release directory."""

SKIPPED_FIELDS = frozenset({"citations"})
"""Record fields not stored as columns: citations live in their own table."""

FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("title", "text"),
    "actors": ("name", "aliases"),
    "events": ("summary",),
    "demands": ("text",),
    "sanctions": ("description",),
    "disputes": ("question", "summary"),
    "citations": ("quote",),
}
"""Full-text search: table → searched columns (FTS5 table ``<table>_fts``, keyed by rowid)."""

LABEL_MAX = 90
"""Longest quote excerpt in a citation label."""


def singular(table: str) -> str:
    """`demands` → `demand` (every table name here is a regular plural)."""
    return table[:-1] if table.endswith("s") else table


@dataclass(frozen=True)
class LinkTable:
    """A link table for list-valued references: one row per (record, referenced id, field)."""

    name: str
    table: str
    target: str
    left: str
    right: str
    roles: tuple[str, ...]

    @property
    def description(self) -> str:
        """What the link table holds, for Datasette."""
        roles = ", ".join(f"`{r}`" for r in self.roles)
        return (
            f"One row per {singular(self.target)} listed by a {singular(self.table)}: "
            f"{self.left} → {self.right}, with `role` naming the field it comes from ({roles})."
        )


def _is_list(annotation: Any) -> bool:
    """True when a field annotation is a list (or an optional list)."""
    if get_origin(annotation) is list:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(get_origin(a) is list for a in get_args(annotation))
    return False


def _is_nullable(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def columns(table: str) -> list[str]:
    """Columns of `table` in the released data (model fields without `citations`).

    The database keeps the column order of the Parquet file it is built from."""
    return [f for f in TABLES[table].row.model_fields if f not in SKIPPED_FIELDS]


def display_order(names: list[str]) -> list[str]:
    """Columns as a reader wants them: id and own fields, derived counts, disputes, review."""
    tail = [*Derived.model_fields, "disputes", "review"]
    return [c for c in names if c not in tail] + [c for c in tail if c in names]


def single_references(table: str) -> dict[str, str]:
    """Single-valued reference columns of `table` → referenced table (become foreign keys)."""
    row = TABLES[table].row
    return {
        f: t
        for f, t in references(row).items()
        if f not in SKIPPED_FIELDS and not _is_list(row.model_fields[f].annotation)
    }


def link_tables() -> list[LinkTable]:
    """Link tables derived from the list-valued references of every table."""
    out: list[LinkTable] = []
    for table, spec in TABLES.items():
        by_target: dict[str, list[str]] = {}
        for field, target in references(spec.row).items():
            if field not in SKIPPED_FIELDS and _is_list(spec.row.model_fields[field].annotation):
                by_target.setdefault(target, []).append(field)
        for target, roles in by_target.items():
            if target == table:
                continue  # a dispute is not a version of a dispute: no dispute_disputes
            left, right = f"{singular(table)}_id", f"{singular(target)}_id"
            name = f"{singular(table)}_{target}"
            out.append(LinkTable(name, table, target, left, right, tuple(roles)))
    return out


def source_label(row: dict[str, Any]) -> str:
    """A readable name for an article, unique even without a headline or date."""
    who = row.get("publisher") or row.get("origin") or ""
    head = row.get("title") or f"Untitled {who} article".replace("  ", " ")
    meta = [str(x) for x in (row.get("publisher"), row.get("published")) if x]
    if not row.get("title") and not row.get("published"):
        meta.append(str(row["id"]))
    return f"{head} ({', '.join(meta)})" if meta else head


def citation_label(row: dict[str, Any]) -> str:
    """A readable name for a quote: excerpt, origin and the record it supports."""
    quote = " ".join(str(row["quote"]).split())
    if len(quote) > LABEL_MAX:
        quote = quote[: LABEL_MAX - 1].rstrip() + "…"
    return f"“{quote}” ({row['origin']}) → {row['record_id']}"


def _cell(value: Any) -> Any:
    """A Python value from Arrow as a SQLite value."""
    if value is None or isinstance(value, str | int | float):
        return int(value) if isinstance(value, bool) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} {value!r} as JSON")


def _sqlite_type(arrow_type: pa.DataType) -> type:
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if pa.types.is_integer(arrow_type) or pa.types.is_boolean(arrow_type):
        return int
    if pa.types.is_floating(arrow_type):
        return float
    return str


@dataclass(frozen=True)
class Loaded:
    """One table of the release: its Parquet files and their Arrow schema (display order)."""

    files: tuple[Path, ...]
    schema: pa.Schema
    rows: int
    in_order: bool
    """One file whose ids are already ascending: streamed as is, not sorted again."""


def _load(release_dir: Path, texts: dict[str, str]) -> dict[str, Loaded]:
    """Find every table's Parquet files and check their columns; every problem is one line."""
    problems: list[str] = []
    loaded: dict[str, Loaded] = {}
    for table in TABLES:
        files = files_of(release_dir, table)
        if not files or not all(p.is_file() for p in files):
            problems.append(
                f"{files[0] if files else release_dir / table}: missing "
                "(needed for the SQLite database)"
            )
            continue
        handles = [pq.ParquetFile(p) for p in files]
        schema = handles[0].schema_arrow
        path = files[0]
        missing = [c for c in columns(table) if c not in schema.names]
        unknown = [c for c in schema.names if c not in columns(table)]
        if missing or unknown:
            problems += [f"{path}: missing column {c} (in the {table} model)" for c in missing]
            problems += [f"{path}: unknown column {c} (not in the {table} model)" for c in unknown]
            continue
        order = display_order(schema.names)
        rows = sum(h.metadata.num_rows for h in handles)
        in_order = len(files) == 1 and _ascending(handles[0])
        loaded[table] = Loaded(files, pa.schema([schema.field(c) for c in order]), rows, in_order)
    if "sources" in loaded:
        for path in loaded["sources"].files:
            for sid in pq.read_table(path, columns=["id"]).column("id").to_pylist():
                if sid not in texts:
                    problems.append(f"sources: {sid}: no article text given for the source")
    if problems:
        raise ReleaseError("\n".join(problems))
    return loaded


BATCH = 10_000
"""Rows converted and inserted at once (one ``executemany``)."""


def _ascending(handle: pq.ParquetFile) -> bool:
    """True when the file's ids are strictly ascending (a released file is)."""
    previous: str | None = None
    for batch in handle.iter_batches(columns=["id"], batch_size=65_536):
        for rid in batch.column(0).to_pylist():
            if previous is not None and rid <= previous:
                return False
            previous = rid
    return True


def _batches(data: Loaded, names: list[str]) -> Iterator[list[dict[str, Any]]]:
    """Rows of `data` (only `names`) in id order as Python dicts, `BATCH` at a time.

    A file already in id order is streamed as is; several files (a partitioned table) are
    merged by id when each is in id order; otherwise the table is sorted in memory."""
    if data.in_order:
        for batch in _row_group_batches(pq.ParquetFile(data.files[0]), names, BATCH):
            yield batch.to_pylist()
        return
    handles = [pq.ParquetFile(p) for p in data.files]
    if len(handles) > 1 and all(_ascending(h) for h in handles):
        streams = [_rows(h, names) for h in handles]
        chunk: list[dict[str, Any]] = []
        for row in heapq.merge(*streams, key=lambda r: str(r["id"])):
            chunk.append(row)
            if len(chunk) == BATCH:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
        return
    table = pa.concat_tables([pq.read_table(p, columns=names) for p in data.files])
    table = table.take(pc.sort_indices(table, [("id", "ascending")]))
    for batch in table.to_batches(max_chunksize=BATCH):
        yield batch.to_pylist()


def _rows(handle: pq.ParquetFile, names: list[str]) -> Iterator[dict[str, Any]]:
    for batch in _row_group_batches(handle, names, 1_000):
        yield from batch.to_pylist()


def _row_group_batches(
    handle: pq.ParquetFile, names: list[str], size: int
) -> Iterator[pa.RecordBatch]:
    """Batches of at most `size` rows, one row group at a time (pyarrow cannot cut batches of
    nested columns across row groups)."""
    for index in range(handle.num_row_groups):
        yield from handle.read_row_group(index, columns=names).to_batches(max_chunksize=size)


def _create_table(db: sqlite_utils.Database, table: str, data: Loaded) -> None:
    row = TABLES[table].row
    cols = {c: _sqlite_type(data.schema.field(c).type) for c in data.schema.names}
    extra: dict[str, type] = {}
    if table == "sources":
        extra = {"label": str, "text": str}
    elif table == "citations":
        extra = {"label": str}
    not_null = [
        c
        for c in columns(table)
        if c in row.model_fields and not _is_nullable(row.model_fields[c].annotation)
    ]
    fks = [(c, t, "id") for c, t in single_references(table).items()]
    db[table].create(  # type: ignore[union-attr]
        cols | extra, pk="id", foreign_keys=fks, not_null=not_null + list(extra)
    )


def _insert_rows(
    conn: sqlite3.Connection,
    table: str,
    data: Loaded,
    texts: dict[str, str],
) -> None:
    """Insert the rows of `table` in id order, converted for SQLite, in batches."""
    names = data.schema.names
    extra = ["label", "text"] if table == "sources" else ["label"] if table == "citations" else []
    cols = ", ".join(f"[{c}]" for c in [*names, *extra])
    sql = f"INSERT INTO [{table}] ({cols}) VALUES ({', '.join('?' * (len(names) + len(extra)))})"
    for rows in _batches(data, names):
        params: list[list[Any]] = []
        for r in rows:
            cells = [_cell(r[c]) for c in names]
            if table == "sources":
                cells += [source_label(r), texts[str(r["id"])]]
            elif table == "citations":
                cells.append(citation_label(r))
            params.append(cells)
        conn.executemany(sql, params)


def _insert_links(conn: sqlite3.Connection, link: LinkTable, data: Loaded) -> None:
    sql = f"INSERT INTO [{link.name}] ([{link.left}], [{link.right}], [role]) VALUES (?, ?, ?)"
    for rows in _batches(data, ["id", *link.roles]):
        params = [
            (r["id"], target_id, role)
            for r in rows
            for role in link.roles
            for target_id in r[role] or []
        ]
        conn.executemany(sql, params)


def _write(db_path: Path, loaded: dict[str, Loaded], texts: dict[str, str]) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        db = sqlite_utils.Database(conn)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("BEGIN")
        for table in TABLES:
            _create_table(db, table, loaded[table])
            _insert_rows(conn, table, loaded[table], texts)
            for col in single_references(table):
                db[table].create_index([col])  # type: ignore[union-attr]
        db["citations"].create_index(["record_table", "record_id"])  # type: ignore[union-attr]
        for link in link_tables():
            t = db[link.name]
            t.create(  # type: ignore[union-attr]
                {link.left: str, link.right: str, "role": str},
                pk=(link.left, link.right, "role"),
                foreign_keys=[(link.left, link.table, "id"), (link.right, link.target, "id")],
                not_null=[link.left, link.right, "role"],
            )
            _insert_links(conn, link, loaded[link.table])
            t.create_index([link.right])  # type: ignore[union-attr]
        for table, cols in FTS_COLUMNS.items():
            db[table].enable_fts(list(cols), fts_version="FTS5")  # type: ignore[union-attr]
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()


def _check(db_path: Path, loaded: dict[str, Loaded]) -> None:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        problems = [
            f"{db_path}: {t}: wrote {n} rows, expected {loaded[t].rows}"
            for t in TABLES
            if (n := conn.execute(f"select count(*) from [{t}]").fetchone()[0]) != loaded[t].rows
        ]
        bad_fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        problems += [
            f"{db_path}: {t}: row {rid}: dangling reference to {p}" for t, rid, p, _ in bad_fk
        ]
    finally:
        conn.close()
    if problems:
        raise ReleaseError("\n".join(problems))


def build_sqlite(release_dir: Path, db_path: Path, texts: dict[str, str]) -> None:
    """Write the Datasette database for the release in `release_dir` to `db_path`.

    `texts` maps source ids to article texts (stored as ``sources.text``). Raises ReleaseError
    naming every missing file, column or text, or dangling reference. `db_path` is replaced
    atomically: a failed build leaves any previous file untouched.
    """
    loaded = _load(release_dir, texts)
    tmp = db_path.with_name(f".{db_path.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        _write(tmp, loaded, texts)
        _check(tmp, loaded)
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
