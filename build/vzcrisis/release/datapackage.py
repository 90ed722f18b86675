"""datapackage.json: a Frictionless Data Package (v1) describing the release's Parquet tables.

Field types come from the Arrow schema (itself from the models): string (plain and dictionary),
integer, boolean, date, object (structs such as ``review``). List columns are declared
``"type": "any"`` with ``"x-arrow-type"``: Frictionless reads Parquet through pandas, where a list
cell is a numpy array, which its ``array`` type refuses; ``any`` keeps ``frictionless validate``
meaningful for every other column. Nullable integer columns (``amount_usd``) are declared
``number``: pandas turns an int64 column with nulls into float64 with NaN, which Frictionless's
``integer`` type refuses. Every field also carries ``x-arrow-type`` (the exact Arrow type).

Resources carry ``hash`` but no ``bytes``: Frictionless reads Parquet with pyarrow, bypassing the
loader that counts bytes, so any declared ``bytes`` fails its byte-count check. Sizes and sha256
of every file are in manifest.json and checked by ``vzcrisis verify``. A partitioned table is a
multipart resource (``path`` lists its files, no ``hash``); Frictionless reads only the first file
of a multipart Parquet resource (see docs/release-format.md).
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from venezuela_crisis.format.arrow import DATASET, EXCLUDED_FIELDS, arrow_schema, unwrap
from venezuela_crisis.format.evidence import TEXT_RIGHTS
from venezuela_crisis.format.manifest import sha256_file
from venezuela_crisis.models import TABLES
from venezuela_crisis.models.base import references

if TYPE_CHECKING:
    from .table_files import TableFiles

MEDIATYPE = "application/vnd.apache.parquet"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
SOURCE_COLUMNS = ("id", "publisher", "origin", "title", "url")
"""The columns of the sources table the package's ``sources`` list is made of."""
RIGHTS_NOTE = f"The data (records, derived columns, codebook) is licensed CC-BY-4.0. {TEXT_RIGHTS}"


def datapackage(
    release_dir: Path,
    version: str,
    sources: list[dict[str, Any]],
    layout: Mapping[str, TableFiles] | None = None,
) -> dict[str, Any]:
    """The datapackage.json content for the Parquet files already written in `release_dir`.

    A partitioned table (`layout`) is a multipart resource: ``path`` lists its files."""
    files = {t: list(layout[t].files) for t in layout} if layout is not None else {}
    return {
        "profile": "data-package",
        "name": DATASET,
        "title": "The 2025 US–Venezuela crisis: an open, cited dataset",
        "description": "Actors, events, demands, sanctions and disputes of the 2025 US–Venezuela "
        "crisis, each record backed by verbatim quotes at checked offsets. " + RIGHTS_NOTE,
        "version": version,
        "licenses": [LICENSE],
        "sources": _sources(sources),
        "resources": [
            _resource(release_dir, table, files.get(table, [f"{table}.parquet"]))
            for table in TABLES
        ],
    }


def frictionless_type(arrow: pa.DataType, nullable: bool = False) -> str:
    """Table Schema type of an Arrow type (see the module docstring for lists and nullable ints)."""
    if pa.types.is_dictionary(arrow) or pa.types.is_string(arrow):
        return "string"
    if pa.types.is_integer(arrow):
        return "number" if nullable else "integer"
    if pa.types.is_boolean(arrow):
        return "boolean"
    if pa.types.is_date(arrow):
        return "date"
    if pa.types.is_struct(arrow):
        return "object"
    if pa.types.is_list(arrow):
        return "any"
    raise TypeError(f"no Table Schema type for Arrow {arrow}")


def _resource(release_dir: Path, table: str, parts: list[str]) -> dict[str, Any]:
    spec = TABLES[table]
    schema = arrow_schema(table)
    fields = [_field(table, f) for f in schema]
    where: dict[str, Any] = {
        "path": parts[0],
        "hash": f"sha256:{sha256_file(release_dir / parts[0])}",
    }
    if len(parts) > 1 or parts[0] != f"{table}.parquet":
        where = {"path": parts}  # multipart: every file's sha256 is in manifest.json
    return {
        "profile": "tabular-data-resource",
        "name": table,
        "title": spec.title,
        "description": spec.description,
        **where,
        "format": "parquet",
        "mediatype": MEDIATYPE,
        "schema": {
            "fields": fields,
            "primaryKey": ["id"],
            "foreignKeys": _foreign_keys(table),
        },
    }


def _field(table: str, field: pa.Field) -> dict[str, Any]:
    info = TABLES[table].row.model_fields[field.name]
    out: dict[str, Any] = {
        "name": field.name,
        "type": frictionless_type(field.type, field.nullable),
        "description": (field.metadata or {}).get(b"description", b"").decode(),
        "x-arrow-type": str(field.type),
    }
    constraints: dict[str, Any] = {"required": not field.nullable}
    inner, _ = unwrap(info.annotation)
    if isinstance(inner, type) and issubclass(inner, Enum):
        constraints["enum"] = [member.value for member in inner]
    if field.name == "id":
        constraints["unique"] = True
    out["constraints"] = constraints
    return out


def _foreign_keys(table: str) -> list[dict[str, Any]]:
    """Foreign keys of the single-valued references (list references cannot be keys)."""
    model = TABLES[table].row
    out: list[dict[str, Any]] = []
    for name, target in sorted(references(model).items()):
        if name in EXCLUDED_FIELDS:
            continue
        inner, _ = unwrap(model.model_fields[name].annotation)
        if typing.get_origin(inner) is list:
            continue
        out.append({"fields": [name], "reference": {"resource": target, "fields": ["id"]}})
    return out


def _sources(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in sorted(sources, key=lambda r: str(r["id"])):
        who = row.get("publisher") or row.get("origin") or "unknown publisher"
        entry: dict[str, Any] = {"title": f"{who}: {row.get('title') or row['id']}"}
        if row.get("url"):
            entry["path"] = row["url"]
        out.append(entry)
    return out
