"""Turn accepted curated records into released rows: derived columns, citations, checks.

transform: ``released_record`` turns one accepted record into its row (derived ``source_count``,
``origin_count``, ``disputed``; a source gets its article ``text``) and one citations row per
quote (its independent origin and sentence bounds: ``venezuela_crisis.format.evidence``);
``released_rows`` does it for every record and re-validates every row with its row model.
check: ``check_references`` makes sure every reference in a released row points to a released
row (an accepted record may not point to a pending or rejected one).
Then ``arrow_table`` lays the rows out in the explicit Arrow schema, sorted by id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

import pyarrow as pa
from pydantic import ValidationError
from venezuela_crisis.format.arrow import EXCLUDED_FIELDS, arrow_schema, columns
from venezuela_crisis.format.evidence import independent_origin, sentence_bounds
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


@dataclass
class Sources:
    """What released rows need to know of the released sources: origin and article text."""

    origins: dict[str, str] = _field(default_factory=dict)
    texts: dict[str, str] = _field(default_factory=dict)


def released_record(
    table: str, record: CuratedRecord, sources: Sources
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One accepted record's released row (JSON data) and its citations rows (those citing a
    released source; the others are problems for the caller: ``unreleased_sources``)."""
    data = record.model_dump(mode="json")
    if table == "sources":
        data["text"] = sources.texts.get(record.id)
    cites = [
        citation_row(table, record.id, ref, sources)
        for ref in record.citations
        if ref.source in sources.origins
    ]
    if issubclass(TABLES[table].row, Derived):
        data.update(_derived(table, record, cites))
    return data, cites


def unreleased_sources(table: str, record: CuratedRecord, sources: Sources) -> list[str]:
    """A problem line per citation of `record` whose source is not released."""
    return [
        f"citations: {record.id}@{ref.source}:{ref.char_start}: source_id: {ref.source!r} is "
        "not a released source"
        for ref in record.citations
        if ref.source not in sources.origins
    ]


def released_rows(
    accepted: Callable[[str], Sequence[CuratedRecord]], texts: dict[str, str]
) -> tuple[Rows, list[str]]:
    """Released rows of every table from the accepted records, and the problems found."""
    records = {t: list(accepted(t)) for t, spec in TABLES.items() if spec.record is not None}
    sources = Sources({s.id: str(getattr(s, "origin", "")) for s in records.get("sources", [])})
    sources.texts = {sid: texts[sid] for sid in sources.origins if sid in texts}
    problems: list[str] = []
    rows: Rows = {}
    citations: list[StrictModel] = []
    for table, items in records.items():
        out: list[StrictModel] = []
        for record in items:
            data, cites = released_record(table, record, sources)
            row = _validate(TABLES[table].row, data, f"{table}: {record.id}", problems)
            if row is not None:
                out.append(row)
            problems.extend(unreleased_sources(table, record, sources))
            for cite in cites:
                citation = _validate(Citation, cite, f"citations: {cite['id']}", problems)
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


def _derived(table: str, record: CuratedRecord, cites: list[dict[str, Any]]) -> dict[str, Any]:
    """Derived columns: distinct citing articles, distinct independent origins of the released
    citations (``citations.origin``), and whether the record is a version in a dispute."""
    return {
        "source_count": len({c["source_id"] for c in cites}),
        "origin_count": len({c["origin"] for c in cites}),
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


def citation_row(table: str, record_id: str, ref: CitationRef, sources: Sources) -> dict[str, Any]:
    """The released citations row of one quote (its id, ``record@source:start``, is stable)."""
    attribution = ref.attribution.value if ref.attribution is not None else None
    text = sources.texts.get(ref.source)
    start, end = (
        sentence_bounds(text, ref.char_start, ref.char_end) if text is not None else (None, None)
    )
    return {
        "id": f"{record_id}@{ref.source}:{ref.char_start}",
        "record_table": table,
        "record_id": record_id,
        "source_id": ref.source,
        "quote": ref.quote,
        "char_start": ref.char_start,
        "char_end": ref.char_end,
        "attribution": attribution,
        "attributed_to": ref.attributed_to,
        "origin": independent_origin(attribution, ref.source, sources.origins.get(ref.source, "")),
        "context_start": start,
        "context_end": end,
    }
