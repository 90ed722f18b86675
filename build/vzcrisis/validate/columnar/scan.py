"""``scan_project`` in columns: pass 1 and the checks across records in DuckDB, the per-record
path only for what they mark.

1. ``pass1`` reads every file into its table and marks the records that may fail a check of
   their own; a file with a marked record (or one the reader cannot read) goes whole through
   today's pass 1 (``passes.pass1_file``), which words its problems.
2. The id index is a table (``_ids``: every record with an id, in file order; the first record
   with an id wins, as in ``passes``): duplicate ids, the review problems of first records,
   the valid sources and the counts come from it.
3. Articles are read and hashed as today (``cross_checks.check_source_file``).
4. With a sink, a visitor or ``prepare`` (release, ``load_project``), pass 2 runs as today over
   every file, with the index built from ``_ids``. Otherwise the checks across records run as
   joins (``cross.py``) and only the records they mark, and the files of step 1, go through
   today's pass 2 checks, which word the problems.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from venezuela_crisis.models import CURATED_TABLES, TABLES, ReviewStatus, SourceRecord

from ...progress import Progress
from ...records import columns, nodes
from ...records.load import Problem, RawRecord
from ...records.texts import ArticleTexts
from .. import cross_checks, passes
from . import cross, pass1

if TYPE_CHECKING:
    from ..project import Prepare, Project

_IDS = (
    "CREATE TABLE _ids (id VARCHAR, tbl VARCHAR, path VARCHAR, line INTEGER, "
    "id_line INTEGER, status VARCHAR, file_no INTEGER, seq INTEGER, py BOOLEAN)"
)


def scan(
    project: Project,
    files: Sequence[Path],
    *,
    visit: passes.Visitor | None,
    prepare: Prepare | None,
    progress: Progress | None,
    sink: passes.Sink | None,
    jobs: int,
    keep_columns: bool,
) -> list[Problem]:
    """Check every file of `project` (see the module docstring); returns every problem."""
    root = project.root
    found = pass1.run(root, files, progress=progress)
    cols, con = found.cols, found.cols.con
    kept = False  # the columns are handed to the caller (keep_columns) only on success
    try:
        ctx = passes.Context(root=root, sink=sink, visit=visit)
        python = [p for p in files if p in set(found.python)]
        problems: list[Problem] = []
        scans: dict[Path, passes.FileScan] = {}
        args = [(root, p, False) for p in python]
        for path, result in zip(
            python, passes.run(ctx, passes.pass1_file, args, jobs), strict=True
        ):
            scans[path] = result
            problems.extend(result.problems)
            ctx.complete = ctx.complete and not result.problems
        _index(con, root, files, scans)
        problems += _duplicates(con)
        first = {
            (r[0], r[1])
            for r in con.sql("SELECT path, seq FROM _ids WHERE py AND rn = 1").fetchall()
        }
        sources: dict[str, SourceRecord] = {}
        source_raws: dict[str, RawRecord] = {}
        for path, result in scans.items():
            rel = columns._rel(path, root)
            for seq, item in enumerate(result.records):
                problems.extend(item.problems)
                if item.id and (rel, seq) in first:
                    problems.extend(item.review)
                    if item.source is not None:
                        sources[item.id], source_raws[item.id] = item.source
        for raw in _sql_sources(con, root):
            model = SourceRecord.model_validate_json(json.dumps(raw.data), strict=True)
            sources[raw.id], source_raws[raw.id] = model, raw
        texts = ctx.texts = ArticleTexts()  # held once, in Arrow (``records.texts``)
        problems += cross_checks.check_source_files(root, sources, source_raws, texts)
        project.texts = texts
        project.counts = _counts(con)
        ctx.sources = sources
        if visit is not None or sink is not None or prepare is not None:
            ctx.index = _entry_index(con)
            if prepare is not None:
                prepare(ctx.index, sources)
            if sink is not None:
                sink.prepare(ctx.index, sources, ctx.texts)
            problems += _pass2(ctx, files, jobs, progress)
        else:
            marked = cross.marked(con, texts, sources, ctx.complete)
            problems += _recheck(ctx, con, root, marked, python, jobs)
        if keep_columns:
            _verdicts(con, [columns._rel(p, root) for p in python])
            project.columns, kept = cols, True
        return problems
    finally:
        if not kept:
            cols.close()


def _index(
    con: Any, root: Path, files: Sequence[Path], scans: Mapping[Path, passes.FileScan]
) -> None:
    """``_ids``: every record with an id, and ``rn`` = 1 on the first record of each id."""
    con.execute(_IDS)
    file_no = {columns._rel(p, root): i for i, p in enumerate(files)}
    sql_files = [rel for rel, i in file_no.items() if files[i] not in scans]
    con.register("_file_nos", pa.table({"path": list(file_no), "file_no": list(file_no.values())}))
    con.register("_sql_files", pa.table({"path": pa.array(sql_files, pa.string())}))
    for table in CURATED_TABLES:
        con.execute(
            f"INSERT INTO _ids SELECT id, '{table}', _file, _line, _id_line, _status, file_no, "
            f"_line, false FROM {nodes.q(table)} JOIN _file_nos ON path = _file "
            "WHERE _file IN (SELECT path FROM _sql_files) AND id IS NOT NULL AND id <> ''"
        )
    rows: dict[str, list[Any]] = {k: [] for k in ("id", "tbl", "path", "line", "id_line")}
    rows |= {"status": [], "file_no": [], "seq": []}
    for result in scans.values():
        for seq, item in enumerate(result.records):
            if not item.id:
                continue
            entry = item.entry
            for key, value in zip(
                rows,
                (
                    item.id,
                    entry.table,
                    entry.path,
                    entry.line,
                    entry.id_line,
                    entry.status,
                    file_no[entry.path],
                    seq,
                ),
                strict=True,
            ):
                rows[key].append(value.value if isinstance(value, ReviewStatus) else value)
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("tbl", pa.string()),
            ("path", pa.string()),
            ("line", pa.int32()),
            ("id_line", pa.int32()),
            ("status", pa.string()),
            ("file_no", pa.int32()),
            ("seq", pa.int32()),
        ]
    )
    con.register("_py_ids", pa.table(rows, schema=schema))
    con.execute("INSERT INTO _ids SELECT *, true FROM _py_ids")
    con.execute(
        "CREATE OR REPLACE TABLE _ids AS SELECT *, row_number() OVER "
        "(PARTITION BY id ORDER BY file_no, seq) AS rn FROM _ids"
    )
    for name in ("_file_nos", "_sql_files", "_py_ids"):
        con.unregister(name)


def _duplicates(con: Any) -> list[Problem]:
    rows = con.sql(
        "SELECT d.id, d.tbl, d.path, d.line, d.id_line, f.tbl, f.path, f.line, f.id_line "
        "FROM _ids d JOIN _ids f ON f.id = d.id AND f.rn = 1 WHERE d.rn > 1"
    ).fetchall()
    return [
        cross_checks.duplicate_id(
            r[0],
            passes.Entry(r[1], r[2], r[3], r[4], None),
            passes.Entry(r[5], r[6], r[7], r[8], None),
        )
        for r in rows
    ]


def _sql_sources(con: Any, root: Path) -> list[RawRecord]:
    """The valid, first source records of the files checked in columns, as raw records."""
    rows = con.sql(
        "SELECT s._file, s._line, s._json FROM sources s JOIN _ids f ON NOT f.py AND "
        "f.path = s._file AND f.seq = s._line AND f.rn = 1 AND f.status IS NOT NULL"
    ).fetchall()
    return raw_records(root, [(path, line, text) for path, line, text in rows])


def raw_records(root: Path, rows: Sequence[tuple[str, int, str]]) -> list[RawRecord]:
    """Raw records (with their field lines) of (file, line, JSON text) rows: a JSON Lines record
    is its text; a YAML record is read again from its file (the loader knows its lines)."""
    out: list[RawRecord] = []
    yaml: dict[str, dict[int, RawRecord]] = {}
    for path, line, text in rows:
        if path.endswith(".jsonl"):
            data = json.loads(text)
            table, version = _header(root / path)
            out.append(RawRecord(path, line, table, version, data, dict.fromkeys(data, line), text))
            continue
        if path not in yaml:
            loaded, _ = passes.load_file(root, root / path)
            yaml[path] = {raw.line: raw for raw, _ in loaded}
        out.append(yaml[path][line])
    return out


@cache
def _header(path: Path) -> tuple[str, str]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                header = json.loads(line)
                return str(header["table"]), str(header["schema_version"])
    raise ValueError(path)


def _counts(con: Any) -> dict[str, dict[ReviewStatus, int]]:
    counts: dict[str, dict[ReviewStatus, int]] = {t: {} for t in CURATED_TABLES}
    rows = con.sql(
        "SELECT tbl, status, count(*) FROM _ids WHERE rn = 1 AND status IS NOT NULL "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    for table, status, n in rows:
        counts[table][ReviewStatus(status)] = n
    return counts


def _entry_index(con: Any) -> passes.EntryIndex:
    index = passes.EntryIndex()
    rows = con.sql(
        "SELECT id, tbl, path, line, id_line, status FROM _ids WHERE rn = 1 ORDER BY file_no, seq"
    ).fetchall()
    for rid, table, path, line, id_line, status in rows:
        state = ReviewStatus(status) if status is not None else None
        index.add(rid, passes.Entry(table, path, line, id_line, state))
    return index


def _pass2(
    ctx: passes.Context, files: Sequence[Path], jobs: int, progress: Progress | None
) -> list[Problem]:
    problems: list[Problem] = []
    task = progress.task("validate: pass 2", len(files)) if progress else None
    parts = [(p, f"part-{i:05d}") for i, p in enumerate(files)]
    for found, part in passes.run(ctx, passes.pass2_file, parts, jobs):
        problems.extend(found)
        if ctx.sink is not None:
            ctx.sink.merge(part)
        if progress and task is not None:
            progress.advance(task)
    return problems


def _recheck(
    ctx: passes.Context,
    con: Any,
    root: Path,
    marked: Sequence[tuple[str, int, str]],
    python: Sequence[Path],
    jobs: int,
) -> list[Problem]:
    """Today's pass 2 checks on the records the joins marked and on the files of step 1."""
    if not marked and not python:
        return []
    ctx.index = _entry_index(con)
    problems: list[Problem] = []
    for raw in raw_records(root, marked):
        entry = ctx.index.get(raw.id)
        model_class = TABLES[raw.table].record
        assert model_class is not None and entry is not None and entry.status is not None
        model = model_class.model_validate_json(json.dumps(raw.data), strict=True)
        problems += cross_checks.check_references(raw, model, entry.status, ctx.index, ctx.complete)
        problems += cross_checks.check_quotes(raw, model, ctx.texts)
        problems += cross_checks.check_date(raw, model, ctx.sources)
    return problems + _pass2(ctx, python, jobs, None)


def _verdicts(con: Any, python: Sequence[str]) -> None:
    """Settle ``_status`` (the effective status) and ``_valid`` (the record pass 2 hands on: the
    first with its id, valid on its own). Pass 1 set ``_status`` for the files it checked:
    ``_valid`` is first "valid on its own" (a plain update: pass 1 computing it beside
    ``_status`` evaluated every check twice), then only the few rows that differ are updated: a
    later record with a taken id, a record without an id, and every record of a file the
    per-record path checked (`python`, relative paths: its verdicts are that path's); one
    update joining every row to ``_ids`` took 7-12 s at 1M records."""
    con.register("_python_files", pa.table({"path": pa.array(python, pa.string())}))
    try:
        for table in CURATED_TABLES:
            name = nodes.q(table)
            row = f"f.path = {name}._file AND f.line = {name}._line"
            con.execute(f"UPDATE {name} SET _valid = _status IS NOT NULL")
            con.execute(
                f"UPDATE {name} SET _valid = false FROM _ids f WHERE {row} AND f.rn > 1 "
                f"AND NOT f.py"
            )
            con.execute(f"UPDATE {name} SET _valid = false WHERE _valid AND coalesce(id, '') = ''")
            con.execute(
                f"UPDATE {name} SET _valid = false, _status = NULL "
                "WHERE _file IN (SELECT path FROM _python_files)"
            )
            con.execute(
                f"UPDATE {name} SET _status = f.status, _valid = (f.rn = 1 AND f.status IS NOT "
                f"NULL) FROM _ids f WHERE {row} AND f.py"
            )
    finally:
        con.unregister("_python_files")
