"""The benchmark sections. Each returns a JSON-compatible dict; every figure comes with the floor
it is divided by, measured in the same run on the same data."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import process
import pyarrow as pa
from corpus import ROOT, Corpus
from process import PY, more, run_child
from venezuela_crisis.models import TABLES
from vzcrisis.records.jsonl import jsonl_record_files
from vzcrisis.validate.passes import default_jobs

VZCRISIS = str(Path(PY).with_name("vzcrisis"))
PHASES = Path(__file__).resolve().with_name("phases.py")
"""``vzcrisis`` with a timer on each phase: the release runs through it (``build``)."""
VERSION = "1.0.0"


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of `repeat` calls (after one warm-up call; fewer, at least
    ``process.LEAST``, when the section's time allowance runs out) and the last result."""
    result = fn()
    times: list[float] = []
    while more(len(times), repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def paired_times(
    a: Callable[[], Any], b: Callable[[], Any], repeat: int
) -> tuple[float, Any, float, Any]:
    """Median wall times of `a` and `b`, run alternately (after one warm-up call each), so load
    from other processes on a shared machine hits both alike; and their last results."""
    ra, rb = a(), b()
    ta: list[float] = []
    tb: list[float] = []
    while more(len(ta), repeat):
        start = time.perf_counter()
        ra = a()
        ta.append(time.perf_counter() - start)
        start = time.perf_counter()
        rb = b()
        tb.append(time.perf_counter() - start)
    return statistics.median(ta), ra, statistics.median(tb), rb


# -- (1) build ----------------------------------------------------------------------------------
def build_floor(corpus: Corpus) -> dict[str, Any]:
    """The build's floor (``build_floor.py``): DuckDB ``read_json`` -> zstd Parquet of the same
    record files, in its own process, timed and measured like ``vzcrisis release``."""
    script = str(Path(__file__).resolve().with_name("build_floor.py"))
    with tempfile.TemporaryDirectory(prefix="vzfloor-") as tmp:
        wall, rss, output, pss = run_child([PY, script, str(corpus.path), tmp])
    rows = int(output.strip().splitlines()[-1])
    if rows != corpus.records:
        raise RuntimeError(f"build floor wrote {rows} rows, the corpus has {corpus.records}")
    return {
        "records": rows,
        "seconds": wall,
        "records_per_s": rows / wall,
        "peak_rss_mib": rss,
        "peak_tree_pss_mib": pss,
    }


def build(
    corpus: Corpus, version: str = VERSION, *, clean: bool = True, validate: bool = True
) -> dict[str, Any]:
    """End to end: ``vzcrisis release`` as a subprocess (it validates every record first, then
    writes the release), building releases/`version` (`clean`: after removing every release of
    the corpus), with its phases timed (``phases.py``); then, with `validate`, ``vzcrisis
    validate`` alone."""
    if clean:
        shutil.rmtree(corpus.path / "releases", ignore_errors=True)
    root = ["--root", str(corpus.path)]
    with tempfile.TemporaryDirectory(prefix="vzbench-phases-") as tmp:
        timings = Path(tmp) / "phases.json"
        release = [PY, str(PHASES), str(timings), "release", "--version", version, *root]
        r_wall, r_rss, _, r_pss = run_child(release)
        phases = json.loads(timings.read_text()) if timings.is_file() else {}
    out = {
        "records": corpus.records,
        "format": corpus.fmt,
        "jobs": default_jobs(jsonl_record_files(corpus.path)),
        "release_s": r_wall,
        "records_per_s": corpus.records / r_wall,
        "peak_rss_mib": r_rss,
        "peak_tree_pss_mib": r_pss,
        "phases": phases,
    }
    if validate:
        v_wall, v_rss, _, v_pss = run_child([VZCRISIS, "validate", *root])
        out |= {
            "validate_s": v_wall,
            "validate_records_per_s": corpus.records / v_wall,
            "validate_peak_rss_mib": v_rss,
            "validate_peak_tree_pss_mib": v_pss,
        }
    return out


# -- (2) SDK queries ----------------------------------------------------------------------------
def _raw(release: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in TABLES:
        path = str(release / f"{table}.parquet").replace("'", "''")
        con.execute(f"create view {table} as select * from read_parquet('{path}')")
    return con


CITATIONS = (
    "coalesce((select list({'source': c.source_id, 'quote': c.quote, "
    "'char_start': c.char_start, 'char_end': c.char_end, 'attribution': c.attribution, "
    "'attributed_to': c.attributed_to, 'origin': c.origin, 'publisher': s.publisher, "
    "'title': s.title, 'context_text': substring(s.text, c.context_start + 1, "
    "c.context_end - c.context_start), 'context_start': c.context_start} "
    "order by c.source_id, c.char_start) from citations c "
    "left join sources s on s.id = c.source_id "
    "where c.record_table = '{table}' and c.record_id = t.id), []) as citations"
)
"""What a person writes in DuckDB to get each row's quotes with their evidence (attribution,
origin, publisher, title, sentence), as the SDK's `citations` field."""


TYPED_ROWS = 10_000
"""Typed rows are timed on at most this many rows of a result (the figure is µs per row)."""


def _typed(vc: Any, result: Any, query_s: float, repeat: int) -> dict[str, float]:
    """µs per row to turn a query's Arrow table into models: trusted and validated paths (on
    the first ``TYPED_ROWS`` rows); and every model of the result built once (after the query,
    whose median time is `query_s`)."""
    from venezuela_crisis.rows import trusted, validated

    arrow, model = result.to_arrow().slice(0, TYPED_ROWS), result.model
    rows = max(1, arrow.num_rows)
    fast, _ = median_time(lambda: trusted(model)(arrow.to_pylist()), repeat)
    checked, _ = median_time(lambda: validated(model, vc.version)(arrow.to_pylist()), repeat)
    start = time.perf_counter()
    list(result)  # every model, once
    listed = time.perf_counter() - start
    return {
        "typed_trusted_us_per_row": fast * 1e6 / rows,
        "typed_validated_us_per_row": checked * 1e6 / rows,
        "query_plus_models_ms": (query_s + listed) * 1e3,
    }


def queries(release: Path, repeat: int) -> dict[str, Any]:
    """SDK calls vs the equivalent SQL in raw DuckDB over the same Parquet files (alternated).

    The floor is the query a person would write for the same answer: the same filter, the same
    columns (each record with its citations), the result as Arrow. `sdk_ms` is the SDK call
    (one statement, Arrow kept, no models built); building the typed rows is reported apart as
    µs per row, with and without validation.
    """
    from venezuela_crisis.client import VenezuelaCrisis

    vc = VenezuelaCrisis(path=release)
    con = _raw(release)
    window = "select quantile_disc(date, 0.4), quantile_disc(date, 0.6) from events"
    since, until = con.execute(window).fetchall()[0]
    demands = "select t.*, " + CITATIONS.replace("{table}", "demands")
    events = "select t.*, " + CITATIONS.replace("{table}", "events")
    cases: list[tuple[str, Callable[[], Any], str, list[Any], str, list[Any]]] = [
        (
            "demands(by='nicolas-maduro')",
            lambda: vc.demands(by="nicolas-maduro"),
            f'{demands} from demands t where list_has_any(t."by", ?) order by t.id',
            [["nicolas-maduro"]],
            'select * from demands where list_contains("by", ?) order by id',
            ["nicolas-maduro"],
        ),
        (
            "events(since, until)",
            lambda: vc.events(since=since, until=until),
            f"{events} from events t where t.date between ? and ? order by t.date nulls last, t.id",
            [since, until],
            "select * from events where date between ? and ? order by date nulls last, id",
            [since, until],
        ),
        (
            "sql(group by) -> Arrow",
            lambda: vc.sql("select type, count(*) as n from events group by type order by n desc"),
            "select type, count(*) as n from events group by type order by n desc",
            [],
            "",
            [],
        ),
    ]
    out: dict[str, Any] = {"rows": vc.tables}
    for name, call, sql, params, bare, bare_params in cases:
        sdk_s, result, raw_s, raw = paired_times(
            call, lambda s=sql, p=params: con.sql(s, params=p).to_arrow_table(), repeat
        )
        rows = len(result) if not isinstance(result, pa.Table) else result.num_rows
        entry: dict[str, Any] = {"sdk_ms": sdk_s * 1e3, "raw_duckdb_ms": raw_s * 1e3, "rows": rows}
        entry["ratio"] = sdk_s / raw_s
        entry["raw_sql"] = sql
        if bare:  # for context: the same filter without the citations column
            bare_s, _ = median_time(
                lambda s=bare, p=bare_params: con.sql(s, params=p).to_arrow_table(), repeat
            )
            entry["raw_without_citations_ms"] = bare_s * 1e3
        if not isinstance(result, pa.Table):
            assert result.to_arrow().equals(raw.select(result.to_arrow().column_names)), name
            if rows:
                entry |= _typed(vc, result, sdk_s, max(1, repeat // 2))
        assert raw.num_rows == rows, f"{name}: SDK {rows} rows, raw DuckDB {raw.num_rows}"
        out[name] = entry
    vc.close()
    con.close()
    return out


# -- (4) Datasette ------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def datasette(corpus: Corpus, requests: int) -> dict[str, Any]:
    """p50/p95 of page loads from a served release vs the page's main SQL in sqlite3."""
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [VZCRISIS, "serve", "--root", str(corpus.path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=process.CHILD_ENV,
    )
    base = f"http://127.0.0.1:{port}"
    db = "venezuela-crisis"
    # the page's main SQL as Datasette runs it: events newest first (`metadata.default_sort`:
    # `sort_desc` date, undated last)
    pages = {
        "table page": (f"/{db}/events", "select * from events order by date desc limit 101"),
        "faceted page": (
            f"/{db}/events?_facet=type",
            "select type, count(*) from events group by type order by 2 desc",
        ),
        # context, not a target: a filtered page's facets are counted on every visit (the
        # whole-table counts of the two pages above are kept per server, the database being
        # immutable)
        "filtered page": (
            f"/{db}/events?type=ASSAULT",
            "select * from events where type = 'ASSAULT' order by date desc limit 101",
        ),
        "FTS search": (
            f"/{db}/events?_search=strike",
            "select * from events where rowid in (select rowid from events_fts "
            "where events_fts match 'strike') order by date desc limit 101",
        ),
    }
    out: dict[str, Any] = {}
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if client.get("/-/versions.json").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("datasette did not start")
                time.sleep(0.3)
            sqlite = sqlite3.connect(corpus.path / "releases" / VERSION / f"{db}.db")
            for name, (path, sql) in pages.items():
                times, floor = [], []
                client.get(path)  # warm-up: the first page fills the plugin's label caches
                while more(len(times), requests):
                    start = time.perf_counter()
                    r = client.get(path)
                    times.append(time.perf_counter() - start)
                    if r.status_code != 200:
                        raise RuntimeError(f"GET {path}: {r.status_code}")
                    start = time.perf_counter()
                    sqlite.execute(sql).fetchall()
                    floor.append(time.perf_counter() - start)
                p50, p95 = _pct(times, 50), _pct(times, 95)
                f50 = _pct(floor, 50)
                out[name] = {
                    "path": path,
                    "p50_ms": p50 * 1e3,
                    "p95_ms": p95 * 1e3,
                    "sqlite_p50_ms": f50 * 1e3,
                    "ratio_p50": p50 / f50,
                }
            sqlite.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return out


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# -- (5) release diff ---------------------------------------------------------------------------
def release_diff(old: Path, new: Path, repeat: int) -> dict[str, Any]:
    """SDK diff of two releases vs raw DuckDB (ids added/removed, rows changed) per table."""
    from venezuela_crisis.client import VenezuelaCrisis

    vc = VenezuelaCrisis(path=old)  # `new` may be of the next major: vc.diff compares its files
    sdk_s, diff = median_time(lambda: vc.diff(str(old), str(new)), repeat)
    con = duckdb.connect()

    def raw() -> int:
        total = 0
        for table in TABLES:
            a = str(old / f"{table}.parquet").replace("'", "''")
            b = str(new / f"{table}.parquet").replace("'", "''")
            total += con.execute(
                f"select count(*) from (select id from '{b}' except select id from '{a}')"
            ).fetchone()[0]  # type: ignore[index]
            total += con.execute(
                f"select count(*) from (select id from '{a}' except select id from '{b}')"
            ).fetchone()[0]  # type: ignore[index]
            total += con.execute(
                f"select count(*) from '{a}' o join '{b}' n using (id) "
                "where to_json(o) <> to_json(n)"
            ).fetchone()[0]  # type: ignore[index]
        return total

    raw_s, _ = median_time(raw, repeat)
    vc.close()
    con.close()
    changed = {
        t: {k: len(getattr(d, k)) for k in ("added", "removed", "changed")}
        for t, d in diff.tables.items()
    }
    return {
        "old": str(old.relative_to(ROOT)) if old.is_relative_to(ROOT) else str(old),
        "new": str(new.relative_to(ROOT)) if new.is_relative_to(ROOT) else str(new),
        "sdk_s": sdk_s,
        "raw_duckdb_s": raw_s,
        "ratio": sdk_s / raw_s,
        "ids": changed,
    }
