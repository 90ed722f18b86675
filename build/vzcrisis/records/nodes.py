"""The record model's JSON Schema as a tree of nodes, and the SQL derived from it.

``model_node(table)`` is the record of a curated table as the current model defines it (its
generated JSON Schema, ``records.schemas.record_schema``); ``schema_node`` reads any schema file
the same way. From a node come the DuckDB type of each field (``sql_type``), the structure that
reads a record's JSON into its typed values (``structure``, ``read_struct``) and the columns a
curated table has in DuckDB (``table_columns``, ``field_columns``). ``records.columns`` reads
record files into those tables; ``validate.columnar.rules`` turns a node's keywords into checks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from venezuela_crisis.models import TABLES

from .schemas import record_schema


@dataclass(frozen=True)
class Node:
    """One JSON Schema node, resolved ($ref followed, ``anyOf [X, null]`` as a nullable X)."""

    kind: str
    """string, integer, number, boolean, array, object, null (or ``?`` when not understood)."""
    nullable: bool = False
    keywords: tuple[tuple[str, Any], ...] = ()
    """Validation keywords of this node (enum, pattern, format, minLength, ...)."""
    items: Node | None = None
    properties: tuple[tuple[str, Node], ...] = ()
    required: frozenset[str] = frozenset()
    closed: bool = False
    """additionalProperties is false."""
    unknown: tuple[str, ...] = ()
    """Keywords this module does not turn into SQL (their records go to the per-record path)."""

    def get(self, keyword: str) -> Any:
        return dict(self.keywords).get(keyword)


IGNORED = frozenset({"$defs", "$id", "$schema", "default", "description", "title", "examples"})
CHECKED = frozenset(
    {"enum", "pattern", "format", "minLength", "maxLength", "minimum", "maximum", "minItems"}
    | {"maxItems"}
)


def schema_node(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Node:
    """The `Node` tree of a JSON Schema (`root` holds the ``$defs`` that ``$ref`` points to)."""
    root = schema if root is None else root
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix("#/$defs/")
        target = root.get("$defs", {}).get(name)
        if target is None or len(schema) > 1 + len(IGNORED & set(schema)):
            return Node("?", unknown=("$ref",))
        return schema_node(target, root)
    if "anyOf" in schema:
        branches = schema["anyOf"]
        real = [b for b in branches if b != {"type": "null"}]
        rest = set(schema) - IGNORED - {"anyOf"} - {k for k in schema if k.startswith("x-")}
        if len(real) != 1 or len(branches) != 2 or rest:
            return Node("?", unknown=("anyOf",))
        inner = schema_node(real[0], root)
        return Node(**{**inner.__dict__, "nullable": True})
    kind = schema.get("type")
    if not isinstance(kind, str):
        return Node("?", unknown=("type",))
    keywords = tuple(sorted((k, v) for k, v in schema.items() if k in CHECKED))
    unknown = tuple(
        k
        for k in schema
        if k not in CHECKED
        and k not in IGNORED
        and not k.startswith("x-")
        and k not in {"type", "items", "properties", "required", "additionalProperties"}
    )
    if kind == "array":
        items = schema.get("items")
        item = (
            schema_node(items, root) if isinstance(items, dict) else Node("?", unknown=("items",))
        )
        return Node(kind, keywords=keywords, items=item, unknown=unknown)
    if kind == "object":
        props = schema.get("properties", {})
        nodes = tuple((str(k), schema_node(v, root)) for k, v in props.items())
        closed = schema.get("additionalProperties") is False
        if "additionalProperties" in schema and not closed:
            unknown += ("additionalProperties",)
        required = frozenset(map(str, schema.get("required", [])))
        return Node(
            kind,
            keywords=keywords,
            properties=nodes,
            required=required,
            closed=closed,
            unknown=unknown,
        )
    return Node(kind, keywords=keywords, unknown=unknown)


@cache
def model_node(table: str) -> Node:
    """The record of `table` as the current model defines it (its generated JSON Schema)."""
    return schema_node(record_schema(table))


def sql_type(node: Node) -> str:
    """The DuckDB type of a node's typed column."""
    if node.kind == "string":
        return "DATE" if node.get("format") == "date" else "VARCHAR"
    if node.kind == "integer":
        return "BIGINT"
    if node.kind == "number":
        return "DOUBLE"
    if node.kind == "boolean":
        return "BOOLEAN"
    if node.kind == "array" and node.items is not None:
        return sql_type(node.items) + "[]"
    if node.kind == "object" and node.properties:
        return "STRUCT(" + ", ".join(f"{q(k)} {sql_type(n)}" for k, n in node.properties) + ")"
    return "JSON"


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def structure(node: Node) -> Any:
    """The ``json_transform`` structure reading a record into its values: keys sorted (so the
    struct serialises like ``json.dumps(sort_keys=True)``), dates as text (the validator checks
    them as written; the columns cast them)."""
    if node.kind == "object" and node.properties:
        return {k: structure(n) for k, n in sorted(node.properties)}
    if node.kind == "array" and node.items is not None:
        return [structure(node.items)]
    return "VARCHAR" if sql_type(node) == "DATE" else sql_type(node)


def read_struct(table: str) -> str:
    """SQL: the record (``_json``) of `table` read into its struct of values (``structure``)."""
    return f"json_transform(_json, {lit(json.dumps(structure(model_node(table))))})"


def field_columns(table: str, parsed: str = "_v") -> list[str]:
    """SELECT items for the typed field columns of `table`, from the struct `parsed`
    (``read_struct``); an absent list field reads as the model's default, the empty list."""
    record = TABLES[table].record
    assert record is not None
    out = []
    for name, node in model_node(table).properties:
        value = f"TRY_CAST({parsed}.{q(name)} AS {sql_type(node)})"
        info = record.model_fields.get(name)
        if info is not None and not info.is_required() and node.kind == "array":
            value = f"coalesce({value}, []::{sql_type(node)})"
        out.append(f"{value} AS {q(name)}")
    return out


def table_columns(table: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of every column of a curated table as the reader writes it."""
    meta = [
        ("_file", "VARCHAR"),
        ("_line", "INTEGER"),
        ("_id_line", "INTEGER"),
        ("_version", "VARCHAR"),
        ("_json", "VARCHAR"),
    ]
    return meta + [(name, sql_type(node)) for name, node in model_node(table).properties]
