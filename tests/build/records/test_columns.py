"""records.columns: every record file in one typed DuckDB table per curated table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from vzcrisis.records.columns import read_columns
from vzcrisis.records.nodes import table_columns

MINI = Path(__file__).resolve().parents[2] / "fixtures" / "mini"
HEADER = '{"schema_version": "1.1.0", "table": "disputes"}\n'
DISPUTE = {
    "id": "a-dispute",
    "question": "Q?",
    "summary": "S.",
    "citations": [{"source": "src-e8564c96", "quote": "x", "char_start": 1, "char_end": 2}],
    "review": {"status": "pending"},
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    return root


def test_types_come_from_the_model() -> None:
    columns = dict(table_columns("events"))
    assert columns["_line"] == "INTEGER"
    assert columns["date"] == "DATE"
    assert columns["actors"] == "VARCHAR[]"
    assert columns["review"] == (
        'STRUCT("status" VARCHAR, "reviewer" VARCHAR, "date" DATE, "note" VARCHAR, '
        '"content_hash" VARCHAR)'
    )
    assert columns["quantities"] == (
        'STRUCT("value" BIGINT, "unit" VARCHAR, "qualifier" VARCHAR, "text" VARCHAR)[]'
    )


def test_yaml_records(project: Path) -> None:
    cols = read_columns(project)
    try:
        assert cols.unread == []
        counts = {
            t: cols.con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in cols.tables
        }
        assert counts == {
            "sources": 1,
            "actors": 4,
            "events": 2,
            "demands": 1,
            "sanctions": 1,
            "disputes": 1,
        }
        row = cols.con.sql(
            "SELECT _file, _line, _id_line, _version, id, citations[1].char_start, disputes, "
            "review.status FROM disputes"
        ).fetchall()
        assert row == [
            (
                "seeds/records/disputes.yaml",
                4,
                4,
                "1.0.0",
                "where-fishermen-detained",
                408,
                [],
                "pending",
            )
        ]
    finally:
        cols.close()


def test_jsonl_lines_and_wrong_types(project: Path) -> None:
    bad = {**DISPUTE, "id": "b-dispute", "question": 5}
    text = HEADER + "\n" + json.dumps(DISPUTE) + "\n  \n" + json.dumps(bad) + "\n"
    (project / "seeds/records/zz.jsonl").write_text(text, encoding="utf-8")
    cols = read_columns(project)
    try:
        rows = cols.con.sql(
            "SELECT _line, _id_line, _version, id, question, _json FROM disputes "
            "WHERE _file = 'seeds/records/zz.jsonl' ORDER BY _line"
        ).fetchall()
        assert rows == [
            (3, 3, "1.1.0", "a-dispute", "Q?", json.dumps(DISPUTE)),
            (5, 5, "1.1.0", "b-dispute", "5", json.dumps(bad)),  # converted: the validator decides
        ]
    finally:
        cols.close()


@pytest.mark.parametrize(
    "line",
    [
        '{"id": "x",}',  # trailing comma (DuckDB reads it, Python does not)
        '{"id": NaN',
        "[1, 2]",
    ],
)
def test_files_the_reader_leaves_to_the_per_record_path(project: Path, line: str) -> None:
    path = project / "seeds/records/zz.jsonl"
    path.write_text(HEADER + json.dumps(DISPUTE) + "\n" + line + "\n", encoding="utf-8")
    cols = read_columns(project)
    try:
        assert cols.unread == [path]
        count = cols.con.sql("SELECT count(*) FROM disputes WHERE _file LIKE '%zz%'").fetchall()
        assert count == [(0,)]
    finally:
        cols.close()
