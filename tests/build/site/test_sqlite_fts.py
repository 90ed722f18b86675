"""Full-text indexes built beside the database (``vzcrisis.site.sqlite_fts``) equal those built in
place; the built database's indexes agree with their tables (FTS5's own integrity check)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlite_utils
from vzcrisis.site.sqlite import DB_FILE, FTS_COLUMNS, build_sqlite
from vzcrisis.site.sqlite_fts import FTS_SCHEMA, FtsJob, build_fts, copy_fts

from tests.build import _datasette_sample as SAMPLE

ROWS = [
    ("n-01", "Maduro", '["Nicolás Maduro Moros"]'),
    ("n-02", "Machado", "[]"),
    ("n-03", None, '["a\\nb", "ç"]'),
]
"""Three rows of an actors-like table, in id order; a null name."""


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
    parquet = tmp_path / "people.parquet"
    pq.write_table(
        pa.table({k: [r[i] for r in ROWS] for i, k in enumerate(["id", "n", "a"])}), parquet
    )
    in_place = sqlite3.connect(tmp_path / "in_place.db", isolation_level=None)
    db = sqlite_utils.Database(in_place)
    db["people"].insert_all([dict(zip(["id", "n", "a"], r, strict=True)) for r in ROWS])
    db["people"].enable_fts(["n", "a"], fts_version="FTS5")

    job = FtsJob("people", {"n": str, "a": str}, (parquet,), in_order=True)
    build_fts(tmp_path / "beside.db", [job], ("journal_mode = OFF",))
    main = sqlite3.connect(tmp_path / "main.db", isolation_level=None)
    sqlite_utils.Database(main)["people"].insert_all(
        [dict(zip(["id", "n", "a"], r, strict=True)) for r in ROWS]
    )
    main.execute(f"ATTACH ? AS [{FTS_SCHEMA}]", (str(tmp_path / "beside.db"),))
    copy_fts(main, "people")

    with closing(in_place), closing(main):
        expected = _shadows(in_place, "people")
        assert sorted(expected) == [f"people_fts_{s}" for s in ("config", "data", "docsize", "idx")]
        assert _shadows(main, "people") == expected
        sql = "select sql from sqlite_schema where name = 'people_fts'"
        assert main.execute(sql).fetchall() == in_place.execute(sql).fetchall()
        hits = "select rowid from people_fts where people_fts match 'moros'"
        assert main.execute(hits).fetchall() == [(1,)]


def test_every_index_of_a_built_database_matches_its_table(tmp_path: Path) -> None:
    SAMPLE.write_sample_release(tmp_path)
    build_sqlite(tmp_path, tmp_path / DB_FILE)
    with closing(sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)) as conn:
        for table in FTS_COLUMNS:
            fts = f"{table}_fts"
            # rank 1: the index is also checked against the rows of its content table
            conn.execute(f"insert into [{fts}] ([{fts}], rank) values ('integrity-check', 1)")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
