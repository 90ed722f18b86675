"""Render benchmark results (results.json) as a console table and as REPORT.md."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import targets

Row = tuple[str, str, str, str, str]
HEADER: Row = ("section", "case", "measured", "floor (same run)", "ratio")


def _f(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"


def rows(results: dict[str, Any]) -> list[Row]:
    """One row per figure: what was measured, the floor, measured/floor."""
    out: list[Row] = []
    for size, s in results.get("synth", {}).items():
        out.append(("synth", f"{int(size):,} records", _f(s["records_per_s"], "rec/s"), "-", "-"))
    for size, b in results.get("build", {}).items():
        floor = results.get("floors", {}).get(size, {})
        if not isinstance(b, dict):
            out.append(("build", f"{int(size):,} records", str(b), "-", "-"))
            continue
        got = _f(b["records_per_s"], "rec/s") + f" ({b['release_s']:.1f} s), " + _peak(b)
        if "floor_ratio" in b:
            base = (
                "DuckDB read_json -> Parquet "
                + _f(floor["records_per_s"], "rec/s")
                + f" ({floor['seconds']:.1f} s, peak RSS {floor['peak_rss_mib']:,.0f} MiB)"
            )
            ratio = f"{b['floor_ratio']:.1f}x"
        else:  # results.json of runs before the DuckDB floor
            base, ratio = "-", "-"
        out.append(("build", f"{int(size):,} records, `vzcrisis release`", got, base, ratio))
        if "validate_s" in b:
            out.append(
                (
                    "build",
                    f"{int(size):,} records, `vzcrisis validate` alone",
                    _f(b["validate_records_per_s"], "rec/s") + f" ({b['validate_s']:.1f} s)",
                    base,
                    f"{b['validate_s'] / floor['seconds']:.1f}x" if "floor_ratio" in b else "-",
                )
            )
    growth = targets.growth(results)
    if growth is not None:
        (low, low_rate), (high, high_rate) = growth
        out.append(
            (
                "build",
                f"growth {low:,} -> {high:,} records",
                f"records/s at {high:,} = {high_rate / low_rate:.2f}x records/s at {low:,}",
                "-",
                "-",
            )
        )
    second = results.get("second_release")
    if isinstance(second, dict):
        out.append(
            (
                "build",
                f"{second['records']:,} records, second release (changes vs 1.0.0)",
                _f(second["records_per_s"], "rec/s")
                + f" ({second['release_s']:.1f} s), "
                + _peak(second),
                "-",
                "-",
            )
        )
    q = results.get("queries")
    if isinstance(q, dict):
        for name, e in q.items():
            if name == "rows":
                continue
            got = f"{e['sdk_ms']:.1f} ms ({e['rows']:,} rows)"
            if "typed_trusted_us_per_row" in e:
                got += (
                    f"; typed rows {e['typed_trusted_us_per_row']:.1f} µs/row "
                    f"(validated {e['typed_validated_us_per_row']:.1f})"
                )
            elif "typed_us_per_row" in e:  # results.json of older runs
                got += f", {e['typed_us_per_row']:.1f} µs/row typed"
            floor = f"DuckDB {e['raw_duckdb_ms']:.1f} ms"
            if "raw_without_citations_ms" in e:
                floor += f" (no citations {e['raw_without_citations_ms']:.1f} ms)"
            out.append(("sdk query", name, got, floor, f"{e['ratio']:.2f}x"))
    elif q is not None:
        out.append(("sdk query", "-", str(q), "-", "-"))
    c = results.get("cold_start")
    if isinstance(c, dict) and "readme" in c:
        for name in ("readme", "benchmark release"):
            e = c.get(name)
            if isinstance(e, dict):
                out.append(
                    (
                        "cold start",
                        f"`{e['code']}` ({e['rows']:,} rows)",
                        f"{e['sdk_s']:.2f} s",
                        f"import duckdb + the same SQL -> Arrow {e['raw_duckdb_s']:.2f} s",
                        f"{e['ratio']:.2f}x",
                    )
                )
    elif isinstance(c, dict):  # results.json of older runs
        out.append(
            (
                "cold start",
                "import+open+query",
                f"{c['sdk_s']:.2f} s",
                f"import duckdb+query->Arrow {c['raw_duckdb_s']:.2f} s",
                f"{c['ratio']:.2f}x",
            )
        )
    elif c is not None:
        out.append(("cold start", "-", str(c), "-", "-"))
    d = results.get("datasette")
    if isinstance(d, dict):
        for name, e in d.items():
            out.append(
                (
                    "datasette",
                    name,
                    f"p50 {e['p50_ms']:.1f} ms, p95 {e['p95_ms']:.1f} ms",
                    f"sqlite3 p50 {e['sqlite_p50_ms']:.2f} ms",
                    f"{e['ratio_p50']:.0f}x",
                )
            )
    elif d is not None:
        out.append(("datasette", "-", str(d), "-", "-"))
    f = results.get("diff")
    if isinstance(f, dict):
        out.append(
            (
                "release diff",
                "two releases",
                f"{f['sdk_s']:.2f} s",
                f"DuckDB {f['raw_duckdb_s']:.2f} s",
                f"{f['ratio']:.1f}x",
            )
        )
    elif f is not None:
        out.append(("release diff", "-", str(f), "-", "-"))
    return out


def _peak(b: dict[str, Any]) -> str:
    """Peak memory of a build: largest process, and the whole process tree when sampled."""
    text = f"peak RSS {b['peak_rss_mib']:,.0f} MiB"
    if b.get("peak_tree_pss_mib"):
        jobs = b.get("jobs", 1)
        who = f"{jobs} workers + driver" if jobs > 1 else "one process"
        text += f" ({who}, PSS: {b['peak_tree_pss_mib']:,.0f} MiB)"
    return text


def table(results: dict[str, Any]) -> str:
    """A plain-text table for the console."""
    data = [HEADER, *rows(results)]
    widths = [max(len(r[i]) for r in data) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in data]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    """REPORT.md: machine, date, command to reproduce, the table and the notes."""
    m = results["machine"]
    lines = [
        "# Benchmark report",
        "",
        f"- Date: {results['date']}",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}",
        f"- Python {m['python']}, DuckDB {m['duckdb']}, pyarrow {m['pyarrow']}, "
        f"pydantic {m['pydantic']}",
        f"- Reproduce: `{results['command']}` (seed {results['seed']}; corpora cached in "
        "benchmarks/data/)",
        f"- Run time: {results.get('seconds', '?')} s",
        "",
        "Every figure is divided by a floor measured in the same run on the same data "
        "(see benchmarks/README.md for what each floor is).",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows(results)]
    found = targets.phases(results)
    if found is not None:
        size, phases = found
        lines += [
            "",
            f"## Where the release's time goes ({size:,} records)",
            "",
            "Each phase timed inside the same `vzcrisis release` run (`benchmarks/phases.py`; "
            "a phase excludes the timed phases it calls).",
            "",
            "| phase | seconds | share | x the floor |",
            "|---|---|---|---|",
        ]
        lines += [f"| {n} | {sec:.1f} | {share:.0%} | {x:.1f}x |" for n, sec, share, x in phases]
    goals = targets.targets(results)
    if goals:
        lines += ["", "## Targets", ""] + [f"- {g}" for g in goals]
    if results.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in results["notes"]]
    return "\n".join(lines) + "\n"


ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RESULTS = ROOT / "benchmarks" / "results.json"


def write_readme(results: dict[str, Any], readme: Path = README) -> None:
    """Refresh the README's performance paragraph from `results` (``targets.readme``)."""
    text = readme.read_text(encoding="utf-8")
    readme.write_text(targets.with_readme(text, results), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """``python benchmarks/report.py [--readme]``: re-render REPORT.md (next to results.json)
    from benchmarks/results.json, e.g. after adding a note; ``--readme`` also refreshes the
    README's performance paragraph."""
    import argparse
    import json

    p = argparse.ArgumentParser(description=main.__doc__)
    p.add_argument("--results", type=Path, default=RESULTS)
    p.add_argument("--readme", action="store_true", help="refresh README.md's figures too")
    args = p.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    (args.results.parent / "REPORT.md").write_text(markdown(results), encoding="utf-8")
    if args.readme:
        write_readme(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
