"""vzcrisis release: layout, Arrow logical types read back three ways, derived columns,
determinism, Frictionless validation, codebook and CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner
from venezuela_crisis.catalog import SCHEMA_VERSIONS
from venezuela_crisis.format.arrow import arrow_schema
from venezuela_crisis.format.manifest import sha256_file
from venezuela_crisis.models import TABLES, VOCAB_DOCS
from venezuela_crisis.models.base import CuratedRecord
from vzcrisis.cli import app
from vzcrisis.release.build import ReleaseResult, build_release
from vzcrisis.release.derive import check_references, released_rows
from vzcrisis.release.manifest import dump_json
from vzcrisis.release.verify import verify_release
from vzcrisis.validate.project import validate_project

from tests.build import _release_project as H

EXPECTED_FILES = sorted(
    [f"{t}.parquet" for t in TABLES]
    + ["CHANGES.md", "CODEBOOK.md", "changes.json", "datapackage.json", "venezuela-crisis.db"]
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReleaseResult]:
    root = H.copy_project(tmp_path_factory.mktemp("first") / "project")
    result = build_release(root, "1.0.0")
    return root / "releases" / "1.0.0", result


def test_layout_and_manifest(built: tuple[Path, ReleaseResult]) -> None:
    release, result = built
    assert sorted(p.name for p in release.iterdir()) == sorted([*EXPECTED_FILES, "manifest.json"])
    assert not list(release.parent.glob(".tmp-*"))
    text = (release / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert text == dump_json(manifest), "manifest.json: sorted keys, indent 2, trailing newline"
    assert manifest["dataset"] == "venezuela-crisis"
    assert manifest["version"] == "1.0.0"
    assert manifest["previous_version"] is None
    assert manifest["release_date"] == "2025-12-04", "latest review date of released records"
    assert manifest["inputs"]["commit"] is None, "a copy outside git has no input commit"
    assert len(manifest["inputs"]["sha256"]) == 64
    assert manifest["schema_versions"] == SCHEMA_VERSIONS == {t: "1.1.0" for t in TABLES}
    assert manifest["tables"] == {
        "actors": {"path": "actors.parquet", "rows": 3},
        "citations": {"path": "citations.parquet", "rows": 8},
        "demands": {"path": "demands.parquet", "rows": 1},
        "disputes": {"path": "disputes.parquet", "rows": 0},
        "events": {"path": "events.parquet", "rows": 2},
        "sanctions": {"path": "sanctions.parquet", "rows": 1},
        "sources": {"path": "sources.parquet", "rows": 1},
    }
    assert list(manifest["files"]) == EXPECTED_FILES
    for rel, entry in manifest["files"].items():
        assert entry == {
            "bytes": (release / rel).stat().st_size,
            "sha256": sha256_file(release / rel),
        }
    assert verify_release(release) == []
    assert result.to_dict()["tables"] == {t: e["rows"] for t, e in manifest["tables"].items()}


def test_parquet_schema_read_back_with_pyarrow(built: tuple[Path, ReleaseResult]) -> None:
    release, _ = built
    for table in TABLES:
        data = pq.read_table(release / f"{table}.parquet")
        expected = arrow_schema(table, "1.0.0")
        assert data.schema.equals(expected, check_metadata=True), (table, data.schema)
        assert data.schema.metadata == {
            b"dataset": b"venezuela-crisis",
            b"dataset_version": b"1.0.0",
            b"schema_version": SCHEMA_VERSIONS[table].encode(),
            b"table": table.encode(),
        }
        ids = data.column("id").to_pylist()
        assert ids == sorted(ids), f"{table} rows sorted by id"
        assert not data.schema.field("id").nullable
        assert "citations" not in data.column_names
        described = {f.name for f in data.schema if (f.metadata or {}).get(b"description")}
        assert described == set(data.column_names), f"{table}: every column has a description"
        meta = pq.read_metadata(release / f"{table}.parquet")
        if meta.num_row_groups:
            assert meta.row_group(0).column(0).compression == "ZSTD"
    events = pq.read_schema(release / "events.parquet")
    assert events.field("date").type == pa.date32()
    assert events.field("type").type == pa.dictionary(pa.int32(), pa.string())
    assert not events.field("type").nullable
    assert events.field("actors").type == pa.list_(pa.string())
    assert pa.types.is_struct(events.field("quantities").type.value_type)
    assert events.field("disputed").type == pa.bool_()
    assert events.field("source_count").type == pa.int64()
    sanctions = pq.read_schema(release / "sanctions.parquet")
    assert (
        sanctions.field("amount_usd").type == pa.int64() and sanctions.field("amount_usd").nullable
    )
    review = sanctions.field("review").type
    assert [review.field(i).name for i in range(review.num_fields)] == [
        "status",
        "reviewer",
        "date",
        "note",
        "content_hash",
    ]
    assert review.field("status").type == pa.dictionary(pa.int32(), pa.string())
    assert review.field("date").type == pa.date32()
    assert events.field("type").metadata == {b"description": b"PLOVER-aligned event type."}


def test_parquet_types_with_duckdb(built: tuple[Path, ReleaseResult]) -> None:
    release, _ = built
    con = duckdb.connect()

    def types(table: str) -> dict[str, str]:
        rows = con.execute(f"DESCRIBE SELECT * FROM '{release / table}.parquet'").fetchall()
        return {str(r[0]): str(r[1]) for r in rows}

    events = types("events")
    assert events["date"] == "DATE"
    assert events["actors"] == "VARCHAR[]"
    assert events["type"] == "VARCHAR"
    assert events["source_count"] == "BIGINT"
    assert events["disputed"] == "BOOLEAN"
    assert events["quantities"].startswith("STRUCT(") and events["quantities"].endswith("[]")
    assert types("sanctions")["amount_usd"] == "BIGINT"
    assert types("sanctions")["review"] == (
        "STRUCT(status VARCHAR, reviewer VARCHAR, date DATE, note VARCHAR, content_hash VARCHAR)"
    )
    row = con.execute(
        f"SELECT id, amount_usd, date, review.status, imposed_by FROM '{release}/sanctions.parquet'"
    ).fetchone()
    assert row == (
        "examplia-fishermen-reward",
        1000000,
        dt.date(2025, 12, 2),
        "accepted",
        ["examplia"],
    )


def test_parquet_types_with_pandas(built: tuple[Path, ReleaseResult]) -> None:
    release, _ = built
    arrow = pd.read_parquet(release / "events.parquet", dtype_backend="pyarrow")
    assert str(arrow.dtypes["date"]) == "date32[day][pyarrow]"
    assert str(arrow.dtypes["actors"]) == "list<element: string>[pyarrow]"
    assert str(arrow.dtypes["source_count"]) == "int64[pyarrow]"
    assert str(arrow.dtypes["disputed"]) == "bool[pyarrow]"
    assert str(arrow.dtypes["type"]) == (
        "dictionary<values=string, indices=int32, ordered=0>[pyarrow]"
    )
    plain = pd.read_parquet(release / "actors.parquet")
    assert isinstance(plain.dtypes["kind"], pd.CategoricalDtype)
    assert str(plain.dtypes["source_count"]) == "int64"
    assert plain["id"].tolist() == ["ana-perez-prueba", "examplia", "testland-government"]
    sanctions = pd.read_parquet(release / "sanctions.parquet")
    assert str(sanctions.dtypes["amount_usd"]) == "int64"
    assert sanctions["date"].tolist() == [dt.date(2025, 12, 2)]


def test_only_accepted_records_and_derived_columns(built: tuple[Path, ReleaseResult]) -> None:
    release, _ = built
    actors = pq.read_table(release / "actors.parquet").to_pylist()
    assert [a["id"] for a in actors] == ["ana-perez-prueba", "examplia", "testland-government"]
    assert {(a["source_count"], a["origin_count"], a["disputed"]) for a in actors} == {
        (1, 1, False)
    }
    assert pq.read_table(release / "disputes.parquet").num_rows == 0, "a pending dispute"
    citations = pq.read_table(release / "citations.parquet").to_pylist()
    assert [c["id"] for c in citations] == sorted(c["id"] for c in citations)
    assert citations[0] == {
        "id": "ana-perez-prueba@src-e8564c96:90",
        "record_table": "actors",
        "record_id": "ana-perez-prueba",
        "source_id": "src-e8564c96",
        "quote": "Examplia's foreign minister Ana Pérez Prueba",
        "char_start": 90,
        "char_end": 134,
        "attribution": None,  # a record of schema 1.0.0 needs none
        "attributed_to": None,
        "origin": "Fixture Wire",
        "context_start": 90,
        "context_end": 214,
    }
    assert "src-e8564c96@src-e8564c96:13" in {c["id"] for c in citations}
    (source,) = pq.read_table(release / "sources.parquet").to_pylist()
    article = H.FIXTURE / "seeds" / "articles" / "fixture_wire.txt"
    assert source["text"] == article.read_bytes().decode("utf-8")


def test_rebuild_is_byte_identical(built: tuple[Path, ReleaseResult], tmp_path: Path) -> None:
    release, _ = built
    root = H.copy_project(tmp_path / "again")
    build_release(root, "1.0.0")
    again = root / "releases" / "1.0.0"
    names = sorted(p.name for p in release.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    different = [n for n in names if sha256_file(release / n) != sha256_file(again / n)]
    assert different == [], f"rebuild changed {different}"


def test_frictionless_validates_the_datapackage(built: tuple[Path, ReleaseResult]) -> None:
    release, _ = built
    cli = Path(sys.executable).with_name("frictionless")
    done = subprocess.run(
        [str(cli), "validate", "--json", str(release / "datapackage.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["valid"] is True, done.stdout
    assert sorted(task["name"] for task in report["tasks"]) == sorted(TABLES)


def test_datapackage_content(built: tuple[Path, ReleaseResult]) -> None:
    release, _ = built
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == "venezuela-crisis" and package["version"] == "1.0.0"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "belong to their publishers" in package["description"]
    resources = {r["name"]: r for r in package["resources"]}
    assert list(resources) == list(TABLES)
    demands = resources["demands"]
    assert demands["path"] == "demands.parquet"
    assert demands["format"] == "parquet"
    assert demands["mediatype"] == "application/vnd.apache.parquet"
    assert demands["hash"] == "sha256:" + sha256_file(release / "demands.parquet")
    assert demands["schema"]["primaryKey"] == ["id"]
    assert demands["schema"]["foreignKeys"] == [
        {"fields": ["made_in"], "reference": {"resource": "events", "fields": ["id"]}},
        {"fields": ["response_event"], "reference": {"resource": "events", "fields": ["id"]}},
    ]
    fields = {f["name"]: f for f in demands["schema"]["fields"]}
    assert fields["category"]["type"] == "string"
    assert fields["category"]["constraints"]["enum"][:2] == ["amnesty", "sanctions_relief"]
    assert fields["category"]["constraints"]["required"] is True
    assert fields["made_in"]["constraints"] == {"required": False}
    assert fields["by"]["type"] == "any" and fields["by"]["x-arrow-type"] == "list<element: string>"
    assert fields["review"]["type"] == "object"
    assert fields["source_count"]["type"] == "integer"
    assert fields["disputed"]["type"] == "boolean"
    assert resources["citations"]["schema"]["foreignKeys"] == [
        {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["id"]}}
    ]


def test_codebook_documents_every_field_and_value(built: tuple[Path, ReleaseResult]) -> None:
    release, _ = built
    text = (release / "CODEBOOK.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"## {table}\n" in text
        for field in arrow_schema(table).names:
            assert f"| `{field}` |" in text, (table, field)
    for docs in VOCAB_DOCS.values():
        for value, meaning in docs.items():
            assert f"| `{value}` | {meaning} |" in text, value
    assert '"id": "examplia-fishermen-reward"' in text, "an example row from the release"


def test_cli_release_verify_and_refusals(tmp_path: Path) -> None:
    root = H.copy_project(tmp_path / "cli")
    runner = CliRunner()
    r = runner.invoke(
        app, ["release", "--version", "1.0.0", "--date", "2026-01-02", "--root", str(root)]
    )
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == (
        "released 1.0.0 (first release, dated 2026-01-02) in releases/1.0.0"
    )
    manifest = json.loads((root / "releases/1.0.0/manifest.json").read_text(encoding="utf-8"))
    assert manifest["release_date"] == "2026-01-02"
    r = runner.invoke(app, ["verify", "releases/1.0.0", "--root", str(root)])
    assert r.exit_code == 0, r.output
    assert r.output == "releases/1.0.0: every file matches manifest.json\n"
    r = runner.invoke(app, ["release", "--version", "1.0.0", "--root", str(root)])
    assert r.exit_code == 1, r.output
    assert "releases/1.0.0 already exists; releases are immutable" in r.output
    r = runner.invoke(app, ["release", "--version", "1.0", "--root", str(root)])
    assert r.exit_code == 1, r.output
    assert "'1.0' is not a version: expected X.Y.Z" in r.output


def test_cli_release_json_equals_library_result(tmp_path: Path) -> None:
    root = H.copy_project(tmp_path / "json")
    r = CliRunner().invoke(app, ["release", "--version", "0.1.0", "--json", "--root", str(root)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["version"] == "0.1.0" and data["bump"] is None
    assert data["tables"]["citations"] == 8
    assert data["changes"]["actors"] == {"added": 3, "removed": 0, "changed": 0}


def test_invalid_input_is_refused_with_problem_lines(tmp_path: Path) -> None:
    root = H.copy_project(tmp_path / "bad")

    def break_quote(records: list[object]) -> None:
        H.by_id(records, "examplia")["citations"][0]["char_start"] = 281

    H.edit_records(root, "actors", break_quote)
    r = CliRunner().invoke(app, ["release", "--version", "1.0.0", "--root", str(root)])
    assert r.exit_code == 1, r.output
    assert "seeds/records/actors.yaml:" in r.output and ": examplia: " in r.output, r.output
    assert "Traceback" not in r.output
    assert not (root / "releases").exists() or list((root / "releases").iterdir()) == []


def test_frictionless_accepts_nulls_in_typed_columns(tmp_path: Path) -> None:
    """Null int64 / date / dictionary cells (pandas NaN / None) still validate."""
    root = H.copy_project(tmp_path / "nulls")

    def drop_amount(records: list[Any]) -> None:
        del H.by_id(records, "examplia-fishermen-reward")["amount_usd"]

    def drop_date(records: list[Any]) -> None:
        event = H.by_id(records, "testland-rejects-2025-12-02")
        for key in ("date", "date_precision", "date_text"):
            del event[key]

    H.edit_records(root, "sanctions", drop_amount)
    H.edit_records(root, "events", drop_date)
    build_release(root, "1.0.0")
    release = root / "releases" / "1.0.0"
    assert pq.read_table(release / "sanctions.parquet").column("amount_usd").null_count == 1
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    sanctions = next(r for r in package["resources"] if r["name"] == "sanctions")
    amount = next(f for f in sanctions["schema"]["fields"] if f["name"] == "amount_usd")
    assert (amount["type"], amount["x-arrow-type"]) == ("number", "int64")
    cli = Path(sys.executable).with_name("frictionless")
    done = subprocess.run(
        [str(cli), "validate", str(release / "datapackage.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_references_must_point_to_released_rows(tmp_path: Path) -> None:
    """The check before writing: a released row may not point to a row left out."""
    root = H.copy_project(tmp_path / "refs")
    project = validate_project(root)

    def accepted(table: str) -> list[CuratedRecord]:
        records = project.accepted(table)
        return [r for r in records if r.id != "testland-rejects-2025-12-02"]

    rows, problems = released_rows(accepted, project.texts)
    assert problems == []
    assert check_references(rows) == [
        "demands: release-two-fishermen: response_event: 'testland-rejects-2025-12-02' is not "
        "a released events row (missing, or not accepted yet)"
    ]
