"""`vzcrisis validate`: load every curated record and check it, reporting all problems at once.

load (YAML, line numbers) -> check each record (JSON Schema of its declared version, then the
pydantic model, strict) -> transform (models, effective review status, article texts) -> check
across records (unique ids, references, source files, quotes at offsets, review gate, dates).

Other pipeline steps (release, status, review) start from ``load_project`` or
``validate_project``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from venezuela_crisis.errors import InputError, OutOfMemoryError
from venezuela_crisis.models import CURATED_TABLES, ReviewStatus, SourceRecord
from venezuela_crisis.models.base import CuratedRecord

from ..progress import Progress
from ..records.columns import Columns, out_of_memory
from ..records.jsonl import jsonl_record_files
from ..records.load import RECORDS_DIR, Problem, RawRecord, record_files
from . import cross_checks, passes
from .passes import Entry, Sink, Visitor

__all__ = ["Entry", "Project", "ValidRecord", "load_project", "scan_project", "validate_project"]


@dataclass
class ValidRecord:
    """A record that passed the per-record checks, with its effective review status."""

    raw: RawRecord
    model: CuratedRecord
    status: ReviewStatus
    """Effective status: ``pending`` when an accepted record's content_hash no longer matches."""


@dataclass
class Project:
    """The curated project as loaded: article texts and valid records per table."""

    root: Path
    texts: Mapping[str, str] = field(default_factory=dict)
    """Source id -> article text (UTF-8 decoded), for sources whose file checks passed."""
    records: dict[str, list[ValidRecord]] = field(
        default_factory=lambda: {t: [] for t in CURATED_TABLES}
    )
    """Every curated table -> its valid records, sorted by id (only when collected)."""
    counts: dict[str, dict[ReviewStatus, int]] = field(default_factory=dict)
    """Every curated table -> effective review status -> number of valid (unique) records."""
    columns: Columns | None = None
    """The record tables the columnar pass read (``scan_project(..., keep_columns=True)``;
    ``records.columns``): close them when done."""

    def accepted(self, table: str) -> list[CuratedRecord]:
        """Models of the effective-accepted records of `table`, sorted by id."""
        return [r.model for r in self.records.get(table, []) if r.status == ReviewStatus.accepted]

    def summary(self) -> dict[str, Any]:
        """Records per table and review counts (what ``vzcrisis validate --json`` prints)."""
        counts = {s.value: 0 for s in ReviewStatus}
        for by_status in self.counts.values():
            for status, n in by_status.items():
                counts[status.value] += n
        return {
            "records": {t: sum(self.counts.get(t, {}).values()) for t in CURATED_TABLES},
            "review": counts,
            "articles": len(self.texts),
        }

    def summary_line(self) -> str:
        """One line: ``ok: 12 records (sources 2, ...); accepted 9, pending 2, rejected 1``."""
        data = self.summary()
        tables = ", ".join(f"{t} {n}" for t, n in data["records"].items())
        review = ", ".join(f"{s} {n}" for s, n in data["review"].items())
        total = sum(data["records"].values())
        return f"ok: {total} records ({tables}); {review}"


Prepare = Callable[[Mapping[str, Entry], Mapping[str, SourceRecord]], None]
"""Called between the passes with the id index and the valid source records."""

COLUMNAR_BYTES = 8 * 1024 * 1024
"""From this many bytes of record files on, ``scan_project`` checks in columns by default (at
100k synthetic records, 80 MB, columns and the per-record path in two processes take about the
same time, columns with less CPU; on the seeds, 156 KB, columns take 1.7 s and the per-record
path 1.0 s)."""

YAML_CACHE_RECORDS = 20_000
"""Pass 1 keeps parsed YAML files for pass 2 up to this many records (YAML parsing is slow;
JSON Lines files are simply read again). Only when the passes run in this process."""


def load_project(root: Path) -> tuple[Project, list[Problem]]:
    """Load and check every record file under ``root``; never raises on bad content.

    Returns the project (only records that passed the per-record checks) and every problem,
    sorted by path and line. Holds every record: for big corpora use ``scan_project``.
    """
    return scan_project(root, collect=True)


def scan_project(
    root: Path,
    visit: Visitor | None = None,
    *,
    collect: bool = False,
    prepare: Prepare | None = None,
    progress: Progress | None = None,
    sink: Sink | None = None,
    jobs: int | None = None,
    columnar: bool | None = None,
    keep_columns: bool = False,
) -> tuple[Project, list[Problem]]:
    """Check every record in two streaming passes; memory holds only small per-record facts.

    Pass 1 reads each file, checks each record on its own (JSON Schema, model, characters,
    review hash) and keeps an ``Entry`` per id. Between the passes the article of every source
    is read. Pass 2 reads the files again and runs the checks across records (references,
    quotes, dates) on each valid record, then hands it to `visit` and `sink`. With `collect`, the
    project also holds every valid record (``Project.records``), as ``load_project`` returns it.
    `prepare` (and ``sink.prepare``) is called between the passes with the id index and the
    valid sources. `jobs`: worker processes for both passes (default: the CPUs when the record
    files are big, see ``passes.default_jobs``); `visit` and `collect` need the driver process,
    so they make it 1. The result is the same whatever `jobs` is.

    `columnar`: the checks run in DuckDB over every file (``validate.columnar``) and only what
    they mark goes through the per-record path, which words the problems: the problems are the
    same either way (``tests/build/validate/test_columnar.py``). Default: when the record files
    total ``COLUMNAR_BYTES`` or more (on a small project DuckDB's fixed costs outweigh what it
    saves). `keep_columns` (implies `columnar`) keeps the record tables the columnar pass read,
    with each record's effective status and whether pass 2 handed it on, in
    ``Project.columns``.
    """
    project = Project(root=root)
    if not (root / RECORDS_DIR).is_dir():
        message = "no such directory: not a project root (run in one or pass --root DIR)"
        return project, [Problem((root / RECORDS_DIR).as_posix(), 0, "", "", message)]
    files = sorted([*record_files(root), *jsonl_record_files(root)])
    if visit is not None or collect:
        jobs = 1
    elif jobs is None:
        jobs = passes.default_jobs(files)
    if columnar is None:
        columnar = sum(p.stat().st_size for p in files if p.is_file()) >= COLUMNAR_BYTES
    if columnar or keep_columns:
        import duckdb

        from .columnar import scan

        try:
            found = scan.scan(
                project,
                files,
                visit=_collector(project, visit, collect),
                prepare=prepare,
                progress=progress,
                sink=sink,
                jobs=jobs,
                keep_columns=keep_columns,
            )
        except duckdb.OutOfMemoryException as exc:
            raise OutOfMemoryError(out_of_memory("checking the records", exc)) from None
        for records in project.records.values():
            records.sort(key=lambda r: r.raw.id)
        return project, sorted(set(found), key=_order)
    ctx = passes.Context(root=root, sink=sink, visit=_collector(project, visit, collect))
    problems: list[Problem] = []
    index = passes.EntryIndex()
    sources: dict[str, SourceRecord] = {}
    source_raws: dict[str, RawRecord] = {}
    keep = _yaml_cache_plan(files) if jobs <= 1 else set()
    task = progress.task("validate: pass 1", len(files)) if progress else None
    for path, result in zip(
        files,
        passes.run(ctx, passes.pass1_file, [(root, p, p in keep) for p in files], jobs),
        strict=True,
    ):
        problems.extend(result.problems)
        ctx.complete = ctx.complete and not result.problems
        if result.raws is not None:
            ctx.cache[path] = result.raws
        for item in result.records:
            problems.extend(item.problems)
            first = index.get(item.id) if item.id else None
            if first is not None:
                problems.append(cross_checks.duplicate_id(item.id, item.entry, first))
            if not item.id or first is not None:
                continue
            problems.extend(item.review)
            if item.source is not None:
                sources[item.id], source_raws[item.id] = item.source
            index.add(item.id, item.entry)
        if progress and task is not None:
            progress.advance(task)
    problems += cross_checks.check_source_files(root, sources, source_raws, ctx.texts)
    project.texts = ctx.texts
    del source_raws
    if prepare is not None:
        prepare(index, sources)
    if sink is not None:
        sink.prepare(index, sources, ctx.texts)
    project.counts = _counts(index)
    ctx.index, ctx.sources = index, sources
    task = progress.task("validate: pass 2", len(files)) if progress else None
    parts = [(p, f"part-{i:05d}") for i, p in enumerate(files)]
    for found, part in passes.run(ctx, passes.pass2_file, parts, jobs):
        problems.extend(found)
        if sink is not None:
            sink.merge(part)
        if progress and task is not None:
            progress.advance(task)
    for records in project.records.values():
        records.sort(key=lambda r: r.raw.id)
    return project, sorted(set(problems), key=_order)


def _collector(project: Project, visit: Visitor | None, collect: bool) -> Visitor | None:
    """The pass-2 visitor: `visit`, plus collecting valid records into `project` if asked."""
    if not collect:
        return visit

    def both(raw: RawRecord, model: CuratedRecord, status: ReviewStatus) -> None:
        project.records[raw.table].append(ValidRecord(raw, model, status))
        if visit is not None:
            visit(raw, model, status)

    return both


def _yaml_cache_plan(files: list[Path]) -> set[Path]:
    """YAML files whose parsed records pass 1 keeps for pass 2 (about YAML_CACHE_RECORDS)."""
    keep: set[Path] = set()
    budget = YAML_CACHE_RECORDS * 600  # ~600 bytes of YAML per record
    for path in files:
        if path.suffix == ".yaml" and path.is_file():
            size = path.stat().st_size
            if size <= budget:
                keep.add(path)
                budget -= size
    return keep


def _counts(index: Mapping[str, Entry]) -> dict[str, dict[ReviewStatus, int]]:
    counts: dict[str, dict[ReviewStatus, int]] = {t: {} for t in CURATED_TABLES}
    for entry in index.values():
        if entry.status is not None:
            table = counts[entry.table]
            table[entry.status] = table.get(entry.status, 0) + 1
    return counts


def validate_project(root: Path) -> Project:
    """``load_project`` that raises ``InputError`` (one line per problem) when anything is wrong."""
    project, problems = load_project(root)
    if problems:
        raise InputError([str(p) for p in problems])
    return project


def _order(problem: Problem) -> tuple[str, int, str, str, str]:
    return (problem.path, problem.line, problem.record_id, problem.field, problem.message)
