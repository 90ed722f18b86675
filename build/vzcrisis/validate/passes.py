"""The two validation passes, one record file at a time, in worker processes for big projects.

``project.scan_project`` drives them. Pass 1 (``pass1_file``) checks each record of a file on
its own and returns small facts per record (``Scanned``); the driver merges them in file order
(so "the first record with an id wins" does not depend on the workers) into the id index. Pass 2
(``pass2_file``) reads a file again and runs the checks across records with that index, handing
each valid record to the sink, if any (a release reads the validated records from the columns
instead: ``columnar``).

With ``jobs > 1`` both passes run in a ``fork`` process pool: the workers inherit the index, the
article texts and the sink from the driver (set in ``_CONTEXT`` just before the pool starts), so
nothing big is pickled; results come back in file order. Each part's result is merged by the
driver, so the output is the same whatever the number of workers
(``tests/build/validate/test_passes.py``).
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from venezuela_crisis.format.versions import is_version
from venezuela_crisis.models import CURATED_TABLES, TABLES, ReviewStatus, SourceRecord
from venezuela_crisis.models.base import CuratedRecord

from ..records.jsonl import read_jsonl_record_file
from ..records.load import Problem, RawRecord, read_record_file
from ..records.schemas import published_versions, schema_path, schema_relpath
from ..records.texts import ArticleTexts
from . import cross_checks
from .record_checks import SchemaCheck, check_record, schema_validator

PARALLEL_BYTES = 8 * 1024 * 1024
"""Below this many bytes of record files, both passes run in the driver process (a pool costs
more than it saves on a small project)."""


class Entry(NamedTuple):
    """What pass 1 keeps of a record: enough to check ids and references across the dataset."""

    table: str
    path: str
    line: int
    id_line: int
    status: ReviewStatus | None
    """Effective status; None when the record failed a per-record check."""


class EntryIndex(Mapping[str, Entry]):
    """Record id -> ``Entry``, packed: one int per id instead of a tuple and two ints.

    Workers of pass 2 inherit the index and look up every id; each lookup writes the reference
    count of what it returns, so the kernel copies those pages into each worker. A packed int
    per id keeps the index (and those copies) about half as big as a dict of tuples; ``Entry``
    objects are made on lookup.
    """

    _TABLES = tuple(CURATED_TABLES)
    _STATUSES: tuple[ReviewStatus | None, ...] = (None, *ReviewStatus)
    _LINE_BITS = 27  # lines of a 64 MiB file fit

    def __init__(self) -> None:
        self._packed: dict[str, int] = {}
        self._paths: list[str] = []
        self._path_ids: dict[str, int] = {}

    def add(self, record_id: str, entry: Entry) -> None:
        """Index `entry` under `record_id` (replacing any earlier one)."""
        path = self._path_ids.get(entry.path)
        if path is None:
            path = self._path_ids[entry.path] = len(self._paths)
            self._paths.append(entry.path)
        mask = (1 << self._LINE_BITS) - 1
        if entry.line > mask or entry.id_line > mask:
            raise ValueError(f"{entry.path}: line {entry.line} is past the index's limit")
        packed = path
        packed = packed << 3 | self._TABLES.index(entry.table)
        packed = packed << 2 | self._STATUSES.index(entry.status)
        packed = packed << self._LINE_BITS | entry.line
        self._packed[record_id] = packed << self._LINE_BITS | entry.id_line

    def _unpack(self, packed: int) -> Entry:
        mask = (1 << self._LINE_BITS) - 1
        id_line = packed & mask
        packed >>= self._LINE_BITS
        line = packed & mask
        packed >>= self._LINE_BITS
        status = self._STATUSES[packed & 3]
        table = self._TABLES[packed >> 2 & 7]
        return Entry(table, self._paths[packed >> 5], line, id_line, status)

    def __getitem__(self, record_id: str) -> Entry:
        return self._unpack(self._packed[record_id])

    def get(self, record_id: str, default: Any = None) -> Any:  # type: ignore[override]
        """The entry of `record_id`, or `default` (no KeyError on the hot path)."""
        packed = self._packed.get(record_id)
        return default if packed is None else self._unpack(packed)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


class Scanned(NamedTuple):
    """Pass 1's result for one record."""

    id: str
    entry: Entry
    problems: list[Problem]
    """Problems of the record on its own (reported whatever its id)."""
    review: list[Problem]
    """Review problems (a stale hash): reported only for the first record with the id."""
    source: tuple[SourceRecord, RawRecord] | None
    """A valid source record (its article is read between the passes)."""


@dataclass
class FileScan:
    """Pass 1's result for one file."""

    problems: list[Problem]
    """Problems loading the file (parse errors, unknown table or schema version)."""
    records: list[Scanned]
    raws: list[tuple[RawRecord, str]] | None = None
    """The parsed records, kept for pass 2 when the driver caches the file (YAML)."""


class Sink(Protocol):
    """Receives every valid record in pass 2, one part (record file) at a time."""

    def prepare(
        self,
        index: Mapping[str, Entry],
        sources: Mapping[str, SourceRecord],
        texts: Mapping[str, str],
    ) -> None:
        """Called by the driver between the passes, with the id index, the valid sources and
        their article texts."""

    def open_part(self, name: str) -> None:
        """Start the part of one record file (in whichever process handles the file)."""

    def add(self, raw: RawRecord, record: CuratedRecord, status: ReviewStatus) -> None:
        """One valid, unique record of the current part."""

    def close_part(self) -> Any:
        """Finish the current part; its result (picklable) goes to ``merge`` in the driver."""

    def merge(self, result: Any) -> None:
        """In the driver: take in the result of one part, in file order."""


Visitor = Callable[[RawRecord, CuratedRecord, ReviewStatus], None]
"""Called in pass 2 for every record that passed every per-record check (and is unique)."""


@dataclass
class Context:
    """What pass 2 needs: set by the driver before the workers are forked."""

    root: Path
    index: Mapping[str, Entry] = field(default_factory=dict)
    texts: dict[str, str] | ArticleTexts = field(default_factory=dict)
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    complete: bool = True
    sink: Sink | None = None
    visit: Visitor | None = None
    cache: dict[Path, list[tuple[RawRecord, str]]] = field(default_factory=dict)
    validators: dict[str, SchemaCheck] = field(default_factory=dict)


_CONTEXT: Context | None = None
"""The context of the running scan (inherited by forked workers)."""


def pass1_file(root: Path, path: Path, keep: bool = False) -> FileScan:
    """Load one file and check each record on its own (JSON Schema, model, characters, hash)."""
    raws, problems = load_file(root, path)
    validators = _CONTEXT.validators if _CONTEXT is not None else {}
    out: list[Scanned] = []
    for raw, schema_file in raws:
        validator = validators.get(schema_file)
        if validator is None:
            validator = validators[schema_file] = schema_validator(root / schema_file)
        model_class = TABLES[raw.table].record
        assert model_class is not None  # only curated tables get here
        model, found = check_record(raw, validator, model_class, schema_file)
        status: ReviewStatus | None = None
        review: list[Problem] = []
        source = None
        if model is not None and raw.id:
            status, review = cross_checks.review_status(raw, model)
            if status == ReviewStatus.accepted:
                review += cross_checks.check_attributions(raw, model, Path(schema_file).stem)
            source = (model, raw) if isinstance(model, SourceRecord) else None
        entry = Entry(raw.table, raw.path, raw.line, raw.line_of("id"), status)
        out.append(Scanned(raw.id, entry, found, review, source))
    return FileScan(problems, out, raws if keep else None)


def pass2_file(path: Path, part: str) -> tuple[list[Problem], Any]:
    """Check one file's valid records across the dataset and hand them to the sink/visitor."""
    ctx = _CONTEXT
    assert ctx is not None
    raws = ctx.cache.pop(path) if path in ctx.cache else load_file(ctx.root, path, True)[0]
    if ctx.sink is not None:
        ctx.sink.open_part(part)
    problems: list[Problem] = []
    for raw, _ in raws:
        entry = ctx.index.get(raw.id)
        if (
            entry is None
            or entry.status is None
            or (entry.path, entry.line) != (raw.path, raw.line)
        ):
            continue
        model_class = TABLES[raw.table].record
        assert model_class is not None
        text = raw.text if raw.text is not None else json.dumps(raw.data)
        model = model_class.model_validate_json(text, strict=True)
        problems.extend(
            cross_checks.check_references(raw, model, entry.status, ctx.index, ctx.complete)
        )
        problems.extend(cross_checks.check_quotes(raw, model, ctx.texts))
        problems.extend(cross_checks.check_date(raw, model, ctx.sources))
        if ctx.visit is not None:
            ctx.visit(raw, model, entry.status)
        if ctx.sink is not None:
            ctx.sink.add(raw, model, entry.status)
    return problems, ctx.sink.close_part() if ctx.sink is not None else None


def run(
    ctx: Context, task: Callable[..., Any], args: Sequence[tuple[Any, ...]], jobs: int
) -> Iterator[Any]:
    """``task(*a)`` for each of `args`, results in order: in worker processes when `jobs` > 1."""
    global _CONTEXT
    _CONTEXT = ctx
    collecting = gc.isenabled()
    gc.disable()  # millions of small acyclic objects: the cyclic GC would cost a third of the time
    try:
        if jobs <= 1 or len(args) <= 1:
            for a in args:
                yield task(*a)
            return
        pool = multiprocessing.get_context("fork").Pool(min(jobs, len(args)))
        try:
            yield from pool.imap(_call, [(task, a) for a in args], chunksize=1)
        finally:
            pool.terminate()
            pool.join()
    finally:
        _CONTEXT = None
        if collecting:
            gc.enable()


def _call(job: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    task, args = job
    return task(*args)


def default_jobs(files: Sequence[Path]) -> int:
    """Worker processes for a project: the CPUs, or 1 when the record files are small."""
    size = sum(p.stat().st_size for p in files if p.is_file())
    return (os.cpu_count() or 1) if size >= PARALLEL_BYTES else 1


def load_file(
    root: Path, path: Path, checked: bool = False
) -> tuple[list[tuple[RawRecord, str]], list[Problem]]:
    """Parse one record file; keep records of a known table with a published schema version.

    Returns (record, schema file path relative to root) pairs and the loading problems.
    `checked`: pass 2 reads a file pass 1 checked (see ``read_jsonl_record_file``).
    """
    if path.suffix == ".jsonl":
        parsed, problems = read_jsonl_record_file(path, root, checked=checked)
    else:
        parsed, problems = read_record_file(path, root)
    if parsed is None:
        return [], problems
    table, version = parsed.table, parsed.schema_version
    if table not in CURATED_TABLES:
        line = parsed.key_lines.get("table", 1)
        message = f"unknown table {table!r}; one of: {', '.join(CURATED_TABLES)}"
        return [], [*problems, Problem(parsed.path, line, "", "table", message)]
    if not is_version(version) or not schema_path(root, table, version).is_file():
        line = parsed.key_lines.get("schema_version", 1)
        known = ", ".join(published_versions(root, table)) or "none"
        message = (
            f"schema version {version!r} of {table} is not published "
            f"(no schema/{schema_relpath(table, version)}; published: {known})"
        )
        return [], [*problems, Problem(parsed.path, line, "", "schema_version", message)]
    schema_file = f"schema/{schema_relpath(table, version)}"
    return [(raw, schema_file) for raw in parsed.records], problems
