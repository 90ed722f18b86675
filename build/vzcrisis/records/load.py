"""Load curated record files (YAML) into JSON-compatible data, keeping line numbers.

This is the *load* step shared by validate, release, status and review. It never raises on bad
content: problems are collected as ``Problem`` lines so one run reports all of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    CollectionEndEvent,
    CollectionStartEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError

RECORDS_DIR = Path("seeds") / "records"
ARTICLES_DIR = Path("seeds") / "articles"
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Record files larger than this are refused (use several files)."""
MAX_DEPTH = 20
"""Deepest nesting of mappings/lists a record file may have (records need 5)."""
PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
"""The only YAML types a record file may contain: no object-constructing or custom tags."""
MAX_SHOWN = 80
"""Longest record id shown in a problem line (longer ones are cut with an ellipsis)."""


@dataclass(frozen=True)
class Problem:
    """One problem, printed as ``path:line: record-id: field: message``."""

    path: str
    line: int
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        record_id = shorten(self.record_id) if self.record_id else "-"
        line = f"{self.path}:{self.line}: {record_id}: {self.field or '-'}: {self.message}"
        return one_line(line)


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """`text` cut to `limit` characters with an ellipsis (hostile values can be megabytes)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    """`text` with line breaks and other control or bidi characters shown as escapes.

    A problem line stays one line, and a value cannot move the terminal cursor, colour the
    output or reverse the text around it.
    """
    return "".join(_escape(ch) if _unprintable(ch) else ch for ch in text)


def _unprintable(ch: str) -> bool:
    code = ord(ch)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or code in BIDI_CONTROLS
        or code in (0x2028, 0x2029, 0xFEFF)
        or 0xD800 <= code <= 0xDFFF
    )


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""Unicode Bidi_Control characters: they reorder displayed text (the "Trojan Source" trick)."""


@dataclass
class RawRecord:
    """One record as written in a file: JSON-compatible data plus where it came from."""

    path: str
    line: int
    table: str
    schema_version: str
    data: dict[str, Any]
    field_lines: dict[str, int] = field(default_factory=dict)
    text: str | None = None
    """The record's own JSON text (a JSON Lines line) that parses to exactly `data`, if known:
    model validation reuses it instead of dumping the data again."""
    canonical: bool = False
    """`text` is exactly ``json.dumps(data, ensure_ascii=False)``: the character pre-check may
    search it instead of every string of `data`."""

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else ""

    def line_of(self, field_name: str) -> int:
        """Line of a field given as a dotted path (``citations[0].char_end``).

        Falls back to the nearest enclosing field that has a line, then to the record's first line.
        """
        path = field_name
        while path:
            if path in self.field_lines:
                return self.field_lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.line


@dataclass
class RecordFile:
    """A parsed record file."""

    path: str
    table: str
    schema_version: str
    records: list[RawRecord]
    key_lines: dict[str, int] = field(default_factory=dict)
    """Line of each top-level key (``table``, ``schema_version``, ``records``)."""


def to_plain(value: Any) -> Any:
    """Convert ruamel's round-trip objects to plain JSON-compatible data (dates -> ISO strings)."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    # ruamel's ScalarInt/ScalarFloat/ScalarString subclasses become the plain built-in types
    if value is None or isinstance(value, bool):
        return value
    for plain in (int, float, str):
        if isinstance(value, plain):
            return plain(value)
    return str(value)


def content_hash(data: dict[str, Any], *, plain: bool = False) -> str:
    """sha256 of a record's content without its `review`: what the reviewer saw and accepted.

    `plain`: `data` is already plain JSON data (parsed JSON), so ``to_plain`` is skipped.
    """
    body = {k: v for k, v in (data if plain else to_plain(data)).items() if k != "review"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Constructor(RoundTripConstructor):
    """Round-trip constructor whose impossible dates (2025-02-30) are YAML errors with a line."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError as exc:
            raise ConstructorError(
                None, None, f"invalid date {node.value!r} ({exc})", node.start_mark
            ) from None


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def yaml_loader() -> YAML:
    """A round-trip YAML parser that keeps comments and line numbers and constructs no objects."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


def check_yaml_nodes(text: str) -> tuple[int, str] | None:
    """Refuse what a record file never needs: tags, anchors/aliases, deep nesting.

    Returns (line, message) of the first problem, or None. Runs on the composed node graph, so
    an alias bomb ("billion laughs") is caught before anything is expanded.
    """
    too_deep = _nesting_problem(text)
    if too_deep is not None:
        return too_deep
    root = yaml_loader().compose(text)
    if root is None:
        return None
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            return (
                line,
                "YAML anchors and aliases are not allowed in record files; write values out",
            )
        seen.add(id(node))
        if node.tag not in PLAIN_TAGS:
            return line, f"YAML tag {node.tag!r} is not allowed; use plain values"
        if getattr(node, "anchor", None):
            return (
                line,
                "YAML anchors and aliases are not allowed in record files; write values out",
            )
        if depth > MAX_DEPTH:
            return line, f"nested more than {MAX_DEPTH} levels deep"
        children: list[Node] = []
        if isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        stack.extend((child, depth + 1) for child in reversed(children))  # document order
    return None


def _nesting_problem(text: str) -> tuple[int, str] | None:
    """Refuse deep nesting while streaming parser events, before anything is composed.

    The YAML scanner slows down with every open flow collection (``[[[[...``): stopping at the
    limit keeps a hostile file from costing seconds, and composing it from a recursion error.
    """
    depth = 0
    for event in yaml_loader().parse(text):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep"
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return None


def read_record_file(path: Path, root: Path) -> tuple[RecordFile | None, list[Problem]]:
    """Parse one record file. Returns the file (or None) and the problems found while loading."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                Problem(rel, 1, "", "", f"file is {size} bytes, over the {MAX_FILE_BYTES} limit")
            ]
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(rel, 1, "", "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(rel, 1, "", "", f"cannot read file: {exc.strerror}")]
    try:
        bad = check_yaml_nodes(text)
        if bad is not None:
            return None, [Problem(rel, bad[0], "", "", bad[1])]
        doc = yaml_loader().load(text)
    except RecursionError:
        return None, [Problem(rel, 1, "", "", f"nested more than {MAX_DEPTH} levels deep")]
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        problem = str(exc.problem)
        if problem.startswith("but ") and exc.context:
            problem = f"{exc.context}, {problem}"  # "expected a single document ..., but found"
        return None, [Problem(rel, line, "", "", f"invalid YAML: {problem}")]
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else 1
        char = exc.character
        what = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        message = f"invalid YAML: character {what} is not allowed in YAML ({exc.reason})"
        return None, [Problem(rel, line, "", "", message)]
    except YAMLError as exc:
        return None, [Problem(rel, 1, "", "", f"invalid YAML: {' '.join(str(exc).split())}")]
    if not isinstance(doc, CommentedMap):
        return None, [
            Problem(rel, 1, "", "", "expected a mapping with schema_version, table, records")
        ]
    problems: list[Problem] = []
    for key in ("schema_version", "table", "records"):
        if key not in doc:
            problems.append(Problem(rel, 1, "", key, "missing; every record file declares it"))
    extra = sorted(set(map(str, doc)) - {"schema_version", "table", "records"})
    for key in extra:
        problems.append(Problem(rel, _key_line(doc, key), "", key, "unknown top-level key"))
    if problems:
        return None, problems
    version, table, records = doc["schema_version"], doc["table"], doc["records"]
    if not isinstance(version, str) or not isinstance(table, str):
        return None, [
            Problem(rel, 1, "", "schema_version", "schema_version and table must be strings")
        ]
    if not isinstance(records, CommentedSeq):
        return None, [Problem(rel, _key_line(doc, "records"), "", "records", "must be a list")]
    out: list[RawRecord] = []
    for index, item in enumerate(records):
        line = records.lc.item(index)[0] + 1
        if not isinstance(item, CommentedMap):
            problems.append(Problem(rel, line, "", "", f"record #{index + 1} is not a mapping"))
            continue
        field_lines: dict[str, int] = {}
        _collect_lines(item, "", field_lines)
        out.append(RawRecord(rel, line, table, version, to_plain(item), field_lines))
    key_lines = {str(k): _key_line(doc, k) for k in doc}
    return RecordFile(rel, table, version, out, key_lines), problems


def record_files(root: Path) -> list[Path]:
    """Every record file of a project, sorted by name."""
    directory = root / RECORDS_DIR
    return sorted(p for p in directory.glob("*.yaml") if p.is_file()) if directory.is_dir() else []


def raw_records(root: Path) -> list[RawRecord]:
    """Every record of the project's YAML record files (``record_files``), in file order; a file
    that fails to load is skipped (its problems are the validator's to report)."""
    out: list[RawRecord] = []
    for path in record_files(root):
        loaded, _ = read_record_file(path, root)
        if loaded is not None:
            out.extend(loaded.records)
    return out


def _collect_lines(node: Any, prefix: str, out: dict[str, int]) -> None:
    """Record the line of every nested field as a dotted path (``citations[0].char_end``)."""
    if isinstance(node, CommentedMap):
        for key in node:
            path = f"{prefix}.{key}" if prefix else str(key)
            out[path] = _key_line(node, key)
            _collect_lines(node[key], path, out)
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            path = f"{prefix}[{index}]"
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                out[path] = int(node.lc.item(index)[0]) + 1
            _collect_lines(item, path, out)


def _key_line(mapping: CommentedMap, key: Any) -> int:
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (KeyError, TypeError, AttributeError):
        return int(getattr(mapping.lc, "line", 0)) + 1
