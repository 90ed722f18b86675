"""Columnar pass 1: every record file into its typed table, each record checked on its own in SQL.

For each file the compiled reader can read, the queries of ``rules.failing_records`` mark the
records the per-record path might refuse; the file's rows go into its table with ``_status``
set to the declared review status of every record no query marked (its effective status: the
hash matched) and NULL for the others. A file with a marked record, or one the reader could not
read, is listed for the per-record path, which checks it whole and words its problems.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...progress import Progress
from ...records import columns, nodes
from ...records.schemas import schema_path
from . import rules

WORKERS = 2
"""Files checked side by side (threads, each with its own DuckDB cursor): one file's statements
alone keep about 1.3 cores busy."""
THREADS = max(1, (os.cpu_count() or 1) // WORKERS)
"""DuckDB threads per file's statements during the pass (the cores shared out between the
files): on 2 cores, two single-threaded statements took 9% less time than two on two threads
each at a million records (less coordination for a 10,000-record file)."""


@dataclass
class Pass1:
    """What the columnar pass 1 found."""

    cols: columns.Columns
    python: list[Path] = field(default_factory=list)
    """Files the per-record path checks whole (unread, or holding a marked record)."""
    marked: dict[Path, set[int]] = field(default_factory=dict)
    """Read files -> lines of the records the queries marked (for the differential tests)."""


MEMORY_LIMIT = columns.STEP_MEMORY
"""DuckDB's memory in the columnar validation (the id index is a table of the on-disk
database, not a temporary one held in memory)."""


def run(
    root: Path,
    files: Sequence[Path],
    *,
    memory_limit: str | None = None,
    progress: Progress | None = None,
) -> Pass1:
    """Read and check every file (see the module docstring)."""
    con, workdir = columns.connect(memory_limit or MEMORY_LIMIT)
    columns.create_tables(con, columns.VERDICT_COLUMNS)
    (threads,) = con.execute("SELECT current_setting('threads')").fetchone() or (THREADS,)
    con.execute(f"SET threads = {THREADS}")
    cols = columns.Columns(con, {t: t for t in columns.CURATED_TABLES}, workdir=workdir)
    out = Pass1(cols)
    task = progress.task("validate: columnar pass", len(files)) if progress else None

    def check(path: Path) -> set[int] | None:
        cursor = con.cursor()  # its own temporary views: files are checked side by side
        try:
            rows = columns.read_rows(path, root)
            return _check_file(root, cursor, rows) if rows.rows is not None else None
        finally:
            cursor.close()

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            for path, marked in zip(files, pool.map(check, files), strict=True):
                if marked is None:
                    cols.unread.append(path)
                    out.python.append(path)
                else:
                    cols.read.append(path)
                    if marked:
                        out.marked[path] = marked
                        out.python.append(path)
                if progress and task is not None:
                    progress.advance(task)
    except BaseException:
        cols.close()  # the scratch database goes with the failure
        raise
    con.execute(f"SET threads = {int(threads)}")  # the checks across files use them all
    return out


def _check_file(root: Path, con: Any, rows: columns.FileRows) -> set[int] | None:
    """Check one file's records into its table: the lines of the records marked for the
    per-record path (None: the file is left to it whole)."""
    try:
        if not columns.stage(con, rows):
            return None
        text = schema_path(root, rows.table, rows.version).read_text(encoding="utf-8")
        found = rules.checks(rows.table, rows.version, text)
        inner = found.inner if found is not None else ()
        ok = found.ok if found is not None else "false"
        items = found.items if found is not None else "SELECT _seq FROM _parsed"
        # one statement, each step materialised once: DuckDB would parse again for every check
        # reading a value, and it scans a small temporary table with one thread only
        ctes = [
            f"_parsed AS MATERIALIZED ({columns.parse_select(rows.table, inner)})",
            *(found.stage if found is not None else ()),
            f"_marked AS MATERIALIZED ({items})",
        ]
        status = (
            f"CASE WHEN {ok} AND _seq NOT IN (SELECT _seq FROM _marked) "
            'THEN _v."review"."status" END'
        )
        insert = columns.insert_select(rows.table, (status, "NULL"), "_parsed")
        into, select = insert.split(" SELECT ", 1)
        con.execute(f"{into} WITH {', '.join(ctes)} SELECT {select}")
        assert rows.rows is not None
        name = rows.rows["_file"][0].as_py() if len(rows.rows) else ""
        result = con.execute(
            f"SELECT _line FROM {nodes.q(rows.table)} WHERE _file = ? AND _status IS NULL",
            [name],
        ).fetchall()
        return {line for (line,) in result}
    finally:
        columns.unstage(con)
