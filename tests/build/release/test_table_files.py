"""Bucket sort of the release: small row groups give the same rows, several row groups."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
import vzcrisis.release.table_files as tf
from venezuela_crisis.format.layout import Layout
from venezuela_crisis.models import TABLES
from vzcrisis.release.build import build_release

from tests.build import _release_project as H


def test_small_row_groups_keep_rows_and_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = H.copy_project(tmp_path / "project")
    build_release(root, "1.0.0", releases_dir=root / "one")
    monkeypatch.setattr(tf, "ROW_GROUP", 2)
    build_release(root, "1.0.0", releases_dir=root / "small", partition={"events": ("year",)})
    build_release(root, "1.0.0", releases_dir=root / "again", partition={"events": ("year",)})
    for table in TABLES:
        one = pq.read_table(root / "one/1.0.0" / f"{table}.parquet")
        small_layout = Layout.scan(root / "small/1.0.0")
        files = small_layout.files(table)
        small = small_layout.read(table)
        assert small is not None and small.schema.equals(one.schema, check_metadata=True), table
        assert small.to_pylist() == one.to_pylist(), table
        meta = pq.ParquetFile(files[0]).metadata
        if table != "events" and one.num_rows > 2:
            assert meta.num_row_groups == (one.num_rows + 1) // 2, (table, meta)
            assert all(meta.row_group(i).num_rows == 2 for i in range(meta.num_row_groups - 1))
    for path in sorted((root / "small/1.0.0").rglob("*")):
        if path.is_file():
            rel = path.relative_to(root / "small/1.0.0")
            assert path.read_bytes() == (root / "again/1.0.0" / rel).read_bytes(), rel
