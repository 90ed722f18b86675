"""The full-text indexes of the SQLite database, built beside it in a thread of their own.

An FTS5 index is held in ordinary "shadow" tables (``<table>_fts_data``, ``_idx``, ``_docsize``,
``_config``). Their contents depend only on the rows the index is filled with, in which order, and
on how they are cut into segments: FTS5 writes a segment when its pending terms pass its hash size
and when a statement or the transaction ends. So an index filled by the same statement
(sqlite-utils ``enable_fts``: ``INSERT INTO t_fts (rowid, ...) SELECT rowid, ... FROM t``) from a
table holding the same rowids and values, in a database of its own, has the same shadow rows as
one filled inside the main database; copying those rows over gives the main database the index
byte for byte (``VACUUM INTO`` then writes every table from its rows; pinned by
``test_sqlite_bytes``).

``build_fts`` does that from the release's Parquet files: for each table a stand-in named like it,
holding only the searched columns (same declared types, so the same stored values), then
``enable_fts``. Tokenising runs inside SQLite without Python's lock, so the main build (rows,
indexes, link tables) goes on meanwhile. ``copy_fts`` creates each index in the main database with
the stored statement and replaces its shadow rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .sqlite_columns import insert_columns, ordered_batches, sqlite_column

FTS_SCHEMA = "fts"
"""Name under which the main database attaches the file ``build_fts`` wrote."""


@dataclass(frozen=True)
class FtsJob:
    """One table's full-text index: the searched columns (name → declared type), in order, and
    the Parquet files holding them."""

    table: str
    columns: dict[str, type]
    files: tuple[Path, ...]
    in_order: bool


def build_fts(path: Path, jobs: Sequence[FtsJob], pragmas: Sequence[str]) -> None:
    """Write the full-text index of every job to a new database at `path`, one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        db = sqlite_utils.Database(conn)
        for pragma in pragmas:
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        for job in jobs:
            names = list(job.columns)
            db[job.table].create(job.columns)  # type: ignore[union-attr]
            read = names if "id" in names else ["id", *names]  # the order is the id's
            for batch in ordered_batches(job.files, read, job.in_order):
                values = [sqlite_column(batch.column(c)) for c in names]
                insert_columns(conn, job.table, names, values)
            db[job.table].enable_fts(names, fts_version="FTS5")  # type: ignore[union-attr]
        conn.execute("COMMIT")
    finally:
        conn.close()


def copy_fts(conn: sqlite3.Connection, table: str) -> None:
    """Create `table`'s full-text index in the main database of `conn` with the statement stored
    in the attached ``FTS_SCHEMA`` database, and give its shadow tables their rows there."""
    fts = f"{table}_fts"
    (sql,) = conn.execute(
        f"SELECT sql FROM [{FTS_SCHEMA}].sqlite_schema WHERE name = ?", (fts,)
    ).fetchone()
    conn.execute(sql)
    shadows = conn.execute(
        f"SELECT name FROM [{FTS_SCHEMA}].sqlite_schema WHERE type = 'table' AND name LIKE ? "
        "ESCAPE '\\' AND rootpage > 0 ORDER BY rowid",
        (fts.replace("_", "\\_") + "\\_%",),
    ).fetchall()
    for (shadow,) in shadows:
        conn.execute(f"DELETE FROM main.[{shadow}]")
        conn.execute(f"INSERT INTO main.[{shadow}] SELECT * FROM [{FTS_SCHEMA}].[{shadow}]")
