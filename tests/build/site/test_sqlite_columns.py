"""Column-wise conversion (``vzcrisis.site.sqlite_columns``) equals the original per-cell
conversion: one array per kind of column, JSON text exactly as ``json.dumps``, labels, link rows,
batch order."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vzcrisis.site import sqlite_columns
from vzcrisis.site.sqlite_columns import (
    PY_WHITESPACE,
    ascending,
    citation_label,
    citation_labels,
    insert_columns,
    link_rows,
    ordered_batches,
    prefetched,
    sqlite_column,
)

from tests.build._sqlite_reference import HOSTILE, reference_cell, typed

# --- column-wise conversion = per-cell conversion ----------------------------------------------

DAY = dt.date(2025, 11, 21)
REVIEW_TYPE = pa.struct(
    [
        pa.field("status", pa.dictionary(pa.int32(), pa.string()), nullable=False),
        ("date", pa.date32()),
        ("ok", pa.bool_()),
        ("n", pa.int64()),
        ("nothing", pa.null()),
    ]
)
ARRAYS: dict[str, pa.Array] = {
    "int": pa.array([1, None, -(2**62)]),
    "float": pa.array([0.1, None, 1e300]),
    "bool": pa.array([True, False, None]),
    "date": pa.array([DAY, None, dt.date(1, 1, 1)]),
    "timestamp": pa.array([dt.datetime(2025, 1, 2, 3, 4, 5), None]),
    "string": pa.array([*HOSTILE, None]),
    "large_string": pa.array(HOSTILE, pa.large_string()),
    "dictionary": pa.array(["a", None, "b", "a"]).dictionary_encode(),
    "null": pa.array([None, None]),
    "list": pa.array([HOSTILE, [], None, [None, "x"]], pa.list_(pa.string())),
    "large_list": pa.array([[1, 2], None, []], pa.large_list(pa.int64())),
    "list_of_dates": pa.array([[DAY, None], []], pa.list_(pa.date32())),
    "list_of_floats": pa.array([[1.0, 0.5], None], pa.list_(pa.float64())),
    "list_of_lists": pa.array([[["a"], [], None], None], pa.list_(pa.list_(pa.string()))),
    "struct": pa.array(
        [
            {"status": "accepted", "date": DAY, "ok": True, "n": 3, "nothing": None},
            None,
            {"status": "draft", "date": None, "ok": None, "n": None, "nothing": None},
        ],
        REVIEW_TYPE,
    ),
    "list_of_structs": pa.array([[{"v": 1, "t": HOSTILE[0]}, None], [], None]),
    "struct_of_lists": pa.array([{"xs": ["a", "b"], "ys": None}, {"xs": [], "ys": [{"z": False}]}]),
    "empty_struct": pa.array([{}, None], pa.struct([])),
}
"""One array per kind of column, with nulls at every level."""


@pytest.mark.parametrize("name", sorted(ARRAYS))
def test_column_values_equal_the_per_cell_conversion(name: str) -> None:
    expected = [{"v": reference_cell(v)} for v in ARRAYS[name].to_pylist()]
    for start in (0, 1, len(expected) - 1):  # slices too (offsets into their parent's buffers)
        got = [{"v": v} for v in sqlite_column(ARRAYS[name].slice(start))]
        assert typed(got) == typed(expected[start:])


def test_json_text_is_python_json_dumps() -> None:
    """The byte-level shape Datasette shows: ", " and ": " separators, non-ASCII kept."""
    assert sqlite_column(ARRAYS["struct"])[0] == (
        '{"status": "accepted", "date": "2025-11-21", "ok": true, "n": 3, "nothing": null}'
    )
    assert sqlite_column(pa.array([["ü", 'a"b', "\x01"]]))[0] == r'["ü", "a\"b", "\u0001"]'


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.one_of(st.none(), st.text())))))
def test_any_list_of_texts_converts_like_json_dumps(values: list[list[str | None] | None]) -> None:
    array = pa.array(values, pa.list_(pa.string()))
    assert sqlite_column(array) == [reference_cell(v) for v in values]


WHITESPACE_HEAVY = st.text(alphabet=st.sampled_from([*PY_WHITESPACE, "a", "ü", "“", "é", "x"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(WHITESPACE_HEAVY | st.text(), st.text(), st.text()), max_size=20))
def test_citation_labels_equal_the_one_row_function(rows: list[tuple[str, str, str]]) -> None:
    dicts = [{"quote": q, "origin": o, "record_id": r} for q, o, r in rows]
    schema = pa.schema([(c, pa.string()) for c in ("quote", "origin", "record_id")])
    labels = citation_labels(pa.RecordBatch.from_pylist(dicts, schema=schema))
    assert labels == [citation_label(row) for row in dicts]


def test_python_whitespace_is_every_isspace_character() -> None:
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == PY_WHITESPACE


def test_link_rows_follow_row_then_role_then_list_order() -> None:
    ids = pa.array(["a", "b", "c"])
    by = pa.array([["x", "y"], None, ["z"]])
    to = pa.array([["q"], ["y"], ["x", "x2"], []]).slice(1)  # a slice: offsets not from 0
    expected = "a x by, a y by, a y to, b x to, b x2 to, c z by"
    assert list(link_rows(ids, [by, to], ["by", "to"])) == [
        tuple(row.split()) for row in expected.split(", ")
    ]


def test_batches_come_in_id_order_whatever_the_layout(tmp_path: Path) -> None:
    ids = [f"id-{i:03d}" for i in range(100)]
    data = pa.table({"id": ids, "n": list(range(100))})
    layouts = {
        "one sorted file, several row groups": [data],
        "sorted parts": [data.take(list(range(k, 100, 3))) for k in range(3)],
        "unsorted parts": [data.take(list(range(99 - k, -1, -3))) for k in range(3)],
    }
    for layout, parts in layouts.items():
        files = []
        for k, part in enumerate(parts):
            files.append(tmp_path / f"{layout}-{k}.parquet")
            pq.write_table(part, files[-1], row_group_size=16)
        in_order = len(files) == 1 and ascending(pq.ParquetFile(files[0]))
        batches = list(ordered_batches(files, ["id", "n"], in_order, size=7))
        assert all(b.num_rows <= 7 for b in batches), layout
        assert pa.Table.from_batches(batches).to_pylist() == data.to_pylist(), layout


def test_batches_of_long_texts_hold_fewer_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [f"id-{i:03d}" for i in range(100)]
    data = pa.table({"id": ids, "text": [str(i % 10) * 1_000 for i in range(100)]})
    pq.write_table(data, tmp_path / "t.parquet", compression="none", use_dictionary=False)
    monkeypatch.setattr(sqlite_columns, "BATCH_BYTES", 10_000)  # about 10 texts
    batches = list(ordered_batches([tmp_path / "t.parquet"], ["id", "text"], True, size=50))
    assert [b.num_rows for b in batches] == [9] * 11 + [1]
    assert pa.Table.from_batches(batches).to_pylist() == data.to_pylist()
    assert [b.num_rows for b in ordered_batches([tmp_path / "t.parquet"], ["id"], True, 50)] == [
        50,
        50,
    ]


# --- inserting ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 200])
def test_rows_inserted_many_per_statement_are_those_inserted_one_by_one(n: int) -> None:
    values: list[list[object]] = [
        [f"r{i}" for i in range(n)],
        [i if i % 3 else None for i in range(n)],
        [1.5 * i for i in range(n)],
        [
            "7" if i % 2 else "x" for i in range(n)
        ],  # text in an INTEGER column stays as SQLite wants
    ]
    names = ["id", "n", "f", "k"]
    conns = [sqlite3.connect(":memory:") for _ in range(2)]
    for conn in conns:
        conn.execute("create table t (id text primary key, n integer, f real, k integer)")
    insert_columns(conns[0], "t", names, values)
    conns[1].executemany("insert into t values (?, ?, ?, ?)", zip(*values, strict=True))
    sql = "select rowid, id, n, f, k, typeof(k) from t order by rowid"
    rows = conns[0].execute(sql).fetchall()
    assert len(rows) == n
    assert rows == conns[1].execute(sql).fetchall()


def test_a_wide_table_stays_within_the_statement_limit_and_columns_must_match() -> None:
    conn = sqlite3.connect(":memory:")
    names = [f"c{j}" for j in range(600)]  # one row per statement: 600 of at most 999 values
    conn.execute(f"create table t ({', '.join(names)})")
    insert_columns(conn, "t", names, [[j, j + 1] for j in range(600)])
    assert conn.execute("select c0, c599 from t order by rowid").fetchall() == [(0, 599), (1, 600)]
    with pytest.raises(ValueError):
        insert_columns(conn, "t", ["c0", "c1"], [[1, 2], [3]])


def test_prefetched_gives_every_item_in_order_and_passes_errors_on() -> None:
    assert list(prefetched(iter(range(5)))) == [0, 1, 2, 3, 4]
    assert list(prefetched(iter([]))) == []

    def failing() -> Iterator[int]:
        yield 1
        raise KeyError("boom")

    got: list[int] = []
    with pytest.raises(KeyError, match="boom"):
        got.extend(prefetched(failing()))
    assert got == [1]
