"""Render benchmark results (results.json) as a console table and as REPORT.md."""

from __future__ import annotations

from typing import Any

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
        case = f"{int(size):,} records ({b['format']})"
        got = _f(b["records_per_s"], "rec/s") + f", peak {b['peak_rss_mib']:.0f} MiB"
        out.append(
            (
                "build",
                case,
                got,
                "pydantic " + _f(floor["pydantic_records_per_s"], "rec/s"),
                f"{b['floor_ratio_pydantic']:.1f}x slower",
            )
        )
        out.append(
            (
                "build",
                case,
                got,
                "pyarrow write " + _f(floor["pyarrow_write_records_per_s"], "rec/s"),
                f"{b['floor_ratio_pyarrow']:.1f}x slower",
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
    if isinstance(c, dict):
        out.append(
            (
                "cold start",
                "import+open+query",
                f"{c['sdk_s']:.2f} s (verify=False {c['sdk_verify_false_s']:.2f} s)",
                f"import duckdb+query->Arrow {c['raw_duckdb_s']:.2f} s"
                + (
                    f" (->tuples {c['raw_duckdb_fetchall_s']:.2f} s)"
                    if "raw_duckdb_fetchall_s" in c
                    else ""
                ),
                f"{c['ratio']:.2f}x ({c['ratio_verify_false']:.2f}x)",
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
    if results.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in results["notes"]]
    return "\n".join(lines) + "\n"
