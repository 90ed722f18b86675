"""datasette-metadata.json: generated from the models, complete, committed; serve/CLI basics."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner
from venezuela_crisis.errors import UnknownVersionError
from venezuela_crisis.models import TABLES, DemandStatus
from vzcrisis.cli import app
from vzcrisis.release.build import build_release
from vzcrisis.site.browsing import FACETS, LINK_ROLE, MORE_FACETS, facet_spec
from vzcrisis.site.metadata import METADATA_FILE, build_metadata, render_metadata
from vzcrisis.site.serve import PLUGINS, SETTINGS, TEMPLATES, plan_serve
from vzcrisis.site.sqlite import DB_FILE, browse_indexes, key_indexes, link_tables

DB = "venezuela-crisis"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def mini_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mini-meta") / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", root)
    build_release(root, "1.0.0")
    return root


def test_committed_metadata_matches_the_models() -> None:
    committed = (ROOT / METADATA_FILE).read_text(encoding="utf-8")
    assert committed == render_metadata(build_metadata()), (
        "datasette-metadata.json is out of date: run `vzcrisis datasette-metadata`"
    )


def test_every_table_and_column_of_the_database_is_described(mini_root: Path) -> None:
    meta = build_metadata()
    tables = meta["databases"][DB]["tables"]
    conn = sqlite3.connect(mini_root / "releases" / "1.0.0" / DB_FILE)
    names = [
        r[0]
        for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like '%_fts%'"
        )
    ]
    assert sorted(names) == sorted(tables)
    for table in names:
        cols = [r[1] for r in conn.execute(f"pragma table_info([{table}])")]
        described = tables[table]["columns"]
        assert sorted(cols) == sorted(described), table
        assert all(described.values()), table
        assert tables[table]["description"] and tables[table]["label_column"] in cols, table
        assert tables[table]["license"] == "CC-BY-4.0"


def test_descriptions_are_the_model_text_with_allowed_values() -> None:
    columns = build_metadata()["databases"][DB]["tables"]["demands"]["columns"]
    field = TABLES["demands"].row.model_fields
    assert columns["text"] == field["text"].description
    assert columns["status"].startswith(str(field["status"].description) + " Allowed values: ")
    for value in DemandStatus:
        assert f"{value.value} (" in columns["status"]
    assert "partly_rejected (Partly refused, partly granted or unclear.)" in columns["status"]


def test_canned_queries_use_single_quoted_sql() -> None:
    queries = build_metadata()["databases"][DB]["queries"]
    assert sorted(queries) == [
        "actor_demands",
        "demands_by_actor",
        "disputed_claims",
        "evidence",
        "single_origin_claims",
        "timeline",
    ]
    for name, query in queries.items():
        assert '"' not in query["sql"], name
        assert query["title"] and query["description"], name


def test_metadata_command_writes_the_committed_file(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["datasette-metadata", "--root", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / METADATA_FILE).read_text() == (ROOT / METADATA_FILE).read_text()


def test_serve_names_a_missing_release(mini_root: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["serve", "--version", "9.9.9", "--root", str(mini_root)])
    assert r.exit_code == 1, r.output
    assert r.output.startswith(f"error: release 9.9.9 not found in {mini_root / 'releases'}, ")
    assert r.output.endswith("available: 1.0.0, 1.1.0\n"), r.output  # the project's and bundled
    with pytest.raises(UnknownVersionError, match=r"no release under .*; build one with"):
        plan_serve(tmp_path)  # the library plan itself reads the project's releases only


def test_serve_plan_is_immutable_and_local(mini_root: Path) -> None:
    plan = plan_serve(mini_root)
    args = plan.args(Path("/tmp/inspect.json"))
    db = str(mini_root / "releases" / "1.0.0" / DB_FILE)
    assert args[:3] == ["serve", "-i", db] and args.count(db) == 1
    assert args[-4:] == ["--host", "127.0.0.1", "--port", "8001"]
    i = args.index("sql_time_limit_ms")
    assert args[i - 1 : i + 2] == ["--setting", "sql_time_limit_ms", "1000"]
    assert SETTINGS["max_returned_rows"] == "1000"


def test_serve_settings_are_exact(mini_root: Path) -> None:
    """The settings `vzcrisis serve` passes, pinned: suggest_facets off keeps table pages fast."""
    assert SETTINGS == {
        "sql_time_limit_ms": "1000",
        "max_returned_rows": "1000",
        "allow_download": "on",
        "truncate_cells_html": "400",
        "suggest_facets": "off",
        "facet_time_limit_ms": "200",
    }
    args = plan_serve(mini_root).args(Path("/tmp/inspect.json"))
    pairs = [tuple(args[i + 1 : i + 3]) for i, a in enumerate(args) if a == "--setting"]
    assert pairs == list(SETTINGS.items())
    assert ("suggest_facets", "off") in pairs


def test_more_facets_are_columns_of_their_table_and_not_defaults() -> None:
    """The "Suggested facets" links (`MORE_FACETS`): real columns, never a default facet twice."""
    tables = build_metadata()["databases"][DB]["tables"]
    assert set(MORE_FACETS) == set(TABLES)
    for table, facets in MORE_FACETS.items():
        defaults = {facet_spec(f) for f in FACETS[table]}
        for kind, column in map(facet_spec, facets):
            assert kind in ("column", "array", "date"), (table, kind)
            assert column in tables[table]["columns"], (table, column)
            assert (kind, column) not in defaults, (table, column)


def _indexes(db: Path) -> dict[str, set[tuple[str, ...]]]:
    """Table → the columns of each of its indexes (keys too), read from ``PRAGMA index_list``
    and ``index_info`` of the database `db`."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        return {
            t: {
                tuple(c[2] for c in conn.execute(f"pragma index_info([{i[1]}])"))
                for i in conn.execute(f"pragma index_list([{t}])")
            }
            for t in tables
        }


def test_every_sort_and_facet_column_of_the_metadata_leads_an_index(mini_root: Path) -> None:
    """A table page reads its first rows from an index and counts each default facet from one:
    the sort column and every plain or date facet column lead an index; an array facet on a
    list of ids has its link table's ``(role, id)`` index (``browsing``)."""
    indexes = _indexes(mini_root / "releases" / "1.0.0" / DB_FILE)
    links = {(link.table, role): link for link in link_tables() for role in link.roles}
    for table, meta in build_metadata()["databases"][DB]["tables"].items():
        led = {cols[0] for cols in indexes[table]}
        assert (meta.get("sort") or meta["sort_desc"]) in led, table
        for kind, column in map(facet_spec, meta.get("facets", [])):
            if kind == "array":
                link = links[(table, column)]
                assert (LINK_ROLE, link.right) in indexes[link.name], (table, column)
            else:
                assert column in led, (table, kind, column)


def test_the_indexes_are_the_derived_ones(mini_root: Path) -> None:
    """Nothing else is indexed: primary keys, the builder's key indexes and the page indexes."""
    indexes = _indexes(mini_root / "releases" / "1.0.0" / DB_FILE)
    derived = {t: set(i) for t, i in key_indexes().items()}
    for table, found in browse_indexes().items():
        derived[table] |= set(found)
    for link in link_tables():
        derived[link.name].add((link.left, link.right, LINK_ROLE))
    for table in TABLES:
        derived[table].add(("id",))
    assert {t: i for t, i in indexes.items() if "_fts" not in t} == derived


def test_datasette_get_smoke(mini_root: Path) -> None:
    """`datasette … --get PATH` exits 0 only on a 200: the home page and the timeline."""
    db = mini_root / "releases" / "1.0.0" / DB_FILE
    meta = mini_root / METADATA_FILE
    meta.write_text(render_metadata(build_metadata()), encoding="utf-8")
    for path in ("/", "/timeline", f"/{DB}/demands/release-two-fishermen"):
        cmd = [sys.executable, "-m", "datasette", "-i", str(db), "-m", str(meta)]
        cmd += ["--template-dir", str(TEMPLATES), "--plugins-dir", str(PLUGINS), "--get", path]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, (path, r.stdout[-500:], r.stderr[-2000:])
