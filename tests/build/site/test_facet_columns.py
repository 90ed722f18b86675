"""Facets of filtered and searched pages counted from columns held in memory
(``vzcrisis.site.facet_columns``): Datasette's own results, from one query listing the rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from datasette.app import Datasette
from datasette.tracer import capture_traces
from vzcrisis.site.facet_columns import TableColumns, hits_sql

from tests.build._site import site

DB = "venezuela-crisis"
Plain = Callable[..., AbstractContextManager[Datasette]]
"""The ``plain`` fixture: Datasette over a database without our plugins."""
ROOT = Path(__file__).resolve().parents[3]
UNHURRIED = {"facet_time_limit_ms": 60_000, "sql_time_limit_ms": 60_000}
"""No time limit: what is compared is the values (a loaded machine may pass 200 ms)."""


def _facets(data: dict[str, Any]) -> dict[str, Any]:
    found = data["facet_results"]
    return {
        name: ([(v["value"], v["count"]) for v in facet["results"]], facet["truncated"])
        for name, facet in found.get("results", found).items()
    }


PAGES = {
    "events": ["_search=the", "_search=strike&_facet_size=3", "type=ASSAULT", "id__gt=m"],
    "demands": ["_search=the", "_search=the&status__not=x"],
    "sanctions": ["_search=the&_facet_size=2"],
    "sources": ["_search=the", "_search=the&_facet_size=2"],
}
"""Searched and filtered pages of the tables with default facets (the search alone reads the
full-text index; with a filter, the table)."""


@pytest.mark.parametrize("table", list(PAGES))
async def test_searched_and_filtered_pages_count_like_datasette(
    synth_db: Path, plain: Plain, table: str
) -> None:
    """The page's rows, their count, and every facet's values, counts, order and truncation
    equal plain Datasette's (no plugin); the held facets come from one query."""
    ours = site(synth_db, **UNHURRIED)
    checked, truncated = 0, False
    for args in PAGES[table]:
        path = f"/{DB}/{table}.json?_extra=facet_results&{args}"
        traces: list[dict[str, Any]] = []
        with capture_traces(traces):
            got = (await ours.client.get(path)).json()
        with plain(synth_db, **UNHURRIED) as theirs:
            expected = (await theirs.client.get(path)).json()
        assert got["filtered_table_rows_count"] == expected["filtered_table_rows_count"] > 0
        assert got["rows"] == expected["rows"], args
        facets = _facets(got)
        assert facets == _facets(expected), (table, args)
        assert not got.get("facets_timed_out") and len(facets) >= 3
        listed = [t["sql"] for t in traces if "group_concat(rowid)" in t["sql"]]
        assert len(listed) == 1, listed
        filters = [a for a in args.split("&") if not a.startswith("_")]
        alone = args.startswith("_search=") and not filters
        assert listed[0].startswith(f"select group_concat(rowid) from {table}_fts ") == alone
        per_facet = [t["sql"] for t in traces if " as count" in t["sql"]]
        assert not per_facet, per_facet
        checked += sum(len(values) for values, _ in facets.values())
        truncated = truncated or any(cut for _, cut in facets.values())
    assert checked >= 8 and truncated


async def test_an_actors_page_counts_like_datasette(synth_db: Path, plain: Plain) -> None:
    """A filter on a list of ids (``actors__arraycontains``, which our plugin also answers from
    the link table) with a search: the same count and facets as plain Datasette."""
    conn = sqlite3.connect(synth_db)
    (actor,) = conn.execute(
        "select actor_id from event_actors where role = 'actors' "
        "group by 1 order by count(*) desc, 1 limit 1"
    ).fetchone()
    conn.close()
    path = f"/{DB}/events.json?_extra=facet_results&_search=the&actors__arraycontains={actor}"
    got = (await site(synth_db, **UNHURRIED).client.get(path)).json()
    with plain(synth_db, **UNHURRIED) as theirs:
        expected = (await theirs.client.get(path)).json()
    assert got["filtered_table_rows_count"] == expected["filtered_table_rows_count"] > 3
    assert _facets(got) == _facets(expected)
    actors = dict(_facets(got)["actors"][0])
    assert actors[actor] == got["filtered_table_rows_count"]


def test_the_rows_of_a_page_are_listed_by_one_query() -> None:
    """A search alone reads the full-text index; any other condition, the table."""
    cols = "select id, type from events where "
    search = "rowid in (select rowid from events_fts where events_fts match escape_fts(:search))"
    assert hits_sql(f"{cols}{search} ", "events") == (
        "select group_concat(rowid) from events_fts where events_fts match escape_fts(:search)"
    )
    raw = search.replace("escape_fts(:search)", ":search")
    assert hits_sql(f"{cols}{raw} ", "events") == (
        "select group_concat(rowid) from events_fts where events_fts match :search"
    )
    both = f'{search} and "type" = :p0'
    assert hits_sql(f"{cols}{both} ", "events") == (
        f"select group_concat(rowid) from events where {both}"
    )
    assert hits_sql("select id, type from events ", "events") is None


def test_held_columns_count_rows_by_rowid(tmp_path: Path) -> None:
    """Rowids with gaps (and dense, 1..n); nulls and empty lists count nothing; an id twice in
    a list counts its row once; ties are ordered by value as SQLite orders text ("A" < "a")."""
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("create table events (type text, actors text)")
    rows = [
        (3, "B", '["x", "y", "x"]'),
        (7, "A", '["y"]'),
        (8, None, "[]"),
        (20, "B", None),
        (21, "a", '["z", "x"]'),
    ]
    conn.executemany("insert into events (rowid, type, actors) values (?, ?, ?)", rows)
    store = TableColumns("events")
    store.load(conn, ["type", "actors"])
    assert not store.dense
    everything = store.positions("3,7,8,20,21,99")
    assert everything.to_pylist() == [0, 1, 2, 3, 4]
    assert store.counts("type", everything, 10) == [("B", 2), ("A", 1), ("a", 1)]
    assert store.counts("actors", everything, 10) == [("x", 2), ("y", 2), ("z", 1)]
    assert store.counts("actors", everything, 2) == [("x", 2), ("y", 2)]
    some = store.positions("21,7")
    assert store.counts("type", some, 10) == [("A", 1), ("a", 1)]
    assert store.positions(None).to_pylist() == []
    assert store.counts("type", pa.array([], pa.int64()), 10) == []
    dense = TableColumns("events")
    conn.execute("drop table events")
    conn.execute("create table events (type text)")
    conn.executemany("insert into events values (?)", [("A",), ("B",), ("A",)])
    dense.load(conn, ["type"])
    assert dense.dense
    assert dense.counts("type", dense.positions("1,3,4"), 10) == [("A", 2)]
