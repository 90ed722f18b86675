"""The SQLite builder: tables, keys, link tables, FTS, labels, determinism, clear errors.

Equality with the original row-by-row builder: ``test_rebuilt_committed_release_*`` (the newest
committed release of the current schemas: same dump but the page indexes; ``releases/1.0.0``,
written by the original builder, has no ``sources.text`` to rebuild from) and the
``*_the_reference`` tests (every row of every table of a synthetic corpus, a partitioned layout
and hostile strings against ``reference_rows``, a plain per-cell transcription of the original).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from venezuela_crisis.catalog import SCHEMA_VERSIONS
from venezuela_crisis.errors import ReleaseError
from venezuela_crisis.format.layout import Layout
from venezuela_crisis.format.versions import parse_version
from venezuela_crisis.models import TABLES
from vzcrisis.release.build import build_release
from vzcrisis.site.sqlite import (
    DB_FILE,
    FTS_COLUMNS,
    _dangling,
    browse_indexes,
    build_sqlite,
    columns,
    link_tables,
)
from vzcrisis.site.sqlite_columns import citation_label, source_label
from vzcrisis.synth.corpus import synth

from tests.build import _datasette_sample as SAMPLE
from tests.build._sqlite_reference import HOSTILE, reference_cell, typed


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    release = tmp_path_factory.mktemp("release")
    texts: dict[str, str] = SAMPLE.write_sample_release(release)
    build_sqlite(release, release / "venezuela-crisis.db")
    return release, texts


def _conn(built: tuple[Path, dict[str, str]]) -> sqlite3.Connection:
    return sqlite3.connect(built[0] / "venezuela-crisis.db")


def test_every_table_has_its_columns_and_rows(built: tuple[Path, dict[str, str]]) -> None:
    conn = _conn(built)
    for table in TABLES:
        cols = [r[1] for r in conn.execute(f"pragma table_info([{table}])")]
        extra = {"sources": ["label"], "citations": ["label"]}.get(table, [])
        assert table != "sources" or "text" in columns(table), "the text is a released column"
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
    release, _ = built
    # Reverse the row order of every Parquet file: the database must not change.
    for table in TABLES:
        data = pq.read_table(release / f"{table}.parquet")
        pq.write_table(data.take(list(range(data.num_rows))[::-1]), tmp_path / f"{table}.parquet")
    build_sqlite(tmp_path, tmp_path / "a.db")
    build_sqlite(release, tmp_path / "b.db")
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
    sources = pq.read_table(tmp_path / "sources.parquet")
    pq.write_table(sources.drop_columns(["text"]), tmp_path / "sources.parquet")  # as in 1.0.0
    old = tmp_path / "venezuela-crisis.db"
    old.write_bytes(b"previous")
    with pytest.raises(ReleaseError) as err:
        build_sqlite(tmp_path, old)
    assert str(err.value).splitlines() == [
        f"{tmp_path / 'sources.parquet'}: missing column text (in the sources model)",
        f"{tmp_path / 'sanctions.parquet'}: missing (needed for the SQLite database)",
    ]
    assert old.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_dangling_reference_is_named_and_nothing_is_written(
    built: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    for f in built[0].glob("*.parquet"):
        shutil.copy(f, tmp_path / f.name)
    citations = pq.read_table(tmp_path / "citations.parquet")
    sources = citations.column("source_id").to_pylist()
    # the file's first citation is the 6th in id order (its rowid)
    column = pa.array(["src-gone", *sources[1:]], citations.schema.field("source_id").type)
    citations = citations.set_column(3, citations.schema.field("source_id"), column)
    assert citations.column_names[3] == "source_id"
    pq.write_table(citations, tmp_path / "citations.parquet")
    with pytest.raises(ReleaseError) as err:
        build_sqlite(tmp_path, tmp_path / "out.db")
    assert (
        str(err.value) == f"{tmp_path / 'out.db'}: citations: row 6: dangling reference to sources"
    )
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".parquet") == []


def test_dangling_rows_are_those_of_sqlite_foreign_key_check(
    built: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    shutil.copy(built[0] / "venezuela-crisis.db", tmp_path / "x.db")
    with closing(sqlite3.connect(tmp_path / "x.db", isolation_level=None)) as conn:
        assert _dangling(conn) == []
        conn.execute("delete from sources where rowid = 1")
        conn.execute("delete from events where rowid = 2")
        expected = conn.execute("pragma foreign_key_check").fetchall()
        assert len(expected) > 2
        assert sorted(_dangling(conn)) == sorted((t, rid, p) for t, rid, p, _ in expected)


# --- equality with the original row-by-row builder ---------------------------------------------


def reference_rows(release: Path, texts: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows as the original builder wrote them: id order, per-cell conversion,
    labels from the one-row functions, one link row per (record, role, listed id)."""
    out: dict[str, list[dict[str, Any]]] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        data = Layout.scan(release).read(table)
        assert data is not None, table
        rows[table] = data.sort_by("id").to_pylist()
        out[table] = []
        for r in rows[table]:
            cells = {c: reference_cell(v) for c, v in r.items()}
            if table == "sources":
                cells |= {"label": source_label(r)}
            elif table == "citations":
                cells["label"] = citation_label(r)
            out[table].append(cells)
    for link in link_tables():
        out[link.name] = [
            {link.left: r["id"], link.right: target, "role": role}
            for r in rows[link.table]
            for role in link.roles
            for target in r[role] or []
        ]
    return out


def stored_rows(db: Path) -> dict[str, list[dict[str, Any]]]:
    """Every data and link table of `db`, in rowid order."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return {
            table: [dict(r) for r in conn.execute(f"select * from [{table}] order by rowid")]
            for table in [*TABLES, *(link.name for link in link_tables())]
        }


def assert_matches_reference(release: Path, texts: dict[str, str], db: Path) -> None:
    """Every row of every table of `db` equals the reference's (values and Python types)."""
    stored = stored_rows(db)
    for table, rows in reference_rows(release, texts).items():
        assert len(stored[table]) == len(rows), table
        for got, want in zip(typed(stored[table]), typed(rows), strict=True):
            assert got == want, table


def current_committed_release(root: Path) -> Path | None:
    """The newest committed release whose schemas are the catalog's (the only ones the current
    builder can rebuild: a 1.0.0 release has no ``sources.text``), or None."""
    found = []
    for manifest in (root / "releases").glob("*/manifest.json"):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data["schema_versions"] == SCHEMA_VERSIONS:
            found.append((parse_version(data["version"]), manifest.parent))
    return max(found)[1] if found else None


def page_index_lines(dump: list[str]) -> set[str]:
    """The ``CREATE INDEX`` statements of `browse_indexes` in a database dump."""
    names = {
        f'CREATE INDEX "idx_{table}_{"_".join(index)}"'
        for table, indexes in browse_indexes().items()
        for index in indexes
    }
    return {line for line in dump if line.split("\n")[0] in names}


def test_rebuilt_committed_release_adds_only_the_page_indexes(root: Path, tmp_path: Path) -> None:
    """The database of the newest committed release of the current schemas, rebuilt, has the
    same dump (tables, views, triggers, FTS shadow tables, rows, indexes) plus the
    `browse_indexes` (which: ``test_metadata``) it lacks: a database written before the page
    indexes gets one ``CREATE INDEX`` per entry, a later one none. Two builds: same bytes
    (above)."""
    release = current_committed_release(root)
    if release is None:
        pytest.skip(
            "no committed release of the current schema versions yet (releases/1.0.0 has no "
            "sources.text: the current builder cannot rebuild its database)"
        )
    db = tmp_path / DB_FILE
    with closing(sqlite3.connect(f"file:{release / DB_FILE}?mode=ro", uri=True)) as conn:
        texts = dict(conn.execute("select id, text from sources"))
        committed = list(conn.iterdump())
    build_sqlite(release, db)
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        rebuilt = list(conn.iterdump())
    pages = page_index_lines(rebuilt)
    assert len(pages) == sum(len(indexes) for indexes in browse_indexes().values())
    added = set(rebuilt) - set(committed)
    assert added == pages - set(committed)
    assert [line for line in rebuilt if line not in added] == committed
    assert_matches_reference(release, texts, db)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    """The release of a 2,000-record synthetic corpus (``vzcrisis synth --format jsonl``)."""
    project = tmp_path_factory.mktemp("synth") / "project"
    synth(project, 2000, seed=0, fmt="jsonl", schema_dir=root / "schema")
    build_release(project, "1.0.0")
    return project / "releases" / "1.0.0"


def _texts(release: Path) -> dict[str, str]:
    """An article text per source, with characters that need care in SQL and JSON."""
    ids = pq.read_table(release / "sources.parquet", columns=["id"]).column("id").to_pylist()
    return {sid: f'Text of {sid}: "quoted", back\\slash, ünï\ncode\x00' for sid in ids}


def test_synthetic_corpus_matches_the_reference(synthetic: Path, tmp_path: Path) -> None:
    texts = _texts(synthetic)
    build_sqlite(synthetic, tmp_path / DB_FILE)
    assert_matches_reference(synthetic, texts, tmp_path / DB_FILE)


def test_a_table_split_into_sorted_files_gives_the_same_database(
    synthetic: Path, tmp_path: Path
) -> None:
    """Several files each in id order (a partitioned table) are merged by id."""
    split = tmp_path / "split"
    shutil.copytree(synthetic, split, ignore=shutil.ignore_patterns("*.db", "manifest.json"))
    for table in ("events", "citations"):
        data = pq.read_table(split / f"{table}.parquet")
        (split / f"{table}.parquet").unlink()
        for part in range(3):
            rows = data.take(list(range(part, data.num_rows, 3))).sort_by("id")
            (out := split / table / f"part={part}").mkdir(parents=True)
            pq.write_table(rows, out / "part-0.parquet", row_group_size=50)
    texts = _texts(synthetic)
    build_sqlite(synthetic, tmp_path / "whole.db")
    build_sqlite(split, tmp_path / "split.db")
    assert (tmp_path / "split.db").read_bytes() == (tmp_path / "whole.db").read_bytes()
    assert_matches_reference(split, texts, tmp_path / "split.db")


QUOTES = [
    "  leading and trailing  ",
    "tab\tand\nnewline\r\nand\x0bvertical",
    "ideographic\u3000space and\xa0nbsp and\u2028line",
    "double  space",
    *("x" * n for n in (89, 90, 91)),
    "a" * 88 + " bcd",
    "a" * 87 + "  bcd",
    "ü" * 95,
    "word " * 30,
    "",
    " ",
    '"quoted" \\ back',
]
"""Quotes whose citation label (whitespace folded, cut at 90 characters) is easy to get wrong."""


def _rewrite(path: Path, change: Any) -> None:
    """Rewrite a Parquet file with `change(rows)` applied to its rows (same schema)."""
    data = pq.read_table(path)
    rows = data.to_pylist()
    change(rows)
    pq.write_table(pa.Table.from_pylist(rows, schema=data.schema), path)


def _hostile_texts(rows: list[dict[str, Any]]) -> None:
    """Hostile article texts (rows in id order, like the sample's texts)."""
    for i, row in enumerate(sorted(rows, key=lambda r: r["id"])):
        row["text"] = HOSTILE[i]


def _hostile_actors(rows: list[dict[str, Any]]) -> None:
    """Hostile aliases (a null item too), a null and an empty list, hostile names and notes."""
    rows[0]["aliases"] = [*HOSTILE, None]
    rows[1]["aliases"] = None
    rows[2]["roles"] = []
    for i, row in enumerate(rows):
        row["review"]["note"] = HOSTILE[i % len(HOSTILE)]
        row["name"] = HOSTILE[i]


def _hostile_events(rows: list[dict[str, Any]]) -> None:
    """Hostile quantities (a list of structs), a null review, a multi-line summary."""
    rows[0]["quantities"] = [
        {"value": -3, "unit": u, "qualifier": "about", "text": t}
        for u, t in zip(HOSTILE, reversed(HOSTILE), strict=True)
    ]
    rows[1]["review"] = None
    rows[1]["summary"] = "\n".join(HOSTILE)


def _hostile_citations(rows: list[dict[str, Any]]) -> None:
    """One more citation per awkward quote, pointing at hostile record ids."""
    rows += [
        {**rows[0], "id": f"zz-hostile-{k:02d}", "quote": quote, "record_id": HOSTILE[k % 8]}
        for k, quote in enumerate(QUOTES + HOSTILE)
    ]


def test_hostile_strings_match_the_reference(
    built: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    release = tmp_path / "hostile"
    release.mkdir()
    for f in built[0].glob("*.parquet"):
        shutil.copy(f, release / f.name)
    _rewrite(release / "actors.parquet", _hostile_actors)
    _rewrite(release / "events.parquet", _hostile_events)
    _rewrite(release / "citations.parquet", _hostile_citations)
    _rewrite(release / "sources.parquet", _hostile_texts)
    texts = {sid: HOSTILE[i] for i, sid in enumerate(built[1])}
    build_sqlite(release, tmp_path / DB_FILE)
    assert_matches_reference(release, texts, tmp_path / DB_FILE)
    with closing(sqlite3.connect(tmp_path / DB_FILE)) as conn:
        sql = "select aliases from actors where id = 'nicolas-maduro'"
        assert json.loads(conn.execute(sql).fetchone()[0]) == [*HOSTILE, None]
        labels = dict(conn.execute("select quote, label from citations where id like 'zz-%'"))
    assert labels[" "].startswith("“” (") and labels["x" * 91].startswith("“" + "x" * 89 + "…”")
