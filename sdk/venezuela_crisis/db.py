"""One in-memory DuckDB database with a view per release table; one cursor per thread.

All SQL the SDK runs goes through `Database.arrow`, the single place where a DuckDB result
becomes a pyarrow Table (DuckDB 2.0 removed ``execute().arrow()``; relations keep
``to_arrow_table()``), so a DuckDB API change touches one function.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from .catalog import TABLE_NAMES
from .errors import QueryError, ReleaseIntegrityError, shown
from .format.layout import literal, table_sql
from .releases import Release

READ_ONLY = ("SELECT", "EXPLAIN")
"""Statement types user SQL may run: select, with, from, values, describe, summarize, show
(all parsed as SELECT) and explain. Everything else (create, drop, copy, attach, install,
load, pragma, set, call, export, transactions, prepared statements) is refused."""


def check_read_only(sql: str) -> None:
    """Refuse `sql` unless every statement in it is read-only (QueryError; nothing runs)."""
    if not isinstance(sql, str):
        raise QueryError(f"SQL must be a string, got {shown(sql)}")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {exc}") from None
    refused = [s.type.name for s in statements if s.type.name not in READ_ONLY]
    if refused:
        raise QueryError(
            f"only read-only SQL runs on a release (select, with, describe, summarize, show, "
            f"explain); refused: {', '.join(dict.fromkeys(refused))} — nothing ran"
        )


class Database:
    """One view per table over the release's Parquet files (``format.layout.table_sql``: the
    columns this SDK knows, whatever release of its major is open)."""

    def __init__(self, release: Release) -> None:
        self.release = release
        self._con = duckdb.connect(":memory:")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cursors: list[tuple[threading.Thread, duckdb.DuckDBPyConnection]] = []
        try:
            for table in TABLE_NAMES:
                self._con.execute(
                    f"create view {table} as {table_sql(self._con, release.layout, table)}"
                )
            # defence in depth: the views read the release's own files and nothing else, and
            # no statement can change that (or any other setting) afterwards
            root = literal(str(release.path.resolve()) + "/")
            self._con.execute(f"set allowed_directories = [{root}]")
            self._con.execute("set enable_external_access = false")
            self._con.execute("set lock_configuration = true")
        except duckdb.Error as exc:
            self._con.close()
            raise ReleaseIntegrityError(f"{release.path}: cannot read tables: {exc}") from None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the shared in-memory database (DuckDB: one per thread)."""
        cur: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                for thread, old in [c for c in self._cursors if not c[0].is_alive()]:
                    old.close()  # its thread has ended
                    self._cursors.remove((thread, old))
                cur = self._con.cursor()
                self._cursors.append((threading.current_thread(), cur))
            self._local.cursor = cur
        return cur

    def arrow(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pa.Table:
        """Run `sql` with bound `params` and return the result as a pyarrow Table."""
        try:
            relation = self.cursor().sql(sql, params=params)
            if relation is None:
                return pa.table({})
            table: pa.Table = relation.to_arrow_table()
            return table
        except duckdb.Error as exc:
            raise QueryError(f"query failed: {exc}") from None

    def close(self) -> None:
        """Close every cursor and the connection."""
        with self._lock:
            for _, cur in self._cursors:
                cur.close()
            self._cursors.clear()
            self._con.close()
