"""The build's floor: DuckDB ``read_json`` -> zstd Parquet of the same record files.

What the hardware does with the corpus without any of the pipeline's checks: every JSON Lines
record file of a table read by DuckDB's compiled JSON reader (its header line skipped) and
written as one zstd Parquet file per table. Run as its own process, like ``vzcrisis release``,
so both are timed end to end (interpreter start, imports) and their peak memory is measured the
same way (``sections.run_child``):

    .venv/bin/python benchmarks/build_floor.py <corpus> <out-dir>

prints the number of rows written.
"""

from __future__ import annotations

import sys
from pathlib import Path


def sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def write_floor(corpus: Path, out: Path) -> int:
    """Write ``<out>/<table>.parquet`` from the corpus' ``seeds/records/<table>-NNNN.jsonl``;
    returns the rows written (the records: header lines have no ``id``)."""
    import duckdb

    tables: dict[str, list[Path]] = {}
    for path in sorted((corpus / "seeds" / "records").glob("*.jsonl")):
        tables.setdefault(path.name.rsplit("-", 1)[0], []).append(path)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    rows = 0
    for table, paths in tables.items():
        target = str(out / f"{table}.parquet").replace("'", "''")
        done = con.execute(
            f'copy (select * exclude (schema_version, "table") from read_json('
            f"{sql_list(paths)}, format = 'newline_delimited', union_by_name = true) "
            f"where id is not null) to '{target}' (format parquet, compression zstd)"
        ).fetchall()
        rows += int(done[0][0])
    con.close()
    return rows


if __name__ == "__main__":
    print(write_floor(Path(sys.argv[1]), Path(sys.argv[2])))
