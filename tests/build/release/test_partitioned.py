"""A Hive-partitioned table (`partition={"events": ("year", "month")}`) reads like the file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner
from venezuela_crisis import VenezuelaCrisis
from venezuela_crisis.errors import ReleaseError
from venezuela_crisis.models import TABLES
from vzcrisis.cli import app
from vzcrisis.release.build import build_release
from vzcrisis.release.verify import verify_release

from tests.build import _release_project as H

PARTS = {"events": ("year", "month")}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The mini fixture released twice: one file per table, and events partitioned."""
    root = H.copy_project(tmp_path_factory.mktemp("part") / "project")

    def undated(records: list[Any]) -> None:
        first = H.by_id(records, "examplia-demand-2025-12-01")
        first["date"] = None
        for key in ("date_precision", "date_text", "date_resolution"):
            first.pop(key, None)

    def november(records: list[Any]) -> None:
        H.by_id(records, "testland-rejects-2025-12-02")["date"] = dt.date(2025, 11, 2)

    # the two events in two partitions: 2025-11 and undated (one edit per call: no YAML aliases)
    H.edit_records(root, "events", undated)
    H.edit_records(root, "events", november)
    build_release(root, "1.0.0", releases_dir=root / "flat")
    build_release(root, "1.0.0", releases_dir=root / "hive", partition=PARTS)
    return root / "flat" / "1.0.0", root / "hive" / "1.0.0"


def test_layout_manifest_and_datapackage(pair: tuple[Path, Path]) -> None:
    flat, hive = pair
    manifest = json.loads((hive / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["tables"]["events"]
    assert entry["path"] == "events" and entry["partitioning"] == {
        "style": "hive",
        "keys": ["year", "month"],
    }, entry
    assert entry["files"] == [
        "events/year=2025/month=11/part-0.parquet",
        "events/year=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__/part-0.parquet",
    ], entry
    assert all(
        f.startswith("events/year=") and "/month=" in f and f.endswith("/part-0.parquet")
        for f in entry["files"]
    ), entry
    assert set(entry["files"]) <= set(manifest["files"]), "every partition file is checksummed"
    assert not (hive / "events.parquet").exists()
    flat_rows = json.loads((flat / "manifest.json").read_text(encoding="utf-8"))["tables"]
    assert entry["rows"] == flat_rows["events"]["rows"]
    assert sum(pq.ParquetFile(hive / f).metadata.num_rows for f in entry["files"]) == entry["rows"]
    for rel in entry["files"]:
        assert pq.ParquetFile(hive / rel).schema_arrow.equals(
            pq.ParquetFile(flat / "events.parquet").schema_arrow, check_metadata=True
        ), f"{rel}: same columns, types and metadata as the unpartitioned file"
    package = json.loads((hive / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "events")
    assert resource["path"] == entry["files"] and "hash" not in resource, resource
    assert verify_release(hive) == []


def test_sdk_reads_partitioned_like_flat(pair: tuple[Path, Path]) -> None:
    flat, hive = pair
    with (
        VenezuelaCrisis(path=flat) as a,
        VenezuelaCrisis(path=hive) as b,
    ):
        for table in TABLES:
            query = f"select * from {table} order by id"
            x, y = a.sql(query), b.sql(query)
            assert x.schema == y.schema, (table, x.schema, y.schema)
            assert x.to_pylist() == y.to_pylist(), table
        assert [e.id for e in a.events()] == [e.id for e in b.events()]
        assert list(a.events()) == list(b.events())
        assert [e.id for e in a.events(since="2025-09-01")] == [
            e.id for e in b.events(since="2025-09-01")
        ]
        query = "select count(*) from events where date >= '2025-09-01'"
        assert a.sql(query).to_pylist() == b.sql(query).to_pylist()


def test_sqlite_is_the_same(pair: tuple[Path, Path]) -> None:
    flat, hive = pair
    db = "venezuela-crisis.db"
    assert (flat / db).read_bytes() == (hive / db).read_bytes()


def test_rebuild_is_byte_identical(pair: tuple[Path, Path], tmp_path: Path) -> None:
    _, hive = pair
    root = hive.parents[1]
    build_release(root, "1.0.0", releases_dir=tmp_path, partition=PARTS)
    files = json.loads((hive / "manifest.json").read_text(encoding="utf-8"))["files"]
    again = json.loads((tmp_path / "1.0.0" / "manifest.json").read_text(encoding="utf-8"))
    assert again["files"] == files


def test_verify_catches_a_tampered_partition(pair: tuple[Path, Path], tmp_path: Path) -> None:
    _, hive = pair
    import shutil

    copy = tmp_path / "1.0.0"
    shutil.copytree(hive, copy)
    rel = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))["tables"]["events"][
        "files"
    ][0]
    (copy / rel).chmod(0o644)
    data = bytearray((copy / rel).read_bytes())
    data[100] ^= 1
    (copy / rel).write_bytes(bytes(data))
    problems = verify_release(copy)
    assert len(problems) == 1 and problems[0].startswith(f"{rel}: sha256 is "), problems
    with pytest.raises(ReleaseError, match=r"sha256 is [0-9a-f]+, manifest says"):
        VenezuelaCrisis(path=copy)
    (copy / "events" / "year=1999").mkdir()
    (copy / "events" / "year=1999" / "part-0.parquet").write_bytes(b"x")
    assert any("extra file" in p for p in verify_release(copy)), verify_release(copy)


def test_frictionless_reads_only_the_first_part_of_a_multipart_parquet(
    pair: tuple[Path, Path],
) -> None:
    """Frictionless v5's Parquet parser opens ``resource.normpath``, the first file of a multipart
    ``path`` (its multipart loader concatenates byte streams, which is no Parquet file): every
    check passes except foreign keys into rows of the other partition files."""
    _, hive = pair
    cli = Path(sys.executable).with_name("frictionless")
    done = subprocess.run(
        [str(cli), "validate", "--json", str(hive / "datapackage.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(done.stdout)
    files = json.loads((hive / "manifest.json").read_text(encoding="utf-8"))["tables"]["events"]
    first = set(pq.read_table(hive / files["files"][0], columns=["id"]).column("id").to_pylist())
    later = {
        rid
        for rel in files["files"][1:]
        for rid in pq.read_table(hive / rel, columns=["id"]).column("id").to_pylist()
    }
    errors = [(t["name"], e) for t in report["tasks"] for e in t["errors"]]
    assert errors, "a second partition exists, so Frictionless misses its rows"
    for table, error in errors:
        assert error["type"] == "foreign-key" and 'lookup table "events"' in error["message"], (
            table,
            error["message"],
        )
        missing = error["message"].split('values "')[1].split('"')[0]
        assert missing in later and missing not in first, error["message"]


def test_bad_partition_is_refused(tmp_path: Path) -> None:
    root = H.copy_project(tmp_path / "project")
    for bad, message in [
        ({"nope": ("year",)}, "unknown table 'nope'"),
        ({"actors": ("year",)}, "no `date` column"),
        ({"events": ("day",)}, "keys must be distinct, among year, month"),
    ]:
        with pytest.raises(ReleaseError, match=message):
            build_release(root, "1.0.0", partition=bad)
    assert not (root / "releases" / "1.0.0").exists()


def test_cli_partition_option(tmp_path: Path) -> None:
    root = H.copy_project(tmp_path / "project")
    args = ["release", "--version", "1.0.0", "--root", str(root), "--json"]
    r = CliRunner().invoke(app, [*args, "--partition", "events=year,month"])
    assert r.exit_code == 0, r.output
    manifest = json.loads((root / "releases/1.0.0/manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["events"]["partitioning"]["keys"] == ["year", "month"]
    r = CliRunner().invoke(app, [*args[:2], "1.0.1", *args[3:], "--partition", "events"])
    assert r.exit_code != 0 and "expected TABLE=KEY" in r.output, r.output
