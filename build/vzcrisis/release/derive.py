"""Turn accepted curated records into released rows: derived columns, citations, checks.

transform: ``released_rows`` computes ``source_count``, ``origin_count``, ``disputed`` and one
citations row per quote, and re-validates every row with its released row model.
check: ``check_references`` makes sure every reference in a released row points to a released
row (an accepted record may not point to a pending or rejected one).
Then ``arrow_table`` lays the rows out in the explicit Arrow schema, sorted by id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
from pydantic import ValidationError
from venezuela_crisis.format.arrow import EXCLUDED_FIELDS, arrow_schema, columns
from venezuela_crisis.models import TABLES, Citation
from venezuela_crisis.models.base import (
    CitationRef,
    CuratedRecord,
    Derived,
    StrictModel,
    references,
)

Rows = dict[str, list[StrictModel]]
"""Released rows per table (every table of models.TABLES), sorted by id."""


def released_rows(accepted: Callable[[str], Sequence[CuratedRecord]]) -> tuple[Rows, list[str]]:
    """Released rows of every table from the accepted records, and the problems found."""
    records = {t: list(accepted(t)) for t, spec in TABLES.items() if spec.record is not None}
    origins = {s.id: str(getattr(s, "origin", "")) for s in records.get("sources", [])}
    problems: list[str] = []
    rows: Rows = {}
    citations: list[StrictModel] = []
    for table, items in records.items():
        out: list[StrictModel] = []
        for record in items:
            data = record.model_dump(mode="json")
            if issubclass(TABLES[table].row, Derived):
                data.update(_derived(table, record, origins))
            row = _validate(TABLES[table].row, data, f"{table}: {record.id}", problems)
            if row is not None:
                out.append(row)
            for ref in record.citations:
                cite = citation_row(table, record.id, ref, origins)
                where = f"citations: {cite['id']}"
                if ref.source not in origins:
                    problems.append(f"{where}: source_id: {ref.source!r} is not a released source")
                    continue
                citation = _validate(Citation, cite, where, problems)
                if citation is not None:
                    citations.append(citation)
        rows[table] = sorted(out, key=_id)
    rows["citations"] = sorted(citations, key=_id)
    return rows, problems


def check_references(rows: Rows) -> list[str]:
    """Problems: duplicate ids, and references that do not point to a released row."""
    problems: list[str] = []
    ids: dict[str, set[str]] = {}
    for table, items in rows.items():
        seen: set[str] = set()
        for row in items:
            if _id(row) in seen:
                problems.append(f"{table}: {_id(row)}: id: duplicate id in the release")
            seen.add(_id(row))
        ids[table] = seen
    for table, items in rows.items():
        refs = {f: t for f, t in references(TABLES[table].row).items() if f not in EXCLUDED_FIELDS}
        for row in items:
            for field, target in sorted(refs.items()):
                value = getattr(row, field)
                values = value if isinstance(value, list) else [value]
                for ref in values:
                    if ref is not None and ref not in ids.get(target, set()):
                        problems.append(
                            f"{table}: {_id(row)}: {field}: {ref!r} is not a released {target} "
                            "row (missing, or not accepted yet)"
                        )
    for row in rows.get("citations", []):
        data = row.model_dump(mode="json")
        if data["record_id"] not in ids.get(data["record_table"], set()):
            problems.append(
                f"citations: {data['id']}: record_id: {data['record_id']!r} is not a released "
                f"{data['record_table']} row"
            )
    return problems


def arrow_table(table: str, rows: Sequence[StrictModel], dataset_version: str) -> pa.Table:
    """The rows of `table` in its explicit Arrow schema (rows sorted by id)."""
    schema = arrow_schema(table, dataset_version)
    names = columns(table)
    data = [
        {name: _plain(value) for name, value in row.model_dump(mode="python").items()}
        for row in sorted(rows, key=_id)
    ]
    return pa.Table.from_pylist([{n: d[n] for n in names} for d in data], schema=schema)


def _derived(table: str, record: CuratedRecord, origins: dict[str, str]) -> dict[str, Any]:
    sources = {c.source for c in record.citations}
    return {
        "source_count": len(sources),
        "origin_count": len({origins[s] for s in sources if s in origins}),
        "disputed": table == "disputes" or bool(record.disputes),
    }


def _validate(
    model: type[StrictModel], data: dict[str, Any], where: str, problems: list[str]
) -> StrictModel | None:
    try:
        return model.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "-"
            problems.append(f"{where}: {field}: {error['msg']} (released row model)")
        return None


def _id(row: StrictModel) -> str:
    return str(getattr(row, "id"))  # noqa: B009 -- every row model has an id field


def _plain(value: Any) -> Any:
    """Enum members become their string values (Arrow dictionaries of plain strings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def citation_row(
    table: str, record_id: str, ref: CitationRef, origins: dict[str, str]
) -> dict[str, Any]:
    """The released citations row of one quote (its id, ``record@source:start``, is stable)."""
    return {
        "id": f"{record_id}@{ref.source}:{ref.char_start}",
        "record_table": table,
        "record_id": record_id,
        "source_id": ref.source,
        "quote": ref.quote,
        "char_start": ref.char_start,
        "char_end": ref.char_end,
        "origin": origins.get(ref.source, ""),
    }
