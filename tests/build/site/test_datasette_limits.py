"""Datasette as `vzcrisis serve` runs it: read-only, time-limited, size-capped, no facet
suggestion queries.

The server is built in-process with the project's generated metadata and exactly the settings
of ``vzcrisis.site.serve.SETTINGS``, on a release of the mini fixture built by the real builder.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.tracer import capture_traces
from venezuela_crisis.models import TABLES
from vzcrisis.release.build import build_release
from vzcrisis.site.browsing import MORE_FACETS
from vzcrisis.site.metadata import build_metadata
from vzcrisis.site.serve import PLUGINS, SETTINGS, TEMPLATES
from vzcrisis.site.sqlite import DB_FILE

ROOT = Path(__file__).resolve().parents[3]
DB = "venezuela-crisis"
SLOW_SQL = (
    "with recursive r(i) as (select 1 union all select i + 1 from r) "
    "select count(*) from r where i < 0"
)
"""Never ends on its own: only the time limit stops it."""
MANY_ROWS = (
    "with recursive r(i) as (select 1 union all select i + 1 from r where i < 5000) select i from r"
)


def _typed(value: str) -> Any:
    """A `--setting NAME VALUE` string as Datasette's CLI passes it to the app."""
    if value in ("on", "off"):
        return value == "on"
    return int(value) if value.isdigit() else value


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("limits") / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", root)
    build_release(root, "1.0.0")
    return root / "releases" / "1.0.0" / DB_FILE


@pytest.fixture
def ds(db: Path) -> Datasette:
    return Datasette(
        immutables=[str(db)],
        metadata=build_metadata(),
        template_dir=str(TEMPLATES),
        plugins_dir=str(PLUGINS),
        settings={name: _typed(value) for name, value in SETTINGS.items()},
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


NO_ROUTE = [
    f"/{DB}/events/-/insert",
    f"/{DB}/events/-/upsert",
    f"/{DB}/events/examplia-demand-2025-12-01/-/update",
    f"/{DB}/events/examplia-demand-2025-12-01/-/delete",
    f"/{DB}/events/-/drop",
    f"/{DB}/events",
]
"""Datasette 1.0's write API (and a table page); Datasette 0.65 has no POST route for them."""
ROUTED = [f"/{DB}/-/create", f"/{DB}", "/-/permissions"]


async def _post(ds: Datasette, path: str) -> int:
    body = {"row": {"id": "x"}, "sql": "delete from events", "table": "evil", "confirm": True}
    try:
        r = await ds.client.post(path, json=body)
    except ValueError:  # the crash above: uvicorn turns it into a 500
        return 500
    return int(r.status_code)


@pytest.mark.parametrize("path", NO_ROUTE + ROUTED)
async def test_posted_writes_change_nothing(ds: Datasette, db: Path, path: str) -> None:
    before = _sha(db)
    status = await _post(ds, path)
    assert status >= 400, status
    rows = await ds.client.get(f"/{DB}/events.json?_shape=array")
    assert sorted(row["id"] for row in rows.json()) == [
        "examplia-demand-2025-12-01",
        "testland-rejects-2025-12-02",
    ]
    assert _sha(db) == before


@pytest.mark.parametrize("path", ROUTED)
async def test_posted_writes_are_client_errors(ds: Datasette, path: str) -> None:
    assert 400 <= await _post(ds, path) < 500


@pytest.mark.parametrize("path", NO_ROUTE)
async def test_write_api_routes_are_client_errors(ds: Datasette, path: str) -> None:
    assert 400 <= await _post(ds, path) < 500


@pytest.mark.parametrize(
    "sql",
    [
        "delete from events",
        "update events set summary = 'x'",
        "drop table events",
        "attach database ':memory:' as other",
        "pragma writable_schema = 1",
        "select load_extension('/tmp/evil')",
    ],
)
async def test_write_sql_is_refused(ds: Datasette, db: Path, sql: str) -> None:
    before = _sha(db)
    r = await ds.client.get(f"/{DB}.json", params={"sql": sql})
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert r.json()["ok"] is False
    assert _sha(db) == before
    count = await ds.client.get(f"/{DB}.json", params={"sql": "select count(*) n from events"})
    assert count.json()["rows"] == [[2]] or count.json()["rows"] == [{"n": 2}]


async def test_slow_query_is_cut_at_the_time_limit(ds: Datasette) -> None:
    assert SETTINGS["sql_time_limit_ms"] == "1000"
    r = await ds.client.get(f"/{DB}.json", params={"sql": SLOW_SQL})
    assert r.status_code == 400, r.text[:300]
    assert "SQL query took too long" in r.json()["error"], r.text[:300]


async def test_rows_are_capped_at_max_returned_rows(ds: Datasette) -> None:
    r = await ds.client.get(f"/{DB}.json", params={"sql": MANY_ROWS})
    assert r.status_code == 200, r.text[:300]
    data = r.json()
    assert len(data["rows"]) == int(SETTINGS["max_returned_rows"]) == 1000
    assert data["truncated"] is True


@pytest.mark.parametrize("size", ["100000", "99999999999999999999", "-1", "max"])
async def test_huge_size_is_capped(ds: Datasette, size: str) -> None:
    r = await ds.client.get(f"/{DB}/citations.json", params={"_size": size})
    if size == "max":
        assert r.status_code == 200, r.text[:300]
        assert len(r.json()["rows"]) <= 1000
    else:
        assert r.status_code == 400, (r.status_code, r.text[:300])
        assert "_size" in r.json()["error"], r.text[:300]


@pytest.mark.parametrize("table", list(TABLES))
async def test_table_pages_suggest_facets_without_querying(ds: Datasette, table: str) -> None:
    """suggest_facets is off: no per-column queries; the page still offers `MORE_FACETS` links,
    and each one opens a page with that facet computed (not timed out)."""
    await ds.client.get(f"/{DB}/{table}")  # the first request counts every table's rows
    traces: list[dict[str, Any]] = []
    with capture_traces(traces):
        r = await ds.client.get(f"/{DB}/{table}")
    assert r.status_code == 200
    queries = [" ".join(t["sql"].split()) for t in traces]
    # Datasette's suggestion queries: `… as n from`, `json_type(…)`, `select date(…) from`
    suggesting = [q for q in queries if " as n from" in q or "json_type(" in q]
    suggesting += [q for q in queries if q.startswith("select date(") and " as value" not in q]
    assert not suggesting
    assert len(queries) < 25, queries
    for facet in MORE_FACETS[table]:
        kind, column = ("column", facet) if isinstance(facet, str) else next(iter(facet.items()))
        arg = "_facet" if kind == "column" else f"_facet_{kind}"
        assert f'href="http://localhost/{DB}/{table}?{arg}={column}#facet-{column}"' in r.text
        data = await ds.client.get(f"/{DB}/{table}.json?{arg}={column}&_extra=facet_results")
        facets = data.json()["facet_results"]  # a facet that timed out is missing here
        assert column in facets.get("results", facets), (table, column)
    if MORE_FACETS[table]:
        assert "Suggested facets:" in r.text


def _facet_queries(traces: list[dict[str, Any]]) -> list[str]:
    return [t["sql"] for t in traces if " as count" in t["sql"] and " as value" in t["sql"]]


async def test_whole_table_facets_are_counted_once(ds: Datasette) -> None:
    """The database is immutable: a facet of a whole table is counted by the first visit only,
    and later visits show the same counts; a filtered page counts its facets every time, from
    the columns held in memory (``facet_columns``) after one query listing its rows."""
    path = f"/{DB}/events.json?_extra=facet_results&_facet=mode"
    seen = []
    for _ in range(2):
        traces: list[dict[str, Any]] = []
        with capture_traces(traces):
            r = await ds.client.get(path)
        seen.append((_facet_queries(traces), r.json()["facet_results"]))
    (first, facets), (second, again) = seen
    assert len(first) == 5  # type, date_precision, mode, date, actors
    assert second == []
    assert again == facets
    filtered = f"{path}&type=REQUEST"
    for _ in range(2):
        traces = []
        with capture_traces(traces):
            await ds.client.get(filtered)
        assert _facet_queries(traces) == []
        assert len([t for t in traces if "group_concat(rowid)" in t["sql"]]) == 1


async def test_a_default_facet_asked_for_again_is_shown_once(ds: Datasette) -> None:
    """``?_facet=type`` on events (a default facet): one `type` box, counted once."""
    traces: list[dict[str, Any]] = []
    with capture_traces(traces):
        data = (await ds.client.get(f"/{DB}/events.json?_facet=type&_extra=facet_results")).json()
    facets = data["facet_results"].get("results", data["facet_results"])
    assert sorted(facets) == ["actors", "date", "date_precision", "type"]
    assert len([q for q in _facet_queries(traces) if q.lstrip().startswith("select type ")]) == 1
    page = await ds.client.get(f"/{DB}/events?_facet=type")
    assert page.text.count('data-column="type"') == page.text.count('data-column="actors"')
