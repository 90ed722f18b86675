"""Released tables on disk, in bounded memory: spooled batches -> id-sorted Parquet files.

``Spool`` receives each table's validated rows batch by batch (``release_rows.RowBuilder``) and
appends them to a temporary Parquet file per table (loose types: dates and vocabularies still
strings). ``write_tables`` then produces the released files: DuckDB (with a memory limit,
spilling to disk) streams the rows in id order, and pyarrow casts every ``ROW_GROUP`` rows to the
table's explicit Arrow schema (metadata, dictionaries, dates) and writes them as one row group
with ``ParquetWriter``. No table is ever held whole in memory. Row groups have a fixed size, so the
same rows give byte-identical files.

Partitioning (``partition={"events": ("year", "month")}``): the table becomes a directory of Hive
partitions derived from its ``date`` column, ``events/year=2025/month=11/part-0.parquet``; rows
without a date go to ``year=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__``. Each
file holds the table's columns only (the partition values are in the path) and is sorted by id.
``ReleasedTables`` reads a table back (whole, or only some columns) from either layout.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from venezuela_crisis.errors import ReleaseError, ReleaseIntegrityError

ROW_GROUP = 65_536
"""Rows per row group of a released Parquet file (fixed: rebuilds are byte-identical)."""
SORT_MEMORY = "256MB"
"""DuckDB memory limit while sorting a table (it spills to a temporary directory beyond)."""
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "store_schema": True,
}
"""Options of every released Parquet file (fixed so rebuilds are byte-identical)."""
PARTITION_KEYS: dict[str, str] = {"year": "substr(date, 1, 4)", "month": "substr(date, 6, 2)"}
"""Supported partition keys -> their SQL expression over the ISO ``date`` string."""
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
"""Partition value of rows without a date (Hive's convention; DuckDB reads it as NULL)."""


def check_partition(
    partition: Mapping[str, Sequence[str]] | None, schemas: Mapping[str, pa.Schema]
) -> dict[str, tuple[str, ...]]:
    """Validated partitioning: table -> keys; raises ReleaseError naming what is wrong."""
    out: dict[str, tuple[str, ...]] = {}
    for table, keys in (partition or {}).items():
        if table not in schemas:
            raise ReleaseError(
                f"--partition: unknown table {table!r}; tables: {', '.join(schemas)}"
            )
        if "date" not in schemas[table].names:
            raise ReleaseError(f"--partition: table {table!r} has no `date` column to partition")
        bad = [k for k in keys if k not in PARTITION_KEYS]
        if bad or not keys or len(set(keys)) != len(keys):
            raise ReleaseError(
                f"--partition {table}={','.join(keys)}: keys must be distinct, among "
                f"{', '.join(PARTITION_KEYS)}"
            )
        out[table] = tuple(keys)
    return out


class Spool:
    """Temporary Parquet file per table, appended batch by batch (loose schema)."""

    def __init__(self, directory: Path, schemas: Mapping[str, pa.Schema]) -> None:
        self.directory = directory
        self.schemas = dict(schemas)
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = dict.fromkeys(schemas, 0)

    def path(self, table: str) -> Path:
        """The spool file of `table`."""
        return self.directory / f"{table}.parquet"

    def write(self, table: str, data: pa.Table) -> None:
        """Append `data` (in the table's loose schema) to the spool of `table`."""
        writer = self.writers.get(table)
        if writer is None:
            writer = pq.ParquetWriter(self.path(table), self.schemas[table], compression="lz4")
            self.writers[table] = writer
        writer.write_table(data)
        self.rows[table] += data.num_rows

    def close(self) -> None:
        """Close every writer; a table without rows gets an empty spool file."""
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()
        for table, schema in self.schemas.items():
            if not self.path(table).exists():
                pq.write_table(schema.empty_table(), self.path(table))

    def source(self, table: str) -> str:
        """SQL reading the spool of `table`."""
        return f"read_parquet({literal(str(self.path(table)))})"


def literal(text: str) -> str:
    """A SQL string literal (paths written by this process only)."""
    return "'" + text.replace("'", "''") + "'"


def connect(temp: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that sorts in bounded memory, spilling under `temp`."""
    return duckdb.connect(
        ":memory:",
        config={
            "memory_limit": SORT_MEMORY,
            "temp_directory": str(temp),
            "threads": 2,
            "preserve_insertion_order": True,
        },
    )


def duplicate_ids(con: duckdb.DuckDBPyConnection, spool: Spool, table: str) -> list[str]:
    """Ids that occur more than once in the spool of `table`, sorted."""
    sql = f"select id from {spool.source(table)} group by id having count(*) > 1 order by id"
    return [str(r[0]) for r in con.sql(sql).fetchall()]


@dataclass(frozen=True)
class TableFiles:
    """Where one released table was written."""

    path: str
    """The file (``events.parquet``) or, when partitioned, the directory (``events``)."""
    files: tuple[str, ...]
    """Every Parquet file of the table, relative to the release, sorted."""
    rows: int
    partitioning: tuple[str, ...] = ()

    def manifest_entry(self) -> dict[str, Any]:
        """The table's entry in manifest.json (``files``/``partitioning`` only when partitioned)."""
        entry: dict[str, Any] = {"path": self.path, "rows": self.rows}
        if self.partitioning:
            entry["partitioning"] = {"style": "hive", "keys": list(self.partitioning)}
            entry["files"] = list(self.files)
        return entry


def write_tables(
    con: duckdb.DuckDBPyConnection,
    spool: Spool,
    directory: Path,
    schemas: Mapping[str, pa.Schema],
    partition: Mapping[str, tuple[str, ...]],
) -> dict[str, TableFiles]:
    """Write every table of `spool` into the release `directory` (see the module docstring)."""
    out: dict[str, TableFiles] = {}
    for table, schema in schemas.items():
        source = spool.source(table)
        keys = partition.get(table, ())
        if not keys:
            _write_sorted(con, f"select * from {source} order by id", [], directory, table, schema)
            files: tuple[str, ...] = (f"{table}.parquet",)
            out[table] = TableFiles(files[0], files, spool.rows[table])
            continue
        exprs = [PARTITION_KEYS[k] for k in keys]
        values = con.sql(
            f"select distinct {', '.join(exprs)} from {source} order by all"
        ).fetchall()
        written: list[str] = []
        for value in values:
            where = " and ".join(f"{e} is not distinct from ?" for e in exprs)
            parts = "/".join(
                f"{k}={HIVE_NULL if v is None else v}" for k, v in zip(keys, value, strict=True)
            )
            rel = f"{table}/{parts}/part-0.parquet"
            (directory / rel).parent.mkdir(parents=True, exist_ok=True)
            sql = f"select * from {source} where {where} order by id"
            _write_sorted(con, sql, list(value), directory, rel, schema)
            written.append(rel)
        if not written:  # no rows: one empty file keeps the table's schema readable
            rel = f"{table}/part-0.parquet"
            (directory / table).mkdir(parents=True, exist_ok=True)
            _write_sorted(con, f"select * from {source}", [], directory, rel, schema)
            written.append(rel)
        out[table] = TableFiles(table, tuple(sorted(written)), spool.rows[table], keys)
    return out


def _write_sorted(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any],
    directory: Path,
    rel: str,
    schema: pa.Schema,
) -> None:
    """Stream `sql`'s rows into `directory/rel`, ``ROW_GROUP`` rows per row group, then check."""
    path = directory / (rel if rel.endswith(".parquet") else f"{rel}.parquet")
    reader = con.sql(sql, params=params or None).to_arrow_reader(ROW_GROUP)
    rows = 0
    with pq.ParquetWriter(path, schema, **PARQUET_OPTIONS) as writer:
        for group in _regroup(reader):
            writer.write_table(_cast(group, schema), row_group_size=ROW_GROUP)
            rows += group.num_rows
        if rows == 0:
            writer.write_table(schema.empty_table(), row_group_size=1)
    _check_file(path, schema, rows)


def _regroup(batches: pa.RecordBatchReader) -> Iterator[pa.Table]:
    """Tables of exactly ``ROW_GROUP`` rows (the last one shorter) from any batch sizes."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        while count >= ROW_GROUP:
            data = pa.Table.from_batches(pending)
            yield data.slice(0, ROW_GROUP)
            rest = data.slice(ROW_GROUP)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending)


def _cast(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """Rows from DuckDB in the explicit schema (dictionaries, dates, field metadata)."""
    if data.schema.names != schema.names:
        raise ReleaseIntegrityError(f"sorted columns {data.schema.names} != {schema.names}")
    return data.cast(schema).combine_chunks().replace_schema_metadata(schema.metadata)


def _check_file(path: Path, schema: pa.Schema, rows: int) -> None:
    """Read a written file's footer and ids back: same schema, same row count, ids ascending."""
    handle = pq.ParquetFile(path)
    if not handle.schema_arrow.equals(schema, check_metadata=True):
        raise ReleaseIntegrityError(f"{path.name}: schema read back differs from the model's")
    if handle.metadata.num_rows != rows:
        raise ReleaseIntegrityError(f"{path.name}: {handle.metadata.num_rows} rows, wrote {rows}")
    previous: str | None = None
    for batch in handle.iter_batches(columns=["id"], batch_size=ROW_GROUP):
        for rid in batch.column(0).to_pylist():
            if previous is not None and rid <= previous:
                raise ReleaseIntegrityError(f"{path.name}: ids not ascending at {rid!r}")
            previous = rid


def files_of(release_dir: Path, table: str) -> tuple[Path, ...]:
    """`table.parquet`, or every Parquet file under `table/` (a partitioned table), sorted."""
    single = release_dir / f"{table}.parquet"
    if single.is_file() or not (release_dir / table).is_dir():
        return (single,)
    return tuple(sorted((release_dir / table).rglob("*.parquet")))


def read_release_table(
    release_dir: Path, table: str, columns: list[str] | None = None
) -> pa.Table | None:
    """A table of a written release (either layout; only `columns` when given), id-sorted when
    its ``id`` is read; None when it has no file."""
    files = [p for p in files_of(release_dir, table) if p.is_file()]
    if not files:
        return None
    return _read(files, columns)


def _read(files: Sequence[Path], columns: list[str] | None) -> pa.Table:
    if len(files) == 1:
        return pq.read_table(files[0], columns=columns)
    data = pa.concat_tables([pq.read_table(p, columns=columns) for p in files])
    if columns is None or "id" in columns:
        data = data.sort_by("id")
    return data.combine_chunks()


def release_schema(release_dir: Path, table: str) -> pa.Schema | None:
    """The Arrow schema of a table of a written release, None when it has no file."""
    files = [p for p in files_of(release_dir, table) if p.is_file()]
    return pq.ParquetFile(files[0]).schema_arrow if files else None


class ReleasedTables(Mapping[str, pa.Table]):
    """The released tables of a release directory, read from disk on each access (not cached)."""

    def __init__(self, directory: Path, layout: Mapping[str, TableFiles]) -> None:
        self.directory = directory
        self.layout = dict(layout)

    def __getitem__(self, table: str) -> pa.Table:
        return self.read(table)

    def __iter__(self) -> Iterator[str]:
        return iter(self.layout)

    def __len__(self) -> int:
        return len(self.layout)

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """Table `table` (only `columns` when given), id-sorted when its ``id`` is read."""
        return _read([self.directory / rel for rel in self.layout[table].files], columns)

    def schema(self, table: str) -> pa.Schema:
        """The Arrow schema of `table` (from its first file's footer)."""
        schema: pa.Schema = pq.ParquetFile(
            self.directory / self.layout[table].files[0]
        ).schema_arrow
        return schema

    def head(self, table: str) -> pa.Table:
        """The first row of `table`'s first file (empty table when it has no rows)."""
        handle = pq.ParquetFile(self.directory / self.layout[table].files[0])
        for batch in handle.iter_batches(batch_size=1):
            return pa.Table.from_batches([batch]).slice(0, 1)
        return handle.schema_arrow.empty_table()

    def column_names(self, table: str) -> list[str]:
        """Columns of `table` (from the footer of its first file)."""
        names: list[str] = pq.ParquetFile(
            self.directory / self.layout[table].files[0]
        ).schema_arrow.names
        return names

    def rows(self, table: str) -> int:
        """Row count of `table`."""
        return self.layout[table].rows
