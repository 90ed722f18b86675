"""The columnar validator gives today's verdict, record for record, and today's problem lines.

- Every model validator has its SQL mirror (``rules.MODEL_RULES``).
- Differential, on the hostile corpus and on property-generated mutations of a valid synthetic
  corpus: ``scan_project`` with the columnar pass and without it report the same problems, and
  each record the columnar pass 1 does not mark is one today's pass 1 finds nothing to report
  on (and the other way round, except for what ``ROUTED`` lists).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from venezuela_crisis.errors import OutOfMemoryError
from venezuela_crisis.models import TABLES
from venezuela_crisis.models.base import CitationRef, Quantity, Review
from vzcrisis.records.columns import project_files
from vzcrisis.records.load import content_hash
from vzcrisis.records.nodes import lit, read_struct
from vzcrisis.synth.corpus import synth
from vzcrisis.validate import passes
from vzcrisis.validate.columnar import pass1, rules
from vzcrisis.validate.columnar.cross import CHUNK, _slice
from vzcrisis.validate.project import scan_project

from tests.hostile import _corpus as hostile

ROOT = Path(__file__).resolve().parents[3]


def test_every_model_validator_has_its_sql() -> None:
    models: list[type[BaseModel]] = [Review, CitationRef, Quantity]
    models += [spec.record for spec in TABLES.values() if spec.record is not None]
    found = set()
    for model in models:
        for validator in model.__pydantic_decorators__.model_validators.values():
            owner, name = validator.func.__qualname__.split(".")[-2:]
            found.add((owner, name))
    assert found == set(rules.MODEL_RULES)


def test_canonical_text_is_pythons() -> None:
    """The SQL canonical text of a record (sorted keys, absent vs null, escapes) is the text
    ``content_hash`` hashes, for the tricky shapes."""
    records: list[dict[str, Any]] = [
        {
            "id": "a",
            "type": "OTHER",
            "actors": ["x"],
            "summary": 'é\u00a0\x1b\x7f"\\/\u2028',
            "citations": [{"source": "s", "quote": "q\n\t", "char_start": 0, "char_end": 3}],
            "review": {"status": "pending"},
        },
        {
            "id": "a",
            "type": "OTHER",
            "actors": [],
            "summary": "x",
            "mode": None,
            "citations": [
                {
                    "source": "s",
                    "quote": "q",
                    "char_start": 0,
                    "char_end": 1,
                    "attribution": None,
                    "attributed_to": "y",
                }
            ],
            "quantities": [{"value": 3, "unit": "u", "qualifier": "exactly", "text": "null"}],
            "review": {"status": "pending"},
        },
    ]
    con = duckdb.connect()
    sql = rules.canonical_sql("events")
    read = read_struct("events")
    for data in records:
        for text in (json.dumps(data, ensure_ascii=False), json.dumps(data)):
            query = f"SELECT {sql} FROM (SELECT *, {read} AS _v FROM (SELECT ? AS _json))"
            got = con.sql(query, params=[text]).fetchall()[0][0]
            body = {k: v for k, v in data.items() if k != "review"}
            want = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            assert got == want


# -- the differential ------------------------------------------------------------------------


def python_verdicts(root: Path) -> dict[tuple[str, int], bool]:
    """(file, line) -> today's pass 1 finds nothing to report on the record (and its file)."""
    out: dict[tuple[str, int], bool] = {}
    ctx = passes.Context(root=root)
    files = project_files(root)
    for result in passes.run(ctx, passes.pass1_file, [(root, p, False) for p in files], 1):
        for item in result.records:
            ok = not item.problems and not item.review and not result.problems
            out[(item.entry.path, item.entry.line)] = ok
    return out


def columnar_verdicts(root: Path) -> dict[tuple[str, int], bool]:
    """(file, line) -> the columnar pass 1 does not mark the record (files it reads only)."""
    found = pass1.run(root, project_files(root))
    try:
        out: dict[tuple[str, int], bool] = {}
        for table in found.cols.tables:
            rows = found.cols.con.sql(f"SELECT _file, _line, _status FROM {table}").fetchall()
            for path, line, status in rows:
                out[(path, line)] = status is not None
        return out
    finally:
        found.cols.close()


def assert_same(root: Path) -> list[str]:
    """Both scans give the same problems and per-record verdicts; returns the problem lines."""
    _, with_columns = scan_project(root, columnar=True)
    _, today = scan_project(root, columnar=False)
    assert [str(p) for p in with_columns] == [str(p) for p in today]
    python = python_verdicts(root)
    for key, ok in columnar_verdicts(root).items():
        if key in python:
            assert ok == python[key], (key, ok)
    return [str(p) for p in today]


@pytest.mark.parametrize("case", list(hostile.CASES))
def test_hostile_corpus(tmp_path: Path, case: str) -> None:
    project = tmp_path / "project"
    shutil.copytree(hostile.MINI, project)
    mutate, expected = hostile.CASES[case]
    mutate(project)
    assert assert_same(project) == expected


# -- property-generated records ----------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "project"
    synth(root, 80, seed=3, fmt="jsonl", schema_dir=ROOT / "schema")
    return root


def _records(root: Path, table: str) -> tuple[Path, list[str]]:
    path = next((root / "seeds/records").glob(f"{table}-*.jsonl"))
    return path, path.read_text(encoding="utf-8").split("\n")


WRONG = [5, 1.5, 118.0, True, None, "", "x" * 90, [], {}, "2025-02-30", "NaN", "é", "\u202e"]
TEXTS = ["é", "a\u0301", "😀", "\u00a0", "\u2028", "\x1b", "\x7f", "\ufeff", "a\nb", "'\"\\"]
Mutation = Callable[[dict[str, Any]], None]


def _set(path: list[Any], value: Any) -> Mutation:
    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return change


def _drop(path: list[Any]) -> Mutation:
    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        node.pop(path[-1], None)

    return change


FIELDS = {
    "events": [
        ["id"],
        ["type"],
        ["actors"],
        ["actors", 0],
        ["summary"],
        ["date"],
        ["date_precision"],
        ["end_date"],
        ["mode"],
        ["quantities"],
        ["citations"],
        ["citations", 0, "source"],
        ["citations", 0, "quote"],
        ["citations", 0, "char_start"],
        ["citations", 0, "char_end"],
        ["citations", 0, "attribution"],
        ["citations", 0, "attributed_to"],
        ["disputes"],
        ["review", "status"],
        ["review", "content_hash"],
        ["review", "date"],
        ["extra"],
        ["citations", 0, "page"],
    ],
    "demands": [["by", 0], ["made_in"], ["category"], ["status"], ["text"], ["sanctions"]],
    "sources": [["published"], ["published_precision"], ["url"], ["language"], ["sha256"]],
    "sanctions": [["amount_usd"], ["targets", 0], ["event"], ["kind"]],
}


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, int, list[Mutation], bool]:
    table = draw(st.sampled_from(sorted(FIELDS)))
    index = draw(st.integers(0, 5))
    changes: list[Mutation] = []
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(FIELDS[table]))
        kind = draw(st.sampled_from(["wrong", "text", "drop", "shift", "ref"]))
        if kind == "wrong":
            changes.append(_set(path, draw(st.sampled_from(WRONG))))
        elif kind == "text":
            changes.append(_set(path, draw(st.sampled_from(TEXTS)) + "x"))
        elif kind == "drop":
            changes.append(_drop(path))
        elif kind == "shift":
            delta = draw(st.sampled_from([-1, 1]))

            def shift(data: dict[str, Any], delta: int = delta) -> None:
                for key in ("char_start", "char_end"):
                    data["citations"][0][key] += delta

            changes.append(shift)
        else:
            changes.append(_set(path, draw(st.sampled_from(["nobody-at-all", "src-00000000"]))))
    rehash = draw(st.booleans())
    return table, index, changes, rehash


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=mutations(), duplicate=st.booleans())
def test_property_generated_records(
    corpus: Path,
    tmp_path_factory: pytest.TempPathFactory,
    mutation: tuple[Any, ...],
    duplicate: bool,
) -> None:
    table, index, changes, rehash = mutation
    root = tmp_path_factory.mktemp("case") / "project"
    shutil.copytree(corpus, root)
    path, lines = _records(root, table)
    index %= len([line for line in lines if line.strip()]) - 1
    data = json.loads(lines[1 + index])
    for change in changes:
        with contextlib.suppress(KeyError, IndexError, TypeError):  # a path the record lacks
            change(data)
    if rehash and isinstance(data.get("review"), dict):
        data["review"]["content_hash"] = content_hash(data, plain=True)
    lines[1 + index] = json.dumps(data, ensure_ascii=False)
    if duplicate:
        lines.insert(2 + index, lines[1 + index])
    path.write_text("\n".join(lines), encoding="utf-8")
    assert_same(root)


def test_integral_floats(corpus: Path, tmp_path: Path) -> None:
    """118.0 is an integer for JSON Schema and the model: columns agree, hash included."""
    root = tmp_path / "project"
    shutil.copytree(corpus, root)
    path, lines = _records(root, "sanctions")
    for index, (amount, rehash) in enumerate([(1000.0, True), (1000.0, False), (100.5, True)]):
        data = json.loads(lines[1 + index])
        data["amount_usd"] = amount
        for key in ("char_start", "char_end"):
            data["citations"][0][key] = float(data["citations"][0][key])
        if rehash:
            data["review"]["content_hash"] = content_hash(data, plain=True)
        lines[1 + index] = json.dumps(data, ensure_ascii=False)
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = assert_same(root)
    assert [p.split(": ", 2)[2] for p in problems] == [
        "review.content_hash: changed since it was accepted; re-review it",
        "amount_usd: expected integer or null, got number 100.5",
    ]


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ('{"amount_usd": 1000.0}', True),
        ('{"char_start":12e3}', True),
        ('{"value": -1.5}', True),
        ('{"value": 118}', False),
        ('{"content_hash": "sha256:55e9ab"}', False),  # a hash is no number (10% of hashes)
        ('{"date_text": "at 10:30.5"}', False),
    ],
)
def test_only_numbers_with_a_fraction_rebuild_the_canonical_text(text: str, fraction: bool) -> None:
    """The exact (slow) canonical text is for records holding such a number, not for hashes."""
    sql = f"SELECT regexp_matches(?, {lit(rules.FRACTION)})"
    assert duckdb.connect().execute(sql, [text]).fetchone() == (fraction,)


def test_files_without_records(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(hostile.MINI, root)
    records = root / "seeds/records"
    header = '{"schema_version": "1.1.0", "table": "events"}\n'
    (records / "zz-empty.jsonl").write_text(header, encoding="utf-8")
    (records / "zz-blank.jsonl").write_text(header + "\n  \n", encoding="utf-8")
    (records / "zz-empty.yaml").write_text(
        'schema_version: "1.1.0"\ntable: events\nrecords: []\n', encoding="utf-8"
    )
    assert assert_same(root) == []
    project, problems = scan_project(root, keep_columns=True)
    assert problems == []
    assert project.columns is not None
    try:
        rows = project.columns.con.sql("SELECT _file, _line, _status, _valid FROM events")
        assert sorted(rows.fetchall()) == [
            ("seeds/records/events.yaml", 4, "accepted", True),
            ("seeds/records/events.yaml", 19, "accepted", True),
        ]
    finally:
        project.columns.close()


def test_a_valid_project_goes_through_columns_alone(corpus: Path) -> None:
    """Nothing valid is left to the per-record path (else the columns would only cost time)."""
    for root in (hostile.MINI, corpus):
        found = pass1.run(root, project_files(root))
        try:
            assert (found.python, found.marked, found.cols.unread) == ([], {}, [])
        finally:
            found.cols.close()


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("ab é😀\r\n\u202e"), max_size=700),
    start=st.integers(0, 800),
    length=st.integers(1, 600),
)
def test_quote_slices_are_pythons(text: str, start: int, length: int) -> None:
    """The chunked slice of the quote check is Python's ``text[start:end]`` on code points."""
    chunks = [text[k : k + CHUNK] for k in range(0, len(text), CHUNK)]
    con = duckdb.connect()
    query = _slice("c", "s", "e")
    got = con.sql(
        f"SELECT {query} FROM (SELECT ?::VARCHAR[] AS c, ?::BIGINT AS s, ?::BIGINT AS e)",
        params=[chunks, start, start + length],
    ).fetchall()[0][0]
    assert got == text[start : start + length]


def test_out_of_memory_is_one_clear_error(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB running out of its memory is an error naming the step, not a traceback, and no
    scratch database is left behind."""
    monkeypatch.setattr(pass1, "MEMORY_LIMIT", "1MB")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None  # TMPDIR is read again
    try:
        with pytest.raises(OutOfMemoryError) as caught:
            scan_project(corpus, columnar=True)
    finally:
        tempfile.tempdir = None
    message = str(caught.value)
    # DuckDB's own words vary with where it ran out ("could not allocate block", "failed to
    # allocate data"): the size it had is in both
    assert message.startswith("DuckDB ran out of memory while checking the records (")
    assert "KiB used)" in message
    assert message.endswith(
        "); nothing was written: free memory or disk for its spill files (in the system "
        "temporary directory) and run again"
    )
    assert list(tmp_path.iterdir()) == []
