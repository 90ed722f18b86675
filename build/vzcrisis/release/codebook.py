"""CODEBOOK.md: every table and field of a release, generated from the models.

For each table: its description and schema version, one row per column (Arrow type, required,
description, referenced table), the allowed values of each vocabulary with their meaning
(``VOCAB_DOCS``), nested struct fields, and the first row of the release as an example.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from enum import Enum
from typing import Any

import pyarrow as pa
from pydantic import BaseModel
from venezuela_crisis.format.arrow import DATASET, unwrap
from venezuela_crisis.format.evidence import ATTRIBUTION_RULE, DISPUTE_CRITERION, TEXT_RIGHTS
from venezuela_crisis.models import TABLES, VOCAB_DOCS
from venezuela_crisis.models.base import references


def codebook_markdown(
    version: str, tables: Mapping[str, pa.Table], rows: Mapping[str, int] | None = None
) -> str:
    """The codebook of release `version` whose tables are `tables`.

    With `rows` (row counts), `tables` may hold only the first row of each table."""
    lines = [
        f"# Codebook: {DATASET} {version}",
        "",
        "Generated from the data model (`venezuela_crisis.models`); do not edit by hand.",
        "Only records accepted in hand review are released. Columns whose description starts",
        "with *Derived* are computed at release time, never written by hand. Types are the",
        "Arrow types of the Parquet files (see docs/release-format.md).",
        "",
    ]
    lines += [f"- [{t}](#{t}): {TABLES[t].description}" for t in tables] + [""]
    lines += ["## Evidence: attribution and independent origins", "", ATTRIBUTION_RULE]
    lines += ["## What counts as a dispute", "", DISPUTE_CRITERION]
    lines += ["## Article texts", "", TEXT_RIGHTS, ""]
    for table, data in tables.items():
        count = rows[table] if rows is not None else data.num_rows
        lines += _table_section(table, data, count)
    return "\n".join(lines).rstrip("\n") + "\n"


def _table_section(table: str, data: pa.Table, count: int) -> list[str]:
    spec = TABLES[table]
    refs = references(spec.row)
    lines = [
        f"## {table}",
        "",
        f"{spec.title}: {spec.description}",
        "",
        f"Schema version {spec.schema_version}. Rows: {count}, one per `id`.",
        "",
        "| column | type | required | description |",
        "| --- | --- | --- | --- |",
    ]
    vocabularies: list[type[Enum]] = []
    structs: list[tuple[str, type[BaseModel]]] = []
    for field in data.schema:
        info = spec.row.model_fields[field.name]
        description = (field.metadata or {}).get(b"description", b"").decode()
        if field.name in refs:
            description += f" → `{refs[field.name]}.id`"
        required = "no" if field.nullable else "yes"
        arrow = short_type(field.type)
        lines.append(f"| `{field.name}` | `{arrow}` | {required} | {_cell(description)} |")
        _collect(info.annotation, field.name, vocabularies, structs)
    lines.append("")
    for name, model in structs:
        lines += [f"`{name}` items have these fields:", ""]
        lines += ["| field | required | description |", "| --- | --- | --- |"]
        for sub, info in model.model_fields.items():
            required = "yes" if unwrap(info.annotation)[1] is False else "no"
            lines.append(f"| `{sub}` | {required} | {_cell(info.description or '')} |")
            _collect(info.annotation, f"{name}.{sub}", vocabularies, [])
        lines.append("")
    for vocab in vocabularies:
        lines += [f"Allowed values of `{vocab.__name__}`: {_cell(vocab.__doc__ or '')}", ""]
        docs = next((d for k, d in VOCAB_DOCS.items() if k is vocab), {})
        if docs:
            lines += ["| value | meaning |", "| --- | --- |"]
            lines += [f"| `{m.value}` | {_cell(docs.get(m.value, ''))} |" for m in vocab]
        else:
            lines.append(", ".join(f"`{m.value}`" for m in vocab))
        lines.append("")
    if data.num_rows:
        example = json.dumps(
            data.slice(0, 1).to_pylist()[0], indent=2, ensure_ascii=False, default=_json_default
        )
        lines += ["Example row:", "", "```json", example, "```", ""]
    return lines


def short_type(arrow: pa.DataType) -> str:
    """Arrow type for people: `list<string>`, `dictionary<int32, string>`, `struct`."""
    if pa.types.is_dictionary(arrow):
        return f"dictionary<{arrow.index_type}, {arrow.value_type}>"
    if pa.types.is_list(arrow):
        return f"list<{short_type(arrow.value_type)}>"
    if pa.types.is_struct(arrow):
        return "struct"
    return str(arrow)


def _collect(
    annotation: Any,
    name: str,
    vocabularies: list[type[Enum]],
    structs: list[tuple[str, type[BaseModel]]],
) -> None:
    inner, _ = unwrap(annotation)
    args = getattr(inner, "__args__", None)
    if getattr(inner, "__origin__", None) is list and args:
        inner, _ = unwrap(args[0])
    if isinstance(inner, type) and issubclass(inner, Enum) and inner not in vocabularies:
        vocabularies.append(inner)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        structs.append((name, inner))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot render {type(value).__name__} in the codebook")
