"""A searched or filtered page's count and first rows taken from the list of its rows
(``vz_search`` plugin, ``facet_columns.TableColumns.first_rowids``): the rows, their order, the
count, the facets and the next page equal plain Datasette's; every other page keeps
Datasette's queries."""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.tracer import capture_traces
from vzcrisis.site.facet_columns import PAGE, TableColumns
from vzcrisis.site.serve import PLUGINS

from tests.build._site import site

DB = "venezuela-crisis"
Plain = Callable[..., AbstractContextManager[Datasette]]
"""The ``plain`` fixture: Datasette over a database without our plugins."""

UNHURRIED = {"facet_time_limit_ms": 60_000, "sql_time_limit_ms": 60_000}
"""No time limit: what is compared is the values (a loaded machine may pass 200 ms)."""

OURS = "json_each(:vz_rowids)"
"""The condition of the row query taking a searched page's rows by rowid."""

ROWS = re.compile(r"^select .* order by (?!count desc)[^()]+ limit \d+\s*$", re.S)
"""A table page's row query (facet queries order by count, then value)."""

SEARCHED = {
    "events": [
        "type=ASSAULT&_size=5",
        "type=ASSAULT&date_precision=day&_sort=date&_size=4",
        "date_precision=day&_sort_desc=type&_size=6",
        "_search=strike",
        "_search=the&_size=5",
        "_search=the&_sort=date&_size=7",
        "_search=the&_sort_desc=type&_size=3",
        "_search=the&_sort=disputed&_size=4",
        "_search=zzzz",
    ],
    "demands": ["_search=the", "_search=the&_sort_desc=category&_size=9", "status=open&_size=3"],
    "sanctions": ["_search=the&_size=20"],
    "sources": ["_search=the&_size=3"],
    "disputes": ["_search=the&_size=6"],
    "citations": ["_search=the&_size=50"],
}
"""Searches alone and filters by values alone (by an indexed column, by a column without an
index), sorted by each table's default or another held column (vocabularies, yes/no, dates:
many ties, and undated events), small pages so the first rows are few of many."""


def _facets(data: dict[str, Any]) -> dict[str, Any]:
    found = data["facet_results"]
    return {
        name: ([(v["value"], v["count"]) for v in facet["results"]], facet["truncated"])
        for name, facet in found.get("results", found).items()
    }


async def _compare(
    ours: Datasette, plain: Plain, db: Path, paths: list[str]
) -> list[tuple[dict[str, Any], list[str]]]:
    """Our pages and Datasette's own (no plugin) are the same (rows, count, facets, next
    page); returns ours with the SQL each ran."""
    out = []
    for path in paths:
        traces: list[dict[str, Any]] = []
        with capture_traces(traces):
            out.append(((await ours.client.get(path)).json(), [t["sql"] for t in traces]))
    with plain(db, **UNHURRIED) as theirs:
        for path, (got, _) in zip(paths, out, strict=True):
            expected = (await theirs.client.get(path)).json()
            assert got["rows"] == expected["rows"], path
            assert got["filtered_table_rows_count"] == expected["filtered_table_rows_count"], path
            assert got["next"] == expected["next"], path
            assert _facets(got) == _facets(expected), path
    return out


@pytest.mark.parametrize("table", list(SEARCHED))
async def test_searched_and_filtered_pages_show_what_datasette_shows(
    synth_db: Path, plain: Plain, table: str
) -> None:
    """Datasette's count and row query are not run: one query lists the rows, one fetches
    the page's first rows; the page is Datasette's own (no plugin)."""
    paths = [f"/{DB}/{table}.json?_extra=facet_results&{args}" for args in SEARCHED[table]]
    cut = False
    for got, sql in await _compare(site(synth_db, **UNHURRIED), plain, synth_db, paths):
        assert not [s for s in sql if s.startswith(f"select count(*) from {table} where")], sql
        rows = [s for s in sql if ROWS.search(s)]
        assert len(rows) == 1 and OURS in rows[0], sql
        assert len([s for s in sql if "group_concat(rowid)" in s]) == 1, sql
        cut = cut or got["filtered_table_rows_count"] > len(got["rows"]) > 0
    assert cut


async def test_other_pages_keep_datasettes_queries(synth_db: Path, plain: Plain) -> None:
    """A later page, a search with a filter, another kind of filter, a sort on a column not
    held, and a raw search that is not valid FTS run Datasette's own queries, with the same
    results."""
    ours = site(synth_db, **UNHURRIED)
    page = f"/{DB}/events.json?_search=the&_size=5"
    ((first, _),) = await _compare(ours, plain, synth_db, [page])
    paths = [
        f"{page}&_next={first['next']}",
        f"/{DB}/events.json?_search=the&type=ASSAULT&_size=5",
        f"/{DB}/events.json?type__in=ASSAULT,ACCUSE&_size=5",
        f"/{DB}/events.json?type=ASSAULT&_size=5&_next={first['next']}",
        f"/{DB}/events.json?_search=the&_sort=summary&_size=5",
    ]
    for got, sql in await _compare(ours, plain, synth_db, paths):
        rows = [s for s in sql if ROWS.search(s)]
        assert got["rows"] and len(rows) == 1 and OURS not in rows[0], sql
    bad = f"/{DB}/events.json?_search=%22the&_searchmode=raw"
    error = (await ours.client.get(bad)).json()
    with plain(synth_db) as theirs:
        assert error == (await theirs.client.get(bad)).json()


async def test_a_page_lists_its_hits_for_itself_only(synth_db: Path) -> None:
    """The hits live in the request being answered: none before or after a request."""
    ours = site(synth_db)
    assert PAGE.get() is None
    one = (await ours.client.get(f"/{DB}/events.json?_search=strike")).json()
    assert PAGE.get() is None
    two = (await ours.client.get(f"/{DB}/events.json?_search=the")).json()
    assert one["filtered_table_rows_count"] < two["filtered_table_rows_count"]


def test_first_rowids_order_like_sqlite(tmp_path: Path) -> None:
    """Ranks order rows as SQLite's ``order by v [desc]`` over hits read by rowid: ties by
    rowid, NULLs first ascending and last descending, text by bytes ("B" < "a" < "á"), numbers
    before text; a column of mixed types is not ranked."""
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("create table t (v)")
    conn.execute("create table h (r integer primary key)")
    values = ["a", None, "B", "a", "á", None, "B", "c", "a", None, "", "a"]
    conn.executemany("insert into t (rowid, v) values (?, ?)", enumerate(values, start=3))
    hits = [3, 4, 6, 7, 8, 9, 10, 11, 13, 14]
    conn.executemany("insert into h values (?)", [(r,) for r in hits])
    columns = TableColumns("t")
    for descending in (False, True):
        columns.load_rank(conn, "v", descending)
        positions = columns.positions(",".join(map(str, hits)))
        for k in (1, 3, 6, 10, 20):
            order = "v desc" if descending else "v"
            sql = f"select rowid from t where rowid in (select r from h) order by {order} limit {k}"
            plan = [row[3] for row in conn.execute(f"explain query plan {sql}")]
            assert plan[0] == "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)", plan
            expected = [r for (r,) in conn.execute(sql)]
            assert columns.first_rowids("v", descending, positions, k) == expected, (descending, k)
    assert columns.first_rowids("v", False, columns.positions("4,6,14"), 2) == [4, 6]
    assert columns.first_rowids("v", True, columns.positions("4,6,14"), 3) == [6, 14, 4]
    assert columns.first_rowids("v", True, columns.positions(None), 3) == []
    assert columns.first_rowids("w", False, columns.positions("3"), 1) is None
    conn.execute("create table n (v)")
    conn.executemany("insert into n values (?)", [(2,), ("x",), (1.5,), (None,)])
    mixed = TableColumns("n")
    mixed.load_rank(conn, "v", False)
    assert mixed.first_rowids("v", False, mixed.positions("1,2"), 2) is None
    numbers = TableColumns("t")
    conn.execute("update t set v = rowid % 4 + (rowid % 3) / 2.0")
    numbers.load_rank(conn, "v", False)
    sql = "select rowid from t where rowid in (select r from h) order by v limit 6"
    expected = [r for (r,) in conn.execute(sql)]
    assert numbers.first_rowids("v", False, numbers.positions(",".join(map(str, hits))), 6) == (
        expected
    )


async def test_rows_come_from_the_list_only_when_sqlite_reads_them_in_rowid_order(
    tmp_path: Path,
) -> None:
    """The row query's plan (and its fetch's) must read the rows in rowid order -- a search's
    hits by rowid; a filter's, the whole table or one value of a one-column index -- then
    sort (ties in the order they come, as the ranks order them), over a table without a
    collation."""
    spec = importlib.util.spec_from_file_location("vz_search_checked", PLUGINS / "vz_search.py")
    assert spec is not None and spec.loader is not None
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("create table t (id text primary key, v text, a text, b text, c text, d text)")
    conn.execute("create index iv on t (v)")
    conn.execute("create index ia on t (a)")
    conn.execute("create index ibc on t (b, c)")
    conn.execute("create table u (id text primary key, v text collate nocase)")
    conn.execute("create table h (r integer primary key)")
    conn.close()
    ds = Datasette(immutables=[str(tmp_path / "t.db")])
    rows = plugin.SearchRows(ds, ds.get_database("t"))
    checks = {
        ("t", "rowid in (select r from h)", True, "v"): True,
        ("t", "+rowid in (select r from h)", True, "v"): False,  # SQLite walks the index on v
        ("u", "rowid in (select r from h)", True, "v"): False,  # a collation
        ("t", '"a" = :p0', False, "v"): True,  # one value of the index on a
        ("t", '"c" = :p0', False, "d"): True,  # the whole table
        ("t", '"c" = :p0', False, "v"): False,  # the index on v, no sort
        ("t", '"b" = :p0', False, "v"): False,  # one value of b: rows in order of c
    }
    for (table, where, search, column), expected in checks.items():
        sql = f"select * from {table} where {where} order by {column} limit 5"
        fetch = f"select * from {table} where {plugin.FETCH} order by {column} limit 5"
        params = {"p0": "x"} if ":p0" in where else {}
        found = await rows._in_rowid_order(sql, params, table, fetch, search)
        assert found is expected, (where, column)
    assert len(rows.plans) == 7
    searched = plugin.SearchRows(ds, ds.get_database("t"))  # a search's hits: by rowid only
    sql, fetch = (
        'select * from t where "a" = :p0 order by v limit 5',
        f"select * from t where {plugin.FETCH} order by v limit 5",
    )
    assert not await searched._in_rowid_order(sql, {"p0": "x"}, "t", fetch, True)
