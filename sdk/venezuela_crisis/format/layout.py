"""Where a release's tables are, and the SQL that reads each with the columns this SDK knows.

A table is one Parquet file (``tables[t].path``, e.g. ``events.parquet``) or Hive partitions
(``tables[t].files`` under ``tables[t].path``, with ``partitioning.keys``), as listed in the
manifest. ``table_sql`` reads exactly the listed files; a partitioned table hides its partition
keys, so both layouts give the columns of the unpartitioned file.

**Compatibility within a major.** A release whose table schema is older than this SDK's (a minor
release added a column since) lacks some columns: ``table_sql`` adds each as the field's
default (``[]`` for a list, ``false`` for a flag) or null, with the field's type, so every query,
typed row and diff sees the same columns whatever release 1.x is open. A table the release
lacks entirely reads as an empty table. Columns the SDK does not know (a newer release read by
an older SDK) are kept, after the known ones. Releases whose schema version equals the SDK's
(the common case) are read as they are, without importing the models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ..catalog import SCHEMA_VERSIONS, TABLE_NAMES
from ..errors import ReleaseIntegrityError
from .manifest import safe_relpath


@dataclass(frozen=True)
class TableFiles:
    """A table's Parquet files (one, or the Hive partition files) and partition keys."""

    files: tuple[Path, ...]
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """The tables of one release directory (finished, or still being written)."""

    root: Path
    tables: Mapping[str, TableFiles]
    schema_versions: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_manifest(cls, root: Path, manifest: Mapping[str, Any]) -> Layout:
        """The layout a manifest (or the manifest's ``tables`` part of one) describes."""
        tables = {
            name: _table_files(root, name, entry)
            for name, entry in sorted(dict(manifest.get("tables") or {}).items())
        }
        versions = manifest.get("schema_versions") or {}
        return cls(root, tables, {str(k): str(v) for k, v in dict(versions).items()})

    @classmethod
    def scan(cls, root: Path, tables: Iterable[str] = TABLE_NAMES) -> Layout:
        """The layout of a release directory that has no manifest yet (being written): each
        table is ``<table>.parquet``, or every Parquet file under ``<table>/`` (Hive
        partitions, keys read from the first file's path); a table with neither is absent."""
        found: dict[str, TableFiles] = {}
        for table in tables:
            single = root / f"{table}.parquet"
            parts = sorted((root / table).rglob("*.parquet")) if (root / table).is_dir() else []
            if single.is_file() or not parts:
                if single.is_file():
                    found[table] = TableFiles((single,))
                continue
            rel = parts[0].relative_to(root / table).parts[:-1]
            found[table] = TableFiles(tuple(parts), tuple(p.split("=", 1)[0] for p in rel))
        return cls(root, found, dict(SCHEMA_VERSIONS))

    def files(self, table: str) -> tuple[Path, ...]:
        """The Parquet files of `table` (empty when the release has no such table)."""
        entry = self.tables.get(table)
        return entry.files if entry is not None else ()

    def schema(self, table: str) -> pa.Schema | None:
        """The Arrow schema of `table` as written (its first file's footer); None if absent."""
        import pyarrow.parquet as pq  # not at import: it loads pyarrow.fs (ssl, S3)

        files = self.files(table)
        return pq.read_schema(files[0]) if files else None

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table | None:
        """`table` as written (only `columns` when given), id-sorted when ``id`` is read; None
        when the release has no such table. The files' own columns: no compatibility padding
        (``table_sql`` gives that)."""
        files = self.files(table)
        return read_files(files, columns) if files else None


def read_files(files: Iterable[Path], columns: list[str] | None = None) -> pa.Table:
    """The rows of several Parquet files of one table (only `columns` when given), id-sorted
    when ``id`` is read; one file is read as it is."""
    import pyarrow.parquet as pq

    paths = list(files)
    if len(paths) == 1:
        return pq.read_table(paths[0], columns=columns)
    data = pa.concat_tables([pq.read_table(p, columns=columns) for p in paths])
    if columns is None or "id" in columns:
        data = data.sort_by("id")
    return data.combine_chunks()


def _table_files(root: Path, table: str, entry: Any) -> TableFiles:
    where = f"{root}/manifest.json: table {table!r}"
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        raise ReleaseIntegrityError(f"{where} has no path")
    parts = entry.get("files")
    if parts is None:
        return TableFiles((_join(root, entry["path"]),))
    if not isinstance(parts, list) or not parts or not all(isinstance(p, str) for p in parts):
        raise ReleaseIntegrityError(f"{where}: bad partition files")
    spec = entry.get("partitioning")
    keys = spec.get("keys") if isinstance(spec, dict) else None
    if not isinstance(keys, list) or not all(isinstance(k, str) and k.isidentifier() for k in keys):
        keys = []
    return TableFiles(tuple(_join(root, p) for p in parts), tuple(keys))


def _join(root: Path, rel: str) -> Path:
    if not safe_relpath(rel):
        raise ReleaseIntegrityError(f"manifest lists an unsafe path {rel!r}")
    return root / rel


def literal(text: str) -> str:
    """A SQL string literal (for paths and names we own, never for user values)."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def files_sql(entry: TableFiles) -> str:
    """SELECT over a table's files as they are (partition keys hidden)."""
    if not entry.keys:
        (path,) = entry.files
        return (
            f"select * from read_parquet({literal(str(path.resolve()))}, hive_partitioning = false)"
        )
    files = ", ".join(literal(str(p.resolve())) for p in entry.files)
    hidden = ", ".join(ident(k) for k in entry.keys)
    return (
        f"select * exclude ({hidden}) from read_parquet([{files}], hive_partitioning = true, "
        "union_by_name = false)"
    )


def table_sql(con: duckdb.DuckDBPyConnection, layout: Layout, table: str) -> str:
    """SELECT of `table` of `layout` with this SDK's columns (see the module doc)."""
    entry = layout.tables.get(table)
    current = (
        table not in SCHEMA_VERSIONS or layout.schema_versions.get(table) == SCHEMA_VERSIONS[table]
    )
    if entry is not None and current:
        return files_sql(entry)
    expected = _expected(con, table)
    if entry is None:
        empty = ", ".join(f"{default} as {ident(name)}" for name, default in expected.items())
        return f"select {empty} where false"
    base = files_sql(entry)
    try:
        present = [str(r[0]) for r in con.sql(f"describe {base}").fetchall()]
    except duckdb.Error as exc:
        raise ReleaseIntegrityError(f"{layout.root}: cannot read table {table}: {exc}") from None
    cols = [ident(n) if n in present else f"{d} as {ident(n)}" for n, d in expected.items()]
    cols += [ident(n) for n in present if n not in expected]
    return f"select {', '.join(cols)} from ({base})"


def _expected(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column -> SQL of its default value cast to its type, for every column the SDK knows."""
    from .arrow import arrow_schema, column_default

    schema = arrow_schema(table)
    types = con.from_arrow(schema.empty_table()).types
    return {
        name: f"cast({_sql_value(column_default(table, name))} as {kind})"
        for name, kind in zip(schema.names, types, strict=True)
    }


def _sql_value(value: Any) -> str:
    """A default value as SQL: null, a boolean, an integer, a string or an empty list."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, list) and not value:
        return "[]"
    raise TypeError(f"no SQL for a default of {value!r}; give the field a simpler default")
