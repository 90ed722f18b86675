"""Per-record checks: JSON Schema (the declared version's file), then the pydantic model.

Both layers report with the same field paths (``citations[0].char_end``); a problem both reject
is reported once, with the JSON Schema's wording. Problems only the model finds (its
validators, e.g. an end date before the start date) are reported too.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError as SchemaError  # type: ignore[import-untyped]
from pydantic import ValidationError
from venezuela_crisis.models.base import CuratedRecord

from .records import Problem, RawRecord

_JSON_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "list",
    dict: "mapping",
    type(None): "null",
}


def schema_validator(path: Path) -> Draft202012Validator:
    """A draft 2020-12 validator for one schema file, checking formats (2025-02-30 is refused)."""
    return _validator(path.read_text(encoding="utf-8"))


@cache
def _validator(text: str) -> Draft202012Validator:
    schema = json.loads(text)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def dotted(parts: Iterable[Any]) -> str:
    """``("citations", 0, "char_end")`` -> ``"citations[0].char_end"``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def check_record(
    raw: RawRecord, validator: Draft202012Validator, model: type[CuratedRecord], schema_file: str
) -> tuple[CuratedRecord | None, list[Problem]]:
    """Validate one record; returns the model (None when invalid) and its problems."""
    found: list[tuple[str, str]] = []
    errors = sorted(validator.iter_errors(raw.data), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        found.extend(describe(error, schema_file))
    schema_fields = [f for f, _ in found]
    try:
        record = model.model_validate_json(json.dumps(raw.data), strict=True)
    except ValidationError as exc:
        record = None
        for err in exc.errors(include_url=False):
            message = str(err["msg"]).removeprefix("Value error, ")
            where = dotted(err["loc"])
            if err["type"] == "value_error":
                where = _blamed_field(raw.data, list(err["loc"]), message)
            if not _already_reported(where, schema_fields):
                found.append((where, message))
    problems = [Problem(raw.path, raw.line_of(f), raw.id, f, m) for f, m in dict.fromkeys(found)]
    return (record if not problems else None), problems


def _blamed_field(data: Any, loc: list[Any], message: str) -> str:
    """A model validator's error names a field first ("end_date ... is before ..."): point there."""
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return dotted(loc)
    first = message.split(" ", 1)[0].strip("`")
    if isinstance(node, dict) and first in node:
        return dotted([*loc, first])
    return dotted(loc)


def _already_reported(where: str, schema_fields: Sequence[str]) -> bool:
    for other in schema_fields:
        if where == other:
            return True
        if other and where.startswith((other + ".", other + "[")):
            return True
        if where and other.startswith((where + ".", where + "[")):
            return True
    return False


def describe(error: SchemaError, schema_file: str) -> list[tuple[str, str]]:
    """One JSON Schema error as (field path, message) pairs in the house wording."""
    where = dotted(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    prefix = f"{where}." if where else ""
    if kind == "required":
        name = _quoted_name(error.message)
        return [(prefix + name, "required field is missing")]
    if kind == "additionalProperties" and isinstance(value, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extras = [k for k in value if k not in known]
        return [(prefix + k, f"unknown field (not in {schema_file})") for k in extras]
    if kind in ("anyOf", "oneOf") and error.context:
        return _describe_alternatives(error, schema_file)
    return [(where, _message(str(kind), expected, value, error.message))]


def _describe_alternatives(error: SchemaError, schema_file: str) -> list[tuple[str, str]]:
    """Nullable fields (``X or null``): explain why the value is not a valid X."""
    branches = error.schema.get(str(error.validator), []) if isinstance(error.schema, dict) else []
    non_null = [
        i for i, b in enumerate(branches) if not (isinstance(b, dict) and b.get("type") == "null")
    ]
    nullable = len(non_null) < len(branches)
    context = [e for e in error.context or [] if e.relative_schema_path[0] in non_null]
    if len(non_null) != 1 or not context:
        return [(dotted(error.absolute_path), error.message)]
    out: list[tuple[str, str]] = []
    for sub in context:
        for where, message in describe(sub, schema_file):
            if nullable and sub.validator == "type":
                message = f"expected {_expected_type(sub.validator_value)} or null, got " + _got(
                    sub.instance
                )
            out.append((where, message))
    return out


def _message(kind: str, expected: Any, value: Any, default: str) -> str:
    if kind == "type":
        return f"expected {_expected_type(expected)}, got {_got(value)}"
    if kind == "enum":
        return f"{value!r} is not one of: {', '.join(map(str, expected))}"
    if kind == "format":
        example = {"date": " (YYYY-MM-DD)"}.get(str(expected), "")
        return f"{value!r} is not a valid {expected}{example}"
    if kind == "pattern":
        return f"{value!r} does not match the pattern {expected}"
    if kind == "maxLength":
        return f"is {len(value)} characters long, over the limit of {expected}"
    if kind == "minLength":
        return "must not be empty" if expected == 1 else f"needs at least {expected} characters"
    if kind == "minItems":
        return f"needs at least {expected} item{'s' if expected != 1 else ''}"
    if kind == "maxItems":
        return f"has {len(value)} items, over the limit of {expected}"
    if kind == "minimum":
        return f"{value} is below the minimum {expected}"
    if kind == "maximum":
        return f"{value} is above the maximum {expected}"
    return default


def _expected_type(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    plain = {"object": "mapping", "array": "list"}
    return " or ".join(plain.get(str(n), str(n)) for n in names)


def _got(value: Any) -> str:
    name = _JSON_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, dict | list):
        return name
    return f"{name} {json.dumps(value, ensure_ascii=False)}"


def _quoted_name(message: str) -> str:
    """The property named by "'x' is a required property"."""
    head = message.removesuffix(" is a required property")
    try:
        value = ast.literal_eval(head)
    except (ValueError, SyntaxError):
        return head
    return str(value)
