"""`vzcrisis validate`: load every curated record and check it, reporting all problems at once.

load (YAML, line numbers) -> check each record (JSON Schema of its declared version, then the
pydantic model, strict) -> transform (models, effective review status, article texts) -> check
across records (unique ids, references, source files, quotes at offsets, review gate, dates).

Other pipeline steps (release, status, review) start from ``load_project`` or
``validate_project``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from venezuela_crisis.errors import InputError
from venezuela_crisis.models import CURATED_TABLES, TABLES, ReviewStatus, SourceRecord
from venezuela_crisis.models.base import CuratedRecord

from . import crosscheck
from .checks import SchemaCheck, check_record, schema_validator
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
    """Every curated table -> its valid records, sorted by id."""

    def accepted(self, table: str) -> list[CuratedRecord]:
        """Models of the effective-accepted records of `table`, sorted by id."""
        return [r.model for r in self.records.get(table, []) if r.status == ReviewStatus.accepted]

    def summary(self) -> dict[str, Any]:
        """Records per table and review counts (what ``vzcrisis validate --json`` prints)."""
        counts = {s.value: 0 for s in ReviewStatus}
        for records in self.records.values():
            for record in records:
                counts[record.status.value] += 1
        return {
            "records": {t: len(self.records.get(t, [])) for t in CURATED_TABLES},
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


def load_project(root: Path) -> tuple[Project, list[Problem]]:
    """Load and check every record file under ``root``; never raises on bad content.

    Returns the project (only records that passed the per-record checks) and every problem,
    sorted by path and line.
    """
    project = Project(root=root)
    if not (root / RECORDS_DIR).is_dir():
        message = "no such directory: not a project root (run in one or pass --root DIR)"
        return project, [Problem((root / RECORDS_DIR).as_posix(), 0, "", "", message)]
    raws, problems = _load_records(root)
    complete = not problems  # a file that did not load may define referenced ids
    valid: list[tuple[RawRecord, CuratedRecord]] = []
    validators: dict[str, SchemaCheck] = {}
    for raw, schema_file in raws:
        model_class = TABLES[raw.table].record
        assert model_class is not None  # only curated tables get here
        validator = validators.get(schema_file)
        if validator is None:
            validator = validators[schema_file] = schema_validator(root / schema_file)
        model, found = check_record(raw, validator, model_class, schema_file)
        problems.extend(found)
        if model is not None:
            valid.append((raw, model))

    index, found = crosscheck.duplicate_ids([raw for raw, _ in raws])
    problems.extend(found)
    unique = [(raw, model) for raw, model in valid if index.get(raw.id) is raw]
    statuses: dict[str, ReviewStatus] = {}
    for raw, model in unique:
        status, found = crosscheck.review_status(raw, model)
        statuses[raw.id] = status
        problems.extend(found)
        project.records[raw.table].append(ValidRecord(raw, model, status))
    for records in project.records.values():
        records.sort(key=lambda r: r.raw.id)

    sources: dict[str, SourceRecord] = {}
    for record in project.records["sources"]:
        assert isinstance(record.model, SourceRecord)
        sources[record.raw.id] = record.model
        text, found = crosscheck.check_source_file(root, record.raw, record.model)
        problems.extend(found)
        if text is not None:
            project.texts[record.raw.id] = text
    for records in project.records.values():
        for record in records:
            raw, model = record.raw, record.model
            problems.extend(
                crosscheck.check_references(raw, model, record.status, index, statuses, complete)
            )
            problems.extend(crosscheck.check_quotes(raw, model, project.texts))
            problems.extend(crosscheck.check_date(raw, model, sources))
    return project, sorted(set(problems), key=_order)


def validate_project(root: Path) -> Project:
    """``load_project`` that raises ``InputError`` (one line per problem) when anything is wrong."""
    project, problems = load_project(root)
    if problems:
        raise InputError([str(p) for p in problems])
    return project


def _load_records(root: Path) -> tuple[list[tuple[RawRecord, str]], list[Problem]]:
    """Parse every record file; keep records of known tables with a published schema version.

    Returns (record, schema file path relative to root) pairs and the loading problems.
    """
    out: list[tuple[RawRecord, str]] = []
    problems: list[Problem] = []
    paths = sorted([*record_files(root), *jsonl_record_files(root)])
    for path in paths:
        reader = read_jsonl_record_file if path.suffix == ".jsonl" else read_record_file
        parsed, found = reader(path, root)
        problems.extend(found)
        if parsed is None:
            continue
        table, version = parsed.table, parsed.schema_version
        if table not in CURATED_TABLES:
            line = parsed.key_lines.get("table", 1)
            message = f"unknown table {table!r}; one of: {', '.join(CURATED_TABLES)}"
            problems.append(Problem(parsed.path, line, "", "table", message))
            continue
        if not _is_version(version) or not schema_path(root, table, version).is_file():
            line = parsed.key_lines.get("schema_version", 1)
            known = ", ".join(published_versions(root, table)) or "none"
            message = (
                f"schema version {version!r} of {table} is not published "
                f"(no schema/{schema_relpath(table, version)}; published: {known})"
            )
            problems.append(Problem(parsed.path, line, "", "schema_version", message))
            continue
        schema_file = f"schema/{schema_relpath(table, version)}"
        out.extend((raw, schema_file) for raw in parsed.records)
    return out, problems


def _is_version(version: str) -> bool:
    try:
        parse_version(version)
    except ValueError:
        return False
    return True


def _order(problem: Problem) -> tuple[str, int, str, str, str]:
    return (problem.path, problem.line, problem.record_id, problem.field, problem.message)
