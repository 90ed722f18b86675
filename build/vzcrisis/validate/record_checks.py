"""Per-record checks: JSON Schema (the declared version's file), then the pydantic model.

Both layers report with the same field paths (``citations[0].char_end``); a problem both reject
is reported once, with the JSON Schema's wording. Problems only the model finds (its
validators, e.g. an end date before the start date) are reported too.

Before both, every string of the record is scanned for characters no curated text needs:
control characters (other than tab and line feed), Unicode bidi controls such as U+202E
RIGHT-TO-LEFT OVERRIDE (they make text display differently from what it is), line/paragraph
separators, U+FEFF and lone surrogates. Verbatim quotes are exempt: they must equal the article
text, which the quote check compares exactly.
"""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError as SchemaError  # type: ignore[import-untyped]
from pydantic import ValidationError
from venezuela_crisis.models.base import CuratedRecord

from ..records.load import BIDI_CONTROLS, Problem, RawRecord, shorten

_JSON_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "list",
    dict: "mapping",
    type(None): "null",
}


_SUSPECT_UTF8 = re.compile(
    b"\\x7f|\\xc2[\\x80-\\x9f]|\\xd8\\x9c|\\xe2\\x80[\\x8e\\x8f\\xa8-\\xae]|\\xe2\\x81[\\xa6-\\xa9]"
    b"|\\xef\\xbb\\xbf|\\xed[\\xa0-\\xbf]"
)
"""The UTF-8 bytes of every character ``unsafe_characters`` may refuse that JSON does not escape:
U+007F-U+009F, U+061C, U+200E/F, U+2028-U+202E, U+2066-U+2069, U+FEFF and (with
``surrogatepass``) lone surrogates U+D800-U+DFFF. Searched in bytes: several times faster than
the same character class over a str."""
_JSON_ESCAPES = ("\\u00", "\\b", "\\f", "\\r")
"""What ``json.dumps`` writes for a control character below U+0020 (other than tab, newline)."""


def maybe_suspect(text: str) -> bool:
    """False when no string of the record dumped as `text` (``json.dumps(ensure_ascii=False)``)
    holds a character ``unsafe_characters`` may refuse: then the per-string scan is skipped.
    True only means: scan."""
    if any(escape in text for escape in _JSON_ESCAPES):
        return True
    if text.isascii():
        return "\x7f" in text
    return _SUSPECT_UTF8.search(text.encode("utf-8", "surrogatepass")) is not None


class SchemaCheck:
    """The JSON Schema of one published version: the `jsonschema` library and a fast pre-check.

    ``fast`` (jsonschema-rs, compiled, draft 2020-12 with format assertion) answers only "valid or
    not"; a record it does not accept, or cannot read, goes to ``validator`` (the `jsonschema`
    library), which decides and words every problem. Both implement the same draft with formats
    asserted, so they agree (``tests/build/release/test_streaming.py`` shows it on the hostile
    corpus); the only effect of a disagreement would be a slower path, never a changed verdict,
    except a record the fast check accepts and the library refuses -- which that test looks for.
    """

    def __init__(self, text: str) -> None:
        schema = json.loads(text)
        self.validator = Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        self.fast = jsonschema_rs.validator_for(schema, validate_formats=True)

    def is_valid_fast(self, data: Any) -> bool:
        """True when the compiled validator accepts `data` (False: ask the library)."""
        try:
            return bool(self.fast.is_valid(data))
        except (ValueError, TypeError, OverflowError, UnicodeError):
            return False

    def is_valid(self, data: Any) -> bool:
        """The `jsonschema` library's verdict (what the published schema says)."""
        return bool(self.validator.is_valid(data))

    def iter_errors(self, data: Any) -> Any:
        """The library's errors for `data` (none when the fast check accepts it)."""
        if self.is_valid_fast(data):
            return iter(())
        return self.validator.iter_errors(data)


def schema_validator(path: Path) -> SchemaCheck:
    """A draft 2020-12 validator for one schema file, checking formats (2025-02-30 is refused)."""
    return _validator(path.read_text(encoding="utf-8"))


@cache
def _validator(text: str) -> SchemaCheck:
    return SchemaCheck(text)


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
    raw: RawRecord, validator: SchemaCheck, model: type[CuratedRecord], schema_file: str
) -> tuple[CuratedRecord | None, list[Problem]]:
    """Validate one record; returns the model (None when invalid) and its problems."""
    text = raw.text if raw.canonical and raw.text else json.dumps(raw.data, ensure_ascii=False)
    if validator.is_valid_fast(raw.data) and not maybe_suspect(text):
        try:  # the common case: nothing to report unless the model refuses
            return model.model_validate_json(text, strict=True), []
        except ValidationError:
            pass
    found: list[tuple[str, str]] = []
    errors = sorted(validator.iter_errors(raw.data), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        found.extend(describe(error, schema_file))
    characters = unsafe_characters(raw.data)
    found.extend(c for c in characters if c[0] not in {f for f, _ in found})
    schema_fields = [f for f, _ in found]
    record: CuratedRecord | None = None
    try:
        if any(_is_surrogate(m) for _, m in characters):
            raise _Skip  # not encodable as JSON text: already reported, the model cannot parse it
        record = model.model_validate_json(json.dumps(raw.data), strict=True)
    except _Skip:
        pass
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            message = _model_message(err)
            where = dotted(err["loc"])
            if err["type"] == "value_error":
                where = _blamed_field(raw.data, list(err["loc"]), message)
            if not _already_reported(where, schema_fields):
                found.append((where, message))
    problems = [Problem(raw.path, raw.line_of(f), raw.id, f, m) for f, m in dict.fromkeys(found)]
    return (record if not problems else None), problems


class _Skip(Exception):
    """Internal: skip the model step."""


_MODEL_TYPES = {
    "int_type": "integer",
    "int_parsing": "integer",
    "string_type": "string",
    "bool_type": "boolean",
    "float_type": "number",
    "list_type": "list",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "date_type": "date",
}
"""pydantic error types worded like the JSON Schema's ``expected X, got Y``."""


def _model_message(err: Any) -> str:
    """A pydantic error in the house wording (type errors as ``expected X, got Y``)."""
    expected = _MODEL_TYPES.get(str(err["type"]))
    if expected is not None and "input" in err:
        return f"expected {expected}, got {_got(err['input'])}"
    return str(err["msg"]).removeprefix("Value error, ")


def unsafe_characters(data: Any, where: str = "") -> list[tuple[str, str]]:
    """(field path, message) for every string holding a character curated text never needs.

    See the module docstring; ``citations[i].quote`` is exempt (checked against the article).
    """
    out: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{where}.{key}" if where else str(key)
            if not (key == "quote" and where.startswith("citations[")):
                out.extend(unsafe_characters(value, path))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.extend(unsafe_characters(value, f"{where}[{index}]"))
    elif isinstance(data, str):
        for position, ch in enumerate(data):
            reason = _unsafe(ch)
            if reason is not None:
                message = f"contains {_char_name(ch)} ({reason}) at character {position}; remove it"
                out.append((where, message))
                break
    return out


def _unsafe(ch: str) -> str | None:
    code = ord(ch)
    if ch in "\t\n":
        return None
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "a control character"
    if code in BIDI_CONTROLS:
        return "a bidi control: it reorders how the text around it is displayed"
    if code in (0x2028, 0x2029):
        return "a line or paragraph separator"
    if code == 0xFEFF:
        return "a byte-order mark inside text"
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate, not a character"
    return None


def _is_surrogate(message: str) -> bool:
    return "(a lone surrogate," in message


def _char_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


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
        return f"{_shown(value)} is not one of: {', '.join(map(str, expected))}"
    if kind == "format":
        example = {"date": " (YYYY-MM-DD)"}.get(str(expected), "")
        return f"{_shown(value)} is not a valid {expected}{example}"
    if kind == "pattern":
        return f"{_shown(value)} does not match the pattern {expected}"
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


def _shown(value: Any) -> str:
    """repr of a value, cut when long (a hostile value can be megabytes)."""
    text = repr(value)
    return text if len(text) <= 100 else text[:99] + "…"


def _expected_type(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    plain = {"object": "mapping", "array": "list"}
    return " or ".join(plain.get(str(n), str(n)) for n in names)


def _got(value: Any) -> str:
    name = _JSON_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, dict | list):
        return name
    return f"{name} {shorten(json.dumps(value, ensure_ascii=False), 100)}"


def _quoted_name(message: str) -> str:
    """The property named by "'x' is a required property"."""
    head = message.removesuffix(" is a required property")
    try:
        value = ast.literal_eval(head)
    except (ValueError, SyntaxError):
        return head
    return str(value)
