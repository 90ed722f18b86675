"""Turn query rows (dicts from Arrow) into the data model's row classes, fast or validated.

Two ways, same classes, same values:

* ``validated(model)``: pydantic-core validates each batch of rows
  (``TypeAdapter(list[model])``, ``strict=False``): every constraint and validator runs. Used
  when the release files were not verified (``verify=False``), so a hand-edited Parquet file
  cannot produce rows that break the model.
* ``trusted(model)``: what ``model.model_construct`` does, with nested models and enums built
  the same way, no validation. Used for verified releases: every file matched the sha256 in
  the manifest, and the build made every released row from a record validated with these same
  field definitions plus derived columns it computed (``tests/build/release/test_rows.py``
  validates every row of a synthetic release with these models), so re-validating on every read
  would check the same bytes again. The
  trade-off: a release built by a buggy builder whose manifest still matches would not be caught
  here; ``vzcrisis verify`` plus the release's own checks are the guard for that.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import ReleaseIntegrityError

M = TypeVar("M", bound=BaseModel)
Convert = Callable[[Any], Any]


Build = Callable[[list[dict[str, Any]]], list[M]]
"""Turns row dicts (from ``pyarrow.Table.to_pylist``) into models, in order."""


def validated(model: type[M], version: str) -> Build[M]:
    """A function building validated `model` rows (one pydantic-core call per batch)."""
    adapter = _adapter(model)

    def build(rows: list[dict[str, Any]]) -> list[M]:
        try:
            return typing.cast(list[M], adapter.validate_python(rows, strict=False))
        except ValidationError as exc:
            raise ReleaseIntegrityError(
                f"release {version} has rows that do not fit {model.__name__}: {exc}"
            ) from None

    return build


@functools.cache
def _adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def trusted(model: type[M]) -> Build[M]:
    """A function building `model` rows of a verified release, without validation."""
    one = typing.cast(Callable[[dict[str, Any]], M], _trusted(model))
    return lambda rows: [one(row) for row in rows]


@functools.cache
def _trusted(model: type[BaseModel]) -> Callable[[dict[str, Any]], BaseModel]:
    converters = [
        (name, conv)
        for name, info in model.model_fields.items()
        if (conv := _converter(info.annotation)) is not None
    ]
    fields = tuple(model.model_fields)
    construct = model.model_construct
    plain = (
        model.__pydantic_post_init__ is None
        and not model.__pydantic_root_model__
        and not model.__private_attributes__
    )
    new, setattr_ = object.__new__, object.__setattr__

    def build(row: dict[str, Any]) -> BaseModel:
        for name, conv in converters:
            value = row.get(name)
            if value is not None:
                row[name] = conv(value)
        if not plain or len(row) != len(fields):
            return construct(**row)  # fills defaults of absent fields
        try:
            values = {name: row[name] for name in fields}
        except KeyError:
            return construct(**row)
        # what model_construct does for a model without extras, private attributes or
        # post-init, minus its per-field default handling (every field is present)
        obj = new(model)
        setattr_(obj, "__dict__", values)
        setattr_(obj, "__pydantic_fields_set__", set(fields))
        setattr_(obj, "__pydantic_extra__", None)
        setattr_(obj, "__pydantic_private__", None)
        return obj

    return build


def _converter(annotation: Any) -> Convert | None:
    """How to turn a plain value (from Arrow) into a value of `annotation`; None: keep it."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _converter(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return _converter(options[0])
        if any(_converter(a) is not None for a in options):
            raise TypeError(f"no fast path for {annotation!r}")  # not in the data model today
        return None
    if origin is list:
        item = _converter(typing.get_args(annotation)[0])
        if item is None:
            return None
        return lambda values: [v if v is None else item(v) for v in values]
    if origin is dict:
        value = _converter(typing.get_args(annotation)[1])
        if value is None:
            return None
        return lambda values: {k: v if v is None else value(v) for k, v in values.items()}
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        members = {m.value: m for m in annotation}
        return lambda value: members.get(value) or annotation(value)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        build = _trusted(annotation)
        return lambda value: value if isinstance(value, BaseModel) else build(dict(value))
    return None
