"""Write record files safely: round trip, surgical, atomic.

Every tool that changes a record file goes through here:

* the file is parsed with ruamel.yaml's round-trip loader (comments, key order, quoting and
  flow/block style survive);
* after a change, only the lines of the records that changed are replaced in the original text
  (everything else stays byte-identical), and the result is re-parsed and compared with the
  intended data before anything is written;
* the new text goes to a temporary file in the same directory, is fsynced, then replaces the old
  file with ``os.replace`` -- a crash leaves either the old or the new file, never half of one.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent
from venezuela_crisis.errors import InputError

from .load import to_plain, yaml_loader


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a fsynced temporary file in the same directory + os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 `text` atomically (see ``atomic_write_bytes``)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class Document:
    """A record file loaded for editing: its original text, parser settings and data."""

    path: Path
    text: str
    yaml: YAML
    data: CommentedMap

    @property
    def records(self) -> CommentedSeq:
        records = self.data.get("records")
        if not isinstance(records, CommentedSeq):
            raise InputError(f"{self.path}:1: -: records: must be a list")
        return records


def round_trip_yaml(text: str) -> YAML:
    """A round-trip YAML instance whose output style follows `text` (indents, quotes, width)."""
    yaml = yaml_loader()
    yaml.preserve_quotes = True
    yaml.width = 4096
    indent, offset = 4, 2  # the house layout: "records:\n  - id: ..."
    if any(line.lstrip().startswith("- ") for line in text.splitlines()):
        try:
            _, guessed, guessed_offset = load_yaml_guess_indent(text)
            indent, offset = guessed or indent, guessed_offset or 0
        except Exception:  # unparseable text: the real load reports it
            pass
    yaml.indent(mapping=max(indent - offset, 2), sequence=indent, offset=offset)
    return yaml


def load_document(path: Path) -> Document:
    """Parse a record file for editing; raises InputError (one line) when it cannot."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}:1: -: -: cannot read record file: {exc}") from None
    return parse_document(path, text)


def parse_document(path: Path, text: str) -> Document:
    """A Document for `path` from `text` (nothing is read or written)."""
    yaml = round_trip_yaml(text)
    try:
        data = yaml.load(text)
    except Exception as exc:
        raise InputError(f"{path}:1: -: -: invalid YAML: {_first_line(exc)}") from None
    if not isinstance(data, CommentedMap):
        raise InputError(f"{path}:1: -: -: expected a mapping with schema_version, table, records")
    return Document(path, text, yaml, data)


def update_mapping(mapping: CommentedMap, values: dict[str, Any], order: list[str]) -> None:
    """Set keys of a round-trip mapping (None deletes), order them as in `order`.

    ruamel keeps a comment that follows a block mapping (e.g. the comment above the next
    record) on the mapping's last key; when the last key changes, that trailing comment moves to
    the new last key so it stays where it was in the file (an end-of-line comment stays put).
    """
    keys = list(mapping)
    last = keys[-1] if keys else None
    entry = mapping.ca.items.get(last) if last is not None else None
    token = entry[2] if entry and len(entry) > 2 else None
    for key, value in values.items():
        if value is None:
            mapping.pop(key, None)
        else:
            mapping[key] = value
    for key in order:
        if key in mapping:
            mapping.move_to_end(key)
    new_last = list(mapping)[-1] if mapping else None
    if token is None or new_last is None or new_last == last or mapping.fa.flow_style():
        return
    text = str(token.value)
    eol, rest = ("", text)
    if text.startswith("#"):
        first, _, remainder = text.partition("\n")
        eol, rest = first + "\n", "\n" + remainder
    if last in mapping and eol:
        token.value = eol
    elif entry is not None:
        entry[2] = None
    if rest.strip():
        mapping.ca.items[new_last] = [None, None, CommentToken(rest, CommentMark(0), None), None]


def dump(yaml: YAML, data: Any) -> str:
    """Serialise round-trip data to text."""
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def save(doc: Document, changed: int) -> None:
    """Write `doc` after record `changed` was modified or appended (index into records).

    Only that record's lines change in the file; the result is checked by re-parsing before it
    replaces the file atomically. Falls back to a full round-trip dump if splicing cannot
    reproduce the data exactly.
    """
    records = doc.records
    if len(records) == 1 and changed == 0:
        records.fa.set_block_style()
    full = dump(doc.yaml, doc.data)
    text = _splice(doc, full, changed)
    if text is None or not _same(doc.yaml, text, doc.data):
        text = full
    atomic_write_text(doc.path, text)
    doc.text = text


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def _same(yaml: YAML, text: str, data: CommentedMap) -> bool:
    try:
        return bool(to_plain(yaml.load(text)) == to_plain(data))
    except Exception:
        return False


@dataclass
class _Layout:
    """Where the records of a text are: parsed list, start line of each, line the list ends."""

    records: CommentedSeq
    starts: list[int]
    end: int


def _layout(text: str, yaml: YAML) -> _Layout | None:
    try:
        data = yaml.load(text)
    except Exception:
        return None
    if not isinstance(data, CommentedMap) or not isinstance(data.get("records"), CommentedSeq):
        return None
    records: CommentedSeq = data["records"]
    if records.fa.flow_style():
        return None
    starts = [int(records.lc.item(i)[0]) for i in range(len(records))]
    keys = list(data)
    position = keys.index("records")
    n_lines = len(text.splitlines())
    end = int(data.lc.key(keys[position + 1])[0]) if position + 1 < len(keys) else n_lines
    return _Layout(records, starts, end)


def _span(layout: _Layout, index: int) -> tuple[int, int]:
    stop = layout.end if index + 1 >= len(layout.starts) else layout.starts[index + 1]
    return (layout.starts[index] if index < len(layout.starts) else layout.end), stop


def _splice(doc: Document, full: str, changed: int) -> str | None:
    """The original text with only record `changed` replaced by its lines from `full`.

    Inside a modified record, only the top-level fields whose value changed are replaced when
    the record keeps its keys in the same order (so a decision rewrites just `review`).
    """
    old, new = _layout(doc.text, doc.yaml), _layout(full, doc.yaml)
    if old is None or new is None:
        return None
    appended = changed == len(old.starts)
    if len(new.starts) != len(old.starts) + (1 if appended else 0):
        return None
    old_lines = doc.text.splitlines(keepends=True)
    new_lines = full.splitlines(keepends=True)
    o_start, o_stop = _span(old, changed)
    n_start, n_stop = _span(new, changed)
    head = old_lines[:o_start]
    if head and not head[-1].endswith("\n"):
        head[-1] += "\n"
    body = new_lines[n_start:n_stop]
    if not appended:
        body = (
            _fields(
                old.records[changed],
                new.records[changed],
                old_lines,
                new_lines,
                (o_start, o_stop),
                (n_start, n_stop),
            )
            or body
        )
    return "".join(head + body + old_lines[o_stop:])


def _fields(
    old: Any,
    new: Any,
    old_lines: list[str],
    new_lines: list[str],
    old_span: tuple[int, int],
    new_span: tuple[int, int],
) -> list[str] | None:
    """Lines of a record: old lines for unchanged fields, new lines for changed ones."""
    if not isinstance(old, CommentedMap) or not isinstance(new, CommentedMap):
        return None
    if list(old) != list(new) or old.fa.flow_style() or new.fa.flow_style():
        return None
    old_at = [int(old.lc.key(k)[0]) for k in old] + [old_span[1]]
    new_at = [int(new.lc.key(k)[0]) for k in new] + [new_span[1]]
    ordered = all(a < b for a, b in itertools.pairwise(old_at))
    if not ordered or not all(a < b for a, b in itertools.pairwise(new_at)):
        return None
    if old_at[0] != old_span[0] or new_at[0] != new_span[0]:
        return None
    out: list[str] = []
    for j, key in enumerate(old):
        if to_plain(old[key]) == to_plain(new[key]):
            out.extend(old_lines[old_at[j] : old_at[j + 1]])
        else:
            out.extend(new_lines[new_at[j] : new_at[j + 1]])
    return out
