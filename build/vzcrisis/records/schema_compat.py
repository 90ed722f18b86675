"""Backward compatibility of two versions of a record's JSON Schema.

``compare(old, new)`` lists the changes that can make a record valid under `old` invalid under
`new` (or break a reader of `old` data): removed or renamed fields, narrowed types, new required
fields, removed enum values, tighter constraints, new patterns or formats. An empty list means
a minor (or patch) version bump is enough.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_UPPER = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
"""Constraints where a smaller (or newly added) value is tighter."""
_LOWER = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
"""Constraints where a larger (or newly added) value is tighter."""
_EXACT = ("pattern", "format", "const", "x-references")
"""Keywords where any new or changed value is tighter (or changes meaning)."""
_JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "null", "array", "object"})


def compare(old: Schema, new: Schema) -> list[str]:
    """Breaking changes from schema `old` to schema `new`, one readable line each (sorted)."""
    out: list[str] = []
    _compare(old, old, new, new, "", out)
    return sorted(set(out))


def _resolve(schema: Any, root: Schema) -> Schema:
    """Follow local ``$ref``s (``#/$defs/X``); sibling keywords override the target's."""
    if not isinstance(schema, dict):
        return {} if schema is True else {"not": {}}
    out: Schema = schema
    seen: set[str] = set()
    while isinstance(out.get("$ref"), str) and out["$ref"].startswith("#/"):
        ref = out["$ref"]
        if ref in seen:
            break
        seen.add(ref)
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        siblings = {k: v for k, v in out.items() if k != "$ref"}
        out = {**(target if isinstance(target, dict) else {}), **siblings}
    return out


def _branches(schema: Schema, root: Schema) -> list[Schema]:
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            rest = {k: v for k, v in schema.items() if k != key}
            return [_resolve({**rest, **b}, root) for b in schema[key] if isinstance(b, dict)]
    return [schema]


def _types(schema: Schema) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list):
        types = {str(t) for t in declared}
    elif "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        types = {_type_of(v) for v in values}
    else:
        return set(_JSON_TYPES)
    if "number" in types:
        types.add("integer")
    return types


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def _where(path: str) -> str:
    return path or "(record)"


def _compare(
    old_s: Any, old_root: Schema, new_s: Any, new_root: Schema, path: str, out: list[str]
) -> None:
    old, new = _resolve(old_s, old_root), _resolve(new_s, new_root)
    old_branches, new_branches = _branches(old, old_root), _branches(new, new_root)
    if len(old_branches) > 1 or len(new_branches) > 1:
        for branch in old_branches:
            types = _types(branch)
            matches = [b for b in new_branches if types & _types(b)]
            if not matches:
                out.append(f"{_where(path)}: type narrowed: no longer accepts {_fmt(types)}")
                continue
            best = max(matches, key=lambda b: len(types & _types(b)))
            _compare(branch, old_root, best, new_root, path, out)
        return
    _compare_one(old, old_root, new, new_root, path, out)


def _compare_one(
    old: Schema, old_root: Schema, new: Schema, new_root: Schema, path: str, out: list[str]
) -> None:
    where = _where(path)
    old_types, new_types = _types(old), _types(new)
    if not old_types <= new_types:
        lost = old_types - new_types
        out.append(
            f"{where}: type narrowed from {_fmt(old_types)} to {_fmt(new_types)} "
            f"(no longer accepts {_fmt(lost)})"
        )
    if "enum" in new:
        if "enum" not in old:
            out.append(f"{where}: now restricted to the values {_fmt(new['enum'])}")
        else:
            removed = [v for v in old["enum"] if v not in new["enum"]]
            if removed:
                out.append(f"{where}: enum values removed: {_fmt(removed)}")
    for key in _UPPER:
        if key in new and (key not in old or new[key] < old[key]):
            out.append(f"{where}: {key} tightened from {old.get(key, 'none')} to {new[key]}")
    for key in _LOWER:
        if key in new and (key not in old or new[key] > old[key]):
            out.append(f"{where}: {key} tightened from {old.get(key, 'none')} to {new[key]}")
    for key in _EXACT:
        if key in new and new[key] != old.get(key):
            before = f"{old[key]!r}" if key in old else "none"
            out.append(f"{where}: {key} changed from {before} to {new[key]!r}")
    if new.get("uniqueItems") is True and old.get("uniqueItems") is not True:
        out.append(f"{where}: items must now be unique")
    if "object" in old_types & new_types:
        _compare_object(old, old_root, new, new_root, path, out)
    if "array" in old_types & new_types and ("items" in old or "items" in new):
        _compare(old.get("items", {}), old_root, new.get("items", {}), new_root, f"{path}[]", out)


def _compare_object(
    old: Schema, old_root: Schema, new: Schema, new_root: Schema, path: str, out: list[str]
) -> None:
    where = _where(path)
    old_props: Schema = old.get("properties", {})
    new_props: Schema = new.get("properties", {})
    prefix = f"{path}." if path else ""
    for name in old_props:
        if name not in new_props:
            out.append(f"{prefix}{name}: field removed (or renamed)")
        else:
            _compare(old_props[name], old_root, new_props[name], new_root, prefix + name, out)
    old_required = set(old.get("required", []))
    for name in sorted(set(new.get("required", [])) - old_required):
        out.append(f"{prefix}{name}: new required field")
    if new.get("additionalProperties") is False and old.get("additionalProperties") is not False:
        out.append(f"{where}: additional properties no longer allowed")


def _fmt(values: Any) -> str:
    items = sorted(values, key=str) if isinstance(values, set) else list(values)
    return ", ".join(str(v) for v in items)
