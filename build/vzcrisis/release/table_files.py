"""Released tables on disk, in bounded memory: spooled batches -> id-sorted Parquet files.

``Spool`` receives each table's validated rows batch by batch (``rows.RowBuilder``) and
appends them to a temporary Parquet file per table (loose types: dates and vocabularies still
strings). ``write_tables`` then produces the released files by an external bucket sort: the id
column alone is sorted, every ``ROW_GROUP``-th id becomes a bucket boundary, one pass over the
spool appends each row to its bucket's temporary file, and each bucket (at most ``ROW_GROUP``
rows) is sorted, cast to the table's explicit Arrow schema (metadata, dictionaries, dates) and
written as one row group with ``ParquetWriter``. Memory holds the ids and one bucket, never a
whole table. Row groups have a fixed size, so the same rows give byte-identical files.

Partitioning (``partition={"events": ("year", "month")}``): the table becomes a directory of Hive
partitions derived from its ``date`` column, ``events/year=2025/month=11/part-0.parquet``; rows
without a date go to ``year=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__``. Each
file holds the table's columns only (the partition values are in the path) and is sorted by id.
``ReleasedTables`` reads a table back (whole, or only some columns) from either layout.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


class Spool:
    """Temporary Parquet files per table (loose schema), written in parts.

    A part (``open_part``/``close_part``) is the rows of one record file, written by whichever
    process validates that file: ``<directory>/<table>/<part>.parquet``. ``files(table)`` lists
    every part of a table; ``write_tables`` sorts by id, so the split into parts does not show in
    the release.
    """

    def __init__(self, directory: Path, schemas: Mapping[str, pa.Schema]) -> None:
        self.directory = directory
        self.schemas = dict(schemas)
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.part = "part"
        self.rows: dict[str, int] = dict.fromkeys(schemas, 0)
        """Rows per table of the parts merged into this spool (``add_rows``)."""
        self.written: dict[str, int] = dict.fromkeys(schemas, 0)
        """Rows per table written by this process into the current part."""

    def open_part(self, name: str) -> None:
        """Following writes go to part `name` (a name unique in the spool)."""
        self.part = name
        self.written = dict.fromkeys(self.schemas, 0)

    def write(self, table: str, data: pa.Table) -> None:
        """Append `data` (in the table's loose schema) to the current part of `table`."""
        writer = self.writers.get(table)
        if writer is None:
            path = self.directory / table / f"{self.part}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(path, self.schemas[table], compression="lz4")
            self.writers[table] = writer
        writer.write_table(data)
        self.written[table] += data.num_rows

    def close_part(self) -> dict[str, int]:
        """Close the current part's files; returns its rows per table."""
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()
        return dict(self.written)

    def add_rows(self, rows: Mapping[str, int]) -> None:
        """Count the rows of a closed part (in the driver process)."""
        for table, n in rows.items():
            self.rows[table] += n

    def close(self) -> None:
        """After the last part: a table without rows gets one empty file."""
        self.close_part()
        for table, schema in self.schemas.items():
            if not self.files(table):
                path = self.directory / table / "empty.parquet"
                path.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(schema.empty_table(), path)

    def files(self, table: str) -> list[Path]:
        """Every part file of `table`, sorted by name."""
        return sorted((self.directory / table).glob("*.parquet"))


def duplicate_ids(spool: Spool, table: str) -> list[str]:
    """Ids that occur more than once in the spool of `table`, sorted."""
    ids = read_files(spool.files(table), ["id"]).column("id")
    ordered = pc.sort_indices(ids)
    ids = ids.take(ordered).to_pylist()
    return sorted({a for a, b in itertools.pairwise(ids) if a == b})


def _batches(files: Sequence[Path]) -> Iterator[pa.RecordBatch]:
    """The record batches of `files`, one file after the other."""
    for path in files:
        yield from pq.ParquetFile(path).iter_batches(batch_size=ROW_GROUP)


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
    spool: Spool,
    directory: Path,
    schemas: Mapping[str, pa.Schema],
    partition: Mapping[str, tuple[str, ...]],
    work: Path,
) -> dict[str, TableFiles]:
    """Write every table of `spool` into the release `directory` (see the module docstring);
    `work` is a scratch directory for the buckets."""
    out: dict[str, TableFiles] = {}
    for table, schema in schemas.items():
        keys = partition.get(table, ())
        if not keys:
            _write_sorted(spool.files(table), directory / f"{table}.parquet", schema, work)
            out[table] = TableFiles(f"{table}.parquet", (f"{table}.parquet",), spool.rows[table])
            continue
        parts = _split(spool.files(table), keys, work / f"{table}-partitions")
        written: list[str] = []
        for values, path in sorted(parts.items()):
            named = zip(keys, values, strict=True)
            rel = f"{table}/" + "/".join(f"{k}={v}" for k, v in named) + "/part-0.parquet"
            (directory / rel).parent.mkdir(parents=True, exist_ok=True)
            _write_sorted([path], directory / rel, schema, work)
            written.append(rel)
        if not written:  # no rows: one empty file keeps the table's schema readable
            rel = f"{table}/part-0.parquet"
            (directory / table).mkdir(parents=True, exist_ok=True)
            _write_sorted(spool.files(table), directory / rel, schema, work)
            written.append(rel)
        out[table] = TableFiles(table, tuple(sorted(written)), spool.rows[table], keys)
    return out


def _partition_values(data: pa.Table, keys: tuple[str, ...]) -> list[pa.Array]:
    date = data.column("date")
    ranges = {"year": (0, 4), "month": (5, 7)}
    out = []
    for key in keys:
        start, stop = ranges[key]
        part = pc.utf8_slice_codeunits(date, start, stop)
        out.append(pc.fill_null(part, HIVE_NULL).combine_chunks())
    return out


def _split(spool: Sequence[Path], keys: tuple[str, ...], work: Path) -> dict[tuple[str, ...], Path]:
    """One pass over the `spool` files: the rows of each partition into their own file."""
    work.mkdir(parents=True, exist_ok=True)
    loose = pq.ParquetFile(spool[0]).schema_arrow
    writers: dict[tuple[str, ...], pq.ParquetWriter] = {}
    paths: dict[tuple[str, ...], Path] = {}
    try:
        for batch in _batches(spool):
            data = pa.Table.from_batches([batch])
            values = _partition_values(data, keys)
            combos = sorted(set(zip(*(v.to_pylist() for v in values), strict=True)))
            for combo in combos:
                mask = None
                for array, value in zip(values, combo, strict=True):
                    eq = pc.equal(array, value)
                    mask = eq if mask is None else pc.and_(mask, eq)
                writer = writers.get(combo)
                if writer is None:
                    paths[combo] = work / f"part-{len(paths)}.parquet"
                    writer = pq.ParquetWriter(paths[combo], loose, compression="lz4")
                    writers[combo] = writer
                writer.write_table(data.filter(mask))
    finally:
        for writer in writers.values():
            writer.close()
    return paths


def _write_sorted(source: Sequence[Path], path: Path, schema: pa.Schema, work: Path) -> None:
    """The rows of the spool files `source`, id-sorted, into `path` (bucket sort, see above)."""
    ids = read_files(source, ["id"]).column("id")
    rows = len(ids)
    ordered = ids.take(pc.sort_indices(ids)).combine_chunks()
    del ids
    bounds = [ordered[i].as_py() for i in range(ROW_GROUP, rows, ROW_GROUP)]
    del ordered
    with pq.ParquetWriter(path, schema, **PARQUET_OPTIONS) as writer:
        if rows == 0:
            writer.write_table(schema.empty_table(), row_group_size=1)
        elif not bounds:
            writer.write_table(
                _sorted_cast(read_files(source, None), schema), row_group_size=ROW_GROUP
            )
        else:
            for bucket in _buckets(source, bounds, work):
                data = _sorted_cast(pq.read_table(bucket), schema)
                bucket.unlink()
                writer.write_table(data, row_group_size=ROW_GROUP)
    _check_file(path, schema, rows)


def _buckets(source: Sequence[Path], bounds: list[str], work: Path) -> list[Path]:
    """One pass over the spool: each row into the bucket of its id (bucket i holds ids below
    ``bounds[i]`` and from ``bounds[i-1]``)."""
    work.mkdir(parents=True, exist_ok=True)
    paths = [work / f"bucket-{i}.parquet" for i in range(len(bounds) + 1)]
    loose = pq.ParquetFile(source[0]).schema_arrow
    writers = [pq.ParquetWriter(p, loose, compression="lz4") for p in paths]
    try:
        for batch in _batches(source):
            data = pa.Table.from_batches([batch])
            which = pa.array(
                [bisect.bisect_right(bounds, rid) for rid in data.column("id").to_pylist()],
                pa.int32(),
            )
            for index in sorted(set(which.to_pylist())):
                writers[index].write_table(data.filter(pc.equal(which, index)))
    finally:
        for writer in writers:
            writer.close()
    return paths


def _sorted_cast(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """`data` sorted by id, in the explicit schema (dictionaries, dates, field metadata)."""
    if data.schema.names != schema.names:
        raise ReleaseIntegrityError(f"sorted columns {data.schema.names} != {schema.names}")
    data = data.take(pc.sort_indices(data, [("id", "ascending")]))
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
