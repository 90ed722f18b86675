"""Full-text indexes built beside the database (``vzcrisis.site.sqlite_fts``) equal those built in
place; the built database's indexes agree with their tables (FTS5's own integrity check)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlite_utils
from vzcrisis.site.sqlite import DB_FILE, FTS_COLUMNS, build_sqlite
from vzcrisis.site.sqlite_fts import build_fts, copy_fts, stage_fts

from tests.build import _datasette_sample as SAMPLE

ROWS = [
    (1, "Maduro", '["Nicolás Maduro Moros"]'),
    (2, "Machado", "[]"),
    (3, None, '["a\\nb", "ç"]'),
    *((i, " ".join(f"w{(i * 7 + k) % 5003}" for k in range(90)), "[]") for i in range(4, 3004)),
]
"""Rows of a table with two searched columns, in rowid order (a null; 1.7 MB of words: FTS5
writes several segments and merges them)."""


def _table(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("create table people (id integer primary key, n text, a text not null)")
    with conn:  # one transaction
        conn.execute("begin")
        conn.executemany("insert into people values (?, ?, ?)", ROWS)
    return conn


def _shadows(conn: sqlite3.Connection, table: str) -> dict[str, list[tuple[object, ...]]]:
    names = [
        name
        for (name,) in conn.execute(
            "select name from sqlite_schema where type = 'table' and name like ? escape '\\' "
            "order by name",
            (f"{table}\\_fts\\_%",),
        )
    ]
    return {n: conn.execute(f"select * from [{n}] order by 1, 2").fetchall() for n in names}


def test_an_index_built_beside_equals_one_built_in_place(tmp_path: Path) -> None:
    in_place = _table(tmp_path / "in_place.db")
    sqlite_utils.Database(in_place)["people"].enable_fts(["n", "a"], fts_version="FTS5")

    main = _table(tmp_path / "main.db")
    beside = tmp_path / "beside.db"
    stage_fts(main, beside, {"people": ["n", "a"]}, ["journal_mode = OFF"])
    build_fts(beside, {"people": ["n", "a"]}, ["journal_mode = OFF"])
    copy_fts(main, beside, ["people"])

    with closing(in_place), closing(main):
        expected = _shadows(in_place, "people")
        assert sorted(expected) == [f"people_fts_{s}" for s in ("config", "data", "docsize", "idx")]
        assert len(expected["people_fts_data"]) > 100  # several segments, merged
        assert _shadows(main, "people") == expected
        sql = "select sql from sqlite_schema where name = 'people_fts'"
        assert main.execute(sql).fetchall() == in_place.execute(sql).fetchall()
        hits = "select rowid from people_fts where people_fts match 'moros'"
        assert main.execute(hits).fetchall() == [(1,)]
        assert main.execute("pragma database_list").fetchall() == [
            (0, "main", str(tmp_path / "main.db"))
        ]


def test_every_index_of_a_built_database_matches_its_table(tmp_path: Path) -> None:
    SAMPLE.write_sample_release(tmp_path)
    build_sqlite(tmp_path, tmp_path / DB_FILE)
    with closing(sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)) as conn:
        for table in FTS_COLUMNS:
            fts = f"{table}_fts"
            # rank 1: the index is also checked against the rows of its content table
            conn.execute(f"insert into [{fts}] ([{fts}], rank) values ('integrity-check', 1)")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
