"""Every record file of a project in DuckDB: one table per curated table, typed from the model.

A compiled reader, no Python object per record: a JSON Lines file is split into lines with numpy
(zero-copy Arrow strings), handed to DuckDB, and each line is read once by DuckDB's JSON reader
into its typed struct; YAML files (few, small) are parsed by the existing
loader and handed over as the same rows. Each curated table becomes one DuckDB table (named
like the curated table) with:

- ``_file`` (path as problem lines show it), ``_line`` (the record's line), ``_id_line`` (the
  line of its ``id``: the same for JSON Lines), ``_version`` (schema version of its file),
  ``_json`` (the record's JSON text: the line itself, or the YAML record dumped as JSON),
- one typed column per field of the record model, typed from the model's JSON Schema
  (``sql_type``): strings VARCHAR, dates DATE, integers BIGINT, lists ``T[]``, nested models
  STRUCTs. They hold the record's values when the record is valid (DuckDB's reader converts a
  value of another JSON type: the validator, not the reader, decides what is wrong),
- ``_status`` and ``_valid``, filled by the validator (``VERDICT_COLUMNS``).

A file the compiled reader cannot read exactly as the per-record loader would (not UTF-8, a bad
header, a line that is not one JSON object, over 64 MiB, YAML the loader
refuses...) is not read: it is listed in ``Columns.unread`` and goes whole to the per-record path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from venezuela_crisis.models import CURATED_TABLES

from .jsonl import _check_header, _load_line, jsonl_record_files
from .load import MAX_FILE_BYTES, read_record_file, record_files
from .nodes import field_columns, lit, q, read_struct, table_columns
from .schemas import schema_path

META_COLUMNS = ("_file", "_line", "_id_line", "_version", "_json")
"""Columns every table starts with, before the model's fields."""
VERDICT_COLUMNS = (("_status", "VARCHAR"), ("_valid", "BOOLEAN"))
"""Columns every table ends with, filled by the validator: the effective review status (NULL when
the record failed a per-record check) and whether the record is the one the per-record path
hands on (it passed every per-record check and is the first record with its id)."""
BATCH = 2048
"""Rows per Arrow batch handed to DuckDB (it scans batches in parallel)."""
_SUSPECT_SYNTAX = re.compile(rb",[ \t\r\n]*[\]}]")
"""A trailing comma: DuckDB's JSON reader accepts it, Python's refuses (the file goes whole to the
per-record path, which words the problem)."""


# -- reading files ---------------------------------------------------------------------------


@dataclass
class FileRows:
    """One record file as rows for DuckDB (or the reason it is left to the per-record path)."""

    path: Path
    table: str = ""
    version: str = ""
    rows: pa.Table | None = None


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def read_jsonl_rows(path: Path, root: Path) -> FileRows:
    """A JSON Lines record file as rows (``rows`` None: the compiled reader leaves it)."""
    out = FileRows(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return out
        data = path.read_bytes()
    except OSError:
        return out
    if not data or _SUSPECT_SYNTAX.search(data):
        return out
    arr = np.frombuffer(data, np.uint8)
    ends = np.flatnonzero(arr == 10)
    starts = np.concatenate([[0], ends + 1]).astype(np.int64)
    stops = np.concatenate([ends, [len(data)]]).astype(np.int64)
    # line i (number i + 1) is data[starts[i]:stops[i]], its newline included (JSON whitespace)
    lines = pa.StringArray.from_buffers(
        len(starts),
        pa.py_buffer(np.concatenate([starts, [len(data)]]).astype(np.int32)),
        pa.py_buffer(data),
    )
    try:
        data.decode("utf-8")  # the loader's own test (Arrow's validation differs on surrogates)
    except UnicodeDecodeError:
        return out
    numbers = np.arange(1, len(starts) + 1, dtype=np.int32)
    blank = _blank(arr, starts, stops)
    keep = ~blank
    if not keep.any():
        return out
    header_no = int(np.flatnonzero(keep)[0])
    header_text = data[starts[header_no] : stops[header_no]].decode("utf-8")
    rel = _rel(path, root)
    header, problem, _ = _load_line(header_text, rel, header_no + 1)
    if problem is not None or _check_header(header, rel, header_no + 1):
        return out
    table, version = header["table"], header["schema_version"]
    if table not in CURATED_TABLES or not schema_path(root, table, version).is_file():
        return out
    keep[header_no] = False
    index = np.flatnonzero(keep)
    if len(index) and index[-1] - index[0] + 1 == len(index):  # no blank line between: a slice
        kept = lines.slice(int(index[0]), len(index))
    else:
        kept = pc.take(lines, pa.array(index))
    out.rows = pa.table(
        {
            "_file": pa.repeat(rel, len(index)),
            "_line": pa.array(numbers[index]),
            "_json": pc.utf8_rtrim(kept, characters="\n"),
        }
    )
    out.table, out.version = table, version
    return out


_SPACE = np.zeros(256, bool)
_SPACE[list(b" \t\r\n\x0b\x0c")] = True


def _blank(arr: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Lines made only of ASCII whitespace (Python's ``str.strip`` empties them too). Only lines
    that start with whitespace (or are empty) are looked at byte by byte."""
    first = np.where(stops > starts, arr[np.minimum(starts, len(arr) - 1)], 32)
    blank = np.zeros(len(starts), bool)
    for i in np.flatnonzero(_SPACE[first]):
        blank[i] = bool(_SPACE[arr[starts[i] : stops[i]]].all())
    return blank


def read_yaml_rows(path: Path, root: Path) -> FileRows:
    """A YAML record file, parsed by the loader, as rows (None when the loader has problems)."""
    out = FileRows(path)
    parsed, problems = read_record_file(path, root)
    if parsed is None or problems:
        return out
    if parsed.table not in CURATED_TABLES:
        return out
    if not schema_path(root, parsed.table, parsed.schema_version).is_file():
        return out
    texts: list[str] = []
    for raw in parsed.records:
        try:
            text = json.dumps(raw.data, ensure_ascii=False, allow_nan=False)
            text.encode("utf-8")
        except (ValueError, TypeError, UnicodeEncodeError):
            return out
        texts.append(text)
    out.rows = pa.table(
        {
            "_file": pa.array([parsed.path] * len(texts), pa.string()),
            "_line": pa.array([r.line for r in parsed.records], pa.int32()),
            "_id_line": pa.array([r.line_of("id") for r in parsed.records], pa.int32()),
            "_json": pa.array(texts, pa.string()),
        }
    )
    out.table, out.version = parsed.table, parsed.schema_version
    return out


def read_rows(path: Path, root: Path) -> FileRows:
    """One record file as rows, by its suffix."""
    return read_jsonl_rows(path, root) if path.suffix == ".jsonl" else read_yaml_rows(path, root)


def project_files(root: Path) -> list[Path]:
    """Every record file of a project in validation order (YAML and JSON Lines, by path)."""
    return sorted([*record_files(root), *jsonl_record_files(root)])


# -- the database ----------------------------------------------------------------------------


@dataclass
class Columns:
    """The record tables of a project in a DuckDB database (in a private temporary directory)."""

    con: duckdb.DuckDBPyConnection
    tables: dict[str, str] = field(default_factory=dict)
    """Curated table -> DuckDB table name (the same name)."""
    read: list[Path] = field(default_factory=list)
    """Files read into the tables."""
    unread: list[Path] = field(default_factory=list)
    """Files left to the per-record path (the compiled reader could not read them exactly)."""
    workdir: Path | None = None

    def close(self) -> None:
        """Close the connection and delete the database files."""
        self.con.close()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def out_of_memory(step: str, exc: Exception) -> str:
    """The message of a DuckDB out-of-memory error met while `step`: what ran out, what to do."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return (
        f"DuckDB ran out of memory while {step} ({first.removeprefix('Out of Memory Error: ')}); "
        "nothing was written: free memory or disk for its spill files (in the system temporary "
        "directory) and run again"
    )


SCRATCH_PREFIX = "vzcrisis-columns-"
"""The DuckDB database of a build, in the system temporary directory: ``vzcrisis-columns-<pid>-*``
(a later build removes those whose process is gone: ``release.build.remove_stale``)."""


CHECKPOINT = "256MB"
"""Write-ahead log size at which DuckDB writes the database file: its default (16 MB) wrote it
after nearly every record file's INSERT, 30% of the columnar pass's time at 100,000 records."""


STEP_MEMORY = "256MB"
"""DuckDB's memory in each step of a build: the columnar validation, the release's transform
and its diff (each spills to disk beyond). Measured step by step at a million records: the
process stays under 1 GiB with the article texts held once in Arrow (``records.texts``)."""


def connect(memory_limit: str = "512MB") -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A DuckDB database in a new temporary directory, bounded in memory (spills there)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    con = duckdb.connect(str(workdir / "records.duckdb"))
    con.execute(f"SET memory_limit = {lit(memory_limit)}")
    con.execute(f"SET temp_directory = {lit(str(workdir / 'spill'))}")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET checkpoint_threshold = {lit(CHECKPOINT)}")
    return con, workdir


def create_tables(con: duckdb.DuckDBPyConnection, extra: Sequence[tuple[str, str]] = ()) -> None:
    """An empty table per curated table (``table_columns`` plus `extra` (name, type) columns)."""
    for table in CURATED_TABLES:
        cols = ", ".join(f"{q(n)} {t}" for n, t in [*table_columns(table), *extra])
        con.execute(f"CREATE TABLE {q(table)} ({cols})")


def parse_select(table: str, inner: Sequence[str] = ()) -> str:
    """SELECT of one file's staged rows (``_rows``) with each record read once into its struct
    ``_v`` (``read_struct``: DuckDB's ``json_transform``, which converts, so the typed columns
    are the record's values when the record is valid), and the `inner` items next to it."""
    read = ", ".join([f"{read_struct(table)} AS _v", *inner])
    return f"SELECT *, {read} FROM _rows"


def insert_select(table: str, extra: Sequence[str] = (), parsed: str | None = None) -> str:
    """The INSERT of one file's records into `table`, from `parsed` (a table or subquery of
    ``parse_select``; by default that SELECT). `extra`: SELECT items for the columns after the
    fields (they may use ``_v`` and the rows' columns)."""
    items = [
        "_file",
        "_line",
        "coalesce(_id_line, _line)",
        "_version",
        "_json",
        *field_columns(table),
        *extra,
    ]
    source = parsed if parsed is not None else f"({parse_select(table)})"
    return f"INSERT INTO {q(table)} SELECT {', '.join(items)} FROM {source}"


def iter_rows(root: Path, files: Sequence[Path]) -> Iterator[FileRows]:
    """``read_rows`` of each file, in order."""
    for path in files:
        yield read_rows(path, root)


def stage(con: duckdb.DuckDBPyConnection, rows: FileRows) -> bool:
    """Make one file's rows the view ``_rows`` (``_seq``: the record's index in the file).
    False when some line is not one JSON object (the file goes whole to the per-record path)."""
    assert rows.rows is not None
    data = rows.rows
    if "_id_line" not in data.column_names:
        data = data.append_column("_id_line", pa.nulls(len(data), pa.int32()))
    data = data.append_column("_version", pa.repeat(rows.version, len(data)))
    data = data.append_column("_seq", pa.array(np.arange(len(data), dtype=np.int32)))
    batches = data.to_batches(max_chunksize=BATCH)
    con.register("_rows_arrow", pa.Table.from_batches(batches, schema=data.schema))
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _rows AS SELECT _seq, _file, _line, _id_line, _version, "
        "_json FROM _rows_arrow"
    )
    space = "' ' || chr(9) || chr(10) || chr(13)"  # JSON whitespace
    bad = f"NOT (json_valid(_json) AND starts_with(ltrim(_json, {space}), '{{'))"
    return not con.sql(f"SELECT count(*) FROM _rows WHERE {bad}").fetchall()[0][0]


def unstage(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the staged rows."""
    con.execute("DROP VIEW IF EXISTS _rows")
    con.unregister("_rows_arrow")


def load_file(con: duckdb.DuckDBPyConnection, rows: FileRows, extra: Sequence[str] = ()) -> bool:
    """Insert one file's rows into its table (`extra`: SELECT items for the columns after the
    fields); False (nothing inserted) when ``stage`` refuses the file."""
    try:
        if not stage(con, rows):
            return False
        con.execute(insert_select(rows.table, extra))
        return True
    finally:
        unstage(con)


def read_columns(
    root: Path,
    files: Sequence[Path] | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    memory_limit: str = "512MB",
) -> Columns:
    """Read the project's record files (all of them by default) into one typed table per
    curated table (see the module docstring for the columns), in `con` or in a new database in
    a temporary directory (``Columns.close`` deletes it). ``_status`` and ``_valid`` stay NULL:
    the validator (``validate.project.scan_project(..., keep_columns=True)``) fills them."""
    workdir = None
    if con is None:
        con, workdir = connect(memory_limit)
    create_tables(con, VERDICT_COLUMNS)
    out = Columns(con, {t: t for t in CURATED_TABLES}, workdir=workdir)
    for rows in iter_rows(root, project_files(root) if files is None else files):
        if rows.rows is not None and load_file(con, rows, ("NULL", "NULL")):
            out.read.append(rows.path)
        else:
            out.unread.append(rows.path)
    return out
