"""The fast paths of validation change nothing but speed.

- JSON Lines: a line exactly as ``json.dumps(ensure_ascii=False)`` writes it takes the compiled
  parser and the byte-level character pre-check; any other spelling of the same records takes
  the strict path. Both give the same problem lines, record for record.
- Worker processes (``jobs``): the same problems and byte-identical release files as one process.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from vzcrisis.records.jsonl import _depth, _load_line, _parse, jsonl_record_files
from vzcrisis.records.load import MAX_DEPTH, content_hash
from vzcrisis.release.build import build_release
from vzcrisis.synth.corpus import synth
from vzcrisis.validate.project import scan_project
from vzcrisis.validate.record_checks import _unsafe, maybe_suspect

ROOT = Path(__file__).resolve().parents[3]


# -- the line parser -------------------------------------------------------------------------
TRICKY_LINES = [
    '{"id": "a", "n": 1}',
    '{"id": "a", "id": "a"}',  # duplicate key, same value
    '{"id": "a", "id": "b"}',
    '{"id": "a", "n": NaN}',
    '{"id": "a", "n": Infinity}',
    '{"id": "a", "n": -Infinity}',
    '{"id": "a", "n": 1e2}',
    '{"id": "a", "n": 118.0}',
    '{"id": "a", "n": 123456789012345678901234567890}',
    '{"id":"a","n":1}',  # not the canonical spacing
    '{"id": "a", "n": 1} ',
    '{"id": "a", "n": 1}\r',
    '\ufeff{"id": "a"}',
    '{"id": "caf\\u00e9"}',  # an escape json.dumps(ensure_ascii=False) would not write
    '{"id": "café"}',
    '{"id": "a\\u202eb"}',
    '{"id": "a\u202eb"}',
    '{"id": "a\\ud800b"}',  # lone surrogate
    '{"id": "a\\u0000b"}',
    '{"id": "a\\tb\\nc"}',
    '{"id": "[{[{"}',
    "[1, 2]",
    '"text"',
    "null",
    "{",
    '{"id": "a",}',
    "{" * MAX_DEPTH + "}" * MAX_DEPTH,
    '{"a": ' * MAX_DEPTH + "1" + "}" * MAX_DEPTH,
    '{"a": ' * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1),
    "[" * 5000 + "]" * 5000,
]


def _reference(line: str) -> tuple[object, bool]:
    """What the strict parser alone makes of `line`: (data or the exception type, too deep)."""
    try:
        data = _parse(line)
    except (RecursionError, ValueError) as exc:
        return type(exc), False
    return data, _depth(data) > MAX_DEPTH


@pytest.mark.parametrize("line", TRICKY_LINES)
def test_fast_line_parse_agrees_with_the_strict_parser(line: str) -> None:
    data, problem, canonical = _load_line(line, "f.jsonl", 2)
    expected, too_deep = _reference(line)
    if isinstance(expected, type) or too_deep:
        assert data is None and problem is not None, (line, data)
    else:
        assert problem is None and data == expected, (line, data, expected)
        assert type(data) is type(expected)
    if canonical:
        assert json.dumps(data, ensure_ascii=False) == line


def test_checked_parse_reads_what_the_first_pass_read() -> None:
    for line in TRICKY_LINES:
        data, problem, _ = _load_line(line, "f.jsonl", 2)
        if problem is None:
            again, problem2, _ = _load_line(line, "f.jsonl", 2, checked=True)
            assert problem2 is None and again == data, line


def test_character_pre_check_flags_every_character_the_scan_refuses() -> None:
    """Exhaustive over every code point: a refused character always makes the pre-check scan."""
    missed = []
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if _unsafe(ch) is None:
            continue
        text = json.dumps({"name": f"a{ch}b"}, ensure_ascii=False)
        if not maybe_suspect(text):
            missed.append(f"U+{code:04X}")
    assert missed == []


def test_character_pre_check_passes_ordinary_text() -> None:
    for text in ['{"q": "“Maduro” — José, 5%"}', '{"a": "tab\\there"}', '{"a": "line\\nbreak"}']:
        assert not maybe_suspect(text), text


# -- whole corpora: canonical vs other spelling, one process vs workers ----------------------
Mutation = Callable[[dict[str, object]], None]


def _set(key: str, value: object) -> Mutation:
    def mutate(record: dict[str, object]) -> None:
        record[key] = value

    return mutate


def _cite(key: str, value: object) -> Mutation:
    def mutate(record: dict[str, object]) -> None:
        citations = record["citations"]
        assert isinstance(citations, list)
        citations[0][key] = value

    return mutate


def _shift(record: dict[str, object]) -> None:
    citations = record["citations"]
    assert isinstance(citations, list)
    citations[0]["char_start"] += 1
    citations[0]["char_end"] += 1


def _reverse_quote(record: dict[str, object]) -> None:
    citations = record["citations"]
    assert isinstance(citations, list)
    citations[0]["quote"] = citations[0]["quote"][::-1]


def _accepted(mutate: Mutation) -> Mutation:
    """Mutate, then re-accept (fresh content hash) so only the mutation is reported."""

    def both(record: dict[str, object]) -> None:
        mutate(record)
        review = record["review"]
        assert isinstance(review, dict)
        review["content_hash"] = content_hash(record, plain=True)

    return both


MUTATIONS: dict[str, Mutation] = {
    "bidi": _accepted(_set("text", "Maduro \u202egnirahs")),
    "control": _accepted(_set("text", "tab\x07bell")),
    "c1 control": _accepted(_set("text", "a\x85b")),
    "bom": _accepted(_set("text", "\ufeffa")),
    "stale hash": _set("text", "changed after review"),
    "unknown field": _accepted(_set("colour", "red")),
    "wrong type": _accepted(_set("text", 5)),
    "bad enum": _accepted(_set("category", "nonsense")),
    "offsets": _accepted(_cite("char_start", 0)),
    "quote moved": _accepted(_shift),
    "quote changed": _accepted(_reverse_quote),
    "unknown ref": _accepted(_set("by", ["nobody-at-all"])),
    "integral float": _accepted(_cite("char_end", 10.0)),
}
"""Mutations of demand records (lines 2, 3, ... of the first demands file, in this order)."""


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON Lines corpus with every mutation applied to some record, written canonically."""
    base = tmp_path_factory.mktemp("scan") / "project"
    synth(base, 400, seed=5, fmt="jsonl", schema_dir=ROOT / "schema")
    path = next(p for p in jsonl_record_files(base) if p.name.startswith("demands"))
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, mutate in enumerate(MUTATIONS.values(), start=2):
        record = json.loads(lines[number - 1])
        mutate(record)
        lines[number - 1] = json.dumps(record, ensure_ascii=False)
    lines.insert(20, lines[30])  # a duplicate id
    path.write_text("\n".join(lines), encoding="utf-8")
    return base


def _respelled(project: Path, target: Path) -> Path:
    """The same records with another spacing: no line is canonical, every record goes strict."""
    shutil.copytree(project, target)
    for path in jsonl_record_files(target):
        out = []
        for line in path.read_text(encoding="utf-8").split("\n"):
            out.append(json.dumps(json.loads(line), separators=(",", ":")) if line else line)
        path.write_text("\n".join(out), encoding="utf-8")
    return target


def _lines(project: Path, jobs: int) -> list[str]:
    _, problems = scan_project(project, jobs=jobs)
    return [str(p) for p in problems]


def test_canonical_and_other_spellings_give_the_same_problems(broken: Path, tmp_path: Path) -> None:
    fast = _lines(broken, 1)
    strict = _lines(_respelled(broken, tmp_path / "strict"), 1)
    assert fast == strict
    assert len(fast) >= len(MUTATIONS), "\n".join(fast)
    joined = "\n".join(fast)
    needles = ("U+202E", "U+0007", "U+0085", "U+FEFF", "duplicate id", "re-review it")
    needles += ("quote found at", "quote is not in", "unknown actors id", "unknown field")
    for needle in needles:
        assert needle in joined, (needle, joined)


def test_workers_report_exactly_what_one_process_reports(broken: Path) -> None:
    one = _lines(broken, 1)
    assert _lines(broken, 2) == one
    assert _lines(broken, 3) == one


def test_workers_build_byte_identical_releases(tmp_path: Path) -> None:
    project = tmp_path / "project"
    synth(project, 600, seed=2, fmt="jsonl", schema_dir=ROOT / "schema")
    date = dt.date(2026, 1, 31)
    build_release(project, "1.0.0", release_date=date, releases_dir=tmp_path / "one", jobs=1)
    build_release(project, "1.0.0", release_date=date, releases_dir=tmp_path / "two", jobs=2)
    one, two = tmp_path / "one" / "1.0.0", tmp_path / "two" / "1.0.0"
    names = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_entry_index_gives_back_what_was_added() -> None:
    from venezuela_crisis.models import CURATED_TABLES, ReviewStatus
    from vzcrisis.validate.passes import Entry, EntryIndex

    index = EntryIndex()
    entries = {
        f"id-{i}": Entry(table, f"seeds/records/{table}-{i % 3}.jsonl", 2 + i, 2 + i * 7, status)
        for i, (table, status) in enumerate(
            (t, s) for t in CURATED_TABLES for s in (None, *ReviewStatus)
        )
    }
    entries["big"] = Entry("events", "seeds/records/e.jsonl", 2**27 - 1, 1, ReviewStatus.accepted)
    for rid, entry in entries.items():
        index.add(rid, entry)
    assert dict(index) == entries
    assert index.get("missing") is None and "big" in index and len(index) == len(entries)
    with pytest.raises(ValueError, match="past the index's limit"):
        index.add("huge", Entry("events", "f.jsonl", 2**27, 1, None))
