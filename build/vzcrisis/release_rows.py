"""Released rows built in bounded batches, straight into Arrow (the streaming release).

``RowBuilder.add`` is the visitor of ``validate.scan_project``'s second pass: each accepted record
becomes its released row (derived ``source_count``, ``origin_count``, ``disputed``) and one
citations row per quote. Every ``BATCH`` rows of a table are re-validated at once with the row
model (``TypeAdapter(list[Row]).validate_json``; on a failure each row of the batch is validated
alone so the problem lines name the row), dumped in JSON mode and appended to an Arrow table whose
dates and vocabularies are still strings. ``tables()`` sorts each table by id and casts it to the
explicit schema (``arrow_schema``): dictionaries are built in sorted-row order, so the files do
not depend on the order of the input files. No Python object per row outlives its batch.

The checks are those of ``derive.released_rows`` / ``derive.check_references`` with the same
problem lines; the references are checked against the ids pass 1 found accepted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import TypeAdapter, ValidationError
from venezuela_crisis.models import TABLES, Citation, ReviewStatus, SourceRecord
from venezuela_crisis.models.base import CuratedRecord, Derived, references

from .arrow_schema import EXCLUDED_FIELDS, arrow_schema, columns
from .crosscheck import Indexed
from .derive import _derived, _validate
from .records import RawRecord

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

    def __init__(self, version: str) -> None:
        self.version = version
        self.index: Mapping[str, Indexed] = {}
        self.origins: dict[str, str] = {}
        self.problems: list[str] = []
        self.schemas = {t: arrow_schema(t, version) for t in TABLES}
        self.loose = {
            t: pa.schema([f.with_type(loose_type(f.type)) for f in s])
            for t, s in self.schemas.items()
        }
        self.names = {t: columns(t) for t in TABLES}
        self.adapters = {t: TypeAdapter(list[TABLES[t].row]) for t in TABLES}  # type: ignore[name-defined]
        self.refs = {
            t: sorted(
                (f, target)
                for f, target in references(TABLES[t].row).items()
                if f not in EXCLUDED_FIELDS
            )
            for t in TABLES
        }
        self.pending: dict[str, list[tuple[str, dict[str, Any]]]] = {t: [] for t in TABLES}
        self.parts: dict[str, list[pa.Table]] = {t: [] for t in TABLES}
        self.review_dates: list[str] = []

    def prepare(self, index: Mapping[str, Indexed], sources: Mapping[str, SourceRecord]) -> None:
        """Ids of pass 1 and origins of the accepted sources (called between the passes)."""
        self.index = index
        self.origins = {
            sid: str(model.origin)
            for sid, model in sorted(sources.items())
            if self._accepted(sid, "sources")
        }

    def add(self, raw: RawRecord, record: CuratedRecord, status: ReviewStatus) -> None:
        """Visitor: an accepted record becomes its row and citations rows."""
        if status != ReviewStatus.accepted:
            return
        table = raw.table
        data = record.model_dump(mode="json")
        if issubclass(TABLES[table].row, Derived):
            data.update(_derived(table, record, self.origins))
        self._push(table, f"{table}: {record.id}", data)
        for ref in record.citations:
            cite = {
                "id": f"{record.id}@{ref.source}:{ref.char_start}",
                "record_table": table,
                "record_id": record.id,
                "source_id": ref.source,
                "quote": ref.quote,
                "char_start": ref.char_start,
                "char_end": ref.char_end,
                "origin": self.origins.get(ref.source, ""),
            }
            where = f"citations: {cite['id']}"
            if ref.source not in self.origins:
                self.problems.append(f"{where}: source_id: {ref.source!r} is not a released source")
                continue
            self._push("citations", where, cite)

    def tables(self) -> dict[str, pa.Table]:
        """Every table sorted by id in its explicit schema (after the last `add`)."""
        out: dict[str, pa.Table] = {}
        for table in TABLES:
            self._flush(table)
            parts = self.parts.pop(table)
            data = pa.concat_tables(parts) if parts else self.loose[table].empty_table()
            data = data.take(pc.sort_indices(data, [("id", "ascending")]))
            data = data.cast(self.schemas[table]).combine_chunks()
            out[table] = data.replace_schema_metadata(self.schemas[table].metadata)
        self._check_unique(out)
        return out

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
        adapter = self.adapters[table]
        try:
            rows = adapter.validate_json(json.dumps([d for _, d in pending]))
        except ValidationError:
            model = TABLES[table].row if table != "citations" else Citation
            checked = [_validate(model, d, w, self.problems) for w, d in pending]
            rows = [r for r in checked if r is not None]
        dumped: list[dict[str, Any]] = adapter.dump_python(rows, mode="json")
        names = self.names[table]
        for row in dumped:
            self._check_row(table, row)
        data = pa.Table.from_pylist(
            [{n: row[n] for n in names} for row in dumped], schema=self.loose[table]
        )
        self.parts[table].append(data)

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

    def _check_unique(self, tables: dict[str, pa.Table]) -> None:
        for table, data in tables.items():
            ids = data.column("id")
            if pc.count_distinct(ids).as_py() != len(ids):
                counts = pc.value_counts(ids)
                for item in counts.to_pylist():
                    if item["counts"] > 1:
                        self.problems.append(
                            f"{table}: {item['values']}: id: duplicate id in the release"
                        )
