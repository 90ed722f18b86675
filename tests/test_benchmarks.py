"""CI runs the benchmark at a tiny size as a smoke test: every section runs and the report is
written. Timings are never asserted (benchmarks/README.md). The README's performance paragraph
is the one benchmarks/report.py writes from the committed results.json."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def bench_module(name: str) -> ModuleType:
    """A module of benchmarks/ (they import each other by name: the directory goes on the path)."""
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_benchmark_runs_every_section(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    args = [sys.executable, "benchmarks/run.py", "--quick", "--data", str(data), "--out", str(out)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    for key in ("queries", "cold_start", "datasette", "diff", "second_release"):
        assert isinstance(results[key], dict), (key, results[key])
    assert isinstance(results["build"]["200"], dict), results["build"]
    assert results["build"]["200"]["records"] == 200
    assert results["floors"]["200"]["records"] == 200
    assert results["build"]["200"]["floor_ratio"] > 0
    cold = results["cold_start"]["readme"]
    assert cold["code"] == 'VenezuelaCrisis().demands(by="Maduro").to_arrow()'
    assert 3 <= cold["repeat"] <= 4 and cold["ratio"] > 0
    assert results["diff"]["ids"]["demands"]["removed"] >= 1, results["diff"]
    report = (out / "REPORT.md").read_text()
    assert "## Targets" in report and "| release diff |" in report, report
    assert "- Cold start <= 1.3x: `VenezuelaCrisis().demands(" in report, report
    assert "- Build <= 3x the floor at 200 records (1M not built in this run)" in report, report
    phases = results["build"]["200"]["phases"]
    assert phases["unwrapped"] == [], phases
    assert set(phases["seconds"]) == set(bench_module("phases").PHASES), phases
    assert "## Where the release's time goes (200 records)" in report, report


def test_readme_quotes_the_committed_results() -> None:
    targets = bench_module("targets")
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert targets.readme(results) in readme, (
        "regenerate: .venv/bin/python benchmarks/report.py --readme"
    )


def test_budget_extrapolates_from_the_smaller_sizes() -> None:
    run = bench_module("run")
    assert run.extrapolate([], 1_000_000) == 0.0
    assert run.extrapolate([(10_000, 2.0)], 100_000) == 20.0
    # 2 s + 0.1 ms per record: the line through the last two sizes
    assert run.extrapolate([(10_000, 3.0), (100_000, 12.0)], 1_000_000) == 102.0
    assert run.extrapolate([(10_000, 3.0), (100_000, 2.0)], 1_000_000) == 20.0  # noise


def test_targets_say_met_or_missed_by_how_much() -> None:
    targets = bench_module("targets")
    results = {
        "floors": {"10000": {"seconds": 0.5, "records_per_s": 20_000.0}},
        "build": {
            "10000": {"release_s": 2.0, "records_per_s": 5_000.0, "peak_rss_mib": 300.0},
            "1000000": {
                "release_s": 40.0,
                "records_per_s": 25_000.0,
                "peak_rss_mib": 900.0,
                "peak_tree_pss_mib": 1100.0,
                "floor_ratio": 5.0,
            },
        },
        "cold_start": {"readme": {"code": "X()", "sdk_s": 0.3, "raw_duckdb_s": 0.25, "ratio": 1.2}},
        "datasette": {"FTS search": {"p50_ms": 180.0, "sqlite_p50_ms": 40.0}},
        "release_used": {"records": 1_000_000},
    }
    results["floors"]["1000000"] = {"seconds": 8.0, "records_per_s": 125_000.0}
    lines = targets.targets(results)
    assert lines[0].startswith(
        "Build <= 3x the floor at 1,000,000 records: `vzcrisis release` 40.0 s (25,000 "
        "records/s) vs DuckDB read_json -> Parquet 8.0 s (125,000 records/s): 5.0x, "
        "**missed by 1.67x**. Why: "
    )
    assert lines[1:3] == [
        "Peak memory <= 1 GiB at 1,000,000 records: largest process 900 MiB, whole process "
        "tree 1,100 MiB (PSS), **missed by 76 MiB**.",
        "Near-linear growth (records/s at 1,000,000 records >= 80% of records/s at 10,000): "
        "25,000 vs 5,000 records/s = 5.00, met.",
    ]
    assert lines[3] == (
        "Cold start <= 1.3x: `X()` in a new process 0.30 s vs `import duckdb` + the same SQL "
        "to Arrow 0.25 s: 1.20x, met."
    )
    assert lines[4] == (
        "Datasette FTS search <= 150 ms p50 at 1,000,000 records: 180 ms (SQLite alone 40.0 ms), "
        "**missed by 30 ms**. Why: the page runs more than its main SQL (the facets, the "
        "plugins' label lookups) and renders its template, in one Python process. Its SQL is "
        "one list of the hits (~7 ms at 1M), which gives the count, the facets (over columns "
        "held in Arrow, site/facet_columns.py) and the first rows (plugins/vz_search.py), then a "
        "fetch of those rows; the rest is Python: cell rendering and the template (~19 ms), "
        "facet counting (~8 ms), routing (~7 ms)."
    )


def test_phases_say_where_the_release_time_goes() -> None:
    targets, report = bench_module("targets"), bench_module("report")
    seconds = {"validate: columnar pass 1": 30.0, "release: SQLite": 25.0, "release: verify": 1.0}
    build = {"release_s": 60.0, "records_per_s": 16_666.0, "peak_rss_mib": 900.0}
    results = {
        "floors": {"1000000": {"seconds": 6.0, "records_per_s": 166_666.0, "peak_rss_mib": 1.0}},
        "build": {"1000000": {**build, "floor_ratio": 10.0, "phases": {"seconds": seconds}}},
    }
    assert targets.phases(results) == (
        1_000_000,
        [
            ("validate: columnar pass 1", 30.0, 0.5, 5.0),
            ("release: SQLite", 25.0, 25.0 / 60.0, 25.0 / 6.0),
            ("release: verify", 1.0, 1.0 / 60.0, 1.0 / 6.0),
            (targets.OTHER_PHASE, 4.0, 4.0 / 60.0, 4.0 / 6.0),
        ],
    )
    assert targets.targets(results)[0].endswith(
        ' Measured in this run ("Where the release\'s time goes", above): the largest phases '
        "are validate: columnar pass 1 30.0 s (5.0x the floor by itself) and release: SQLite "
        "25.0 s (4.2x the floor by itself); each alone takes longer than the whole target "
        "allows."
    )
    results |= {"machine": dict.fromkeys(("cpu", "cores", "ram_gib", "os", "python"), "?")}
    results["machine"] |= {"duckdb": "?", "pyarrow": "?", "pydantic": "?"}
    results |= {"date": "d", "command": "c", "seed": 0}
    assert (
        "| phase | seconds | share | x the floor |\n|---|---|---|---|\n"
        "| validate: columnar pass 1 | 30.0 | 50% | 5.0x |\n"
        "| release: SQLite | 25.0 | 42% | 4.2x |\n"
        "| release: verify | 1.0 | 2% | 0.2x |\n"
        f"| {targets.OTHER_PHASE} | 4.0 | 7% | 0.7x |\n"
    ) in report.markdown(results)
