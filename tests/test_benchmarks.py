"""CI runs the benchmark at a tiny size as a smoke test: every section runs and the report is
written. Timings are never asserted (benchmarks/README.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    assert results["diff"]["ids"]["demands"]["removed"] >= 1, results["diff"]
    report = (out / "REPORT.md").read_text()
    assert "## Targets" in report and "| release diff |" in report, report
