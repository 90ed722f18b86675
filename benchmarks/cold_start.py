"""Cold start: the README's one-liner in a new process against its floor, a new process doing
``import duckdb`` and the SDK's own SQL over the same Parquet files to Arrow."""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any

import duckdb
from process import PY, more, run_child

ONE_LINER = 'VenezuelaCrisis().demands(by="Maduro").to_arrow()'
"""The README's one-liner, measured exactly as written (the bundled release)."""


def _floor_sql(vc: Any, sql: str) -> str:
    """`sql` of the SDK with each view replaced by the SELECT it stands for over the release's
    own Parquet files (``format.layout.files_sql``): the same statement, without the SDK."""
    from venezuela_crisis.format.layout import files_sql

    tables = "|".join(vc._release.layout.tables)
    return re.sub(
        rf"\b(from|join) ({tables})\b",
        lambda m: f"{m[1]} ({files_sql(vc._release.layout.tables[m[2]])})",
        sql,
    )


def _one_liner(path: Path | None) -> tuple[str, str, dict[str, Any]]:
    """(SDK code, floor code, facts: the call as shown, rows, actors) of the one-liner on the
    release at `path` (None: the bundled one, as the README writes it). The floor is a new
    process doing ``import duckdb`` and the SDK's own SQL over the same Parquet files to Arrow,
    the name already resolved (checked here: the same rows and columns)."""
    from venezuela_crisis.client import VenezuelaCrisis

    opened = "" if path is None else f"path={str(path)!r}"
    call = ONE_LINER.replace("()", f"({opened})", 1)
    sdk = f"from venezuela_crisis import VenezuelaCrisis\n{call}\n"
    with VenezuelaCrisis(path=path) if path is not None else VenezuelaCrisis() as vc:
        result = vc.demands(by="Maduro")
        sql, params = _floor_sql(vc, result.sql), list(result.params)
        floor = duckdb.connect().sql(sql, params=params).to_arrow_table()
        assert floor.equals(result.to_arrow()), "cold-start floor differs from the SDK's result"
        facts = {
            "code": call if path is None else ONE_LINER.replace("()", "(path=release)", 1),
            "release": str(vc.path),
            "rows": floor.num_rows,
            "actors": vc.tables["actors"],
        }
    raw = f"import duckdb\nduckdb.sql({sql!r}, params={params!r}).to_arrow_table()\n"
    return sdk, raw, facts


def cold_start(release: Path, repeat: int) -> dict[str, Any]:
    """New processes, interleaved, median of `repeat` (after one warm-up round): the README
    one-liner exactly as written (bundled release) vs its floor, and for context the same call
    on the benchmark's release (``path=``), where the query itself weighs more. Bytecode is
    cached for both sides (``process.use_bytecode_cache``)."""
    cases = {"readme": _one_liner(None), "benchmark release": _one_liner(release)}
    runs: dict[tuple[str, str], list[float]] = {}
    rounds = -1  # the first round is the warm-up (file cache, bytecode cache)
    while rounds < 0 or more(rounds, repeat):  # interleaved: load hits every case alike
        for name, (sdk, raw, _) in cases.items():
            for kind, code in (("sdk", sdk), ("raw", raw)):
                wall = run_child([PY, "-c", code])[0]
                if rounds >= 0:
                    runs.setdefault((name, kind), []).append(wall)
        rounds += 1
    out: dict[str, Any] = {}
    for name, (_, _, facts) in cases.items():
        sdk_s = statistics.median(runs[name, "sdk"])
        raw_s = statistics.median(runs[name, "raw"])
        out[name] = facts | {
            "sdk_s": sdk_s,
            "raw_duckdb_s": raw_s,
            "ratio": sdk_s / raw_s,
            "repeat": rounds,
        }
    out["ratio"] = out["readme"]["ratio"]
    return out
