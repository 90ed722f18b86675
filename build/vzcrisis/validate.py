"""`vzcrisis validate`: load every curated record and check it, reporting all problems at once.

load (YAML, line numbers) -> check each record (JSON Schema of its declared version, then the
pydantic model, strict) -> transform (models, effective review status, article texts) -> check
across records (unique ids, references, source files, quotes at offsets, review gate, dates).

Other pipeline steps (release, status, review) start from ``load_project`` or
``validate_project``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from venezuela_crisis.errors import InputError
from venezuela_crisis.models import CURATED_TABLES, TABLES, ReviewStatus, SourceRecord
from venezuela_crisis.models.base import CuratedRecord

from . import crosscheck
from .checks import SchemaCheck, check_record, schema_validator
from .progress import Progress
from .records import RECORDS_DIR, Problem, RawRecord, read_record_file, record_files
from .records_jsonl import jsonl_record_files, read_jsonl_record_file
from .schemas import parse_version, published_versions, schema_path, schema_relpath


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
    texts: dict[str, str] = field(default_factory=dict)
    """Source id -> article text (UTF-8 decoded), for sources whose file checks passed."""
    records: dict[str, list[ValidRecord]] = field(
        default_factory=lambda: {t: [] for t in CURATED_TABLES}
    )
    """Every curated table -> its valid records, sorted by id (only when collected)."""
    counts: dict[str, dict[ReviewStatus, int]] = field(default_factory=dict)
    """Every curated table -> effective review status -> number of valid (unique) records."""

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


Visitor = Callable[[RawRecord, CuratedRecord, ReviewStatus], None]
"""Called in pass 2 for every record that passed every per-record check (and is unique)."""

Prepare = Callable[[Mapping[str, "Entry"], Mapping[str, SourceRecord]], None]
"""Called between the passes with the id index and the valid source records."""

YAML_CACHE_RECORDS = 20_000
"""Pass 1 keeps parsed YAML files for pass 2 up to this many records (YAML parsing is slow;
JSON Lines files are simply read again)."""


class Entry(NamedTuple):
    """What pass 1 keeps of a record: enough to check ids and references across the dataset."""

    table: str
    path: str
    line: int
    id_line: int
    status: ReviewStatus | None
    """Effective status; None when the record failed a per-record check."""


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
) -> tuple[Project, list[Problem]]:
    """Check every record in two streaming passes; memory holds only small per-record facts.

    Pass 1 reads each file, checks each record on its own (JSON Schema, model, characters,
    review hash) and keeps an ``Entry`` per id. Between the passes the article of every source
    is read. Pass 2 reads the files again and runs the checks across records (references,
    quotes, dates) on each valid record, then hands it to `visit`. With `collect`, the project
    also holds every valid record (``Project.records``), as ``load_project`` returns it.
    `prepare` is called between the passes with the id index and the valid sources.
    """
    project = Project(root=root)
    if not (root / RECORDS_DIR).is_dir():
        message = "no such directory: not a project root (run in one or pass --root DIR)"
        return project, [Problem((root / RECORDS_DIR).as_posix(), 0, "", "", message)]
    files, problems = _record_paths(root)
    index: dict[str, Entry] = {}
    sources: dict[str, SourceRecord] = {}
    source_raws: dict[str, RawRecord] = {}
    cache: dict[Path, list[tuple[RawRecord, str]]] = {}
    cached = 0
    validators: dict[str, SchemaCheck] = {}
    complete = True
    task = progress.task("validate: pass 1", len(files)) if progress else None
    for path in files:
        raws, found = _load_file(root, path)
        problems.extend(found)
        complete = complete and not found
        if path.suffix == ".yaml" and cached + len(raws) <= YAML_CACHE_RECORDS:
            cache[path] = raws
            cached += len(raws)
        for raw, schema_file in raws:
            validator = validators.get(schema_file)
            if validator is None:
                validator = validators[schema_file] = schema_validator(root / schema_file)
            model_class = TABLES[raw.table].record
            assert model_class is not None  # only curated tables get here
            model, found = check_record(raw, validator, model_class, schema_file)
            problems.extend(found)
            problems.extend(crosscheck.duplicate_id(raw, index))
            if not raw.id or raw.id in index:
                continue
            status: ReviewStatus | None = None
            if model is not None:
                status, found = crosscheck.review_status(raw, model)
                problems.extend(found)
                if isinstance(model, SourceRecord):
                    sources[raw.id], source_raws[raw.id] = model, raw
            index[raw.id] = Entry(raw.table, raw.path, raw.line, raw.line_of("id"), status)
        if progress and task is not None:
            progress.advance(task)
    texts: dict[str, str] = {}
    for sid in sorted(sources):
        text, found = crosscheck.check_source_file(root, source_raws[sid], sources[sid])
        problems.extend(found)
        if text is not None:
            texts[sid] = text
    project.texts = texts
    del source_raws
    if prepare is not None:
        prepare(index, sources)
    project.counts = _counts(index)
    task = progress.task("validate: pass 2", len(files)) if progress else None
    for path in files:
        raws = cache.pop(path) if path in cache else _load_file(root, path)[0]
        for raw, _ in raws:
            entry = index.get(raw.id)
            if (
                entry is None
                or entry.status is None
                or (entry.path, entry.line)
                != (
                    raw.path,
                    raw.line,
                )
            ):
                continue
            model_class = TABLES[raw.table].record
            assert model_class is not None
            model = model_class.model_validate_json(json.dumps(raw.data), strict=True)
            problems.extend(crosscheck.check_references(raw, model, entry.status, index, complete))
            problems.extend(crosscheck.check_quotes(raw, model, texts))
            problems.extend(crosscheck.check_date(raw, model, sources))
            if collect:
                project.records[raw.table].append(ValidRecord(raw, model, entry.status))
            if visit is not None:
                visit(raw, model, entry.status)
        if progress and task is not None:
            progress.advance(task)
    for records in project.records.values():
        records.sort(key=lambda r: r.raw.id)
    return project, sorted(set(problems), key=_order)


def _counts(index: dict[str, Entry]) -> dict[str, dict[ReviewStatus, int]]:
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


def _record_paths(root: Path) -> tuple[list[Path], list[Problem]]:
    """Every record file (YAML and JSON Lines), sorted by name."""
    return sorted([*record_files(root), *jsonl_record_files(root)]), []


def _load_file(root: Path, path: Path) -> tuple[list[tuple[RawRecord, str]], list[Problem]]:
    """Parse one record file; keep records of a known table with a published schema version.

    Returns (record, schema file path relative to root) pairs and the loading problems.
    """
    reader = read_jsonl_record_file if path.suffix == ".jsonl" else read_record_file
    parsed, problems = reader(path, root)
    if parsed is None:
        return [], problems
    table, version = parsed.table, parsed.schema_version
    if table not in CURATED_TABLES:
        line = parsed.key_lines.get("table", 1)
        message = f"unknown table {table!r}; one of: {', '.join(CURATED_TABLES)}"
        return [], [*problems, Problem(parsed.path, line, "", "table", message)]
    if not _is_version(version) or not schema_path(root, table, version).is_file():
        line = parsed.key_lines.get("schema_version", 1)
        known = ", ".join(published_versions(root, table)) or "none"
        message = (
            f"schema version {version!r} of {table} is not published "
            f"(no schema/{schema_relpath(table, version)}; published: {known})"
        )
        return [], [*problems, Problem(parsed.path, line, "", "schema_version", message)]
    schema_file = f"schema/{schema_relpath(table, version)}"
    return [(raw, schema_file) for raw in parsed.records], problems


def _is_version(version: str) -> bool:
    try:
        parse_version(version)
    except ValueError:
        return False
    return True


def _order(problem: Problem) -> tuple[str, int, str, str, str]:
    return (problem.path, problem.line, problem.record_id, problem.field, problem.message)
