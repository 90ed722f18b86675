"""`vzcrisis release`: build an immutable, versioned, checksummed release directory.

load (``scan_project``: every record file checked, nothing else happens on a problem) -> read the
record files into DuckDB (``records.columns``: one typed table per curated table) -> transform in
SQL (``transform``: accepted records -> released rows with derived columns, citations rows with
independent origins and sentence bounds; no Python object per record) -> check (every reference
points to a released row, ids are unique, the version agrees with the diff against the previous
release) -> write (into ``releases/.tmp-<pid>-X.Y.Z-*``: id-sorted Parquet cast to the explicit
schema, SQLite, codebook, changes, datapackage, manifest) -> check (every checksum of the
manifest) -> ``os.rename`` to ``releases/X.Y.Z``.

Memory stays bounded whatever the size of the project: DuckDB holds the records on disk with a
memory limit (spilling to its temporary directory), each table is sorted by DuckDB and written one
row group at a time (``table_files``); later steps read one table (or a few columns) at a time
from the written files. ``partition={"events": ("year", "month")}`` writes that table as Hive
partitions (a directory).

Deterministic: the same inputs give byte-identical files (no wall-clock time: the release date is
``--date`` or the latest review date among released records). Atomic: any failure removes the
temporary directory and leaves older releases untouched. Immutable: an existing version is
refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from venezuela_crisis.errors import (
    InputError,
    OutOfMemoryError,
    ReleaseError,
    ReleaseIntegrityError,
)
from venezuela_crisis.format.arrow import arrow_schema
from venezuela_crisis.format.manifest import MANIFEST, read_manifest
from venezuela_crisis.format.versions import is_version, parse_version
from venezuela_crisis.models import TABLES

from ..progress import Progress
from ..records.columns import SCRATCH_PREFIX, Columns, FileRows, out_of_memory
from ..records.columns import load_file as load_rows
from ..records.texts import articles
from ..site.sqlite import DB_FILE, build_sqlite
from ..validate.passes import load_file
from ..validate.project import scan_project
from . import transform
from .changes import check_version, diff_release, write_changes_markdown
from .codebook import codebook_markdown
from .datapackage import SOURCE_COLUMNS, datapackage
from .derive import Rows
from .manifest import build_manifest, dump_json, write_json
from .table_files import (
    PARQUET_OPTIONS,
    ROW_GROUP,
    ReleasedTables,
    check_partition,
    write_tables,
)
from .verify import verify_release

RELEASES_DIR = "releases"
SCRATCH_PREFIXES = ("vzcrisis-spool-", SCRATCH_PREFIX)
"""Scratch directories of builds in the system temporary directory (``<prefix><pid>-*``; the
spool of builds before the columnar release, the columns' DuckDB database): removed when their
process is gone."""


@dataclass(frozen=True)
class ReleaseResult:
    """What `build_release` wrote (what ``vzcrisis release --json`` prints)."""

    version: str
    path: str
    release_date: str
    previous_version: str | None
    bump: str | None
    tables: dict[str, int]
    changes: dict[str, dict[str, int]]
    files: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form."""
        return asdict(self)

    def summary(self) -> str:
        """A few lines for people."""
        since = (
            f"{self.bump} release after {self.previous_version}"
            if self.previous_version
            else "first release"
        )
        lines = [f"released {self.version} ({since}, dated {self.release_date}) in {self.path}"]
        for table, rows in self.tables.items():
            counts = self.changes[table]
            delta = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
            lines.append(f"  {table:<10} {rows:>5} rows" + (f"  ({delta})" if delta else ""))
        lines.append(f"  {self.files + 1} files, every checksum verified")
        return "\n".join(lines)


def remove_stale(directory: Path, prefix: str) -> list[Path]:
    """Remove `prefix<pid>-*` directories left by a build that was killed (its pid is gone).

    A build names its scratch directories with its pid (the spool in the system temporary
    directory, ``releases/.tmp-<pid>-X.Y.Z-*``); one whose process no longer exists can only be a
    leftover of a kill (SIGKILL, power loss). Directories of a live process, or without a pid,
    are left alone. Returns what was removed.
    """
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    for path in directory.glob(f"{prefix}*"):
        pid = path.name[len(prefix) :].split("-", 1)[0]
        if path.is_dir() and not path.is_symlink() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def existing_versions(releases: Path) -> list[str]:
    """Versions released under `releases` (directory names X.Y.Z), oldest first."""
    if not releases.is_dir():
        return []
    names = [p.name for p in releases.iterdir() if p.is_dir() and is_version(p.name)]
    return sorted(names, key=parse_version)


def previous_version(releases: Path, version: str) -> str | None:
    """The newest existing version below `version`, or None."""
    below = [v for v in existing_versions(releases) if parse_version(v) < parse_version(version)]
    return below[-1] if below else None


def build_release(
    root: Path,
    version: str,
    *,
    release_date: dt.date | None = None,
    releases_dir: Path | None = None,
    show_progress: bool | None = False,
    partition: Mapping[str, Sequence[str]] | None = None,
    jobs: int | None = None,
) -> ReleaseResult:
    """Build releases/`version` from the project at `root` (see the module docstring).

    `show_progress`: progress bars on stderr (None: only when stderr is a terminal).
    `partition`: table -> Hive partition keys (``year``, ``month``, from its ``date``).
    `jobs`: worker processes validating record files (default: see
    ``validate.passes.default_jobs``).
    """
    parse_version(version)
    releases = releases_dir if releases_dir is not None else root / RELEASES_DIR
    target = releases / version
    if target.exists():
        raise ReleaseError(
            f"{_display(target, root)} already exists; releases are immutable: pick a new "
            "version number"
        )
    for prefix in SCRATCH_PREFIXES:
        remove_stale(Path(tempfile.gettempdir()), prefix)
    remove_stale(releases, ".tmp-")
    progress = Progress.create(show_progress)
    schemas = {table: arrow_schema(table, version) for table in TABLES}
    keys = check_partition(partition, schemas)
    with progress if progress is not None else contextlib.nullcontext():
        project, found = scan_project(root, keep_columns=True, progress=progress, jobs=jobs)
        columns = project.columns
        try:
            if found:
                raise InputError([str(p) for p in found])
            assert columns is not None  # keep_columns
            _read_unread(columns, root)
            _give_back_memory()
            texts, project.texts = articles(project.texts), {}
            transform.prepare(columns.con, columns.tables, texts)
            del texts  # DuckDB holds the texts until sources.parquet is written
            problems = transform.problems(columns.con)
            if problems:
                raise InputError(problems)
            selects = {table: transform.released_sql(columns.con, table) for table in TABLES}
            step = _Step(columns, selects, schemas, keys)
            return _publish(root, version, release_date, releases, target, step, progress)
        except duckdb.OutOfMemoryException as exc:
            raise OutOfMemoryError(out_of_memory("writing the release", exc)) from None
        finally:
            if columns is not None:
                columns.close()


def _give_back_memory() -> None:
    """Hand the memory Arrow's allocator keeps for reuse back to the system between steps (at
    a million records it kept ~120 MB of the validation's article texts and batches)."""
    pa.default_memory_pool().release_unused()


def _read_unread(columns: Columns, root: Path) -> None:
    """Records of the files the compiled reader left to the per-record path (a line it does not
    read exactly as the loader does, e.g. ``,]`` inside a string): valid here, so they are read
    with the loader and handed to DuckDB as JSON texts, with their verdict (every record of a
    project without problems is valid; its effective status is its review's)."""
    for path in columns.unread:
        raws, _ = load_file(root, path)
        if not raws:
            continue
        raw, schema_file = raws[0]
        rows = pa.table(
            {
                "_file": pa.array([r.path for r, _ in raws], pa.string()),
                "_line": pa.array([r.line for r, _ in raws], pa.int32()),
                "_id_line": pa.array([r.line_of("id") for r, _ in raws], pa.int32()),
                "_json": pa.array(
                    [json.dumps(r.data, ensure_ascii=False) for r, _ in raws], pa.string()
                ),
            }
        )
        table = columns.tables[raw.table]
        if not load_rows(
            columns.con, FileRows(path, raw.table, Path(schema_file).stem, rows), ("NULL", "TRUE")
        ):
            raise ReleaseError(f"{_display(path, root)}: its records cannot be read into columns")
        columns.con.execute(
            f'UPDATE "{table}" SET _status = (review).status WHERE _status IS NULL AND _valid'
        )


@dataclass
class _Step:
    """What the write step needs: the records in DuckDB, each table's SELECT, the schemas and
    the partitioning."""

    columns: Columns
    selects: dict[str, str]
    schemas: dict[str, pa.Schema]
    partition: dict[str, tuple[str, ...]]


def _publish(
    root: Path,
    version: str,
    release_date: dt.date | None,
    releases: Path,
    target: Path,
    step: _Step,
    progress: Progress | None,
) -> ReleaseResult:
    """Write the tables into a temporary directory, diff, check the version, write the rest,
    verify, rename."""
    previous = previous_version(releases, version)
    previous_dir = releases / previous if previous is not None else None
    previous_schemas = _previous_schemas(previous_dir)
    schema_versions = {table: spec.schema_version for table, spec in TABLES.items()}
    releases.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{os.getpid()}-{version}-", dir=releases))
    shown = _display(target, root)
    try:
        try:
            if progress is not None:
                progress.task("release: write files", 1)
            con, schemas = step.columns.con, step.schemas
            # sources first: then the article texts can go
            layout = write_tables(con, step.selects, tmp, {"sources": schemas["sources"]}, {})
            transform.forget_texts(con)
            rest = {t: s for t, s in schemas.items() if t != "sources"}
            layout |= write_tables(con, step.selects, tmp, rest, step.partition)
            layout = {table: layout[table] for table in schemas}
            step.columns.close()  # every row is written: the records' DuckDB goes
            _give_back_memory()
            tables = ReleasedTables(tmp, layout)
            changes = diff_release(version, previous_dir, previous_schemas, tables, schema_versions)
            check_version(version, changes)
            date = release_date or latest_review_date_of(tables)
            _give_back_memory()
            _write(tmp, root, version, date, previous, tables, changes)
        except OSError as exc:
            raise ReleaseError(f"writing {shown} failed: {exc}; nothing was published") from exc
        problems = verify_release(tmp)
        if problems:
            raise ReleaseIntegrityError("\n".join(problems))
        tmp.chmod(0o755)
        try:
            os.rename(tmp, target)
        except OSError as exc:
            raise ReleaseError(
                f"cannot move the release into {shown} ({exc.strerror}); was it created "
                "meanwhile? Nothing was published"
            ) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReleaseResult(
        version=version,
        path=_display(target, root),
        release_date=date.isoformat(),
        previous_version=previous,
        bump=changes["bump"],
        tables={table: files.rows for table, files in layout.items()},
        changes={
            table: {k: len(entry[k]) for k in ("added", "removed", "changed")}
            for table, entry in changes["tables"].items()
        },
        files=len(read_manifest(target)["files"]),
    )


def latest_review_date(rows: Rows) -> dt.date:
    """The latest review date among released records (the default release date)."""
    dates: list[dt.date] = [
        review.date
        for items in rows.values()
        for row in items
        if (review := getattr(row, "review", None)) is not None and review.date is not None
    ]
    if not dates:
        raise ReleaseError("no released record has a review date; pass --date YYYY-MM-DD")
    return max(dates)


def latest_review_date_of(tables: Mapping[str, pa.Table]) -> dt.date:
    """`latest_review_date` over Arrow tables (the `review.date` of every released row); a
    release being written is read a row group at a time, the dates only (the whole ``review``
    column is ~500 MB at a million records)."""
    dates: list[dt.date] = []
    for table in tables:
        if isinstance(tables, ReleasedTables):
            if "review" not in tables.column_names(table):
                continue
            for path in tables.layout[table].files:
                handle = pq.ParquetFile(tables.directory / path)
                for batch in handle.iter_batches(columns=["review.date"]):
                    dates.extend(_latest(batch.column("review")))
        elif "review" in tables[table].column_names:
            dates.extend(_latest(tables[table].column("review")))
    if not dates:
        raise ReleaseError("no released record has a review date; pass --date YYYY-MM-DD")
    return max(dates)


def _latest(review: pa.Array | pa.ChunkedArray) -> list[dt.date]:
    """The latest `date` of a `review` column (none when every one is null)."""
    latest = pc.max(pc.struct_field(review, "date")).as_py() if len(review) else None
    return [latest] if latest is not None else []


def write_parquet(data: pa.Table, path: Path) -> None:
    """Write one in-memory table as a release does (zstd, explicit schema, fixed row groups)."""
    pq.write_table(data, path, row_group_size=ROW_GROUP, **PARQUET_OPTIONS)


def _write(
    directory: Path,
    root: Path,
    version: str,
    date: dt.date,
    previous: str | None,
    tables: ReleasedTables,
    changes: dict[str, Any],
) -> None:
    build_sqlite(directory, directory / DB_FILE)
    heads = {table: tables.head(table) for table in tables}
    rows = {table: tables.rows(table) for table in tables}
    (directory / "CODEBOOK.md").write_text(
        codebook_markdown(version, heads, rows), encoding="utf-8"
    )
    write_changes_markdown(directory / "CHANGES.md", changes)
    write_json(directory / "changes.json", changes)
    sources = tables.read("sources", list(SOURCE_COLUMNS)).to_pylist()
    package = datapackage(directory, version, sources, tables.layout)
    (directory / "datapackage.json").write_text(dump_json(package), encoding="utf-8")
    manifest = build_manifest(
        directory,
        root=root,
        version=version,
        release_date=date.isoformat(),
        previous_version=previous,
        schema_versions={table: spec.schema_version for table, spec in TABLES.items()},
        layout=tables.layout,
    )
    (directory / MANIFEST).write_text(dump_json(manifest), encoding="utf-8")


def _previous_schemas(previous_dir: Path | None) -> dict[str, str]:
    if previous_dir is None:
        return {}
    problems = verify_release(previous_dir)
    if problems:
        raise ReleaseIntegrityError(
            f"previous release {previous_dir.name} does not verify; fix or restore it first:\n"
            + "\n".join(problems)
        )
    versions = read_manifest(previous_dir).get("schema_versions", {})
    return {str(k): str(v) for k, v in versions.items()} if isinstance(versions, dict) else {}


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
