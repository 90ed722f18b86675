"""Released rows built in bounded batches, straight into Arrow (the streaming release).

``RowBuilder`` is the sink (``validate.passes.Sink``) of ``validate.project.scan_project``'s
second pass, one part per record file, in whichever process validates the file: each accepted record
becomes its released row (derived ``source_count``, ``origin_count``, ``disputed``) and one
citations row per quote. Every ``BATCH`` rows of a table are appended, as an Arrow table whose
dates and vocabularies are still strings, to the table's spool file (``table_files.Spool``).
Rows are not validated again with the row model: the record part is the JSON-mode dump of a
model that has just been validated, and the derived part is computed here (two counts and a
flag); ``pa.Table.from_pylist`` with the table's loose schema refuses any value of another type,
and ``write_tables`` casts to the explicit schema (``tests/build/release/test_rows.py`` checks
that every row of a synthetic corpus validates with its row model).
``finish()`` closes the spool and checks that ids are unique;
``table_files.write_tables`` then sorts each table by id and casts it to the explicit schema
(``arrow_schema``) in bounded chunks, so the files do not depend on the order of the input files.
No Python object per row outlives its batch, and no table is held whole in memory.

The checks are those of ``derive.released_rows`` / ``derive.check_references`` with the same
problem lines; the references are checked against the ids pass 1 found accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
from venezuela_crisis.format.arrow import EXCLUDED_FIELDS, arrow_schema, columns
from venezuela_crisis.models import TABLES, ReviewStatus, SourceRecord
from venezuela_crisis.models.base import CuratedRecord, references

from ..records.load import RawRecord
from ..validate.cross_checks import Indexed
from .derive import Sources, released_record, unreleased_sources
from .table_files import Spool, duplicate_ids

BATCH = 5_000
"""Rows of one table validated and converted to Arrow at once."""


def loose_type(arrow: pa.DataType) -> pa.DataType:
    """`arrow` with dates and dictionaries as strings (what a JSON-mode dump holds)."""
    if pa.types.is_dictionary(arrow) or pa.types.is_date32(arrow):
        return pa.string()
    if pa.types.is_list(arrow):
        return pa.list_(arrow.value_field.with_type(loose_type(arrow.value_type)))
    if pa.types.is_struct(arrow):
        return pa.struct([f.with_type(loose_type(f.type)) for f in arrow])
    return arrow


class RowBuilder:
    """Collects the released rows of every table (see the module docstring)."""

    def __init__(self, version: str, spool_dir: Path) -> None:
        self.version = version
        self.index: Mapping[str, Indexed] = {}
        self.sources = Sources()
        self.problems: list[str] = []
        self.schemas = {t: arrow_schema(t, version) for t in TABLES}
        self.loose = {
            t: pa.schema([f.with_type(loose_type(f.type)) for f in s])
            for t, s in self.schemas.items()
        }
        self.names = {t: columns(t) for t in TABLES}
        self.refs = {
            t: sorted(
                (f, target)
                for f, target in references(TABLES[t].row).items()
                if f not in EXCLUDED_FIELDS
            )
            for t in TABLES
        }
        self.pending: dict[str, list[tuple[str, dict[str, Any]]]] = {t: [] for t in TABLES}
        self.spool = Spool(spool_dir, self.loose)
        self.part_problems = 0
        """Length of `problems` when the current part opened."""

    def prepare(
        self,
        index: Mapping[str, Indexed],
        sources: Mapping[str, SourceRecord],
        texts: Mapping[str, str],
    ) -> None:
        """Ids of pass 1, origins and texts of the accepted sources (between the passes)."""
        self.index = index
        origins = {
            sid: str(model.origin)
            for sid, model in sorted(sources.items())
            if self._accepted(sid, "sources")
        }
        self.sources = Sources(origins, {s: texts[s] for s in origins if s in texts})

    def add(self, raw: RawRecord, record: CuratedRecord, status: ReviewStatus) -> None:
        """Visitor: an accepted record becomes its row and citations rows."""
        if status != ReviewStatus.accepted:
            return
        table = raw.table
        data, cites = released_record(table, record, self.sources)
        self._push(table, f"{table}: {record.id}", data)
        self.problems.extend(unreleased_sources(table, record, self.sources))
        for cite in cites:
            self._push("citations", f"citations: {cite['id']}", cite)

    def open_part(self, name: str) -> None:
        """Rows from now on belong to part `name` (one record file; ``validate.passes.Sink``)."""
        self.part_problems = len(self.problems)
        self.spool.open_part(name)

    def close_part(self) -> tuple[list[str], dict[str, int]]:
        """Flush the current part: its problems and rows per table (for ``merge``)."""
        for table in TABLES:
            self._flush(table)
        found = self.problems[self.part_problems :]
        del self.problems[self.part_problems :]
        return found, self.spool.close_part()

    def merge(self, result: tuple[list[str], dict[str, int]]) -> None:
        """In the driver process: a closed part's problems and row counts."""
        found, rows = result
        self.problems.extend(found)
        self.spool.add_rows(rows)

    def finish(self) -> None:
        """Close the spool (after the last part); every duplicate id is a problem."""
        self.spool.close()
        for table in TABLES:
            for rid in duplicate_ids(self.spool, table):
                self.problems.append(f"{table}: {rid}: id: duplicate id in the release")

    def _accepted(self, rid: str, table: str) -> bool:
        entry = self.index.get(rid)
        return entry is not None and entry.table == table and entry.status == ReviewStatus.accepted

    def _push(self, table: str, where: str, data: dict[str, Any]) -> None:
        pending = self.pending[table]
        pending.append((where, data))
        if len(pending) >= BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        pending = self.pending[table]
        if not pending:
            return
        self.pending[table] = []
        names = self.names[table]
        for _, row in pending:
            self._check_row(table, row)
        data = pa.Table.from_pylist(
            [{n: row[n] for n in names} for _, row in pending], schema=self.loose[table]
        )
        self.spool.write(table, data)

    def _check_row(self, table: str, row: dict[str, Any]) -> None:
        """Every reference of a released row points to a released row."""
        if table == "citations":
            if not self._accepted(row["record_id"], row["record_table"]):
                self.problems.append(
                    f"citations: {row['id']}: record_id: {row['record_id']!r} is not a released "
                    f"{row['record_table']} row"
                )
            return
        for field, target in self.refs[table]:
            value = row.get(field)
            for ref in value if isinstance(value, list) else [value]:
                if ref is not None and not self._accepted(ref, target):
                    self.problems.append(
                        f"{table}: {row['id']}: {field}: {ref!r} is not a released {target} "
                        "row (missing, or not accepted yet)"
                    )
