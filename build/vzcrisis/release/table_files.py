"""Released tables on disk, in bounded memory: id-sorted Parquet files from DuckDB.

``write_tables`` writes each table from the SELECT of its released rows (``transform``): DuckDB
sorts the rows by id (spilling to its temporary directory beyond its memory limit) and streams
them as Arrow batches; every ``ROW_GROUP`` rows are cast to the table's explicit Arrow schema
(metadata, dictionaries, dates) and written as one row group with ``ParquetWriter``. Memory holds
one row group, never a whole table. Row groups have a fixed size and each is cast on its own (a
vocabulary's dictionary lists its values in order of first appearance in the row group), so the
same rows give byte-identical files, the same as the per-record path wrote before
(``tests/build/release/test_golden.py``).

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
import pyarrow.compute as pc
import pyarrow.parquet as pq
from venezuela_crisis.errors import ReleaseError, ReleaseIntegrityError
from venezuela_crisis.format.layout import read_files

ROW_GROUP = 65_536
"""Rows per row group of a released Parquet file (fixed: rebuilds are byte-identical)."""
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": ["id"],  # statistics after a struct column confuse fastparquet (notes)
    "store_schema": True,
}
"""Options of every released Parquet file (fixed so rebuilds are byte-identical)."""
PARTITION_KEYS = ("year", "month")
"""Supported partition keys (from the ISO ``date`` string: characters 1-4 and 6-7)."""
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
    selects: Mapping[str, str],
    directory: Path,
    schemas: Mapping[str, pa.Schema],
    partition: Mapping[str, tuple[str, ...]],
) -> dict[str, TableFiles]:
    """Write every table (`selects`: table -> SELECT of its rows, any order) into the release
    `directory` (see the module docstring)."""
    out: dict[str, TableFiles] = {}
    for table, schema in schemas.items():
        select = selects[table]
        keys = partition.get(table, ())
        if not keys:
            rows = _write_sorted(con, select, directory / f"{table}.parquet", schema)
            out[table] = TableFiles(f"{table}.parquet", (f"{table}.parquet",), rows)
            continue
        values = ", ".join(f"{_partition_value(k)} AS {k}" for k in keys)
        keyed = f"SELECT {values}, * FROM ({select})"
        combos = sorted(
            tuple(str(v) for v in combo)
            for combo in con.sql(f"SELECT DISTINCT {', '.join(keys)} FROM ({keyed})").fetchall()
        )
        written: list[str] = []
        total = 0
        for combo in combos:
            where = " AND ".join(f"{k} = {_lit(v)}" for k, v in zip(keys, combo, strict=True))
            rel = "/".join(f"{k}={v}" for k, v in zip(keys, combo, strict=True))
            rel = f"{table}/{rel}/part-0.parquet"
            (directory / rel).parent.mkdir(parents=True, exist_ok=True)
            part = f"SELECT * EXCLUDE ({', '.join(keys)}) FROM ({keyed}) WHERE {where}"
            total += _write_sorted(con, part, directory / rel, schema)
            written.append(rel)
        if not written:  # no rows: one empty file keeps the table's schema readable
            rel = f"{table}/part-0.parquet"
            (directory / table).mkdir(parents=True, exist_ok=True)
            _write_sorted(con, select, directory / rel, schema)
            written.append(rel)
        out[table] = TableFiles(table, tuple(sorted(written)), total, keys)
    return out


def _partition_value(key: str) -> str:
    """SQL of a partition key's value from the ISO ``date`` (characters 1-4 and 6-7)."""
    start, length = {"year": (1, 4), "month": (6, 2)}[key]
    return f"coalesce(substr(CAST(date AS VARCHAR), {start}, {length}), {_lit(HIVE_NULL)})"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write_sorted(
    con: duckdb.DuckDBPyConnection, select: str, path: Path, schema: pa.Schema
) -> int:
    """The rows of `select`, id-sorted, into `path`, one row group per ``ROW_GROUP`` rows."""
    reader = con.sql(f"SELECT * FROM ({select}) ORDER BY id").to_arrow_reader(ROW_GROUP)
    rows = 0
    with pq.ParquetWriter(path, schema, **PARQUET_OPTIONS) as writer:
        for group in _row_groups(reader, ROW_GROUP):
            writer.write_table(_sorted_cast(group, schema), row_group_size=ROW_GROUP)
            rows += group.num_rows
        if rows == 0:
            writer.write_table(schema.empty_table(), row_group_size=1)
    _check_file(path, schema, rows)
    return rows


def _row_groups(reader: pa.RecordBatchReader, size: int) -> Iterator[pa.Table]:
    """The batches of `reader` regrouped into tables of exactly `size` rows (the last fewer)."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in reader:
        pending.append(batch)
        count += batch.num_rows
        while count >= size:
            data = pa.Table.from_batches(pending)
            yield data.slice(0, size)
            rest = data.slice(size)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending, reader.schema)


def _sorted_cast(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """`data` sorted by id, in the explicit schema (dictionaries, dates, field metadata)."""
    if data.schema.names != schema.names:
        raise ReleaseIntegrityError(f"sorted columns {data.schema.names} != {schema.names}")
    ids = data.column("id")
    if len(ids) > 1 and pc.all(pc.less(ids.slice(0, len(ids) - 1), ids.slice(1))).as_py():
        data = data.combine_chunks()  # already sorted (DuckDB did): one chunk, as take gives
    else:
        data = data.take(pc.sort_indices(data, [("id", "ascending")]))
    return data.cast(schema).combine_chunks().replace_schema_metadata(schema.metadata)


def _check_file(path: Path, schema: pa.Schema, rows: int) -> None:
    """Read a written file's footer and ids back: same schema, same row count, ids ascending."""
    handle = pq.ParquetFile(path)
    if not handle.schema_arrow.equals(schema, check_metadata=True):
        raise ReleaseIntegrityError(f"{path.name}: schema read back differs from the model's")
    if handle.metadata.num_rows != rows:
        raise ReleaseIntegrityError(f"{path.name}: {handle.metadata.num_rows} rows, wrote {rows}")
    previous: pa.Scalar | None = None
    for batch in handle.iter_batches(columns=["id"], batch_size=ROW_GROUP):
        ids = batch.column(0)
        if previous is not None and len(ids) and not pc.less(previous, ids[0]).as_py():
            raise ReleaseIntegrityError(f"{path.name}: ids not ascending at {ids[0]!r}")
        if len(ids) > 1:
            ascending = pc.less(ids.slice(0, len(ids) - 1), ids.slice(1))
            if not pc.all(ascending).as_py():
                at = pc.index(ascending, False).as_py() + 1
                raise ReleaseIntegrityError(f"{path.name}: ids not ascending at {ids[at]!r}")
        if len(ids):
            previous = ids[len(ids) - 1]


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
        return read_files([self.directory / rel for rel in self.layout[table].files], columns)

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
