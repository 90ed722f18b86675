"""Released rows are not validated again while building (``vzcrisis.release.transform`` selects
them in SQL): every row of a synthetic release validates with its released row model when read
back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
from venezuela_crisis.models import TABLES
from vzcrisis.release.build import build_release
from vzcrisis.synth.corpus import synth

ROOT = Path(__file__).resolve().parents[3]


def test_every_released_row_validates_with_its_row_model(tmp_path: Path) -> None:
    project = tmp_path / "project"
    synth(project, 400, seed=11, fmt="jsonl", schema_dir=ROOT / "schema")
    build_release(project, "1.0.0", release_date=dt.date(2026, 1, 31), releases_dir=tmp_path)
    release = tmp_path / "1.0.0"
    cited: dict[str, list[dict[str, object]]] = {}
    for cite in pq.read_table(release / "citations.parquet").to_pylist():
        ref = {k: cite[k] for k in ("quote", "char_start", "char_end")}
        cited.setdefault(cite["record_id"], []).append({"source": cite["source_id"], **ref})
    counts = {}
    for table, spec in TABLES.items():
        rows = pq.read_table(release / f"{table}.parquet").to_pylist()
        for row in rows:
            if "citations" in spec.row.model_fields:  # not a column: rows of citations.parquet
                row["citations"] = cited[row["id"]]
            text = json.dumps(row, default=str)
            spec.row.model_validate_json(text, strict=True)
        counts[table] = len(rows)
    assert counts["events"] == 180 and counts["citations"] > 400, counts
