"""The per-record checks as one SQL query, generated from the JSON Schema and the model.

``marked_records(table, version, schema_text)`` is a query over one file's rows (``_rows``:
``_seq``, ``_json``) returning the ``_seq`` of every record the per-record path might refuse:
the JSON Schema of the declared version and the model's own schema (the same generator, fed the
model's JSON Schema: ``records.schemas.record_schema``) and validators (``MODEL_RULES``), unsafe
characters, the review hash and the attribution gate. It is a filter: a record it does not
return is one the per-record path finds nothing to report on; one it returns goes to the
per-record path, which decides and words the problems.

Each record's JSON is parsed a few times by DuckDB, never per value: once into a struct of the
model's typed values (``json_transform``, which coerces, so...), once for the JSON type of every
field (``json_type`` with a list of paths: absent is NULL, null is 'NULL'), once for the keys of
every object (``json_keys``: unknown and duplicate keys). Lists of objects (citations,
quantities) are unnested into one row per item, checked the same way. Each JSON Schema keyword
becomes SQL; a keyword this module does not know sends every record of the schema to the
per-record path (``Unsupported``). Patterns run in RE2 (``regexp_full_match``) only on printable
ASCII values: there RE2, Python ``re`` (the `jsonschema` library) and Rust regex (pydantic) agree
on the classes our patterns use; any other value goes to the per-record path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from venezuela_crisis.format.versions import is_version, parse_version

from ...records.nodes import Node, lit, model_node, q, schema_node
from ..cross_checks import ATTRIBUTION_FROM

UNSAFE = (
    "[\\x{0}-\\x{8}\\x{b}-\\x{1f}\\x{7f}-\\x{9f}\\x{61c}\\x{200e}\\x{200f}\\x{2028}-\\x{202e}"
    "\\x{2066}-\\x{2069}\\x{feff}]"
)
"""RE2 class of the characters ``record_checks.unsafe_characters`` refuses (lone surrogates
never reach DuckDB: its JSON reader refuses them, so their file goes to the per-record path)."""
PRINTABLE_ASCII = "[\\x20-\\x7e]*"
DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
EXEMPT = frozenset({"citations[].quote"})
"""Strings the character check skips (a quote must equal the article text exactly)."""
INTEGER_TYPES = "('BIGINT', 'UBIGINT')"
"""JSON types DuckDB gives an integer. A number written with a fraction or exponent (118.0) is
a DOUBLE: JSON Schema and the model take it when it is integral (checked on its value)."""
FRACTION = '":[ ]*-?[0-9]+[.eE]'
"""A number written with a fraction or exponent after a key (its closing quote: a hash such as
``"sha256:55e9…"`` holds no number): the hash then needs the number as written (Python writes
118.0 back as 118.0), so the canonical text is rebuilt exactly."""
_UPPER_ESCAPES = ("0B", "0E", "0F", "1A", "1B", "1C", "1D", "1E", "1F")
"""Control characters DuckDB's JSON writer escapes as ``\\u00XX`` in upper case, where Python's
``json.dumps`` writes lower case (every other character is written alike)."""


class Unsupported(Exception):
    """A schema keyword this module does not turn into SQL."""


@dataclass
class Level:
    """One object level of the query: its JSON text, typed struct, types list and keys list."""

    json: str
    value: str
    paths: list[str]
    keys: str
    objects: dict[str, str]
    """Nested object field -> SQL of its keys list."""
    prefix: str = "$."
    """JSON path of this level's fields (``$."review".`` for a nested object)."""
    lists: list[str] = field(default_factory=list)
    """Top-level lists of scalars, read as lists of JSON texts into ``_l``."""

    def type_of(self, path: str) -> str:
        if path not in self.paths:
            self.paths.append(path)
        return f"_t[{self.paths.index(path) + 1}]"


def _list(items: list[str]) -> str:
    return "[" + ", ".join(lit(i) for i in items) + "]::VARCHAR[]"


def _all(parts: list[str]) -> str:
    return "(" + " AND ".join(parts) + ")" if parts else "true"


def _only(node: Node, allowed: set[str], path: str) -> None:
    extra = {k for k, _ in node.keywords} - allowed
    if node.unknown or node.kind == "?" or extra:
        raise Unsupported(f"{path}: {', '.join([*node.unknown, *sorted(extra)]) or node.kind}")


def _string(node: Node, s: str, path: str) -> list[str]:
    """Conditions on a string value `s` (VARCHAR) of a valid type."""
    _only(node, {"enum", "pattern", "format", "minLength", "maxLength"}, path)
    parts = [] if path in EXEMPT else [f"NOT regexp_matches({s}, {lit(UNSAFE)})"]
    enum = node.get("enum")
    if enum is not None:
        parts.append(f"{s} IN ({', '.join(lit(str(e)) for e in enum)})")
    pattern = node.get("pattern")
    if pattern is not None:
        if not (pattern.startswith("^") and pattern.endswith("$")):
            raise Unsupported(f"{path}: pattern {pattern}")
        parts.append(f"regexp_full_match({s}, {lit(PRINTABLE_ASCII)})")
        parts.append(f"regexp_full_match({s}, {lit(pattern[1:-1])})")
    fmt = node.get("format")
    if fmt is not None:
        if fmt != "date":
            raise Unsupported(f"{path}: format {fmt}")
        parts.append(f"regexp_full_match({s}, {lit(DATE)})")
        parts.append(f"{s} >= '0001' AND TRY_CAST({s} AS DATE) IS NOT NULL")
    for key, op in (("minLength", ">="), ("maxLength", "<=")):
        if node.get(key) is not None:
            parts.append(f"length({s}) {op} {int(node.get(key))}")
    return parts


def _number(node: Node, v: str, path: str) -> list[str]:
    _only(node, {"minimum", "maximum"}, path)
    parts = [f"{v} IS NOT NULL"]
    for key, op in (("minimum", ">="), ("maximum", "<=")):
        if node.get(key) is not None:
            parts.append(f"{v} {op} {int(node.get(key))}")
    return parts


def _field(node: Node, level: Level, name: str, path: str, required: bool) -> str:
    """SQL: field `name` of an object level is valid (absent, null, or a valid value)."""
    jpath = level.prefix + json.dumps(name)
    t = level.type_of(jpath)
    v = f"{level.value}.{q(name)}"
    kind = node.kind
    if kind == "string":
        valid = [f"{t} = 'VARCHAR'", *_string(node, v, path)]
    elif kind == "integer":
        number = f"try_cast(json_extract({level.json}, {lit(jpath)}) AS DOUBLE)"
        integral = f"(isfinite({number}) AND {number} = floor({number}))"
        # the value of a DOUBLE (118.0) is read again, only on those (rare) rows
        kinds = f"({t} IN {INTEGER_TYPES} OR CASE WHEN {t} = 'DOUBLE' THEN {integral} END)"
        valid = [kinds, *_number(node, v, path)]
    elif kind == "boolean":
        _only(node, set(), path)
        valid = [f"{t} = 'BOOLEAN'"]
    elif kind == "array" and node.items is not None:
        _only(node, {"minItems", "maxItems"}, path)
        valid = [f"{t} = 'ARRAY'"]
        for key, op in (("minItems", ">="), ("maxItems", "<=")):
            if node.get(key) is not None:
                valid.append(f"len({v}) {op} {int(node.get(key))}")
        if node.items.kind != "object":
            valid += _scalar_items(node.items, level, jpath, v, path + "[]")
    elif kind == "object" and name in level.objects:
        _only(node, set(), path)
        keys = level.objects[name]
        valid = [f"{t} = 'OBJECT'", *_object(node, level, keys, path, jpath + ".", v)]
    else:
        raise Unsupported(f"{path}: {kind}")
    # plain boolean logic: a CASE per field cost ten times more (DuckDB evaluates it row group
    # by row group with selection vectors); NULL (absent and required) ends as false
    options = [f"{t} IS NULL"] if not required else []
    options += [f"{t} = 'NULL'"] if node.nullable else []
    options.append(f"({t} <> 'NULL' AND {_all(valid)})")
    return "(" + " OR ".join(options) + ")"


def _scalar_items(item: Node, level: Level, jpath: str, v: str, path: str) -> list[str]:
    """Conditions on a list of scalars: every item's JSON type (its JSON text, from ``_l``: the
    record's lists of scalars read once as lists of JSON), then each item's value."""
    if item.nullable or item.kind not in ("string", "integer") or level.prefix != "$.":
        raise Unsupported(f"{path}: items of {item.kind}")
    name = path.removesuffix("[]")
    level.lists.append(name)
    if item.kind == "string":
        kind = "coalesce(starts_with(_j, '\"'), false)"
        inner = _string(item, "_x", path)
    else:
        kind = "coalesce(regexp_full_match(_j, '-?[0-9]+'), false)"
        inner = _number(item, "_x", path)
    types = f"coalesce(list_bool_and(list_transform(_l.{q(name)}, lambda _j: {kind})), true)"
    rule = f"coalesce(list_bool_and(list_transform({v}, lambda _x: {_all(inner)})), true)"
    return [types, rule]


def _object(node: Node, level: Level, keys: str, path: str, prefix: str, v: str) -> list[str]:
    """Conditions on one object: its keys (unknown, duplicate) and every property."""
    parts = [f"{keys} IS NOT NULL", f"len({keys}) = len(list_distinct({keys}))"]
    if node.closed:
        parts.append(f"list_has_all({_list(sorted(k for k, _ in node.properties))}, {keys})")
    sub = Level(
        level.json,
        v,
        level.paths,
        keys,
        level.objects if not prefix else {},
        prefix or "$.",
        level.lists,
    )
    for name, child in sorted(node.properties):  # sorted: the same checks of two schemas are one
        where = f"{path}.{name}" if path else name
        if child.kind == "object" and prefix:
            raise Unsupported(f"{where}: an object inside an object")
        parts.append(_field(child, sub, name, where, name in node.required))
    return parts


# -- the model's own validators (not in its JSON Schema), mirrored one by one ----------------


def _review_decided(v: str) -> str:
    r = f'{v}."review"'
    return (
        f"""({r}."status" = 'pending' OR ({r}."reviewer" IS NOT NULL AND {r}."date" IS NOT NULL))"""
    )


def _offsets(v: str) -> str:
    return (
        f'{v}."char_end" - {v}."char_start" = length({v}."quote") AND ({v}."attributed_to" '
        f"""IS NULL OR coalesce({v}."attribution" IN ('upstream', 'on_record'), false))"""
    )


def _pair(a: str, b: str) -> Callable[[str], str]:
    return lambda v: f'(({v}."{a}" IS NULL) = ({v}."{b}" IS NULL))'


def _dates(v: str) -> str:
    end, date = f'TRY_CAST({v}."end_date" AS DATE)', f'TRY_CAST({v}."date" AS DATE)'
    pair = _pair("date", "date_precision")(v)
    return f"({pair} AND ({end} IS NULL OR {date} IS NULL OR {end} >= {date}))"


MODEL_RULES: dict[tuple[str, str], tuple[str, Callable[[str], str]]] = {
    ("Review", "_decided_has_reviewer"): ("review", _review_decided),
    ("CitationRef", "_offsets_match_length"): ("citations[]", _offsets),
    ("DatedRecord", "_dates_consistent"): ("date", _dates),
    ("SourceRecord", "_published_pair"): ("published", _pair("published", "published_precision")),
}
"""(model class, validator) -> (where it applies: a field of the record, or ``citations[]`` for
each citation; the rule as SQL over the typed struct). ``tests/build/validate/test_columnar.py``
fails when a model gains a validator that is not mirrored here."""


# -- the review hash -------------------------------------------------------------------------


ABSENT_INSIDE = ',"[A-Za-z_]+":null'
ABSENT_FIRST = '\\{"[A-Za-z_]+":null,'
"""A member written for an absent key (the record's text holds no null): after another member,
or first of its object (valid records have required keys, so no object is left empty)."""


def canonical_sql(table: str) -> str:
    """SQL: ``json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` of a
    valid record of `table` without its review (what ``records.load.content_hash`` hashes).

    The record's struct of values ``_v`` has its keys (and its items' keys) sorted and DuckDB
    writes a struct in order, so only the members of absent keys need removing. When the
    record's text holds no ``:null`` (or ``: null``), every null written is an absent key (a
    null spelled otherwise only makes the hash differ: the record goes to the per-record path);
    otherwise the record is rebuilt from its own keys (slower, exact: an explicit null stays)."""
    node = model_node(table)
    body = ", ".join(f"{q(n)} := _v.{q(n)}" for n, _ in sorted(node.properties) if n != "review")
    fast = f"to_json(struct_pack({body}))::VARCHAR"
    fast = f"regexp_replace({fast}, {lit(ABSENT_INSIDE)}, '', 'g')"
    fast = f"regexp_replace({fast}, {lit(ABSENT_FIRST)}, '{{', 'g')"
    null = "(contains(_json, ':null') OR contains(_json, ': null'))"
    null = f"({null} OR regexp_matches(_json, {lit(FRACTION)}))"
    out = f"CASE WHEN {null} THEN {_exact(node)} ELSE {fast} END"
    fixed = out
    for digits in _UPPER_ESCAPES:
        fixed = f"replace({fixed}, '\\u00{digits}', '\\u00{digits.lower()}')"
    return f"CASE WHEN contains(_json, '\\u00') THEN {fixed} ELSE {out} END"


def _exact(node: Node) -> str:
    """The canonical text from the record's map: sorted entries, list items re-sorted."""
    m = "try_cast(try_cast(_json AS JSON) AS MAP(VARCHAR, JSON))"
    entries = f"list_filter(map_entries({m}), lambda _e: _e.key <> 'review')"
    sort = "to_json(map_from_entries(list_sort(map_entries(try_cast(_i AS MAP(VARCHAR, JSON))))))"
    for name, child in node.properties:
        if child.kind == "array" and child.items is not None and child.items.kind == "object":
            value = (
                f"('[' || array_to_string(list_transform(try_cast(_e.value AS JSON[]), "
                f"lambda _i: {sort}), ',') || ']')::JSON"
            )
            entries = (
                f"list_transform({entries}, lambda _e: CASE WHEN _e.key = {lit(name)} AND "
                f"_e.value IS NOT NULL THEN {{'key': _e.key, 'value': {value}}} ELSE _e END)"
            )
    return f"to_json(map_from_entries(list_sort({entries})))::VARCHAR"


# -- the checks of a file --------------------------------------------------------------------


@dataclass(frozen=True)
class Checks:
    """The SQL of one (table, schema version): see ``checks``."""

    inner: tuple[str, ...]
    """Items computed next to the record's struct ``_v``: ``_t`` (JSON types) and ``_k`` (keys)."""
    ok: str
    """Boolean over ``_v``, ``_t``, ``_k``, ``_json``: the record passes every check of its own
    (the items of its lists of objects aside)."""
    stage: tuple[str, ...]
    """Common table expressions ``_i<n> AS MATERIALIZED (...)`` over ``_parsed``: one per list
    of objects (citations, quantities), one row per item (materialised: DuckDB would parse an
    item again for each check that reads one of its types)."""
    items: str
    """Query over ``_parsed`` (the rows with ``_v``) and the ``_i<n>``: the ``_seq`` of records
    with an item that fails a check."""


@cache
def checks(table: str, version: str, schema_text: str) -> Checks | None:
    """The checks of a record of `table` declaring `version` (`schema_text`: the project's schema
    file of that version). None: the schema holds something this module does not turn into SQL,
    so every record goes to the per-record path."""
    try:
        declared = schema_node(json.loads(schema_text))
        return _checks(table, version, [declared, model_node(table)])
    except (Unsupported, ValueError, KeyError):
        return None


def _checks(table: str, version: str, nodes: list[Node]) -> Checks:
    model = model_node(table)
    objects = {n for n, c in model.properties if c.kind == "object"}
    keys = {n: f"_k[{i + 2}]" for i, n in enumerate(sorted(objects))}
    top = Level("_json", "_v", [], "_k[1]", keys)
    conds: dict[str, None] = {}
    lists: dict[str, Node] = {}
    for node in nodes:
        if {n for n, c in node.properties if c.kind == "object"} - objects:
            raise Unsupported("an object field the model does not have")
        conds.update(dict.fromkeys(_object(node, top, "_k[1]", "", "", "_v")))
        for name, child in node.properties:
            if child.kind == "array" and child.items is not None and child.items.kind == "object":
                lists.setdefault(name, dict(model.properties)[name].items or child.items)
    fields = {name for name, _ in model.properties}
    item_rules: dict[str, list[str]] = {}
    for where, rule in MODEL_RULES.values():
        if where in fields:
            conds[rule("_v")] = None
        elif where.endswith("[]") and where[:-2] in lists:
            item_rules.setdefault(where[:-2], []).append(rule("_v"))
    accepted = """_v."review"."status" = 'accepted'"""
    digest = f"'sha256:' || sha256({canonical_sql(table)})"
    conds[f'(NOT {accepted} OR _v."review"."content_hash" = {digest})'] = None
    key_paths = ["$", *(f"$.{json.dumps(n)}" for n in sorted(objects))]
    inner = (
        f"json_type(_json, {_list(top.paths)}) AS _t",
        f"json_keys(_json, {_list(key_paths)}) AS _k",
    )
    if top.lists:
        scalars = {name: ["JSON"] for name in dict.fromkeys(top.lists)}
        inner += (f"json_transform(_json, {lit(json.dumps(scalars))}) AS _l",)
    gate = is_version(version) and parse_version(version) >= ATTRIBUTION_FROM
    selects: list[str] = []
    staged: list[str] = []
    status = """_v."review"."status" = 'accepted'"""
    for name in sorted(lists):
        level = Level("_e", "_v", ["$"], "_k", {})  # _t[1]: the item's own type
        item_conds: dict[str, None] = {"_t[1] = 'OBJECT'": None}
        for node in nodes:
            child = dict(node.properties).get(name)
            if child is not None and child.items is not None and child.items.kind == "object":
                path = f"{name}[]"
                item_conds.update(dict.fromkeys(_object(child.items, level, "_k", path, "", "_v")))
        item_conds.update(dict.fromkeys(item_rules.get(name, [])))
        if gate and name == "citations":
            item_conds['(NOT _accepted OR _v."attribution" IS NOT NULL)'] = None
        each = lit(f"$.{json.dumps(name)}[*]")
        staged.append(
            f"_i{len(staged)} AS MATERIALIZED (SELECT _seq, _accepted, _iv AS _v, "
            f"_e, json_type(_e, {_list(level.paths)}) AS _t, json_keys(_e) AS _k FROM "
            f"(SELECT _seq, {status} AS _accepted, unnest(_v.{q(name)}) AS _iv, "
            f"unnest(json_extract(_json, {each})) AS _e FROM _parsed))"
        )
        selects.append(
            f"SELECT _seq FROM _i{len(staged) - 1} "
            f"WHERE NOT coalesce({_all(list(item_conds))}, false)"
        )
    items = " UNION ".join(selects) if selects else "SELECT _seq FROM _parsed WHERE false"
    return Checks(inner, f"coalesce({_all(list(conds))}, false)", tuple(staged), items)
