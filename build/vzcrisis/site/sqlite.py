"""Build the SQLite database Datasette serves, from a release's Parquet files.

Shape: load (Parquet; sources hold their article text) → check (tables, columns) → transform
(JSON text for lists and structs, 0/1 booleans, ISO dates, derived labels, link tables) → write
(to a scratch file without journal or fsync, compacted into a temporary file, then rename) →
check (row counts, foreign keys).

The transform works a record batch at a time and column by column (``sqlite_columns``): Arrow
kernels build the JSON text, ISO dates and labels, one ``to_pylist`` per column makes the Python
values, and ``insert_columns`` inserts them 64 rows per statement. Memory holds one or two
batches per table (of about ``BATCH_BYTES`` at most), never a table.

Two cores are used where the work allows it, with the bytes unchanged: the next batch is
converted in a thread while one is inserted (``prefetched``); the full-text indexes are built in
a database of their own by another thread while the indexes and link tables are written, then
copied in (``sqlite_fts``); the checks read the scratch database while ``VACUUM INTO`` copies
it. ``VACUUM INTO`` writes every table and index from its rows, in rowid (or key) order,
so the scratch file's own layout never reaches the output: only the schema, the rowids and the
rows (the FTS shadow tables' too) do.

The database is deterministic: the same input gives a byte-identical file (rows are inserted in id
order, nothing records a time). Its tables and rows are those the original row-by-row builder
wrote; it adds the indexes the table pages need (``browse_indexes``). Everything structural --
foreign keys, link tables, indexes -- is derived from the data model (``references()``) and the
declared pages (``browsing``), never hand-listed.
"""

from __future__ import annotations

import os
import sqlite3
import types
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import pyarrow as pa
import pyarrow.parquet as pq
import sqlite_utils
from venezuela_crisis import catalog
from venezuela_crisis.errors import ReleaseError
from venezuela_crisis.format.layout import Layout
from venezuela_crisis.format.manifest import MANIFEST, read_manifest
from venezuela_crisis.models import TABLES
from venezuela_crisis.models.base import Derived, references

from .browsing import (
    FACETS,
    LINK_ROLE,
    SORT,
    Facet,
    indexed_columns,
    link_role_index,
    link_sort_and_facets,
)
from .sqlite_columns import (
    ascending,
    citation_labels,
    insert_columns,
    link_columns,
    ordered_batches,
    prefetched,
    source_label,
    sqlite_column,
)
from .sqlite_fts import build_fts, copy_fts, stage_fts

DB_NAME = "venezuela-crisis"
"""Database name in Datasette (the file is ``venezuela-crisis.db``)."""

DB_FILE = f"{DB_NAME}.db"
"""File name of the database inside a release directory."""

SKIPPED_FIELDS = frozenset({"citations"})
"""Record fields not stored as columns: citations live in their own table."""

FTS_COLUMNS: dict[str, tuple[str, ...]] = {s.name: s.fts for s in catalog.TABLES if s.fts}
"""Full-text search: table → searched columns (FTS5 table ``<table>_fts``, keyed by rowid)."""


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
    """True when a field annotation admits None."""
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


Index = tuple[str, ...]
"""The columns of an index, in order."""


def key_indexes() -> dict[str, list[Index]]:
    """The indexes of the original builder, by table: each single-valued reference, the cited
    record of a citation, the listed id of a link table (primary keys index themselves)."""
    out: dict[str, list[Index]] = {t: [(c,) for c in single_references(t)] for t in TABLES}
    out["citations"].append(("record_table", "record_id"))
    return out | {link.name: [(link.right,)] for link in link_tables()}


def browse_indexes() -> dict[str, list[Index]]:
    """The indexes the table pages need (``browsing``), by table: one led by each sort and plain
    or date facet column that leads no key or index yet; a link table's ``role`` index holds the
    listed id too (``link_role_index``)."""
    keys = key_indexes()
    pages: dict[str, tuple[str, list[Facet], str, str | None]] = {
        t: (SORT[t][1], FACETS[t], "id", None) for t in TABLES
    }
    for link in link_tables():
        pages[link.name] = (*link_sort_and_facets(link.left, link.right), link.left, link.right)
    out: dict[str, list[Index]] = {}
    for table, (sort, facets, pk, right) in pages.items():
        led = {pk, *(cols[0] for cols in keys[table])}
        for column in indexed_columns(sort, facets):
            if column not in led:
                led.add(column)
                index = link_role_index(right) if right and column == LINK_ROLE else (column,)
                out.setdefault(table, []).append(index)
    return out


def _sqlite_type(arrow_type: pa.DataType) -> type:
    """The column type for an Arrow type: integers and booleans INTEGER, floats REAL, else TEXT."""
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


def _layout(release_dir: Path) -> Layout:
    """The release's layout: from its manifest, or (being written) from its directory."""
    if (release_dir / MANIFEST).is_file():
        return Layout.from_manifest(release_dir, read_manifest(release_dir))
    return Layout.scan(release_dir)


def _load(release_dir: Path) -> dict[str, Loaded]:
    """Find every table's Parquet files and check their columns; every problem is one line."""
    problems: list[str] = []
    loaded: dict[str, Loaded] = {}
    layout = _layout(release_dir)
    for table in TABLES:
        files = layout.files(table) or (release_dir / f"{table}.parquet",)
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
        in_order = len(files) == 1 and ascending(handles[0])
        loaded[table] = Loaded(files, pa.schema([schema.field(c) for c in order]), rows, in_order)
    if problems:
        raise ReleaseError("\n".join(problems))
    return loaded


def _create_table(db: sqlite_utils.Database, table: str, data: Loaded) -> None:
    """Create `table` (columns in display order, id primary key, NOT NULL and foreign keys from
    the model, then the derived columns its spec declares: a readable `label`)."""
    row = TABLES[table].row
    cols = {c: _sqlite_type(data.schema.field(c).type) for c in data.schema.names}
    extra: dict[str, type] = dict.fromkeys(TABLES[table].spec.derived_columns, str)
    not_null = [
        c
        for c in columns(table)
        if c in row.model_fields and not _is_nullable(row.model_fields[c].annotation)
    ]
    fks = [(c, t, "id") for c, t in single_references(table).items()]
    db[table].create(  # type: ignore[union-attr]
        cols | extra, pk="id", foreign_keys=fks, not_null=not_null + list(extra)
    )


def _insert_rows(conn: sqlite3.Connection, table: str, data: Loaded) -> None:
    """Insert the rows of `table` in id order, converted for SQLite column by column, in
    batches (sources and citations get their derived label); the next batch is converted in
    another thread while one is inserted."""
    names = [*data.schema.names, *TABLES[table].spec.derived_columns]
    for values in prefetched(_converted(table, data)):
        insert_columns(conn, table, names, values)


def _converted(table: str, data: Loaded) -> Iterator[list[list[Any]]]:
    """The SQLite values of `table`, a batch at a time, column by column (then the labels)."""
    names = data.schema.names
    for batch in ordered_batches(data.files, names, data.in_order):
        values = [sqlite_column(batch.column(c)) for c in names]
        if table == "sources":
            rows = [dict(zip(names, r, strict=True)) for r in zip(*values, strict=True)]
            values.append([source_label(r) for r in rows])
        elif table == "citations":
            values.append(citation_labels(batch))
        yield values


def _insert_links(conn: sqlite3.Connection, link: LinkTable, data: Loaded) -> None:
    """Insert one row per (record, listed id, role) of `link`, in record id order (converted a
    batch ahead, like the rows)."""
    names = [link.left, link.right, LINK_ROLE]
    for values in prefetched(_link_batches(link, data)):
        insert_columns(conn, link.name, names, values)


def _link_batches(link: LinkTable, data: Loaded) -> Iterator[tuple[list[Any], ...]]:
    """The rows of `link` as columns, a batch of records at a time."""
    for batch in ordered_batches(data.files, ["id", *link.roles], data.in_order):
        lists = [batch.column(role) for role in link.roles]
        yield link_columns(batch.column("id"), lists, link.roles)


BUILD_PRAGMAS = ("journal_mode = OFF", "synchronous = OFF")
"""While the scratch database is built: no rollback journal, no fsync. Nobody else reads it and a
failed build deletes it, so nothing needs to survive a crash; neither is stored in the file.
A bigger page cache (``cache_size``) was measured and left out: the same CPU time at 100,000
records (4.7 s either way) and the same ``CREATE INDEX`` time at a million; only more memory.
Measured too and left out (2026-11-30): SQLite's sorter threads (``threads = 2``: ``CREATE
INDEX`` of the million-record citations 20% slower), indexes created before the rows (the build
30% slower at 100,000 records), ``mmap_size``, ``cache_size`` or ``synchronous = OFF`` for
``VACUUM INTO`` (4.4-5.6 s at a million records either way)."""


def _write(db_path: Path, fts_path: Path, loaded: dict[str, Loaded]) -> None:
    """Create and fill every table, index, link table and FTS index in `db_path`, in the order
    (and so with the rowids and schema) of the original builder; each table's page indexes
    (``browse_indexes``) follow its key indexes.

    The rows of every table come first: then the searched columns are staged in `fts_path` and
    another thread builds the FTS indexes there (``sqlite_fts``) while the indexes and link
    tables are written; the FTS indexes are copied in at the end. (``VACUUM INTO`` groups tables
    and indexes: writing an index later than its table changes nothing in the output.)"""
    conn = sqlite3.connect(db_path, isolation_level=None)
    keys, browse = key_indexes(), browse_indexes()
    try:
        db = sqlite_utils.Database(conn)
        for pragma in BUILD_PRAGMAS:
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        for table in TABLES:
            _create_table(db, table, loaded[table])
            _insert_rows(conn, table, loaded[table])
        conn.execute("COMMIT")
        stage_fts(conn, fts_path, FTS_COLUMNS, BUILD_PRAGMAS)
        with ThreadPoolExecutor(1, thread_name_prefix="fts") as pool:
            fts = pool.submit(build_fts, fts_path, FTS_COLUMNS, BUILD_PRAGMAS)
            conn.execute("BEGIN")
            for table in TABLES:
                for index in [*keys[table], *browse.get(table, [])]:
                    db[table].create_index(index)  # type: ignore[union-attr]
            for link in link_tables():
                t = db[link.name]
                t.create(  # type: ignore[union-attr]
                    {link.left: str, link.right: str, "role": str},
                    pk=(link.left, link.right, "role"),
                    foreign_keys=[(link.left, link.table, "id"), (link.right, link.target, "id")],
                    not_null=[link.left, link.right, "role"],
                )
                _insert_links(conn, link, loaded[link.table])
                for index in [*keys[link.name], *browse.get(link.name, [])]:
                    t.create_index(index)  # type: ignore[union-attr]
            conn.execute("COMMIT")
            fts.result()
        copy_fts(conn, fts_path, list(FTS_COLUMNS))
    finally:
        conn.close()


def _compact(scratch: Path, out: Path) -> None:
    """Write the database built in `scratch` to `out`, compacted by ``VACUUM INTO``.

    The result is the file an in-place ``VACUUM`` of `scratch` gives, except for the header's
    change counter: the in-place one copies the compacted pages back over the original, one
    write more. Writing the header once (the same ``user_version``, default ``synchronous``, so
    fsynced) makes the two byte-identical, so rebuilding an older release gives its exact file."""
    conn = sqlite3.connect(scratch, isolation_level=None)
    try:
        conn.execute("VACUUM INTO ?", (str(out),))
    finally:
        conn.close()
    conn = sqlite3.connect(out, isolation_level=None)
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        conn.execute(f"PRAGMA user_version = {int(version)}")
    finally:
        conn.close()


def _check(db_path: Path, name: Path, loaded: dict[str, Loaded]) -> None:
    """Raise ReleaseError when a table's row count differs from its Parquet files' or a foreign
    key dangles; problems name the database as `name`.

    Run on the built database while ``VACUUM INTO`` copies it (both only read it): the copy holds
    the same rows, so checking the copy afterwards would only take longer."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        problems = [
            f"{name}: {t}: wrote {n} rows, expected {loaded[t].rows}"
            for t in TABLES
            if (n := conn.execute(f"select count(*) from [{t}]").fetchone()[0]) != loaded[t].rows
        ]
        problems += [
            f"{name}: {t}: row {rid}: dangling reference to {p}" for t, rid, p in _dangling(conn)
        ]
    finally:
        conn.close()
    if problems:
        raise ReleaseError("\n".join(problems))


def _dangling(conn: sqlite3.Connection) -> list[tuple[str, int, str]]:
    """``(table, rowid, referenced table)`` of each row whose foreign key finds no row: the rows
    ``PRAGMA foreign_key_check`` gives, found by one ``NOT EXISTS`` per declared foreign key
    (each names its column), in schema order, then rowid. Twice as fast at a million records
    (1.6 s against 3.6 s)."""
    out: list[tuple[str, int, str]] = []
    tables = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'").fetchall()
    for (table,) in tables:
        found: list[tuple[int, str]] = []
        for _, _, parent, column, key, *_ in conn.execute(f"PRAGMA foreign_key_list([{table}])"):
            found += conn.execute(
                f"SELECT c.rowid, ? FROM [{table}] c WHERE c.[{column}] IS NOT NULL AND NOT "
                f"EXISTS (SELECT 1 FROM [{parent}] p WHERE p.[{key}] = c.[{column}])",
                (parent,),
            ).fetchall()
        out += [(table, rowid, parent) for rowid, parent in sorted(found, key=lambda r: r[0])]
    return out


def build_sqlite(release_dir: Path, db_path: Path) -> None:
    """Write the Datasette database for the release in `release_dir` to `db_path`.

    The article texts come from ``sources.text`` (released from 1.1.0). Raises ReleaseError
    naming every missing file or column, or dangling reference. `db_path` is replaced
    atomically: a failed build leaves any previous file untouched.
    """
    loaded = _load(release_dir)
    scratch = db_path.with_name(f".{db_path.name}.build")
    fts = db_path.with_name(f".{db_path.name}.fts")
    tmp = db_path.with_name(f".{db_path.name}.tmp")
    try:
        for path in (scratch, fts, tmp):
            path.unlink(missing_ok=True)
        _write(scratch, fts, loaded)
        fts.unlink()
        with ThreadPoolExecutor(1, thread_name_prefix="check") as pool:
            checked = pool.submit(_check, scratch, db_path, loaded)
            _compact(scratch, tmp)
            checked.result()
        os.replace(tmp, db_path)
    finally:
        for path in (scratch, fts, tmp):
            path.unlink(missing_ok=True)
