"""The SQLite builder: tables, keys, link tables, FTS, labels, determinism, clear errors."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType

import pyarrow.parquet as pq
import pytest
from venezuela_crisis.errors import ReleaseError
from venezuela_crisis.models import TABLES
from vzcrisis.sqlite_db import FTS_COLUMNS, build_sqlite, columns, link_tables


def load_sample() -> ModuleType:
    """The sample-release writer next to this file (test modules are not importable packages)."""
    path = Path(__file__).with_name("_datasette_sample.py")
    spec = importlib.util.spec_from_file_location("_datasette_sample", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLE = load_sample()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    release = tmp_path_factory.mktemp("release")
    texts: dict[str, str] = SAMPLE.write_sample_release(release)
    build_sqlite(release, release / "venezuela-crisis.db", texts)
    return release, texts


def _conn(built: tuple[Path, dict[str, str]]) -> sqlite3.Connection:
    return sqlite3.connect(built[0] / "venezuela-crisis.db")


def test_every_table_has_its_columns_and_rows(built: tuple[Path, dict[str, str]]) -> None:
    conn = _conn(built)
    for table in TABLES:
        cols = [r[1] for r in conn.execute(f"pragma table_info([{table}])")]
        extra = {"sources": ["label", "text"], "citations": ["label"]}.get(table, [])
        assert sorted(cols) == sorted(columns(table) + extra), (table, cols)
        n = conn.execute(f"select count(*) from [{table}]").fetchone()[0]
        assert n == pq.read_metadata(built[0] / f"{table}.parquet").num_rows, table


def test_values_are_json_iso_and_integers(built: tuple[Path, dict[str, str]]) -> None:
    conn = _conn(built)
    row = conn.execute(
        "select [by], review, disputed, made_in, category from demands "
        "where id = 'maduro-amnesty-family'"
    ).fetchone()
    assert json.loads(row[0]) == ["nicolas-maduro"]
    assert json.loads(row[1])["date"] == "2025-12-03"
    assert row[2:] == (1, "trump-maduro-call-2025-11-21", "amnesty")
    event = conn.execute(
        "select date, date_precision from events where id = 'us-closes-airspace'"
    ).fetchone()
    assert event == ("2025-11-24", "week")


def test_sources_carry_text_and_a_label_even_without_title(
    built: tuple[Path, dict[str, str]],
) -> None:
    conn = _conn(built)
    rows = conn.execute("select id, label, text from sources order by id").fetchall()
    assert rows == [
        (
            "src-aaaa0001",
            "Maduro sought amnesty in call with Trump (Reuters, 2025-11-30)",
            built[1]["src-aaaa0001"],
        ),
        ("src-bbbb0002", "Untitled Miami Herald article (src-bbbb0002)", built[1]["src-bbbb0002"]),
    ]
    label = conn.execute(
        "select label from citations where id = 'trump-maduro-leave@src-bbbb0002:89'"
    ).fetchone()
    assert label == ("“he had one week to leave the country” (Miami Herald) → trump-maduro-leave",)


def test_foreign_keys_come_from_the_model(built: tuple[Path, dict[str, str]]) -> None:
    conn = _conn(built)
    fks = {
        (t, r[3], r[2])
        for t in ("demands", "sanctions", "citations")
        for r in conn.execute(f"pragma foreign_key_list([{t}])")
    }
    assert fks == {
        ("demands", "made_in", "events"),
        ("demands", "response_event", "events"),
        ("sanctions", "event", "events"),
        ("citations", "source_id", "sources"),
    }
    assert conn.execute("pragma foreign_key_check").fetchall() == []
    indexed = {r[1] for r in conn.execute("pragma index_list(demands)")}
    assert {"idx_demands_made_in", "idx_demands_response_event"} <= indexed


def test_link_tables_list_actors_with_their_role(built: tuple[Path, dict[str, str]]) -> None:
    names = {link.name for link in link_tables()}
    assert {"demand_actors", "event_actors", "sanction_actors", "demand_sanctions"} <= names
    assert "dispute_disputes" not in names
    conn = _conn(built)
    rows = conn.execute(
        "select actor_id, role from demand_actors where demand_id = 'maduro-amnesty-family' "
        "order by role"
    ).fetchall()
    assert rows == [
        ("donald-trump", "addressed_to"),
        ("nicolas-maduro", "beneficiaries"),
        ("nicolas-maduro", "by"),
    ]
    fks = {(r[3], r[2]) for r in conn.execute("pragma foreign_key_list(demand_actors)")}
    assert fks == {("demand_id", "demands"), ("actor_id", "actors")}


def test_full_text_search(built: tuple[Path, dict[str, str]]) -> None:
    conn = _conn(built)
    for table in FTS_COLUMNS:
        assert conn.execute(f"select count(*) from [{table}_fts]").fetchone()[0] > 0, table
    hits = conn.execute(
        "select c.id from citations c join citations_fts f on f.rowid = c.rowid "
        "where citations_fts match 'amnesty' order by c.id"
    ).fetchall()
    assert hits == [("maduro-amnesty-family@src-aaaa0001:66",)]


def test_same_input_gives_a_byte_identical_database(
    built: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    release, texts = built
    # Reverse the row order of every Parquet file: the database must not change.
    for table in TABLES:
        data = pq.read_table(release / f"{table}.parquet")
        pq.write_table(data.take(list(range(data.num_rows))[::-1]), tmp_path / f"{table}.parquet")
    build_sqlite(tmp_path, tmp_path / "a.db", texts)
    build_sqlite(release, tmp_path / "b.db", texts)
    a = (tmp_path / "a.db").read_bytes()
    assert a == (tmp_path / "b.db").read_bytes()
    assert a == (release / "venezuela-crisis.db").read_bytes()


def test_bad_input_names_every_problem_and_keeps_the_old_file(
    built: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    release = built[0]
    for f in release.glob("*.parquet"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "sanctions.parquet").unlink()
    old = tmp_path / "venezuela-crisis.db"
    old.write_bytes(b"previous")
    with pytest.raises(ReleaseError) as err:
        build_sqlite(tmp_path, old, {"src-aaaa0001": "x"})
    assert str(err.value).splitlines() == [
        f"{tmp_path / 'sanctions.parquet'}: missing (needed for the SQLite database)",
        "sources: src-bbbb0002: no article text given for the source",
    ]
    assert old.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
