"""Arrow (Parquet) schemas of the released tables, derived from the pydantic row models.

One rule per Python type: ``date`` -> date32, ``int`` -> int64, ``bool`` -> bool, ``str`` ->
string, ``StrEnum`` -> dictionary<int32, string>, ``list[X]`` -> list<X>, a model -> struct.
A field is non-nullable when the model requires a value (its type does not admit None).
Every field carries its model description in the field metadata under ``b"description"``.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from enum import Enum
from typing import Any

import pyarrow as pa
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..models import TABLES
from ..models.base import Derived

DATASET = "venezuela-crisis"
EXCLUDED_FIELDS = frozenset({"citations"})
"""Record fields that are not columns: citations become rows of citations.parquet."""

DICTIONARY = pa.dictionary(pa.int32(), pa.string())
"""The Arrow type of every enum (controlled vocabulary) column."""


def columns(table: str) -> list[str]:
    """Column names of a released table: record fields in model order, then derived columns."""
    fields = [n for n in TABLES[table].row.model_fields if n not in EXCLUDED_FIELDS]
    derived = [n for n in fields if n in Derived.model_fields]
    return [n for n in fields if n not in Derived.model_fields] + derived


def arrow_schema(table: str, dataset_version: str | None = None) -> pa.Schema:
    """The explicit Arrow schema of a released table (schema metadata names table and versions)."""
    spec = TABLES[table]
    model = spec.row
    fields = [_field(name, model.model_fields[name]) for name in columns(table)]
    metadata = {
        b"dataset": DATASET.encode(),
        b"table": table.encode(),
        b"schema_version": spec.schema_version.encode(),
    }
    if dataset_version is not None:
        metadata[b"dataset_version"] = dataset_version.encode()
    return pa.schema(fields, metadata=metadata)


def column_default(table: str, name: str) -> Any:
    """The value a column reads as in a release that lacks it: the row model field's default
    (``[]`` for a list, ``False`` for a flag, ...), else None."""
    info = TABLES[table].row.model_fields[name]
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
    elif info.default is PydanticUndefined:
        return None
    else:
        value = info.default
    return value.value if isinstance(value, Enum) else value


def field_type(annotation: Any) -> tuple[pa.DataType, bool]:
    """Arrow type of a Python annotation and whether it admits None."""
    inner, nullable = _strip_optional(annotation)
    return _arrow_type(inner), nullable


def unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``| None`` and ``Annotated[...]``, and whether it admitted None."""
    return _strip_optional(annotation)


def _field(name: str, info: FieldInfo) -> pa.Field:
    arrow, nullable = field_type(info.annotation)
    metadata = {b"description": (info.description or "").encode()}
    return pa.field(name, arrow, nullable=nullable, metadata=metadata)


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    annotation = _strip_annotated(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {annotation!r}: only `X | None` maps to Arrow")
        return _strip_annotated(args[0]), True
    return annotation, False


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _arrow_type(annotation: Any) -> pa.DataType:
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        item_type, _ = field_type(item)
        return pa.list_(pa.field("element", item_type))
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return DICTIONARY
        if issubclass(annotation, bool):
            return pa.bool_()
        if issubclass(annotation, int):
            return pa.int64()
        if issubclass(annotation, str):
            return pa.string()
        if issubclass(annotation, dt.datetime):
            raise TypeError("datetime fields are not part of the data model; use dates")
        if issubclass(annotation, dt.date):
            return pa.date32()
        if issubclass(annotation, BaseModel):
            return pa.struct([_field(n, f) for n, f in annotation.model_fields.items()])
    raise TypeError(
        f"no Arrow type for {annotation!r}; extend venezuela_crisis.format.arrow._arrow_type"
    )
