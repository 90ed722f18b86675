"""Hostile filter values in every SDK filter, and concurrent queries on one release.

Every filter value is bound as a parameter or checked against a vocabulary: an injection
string either matches nothing (no row leaks) or raises a one-line QueryError, and afterwards
every view still exists with the same row count. `vc.sql` runs read-only statements only, and
DuckDB reads the release's own files only. 8 threads and 4 processes get exactly what one
serial caller gets.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from venezuela_crisis import VenezuelaCrisis
from venezuela_crisis.errors import QueryError

HOSTILE: dict[str, str] = {
    "or-true": "' OR 1=1 --",
    "drop": '"; DROP TABLE events; --',
    "drop-view": "x'); drop view actors; --",
    "union": "' UNION SELECT id, id, id FROM sources --",
    "nul": "zz\x00' OR 1=1 --",
    "rtl": "\u202eorudam salocin",
    "huge": "A" * 10_000_000,
    "like": "%",
    "glob": "*",
    "placeholder": "?",
}
"""Strings no id, name, vocabulary value or date equals."""

Query = Callable[[VenezuelaCrisis, str], Any]
FILTERS: dict[str, Query] = {
    "actors(name)": lambda vc, v: vc.actors(v),
    "actors(id)": lambda vc, v: vc.actors(id=v),
    "actors(kind)": lambda vc, v: vc.actors(kind=v),
    "actors(country)": lambda vc, v: vc.actors(country=v),
    "actor": lambda vc, v: vc.actor(v),
    "resolve": lambda vc, v: vc.resolve(v),
    "sources(origin)": lambda vc, v: vc.sources(origin=v),
    "sources(id)": lambda vc, v: vc.sources(id=[v]),
    "events(since)": lambda vc, v: vc.events(since=v),
    "events(until)": lambda vc, v: vc.events(until=v),
    "events(type)": lambda vc, v: vc.events(type=v),
    "events(actor)": lambda vc, v: vc.events(actor=v),
    "events(by)": lambda vc, v: vc.events(by=[v]),
    "events(recipient)": lambda vc, v: vc.events(recipient=v),
    "events(source)": lambda vc, v: vc.events(source=v),
    "demands(by)": lambda vc, v: vc.demands(by=v),
    "demands(addressed_to)": lambda vc, v: vc.demands(addressed_to=v),
    "demands(status)": lambda vc, v: vc.demands(status=v),
    "demands(category)": lambda vc, v: vc.demands(category=v),
    "demands(source)": lambda vc, v: vc.demands(source=v),
    "demands(made_in)": lambda vc, v: vc.demands(made_in=v),
    "sanctions(target)": lambda vc, v: vc.sanctions(target=v),
    "sanctions(imposed_by)": lambda vc, v: vc.sanctions(imposed_by=v),
    "sanctions(kind)": lambda vc, v: vc.sanctions(kind=v),
    "sanctions(status)": lambda vc, v: vc.sanctions(status=v),
    "sanctions(since)": lambda vc, v: vc.sanctions(since=v),
    "sanctions(source)": lambda vc, v: vc.sanctions(source=v),
    "citations(record_id)": lambda vc, v: vc.citations(v),
    "citations(source)": lambda vc, v: vc.citations(source=v),
    "citations(table)": lambda vc, v: vc.citations(table=v),
    "record": lambda vc, v: vc.record(v),
    "timeline(actor)": lambda vc, v: vc.timeline(actor=v),
    "timeline(until)": lambda vc, v: vc.timeline(until=v),
}
MAX_MESSAGE = 400
"""A message quotes the bad value, cut to stay readable (values here can be 10 MB)."""


@pytest.fixture(scope="module")
def counts(vc: VenezuelaCrisis) -> dict[str, int]:
    return {t: _count(vc, t) for t in vc.tables}


def _count(vc: VenezuelaCrisis, table: str) -> int:
    return int(vc.sql(f"select count(*) as n from {table}").column("n")[0].as_py())


@pytest.mark.parametrize(
    "value", [pytest.param(v, marks=pytest.mark.slow) if v == "huge" else v for v in HOSTILE]
)
@pytest.mark.parametrize("query", list(FILTERS))
def test_hostile_filter_value(
    vc: VenezuelaCrisis, counts: dict[str, int], query: str, value: str
) -> None:
    text = HOSTILE[value]
    try:
        result = FILTERS[query](vc, text)
    except QueryError as exc:  # includes UnknownActorError
        message = str(exc)
        assert "\n" not in message, message[:MAX_MESSAGE]
        assert "query failed" not in message, message[:MAX_MESSAGE]
    else:
        if query == "actors(name)" and not any(ch.isalnum() for ch in text):
            expected = vc.actors().ids  # no letter or digit to search for: no filter
        else:
            expected = []
        assert getattr(result, "ids", result) == expected, f"{query}: rows for {text[:50]!r}"
    assert {t: _count(vc, t) for t in counts} == counts


def test_messages_cut_huge_values(vc: VenezuelaCrisis) -> None:
    huge = HOSTILE["huge"]
    for query in ("actor", "events(type)", "record", "events(since)"):
        with pytest.raises(QueryError) as info:
            FILTERS[query](vc, huge)
        assert len(str(info.value)) < MAX_MESSAGE, (query, len(str(info.value)))


# -- concurrency ------------------------------------------------------------------------------
BATTERY = """
import json, sys
from venezuela_crisis import VenezuelaCrisis

def battery(vc):
    return {
        "events": vc.events().to_dicts(),
        "maduro": vc.demands(by="maduro").to_dicts(),
        "sanctions": vc.sanctions(since="2025-11-01").to_dicts(),
        "citations": vc.citations(source=vc.sources().ids).to_dicts(),
        "timeline": vc.timeline(actor="Trump").to_dicts(),
        "disputed": [p.id for p in vc.disputed()],
        "count": vc.sql("select count(*) as n from citations").to_pylist(),
    }

if __name__ == "__main__":
    with VenezuelaCrisis(path=sys.argv[1]) as vc:
        for _ in range(int(sys.argv[2])):
            out = battery(vc)
    print(json.dumps(out, default=str, sort_keys=True))
"""


def _battery() -> Callable[[VenezuelaCrisis], dict[str, Any]]:
    namespace: dict[str, Any] = {"__name__": "battery"}
    exec(BATTERY, namespace)
    return namespace["battery"]  # type: ignore[no-any-return]


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, default=str, sort_keys=True)


def test_eight_threads_get_serial_results(vc: VenezuelaCrisis) -> None:
    battery = _battery()
    serial = _canonical(battery(vc))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: _canonical(battery(vc)), range(32)))
    assert results == [serial] * 32


def test_four_processes_get_serial_results(vc: VenezuelaCrisis, releases_dir: Path) -> None:
    serial = _canonical(_battery()(vc))
    path = str(releases_dir / "1.0.0")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BATTERY, path, "5"], stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4
    assert [o.strip() for o in outputs] == [serial] * 4


REFUSED_SQL: dict[str, tuple[str, str]] = {
    "drop view": ("drop view demands", "DROP"),
    "replace view": ("create or replace view demands as select 1 as id", "CREATE"),
    "create table": ("create table t as select 1", "CREATE"),
    "copy to": ("copy (select 1) to '/tmp/vz-leak.csv'", "COPY"),
    "attach": ("attach '/tmp/vz-leak.duckdb' as leak", "ATTACH"),
    "install": ("install httpfs", "LOAD"),
    "load": ("load httpfs", "LOAD"),
    "pragma": ("pragma enable_profiling", "PRAGMA"),
    "set": ("set threads = 1", "SET"),
    "call": ("call pragma_version()", "CALL"),
    "export": ("export database '/tmp/vz-leak'", "EXPORT"),
    "transaction": ("begin transaction", "TRANSACTION"),
    "insert": ("insert into demands values (1)", "INSERT"),
    "prepare": ("prepare p as select 1", "PREPARE"),
    "detach": ("detach memory", "DETACH"),
    "after a select": ("select 1; drop view demands", "DROP"),
    "before a select": ("drop view demands; select 1", "DROP"),
}
"""Statements `vc.sql` and `vzcrisis query` refuse by type, before anything runs."""


@pytest.mark.parametrize("case", list(REFUSED_SQL))
def test_only_read_only_sql_runs(
    vc: VenezuelaCrisis, counts: dict[str, int], case: str, tmp_path: Path
) -> None:
    sql, kind = REFUSED_SQL[case]
    with pytest.raises(QueryError) as exc:
        vc.sql(sql)
    assert str(exc.value) == (
        "only read-only SQL runs on a release (select, with, describe, summarize, show, "
        f"explain); refused: {kind} — nothing ran"
    )
    assert {t: _count(vc, t) for t in counts} == counts, "the client still works, unchanged"
    assert not list(Path("/tmp").glob("vz-leak*"))


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/etc/hostname')",
        "select * from read_parquet('/tmp/anything.parquet')",
    ],
)
def test_files_outside_the_release_are_out_of_reach(
    vc: VenezuelaCrisis, counts: dict[str, int], sql: str
) -> None:
    with pytest.raises(QueryError, match="file system operations are disabled by configuration"):
        vc.sql(sql)
    assert {t: _count(vc, t) for t in counts} == counts


def test_read_only_statements_run(vc: VenezuelaCrisis) -> None:
    assert vc.sql("describe demands").num_rows == len(
        vc.sql("select * from demands limit 0").schema
    )
    assert vc.sql("summarize demands").num_rows > 0
    assert vc.sql("show tables").num_rows == 7
    assert vc.sql("explain select 1").num_rows == 1
    assert vc.sql("with x as (select 1 as a) select a from x").to_pylist() == [{"a": 1}]
    assert vc.sql("from demands select count(*) as n").to_pylist()[0]["n"] > 0


def test_the_configuration_is_locked(vc: VenezuelaCrisis) -> None:
    locked = vc.sql("select current_setting('lock_configuration') as v").to_pylist()
    access = vc.sql("select current_setting('enable_external_access') as v").to_pylist()
    assert (locked, access) == ([{"v": True}], [{"v": False}])


def test_cli_query_refuses_writes(releases_dir: Path) -> None:
    from typer.testing import CliRunner
    from vzcrisis.cli import app

    result = CliRunner().invoke(
        app, ["query", "drop view demands", "--path", str(releases_dir / "1.0.0")]
    )
    assert result.exit_code == 1
    assert result.output == (
        "error: only read-only SQL runs on a release (select, with, describe, summarize, show, "
        "explain); refused: DROP — nothing ran\n"
    )
