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

Three steps: ``stage_fts`` copies the searched columns of the written tables (with their rowids)
into a database of their own, under the tables' names, in SQL; ``build_fts`` fills the indexes
there, with sqlite-utils as in place -- tokenising runs inside SQLite, without Python's lock, so
the main build (its indexes and link tables) goes on meanwhile; ``copy_fts`` creates each index in
the main database with the stored statement and gives its shadow tables their rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

import sqlite_utils

FTS_SCHEMA = "fts"
"""Name under which the main database attaches the full-text database."""


def stage_fts(
    conn: sqlite3.Connection,
    path: Path,
    tables: Mapping[str, Sequence[str]],
    pragmas: Sequence[str],
) -> None:
    """Copy the `tables` columns (table → searched columns) of `conn`'s main database, rowids
    and declared types included, into a new database at `path`; `conn` holds no transaction."""
    conn.execute(f"ATTACH ? AS [{FTS_SCHEMA}]", (str(path),))
    try:
        for pragma in pragmas:
            conn.execute(f"PRAGMA [{FTS_SCHEMA}].{pragma}")
        conn.execute("BEGIN")
        for table, cols in tables.items():
            declared = {
                name: kind for _, name, kind, *_ in conn.execute(f"PRAGMA table_info([{table}])")
            }
            names = ", ".join(f"[{c}]" for c in cols)
            conn.execute(
                f"CREATE TABLE [{FTS_SCHEMA}].[{table}] "
                f"({', '.join(f'[{c}] {declared[c]}' for c in cols)})"
            )
            conn.execute(
                f"INSERT INTO [{FTS_SCHEMA}].[{table}] (rowid, {names}) "
                f"SELECT rowid, {names} FROM main.[{table}] ORDER BY rowid"
            )
        conn.execute("COMMIT")
    finally:
        _detach(conn)


def build_fts(path: Path, tables: Mapping[str, Sequence[str]], pragmas: Sequence[str]) -> None:
    """Fill the full-text index of every table staged at `path`, in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        db = sqlite_utils.Database(conn)
        for pragma in pragmas:
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        for table, cols in tables.items():
            db[table].enable_fts(list(cols), fts_version="FTS5")  # type: ignore[union-attr]
        conn.execute("COMMIT")
    finally:
        conn.close()


def copy_fts(conn: sqlite3.Connection, path: Path, tables: Sequence[str]) -> None:
    """Create the full-text index of each of `tables` in `conn`'s main database with the
    statement stored at `path`, and give its shadow tables their rows there, in one transaction;
    `conn` holds no transaction."""
    conn.execute(f"ATTACH ? AS [{FTS_SCHEMA}]", (str(path),))
    try:
        conn.execute("BEGIN")
        for table in tables:
            fts = f"{table}_fts"
            (sql,) = conn.execute(
                f"SELECT sql FROM [{FTS_SCHEMA}].sqlite_schema WHERE name = ?", (fts,)
            ).fetchone()
            conn.execute(sql)
            shadows = conn.execute(
                f"SELECT name FROM [{FTS_SCHEMA}].sqlite_schema WHERE type = 'table' "
                "AND name LIKE ? ESCAPE '\\' AND rootpage > 0",
                (fts.replace("_", "\\_") + "\\_%",),
            ).fetchall()
            for (shadow,) in shadows:
                conn.execute(f"DELETE FROM main.[{shadow}]")
                conn.execute(f"INSERT INTO main.[{shadow}] SELECT * FROM [{FTS_SCHEMA}].[{shadow}]")
        conn.execute("COMMIT")
    finally:
        _detach(conn)


def _detach(conn: sqlite3.Connection) -> None:
    """Detach the full-text database (after rolling back a transaction a failure left open)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.execute(f"DETACH [{FTS_SCHEMA}]")
