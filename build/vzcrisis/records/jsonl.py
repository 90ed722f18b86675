"""Load bulk record files (JSON Lines) into the same shape as the YAML loader.

`seeds/records/<name>.jsonl`: the first line is a header object
``{"schema_version": "1.0.0", "table": "events"}``, every further non-blank line is one record
(a JSON object). Parsing is ~50x faster than round-trip YAML, so large corpora (the synthetic
benchmark corpus, bulk imports) use it. Line numbers are lines of the file; every field of a
record is on the record's line. Like ``load.read_record_file`` this never raises on bad
content: problems come back as ``Problem`` lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic_core import from_json

from .load import MAX_DEPTH, MAX_FILE_BYTES, RECORDS_DIR, Problem, RawRecord, RecordFile

HEADER_KEYS = frozenset({"schema_version", "table"})


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; write a finite number or null")


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of JSON data (stops counting past `limit`)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _parse(line: str) -> Any:
    return json.loads(line, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)


def read_jsonl_record_file(
    path: Path, root: Path, *, checked: bool = False
) -> tuple[RecordFile | None, list[Problem]]:
    """Parse one JSON Lines record file. Returns the file (or None) and the loading problems.

    `checked`: the file was read before in this run (validation's second pass) and only its
    records that passed every check matter: lines are parsed with the compiled parser alone and
    keep their line as ``text`` (not canonical); a line it cannot parse goes the strict way.
    """
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                Problem(rel, 1, "", "", f"file is {size} bytes, over the {MAX_FILE_BYTES} limit")
            ]
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(rel, 1, "", "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(rel, 1, "", "", f"cannot read file: {exc.strerror}")]
    lines = text.split("\n")
    header_no = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_no is None:
        return None, [Problem(rel, 1, "", "", "empty file; the first line is the header")]
    header, problem, _ = _load_line(lines[header_no], rel, header_no + 1)
    if problem is not None:
        return None, [problem]
    header_problems = _check_header(header, rel, header_no + 1)
    if header_problems:
        return None, header_problems
    assert isinstance(header, dict)
    table, version = header["table"], header["schema_version"]
    problems: list[Problem] = []
    out: list[RawRecord] = []
    for index in range(header_no + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        data, problem, canonical = _load_line(line, rel, index + 1, checked)
        if problem is not None:
            problems.append(problem)
            continue
        if not isinstance(data, dict):
            problems.append(
                Problem(rel, index + 1, "", "", f"record is a JSON {_kind(data)}, not an object")
            )
            continue
        field_lines = dict.fromkeys(data, index + 1)
        text = line if canonical or (checked and problem is None) else None
        out.append(
            RawRecord(rel, index + 1, table, version, data, field_lines, text, canonical=canonical)
        )
    key_lines = dict.fromkeys(HEADER_KEYS, header_no + 1)
    return RecordFile(rel, table, version, out, key_lines), problems


def _load_line(
    line: str, rel: str, number: int, checked: bool = False
) -> tuple[Any, Problem | None, bool]:
    """(data, problem, whether `line` is exactly ``json.dumps(data, ensure_ascii=False)``)."""
    if checked:
        try:
            return from_json(line, allow_inf_nan=False), None, False
        except ValueError:
            pass
    fast = _fast_parse(line)
    if fast is not None:
        return fast, None, True
    try:
        data = _parse(line)
    except RecursionError:
        return None, _too_deep(rel, number), False
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (column {exc.colno})"
        return None, Problem(rel, number, "", "", message), False
    except ValueError as exc:
        return None, Problem(rel, number, _id_in(line), "", f"invalid JSON: {exc}"), False
    if _depth(data) > MAX_DEPTH:
        return None, _too_deep(rel, number), False
    return data, None, isinstance(data, dict) and _is_canonical(data, line)


def _too_deep(rel: str, number: int) -> Problem:
    return Problem(rel, number, "", "", f"nested more than {MAX_DEPTH} levels deep")


def _fast_parse(line: str) -> dict[str, Any] | None:
    """The common case, cheaply: a line exactly as ``json.dumps(ensure_ascii=False)`` writes it.

    Parsed with pydantic-core's compiled parser; the result counts only when dumping it again
    gives the line back, character for character. Then the line has no duplicate key (the parse
    would have dropped one, so the dump would be shorter), no NaN/Infinity (refused), no lone
    surrogate (dumped raw, not as the line's escape) and is exactly what ``json.loads`` reads.
    Its depth (containers and the scalars inside, as ``_depth`` counts) is at most one more than
    its number of ``{`` and ``[`` characters. Anything else (None) goes through the strict
    parse, which words the problem.
    """
    if line.count("{") + line.count("[") >= MAX_DEPTH:
        return None
    try:
        data = from_json(line, allow_inf_nan=False)
    except ValueError:
        return None
    return data if isinstance(data, dict) and _is_canonical(data, line) else None


def _is_canonical(data: Any, line: str) -> bool:
    """True when `line` is exactly ``json.dumps(data, ensure_ascii=False)``."""
    try:
        return json.dumps(data, ensure_ascii=False) == line
    except (TypeError, ValueError):
        return False


def _check_header(header: Any, rel: str, number: int) -> list[Problem]:
    if not isinstance(header, dict):
        return [
            Problem(
                rel,
                number,
                "",
                "",
                'first line must be the header {"schema_version": "…", "table": "…"}',
            )
        ]
    problems = [
        Problem(rel, number, "", key, "missing; the header declares it")
        for key in sorted(HEADER_KEYS - set(header))
    ]
    problems += [
        Problem(rel, number, "", key, "unknown header key")
        for key in sorted(set(header) - HEADER_KEYS)
    ]
    if not problems and not all(isinstance(header[k], str) for k in HEADER_KEYS):
        problems.append(
            Problem(rel, number, "", "schema_version", "schema_version and table must be strings")
        )
    return problems


def _kind(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _id_in(line: str) -> str:
    """Best-effort record id of a line that failed to parse (for the problem message)."""
    marker = '"id": "'
    start = line.find(marker)
    if start < 0:
        marker = '"id":"'
        start = line.find(marker)
    if start < 0:
        return ""
    end = line.find('"', start + len(marker))
    return line[start + len(marker) : end] if end > 0 else ""


def jsonl_record_files(root: Path) -> list[Path]:
    """Every JSON Lines record file of a project, sorted by name."""
    directory = root / RECORDS_DIR
    return sorted(p for p in directory.glob("*.jsonl") if p.is_file()) if directory.is_dir() else []
