"""vzcrisis synth: deterministic, valid synthetic corpora; the JSON Lines record loader."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from venezuela_crisis.models import TABLES
from vzcrisis.cli import app
from vzcrisis.records.jsonl import jsonl_record_files, read_jsonl_record_file
from vzcrisis.records.load import content_hash, read_record_file, record_files
from vzcrisis.synth.corpus import synth, table_counts
from vzcrisis.validate.project import validate_project

N = 300


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    out = tmp_path_factory.mktemp("synth") / "project"
    synth(out, N, seed=7, schema_dir=root / "schema")
    return out


def test_same_seed_same_bytes(corpus: Path, tmp_path: Path, root: Path) -> None:
    again = tmp_path / "again"
    runner = CliRunner()
    args = ["synth", "--records", str(N), "--out", str(again), "--seed", "7", "--root", str(root)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert _tree(again) == _tree(corpus)
    other = tmp_path / "other"
    r = runner.invoke(app, [*args[:4], str(other), "--seed", "8", "--root", str(root)])
    assert r.exit_code == 0, r.output
    assert _tree(other) != _tree(corpus)


def test_counts_layout_and_manifest(corpus: Path) -> None:
    counts = table_counts(N)
    assert counts == {
        "sources": 6,
        "actors": 9,
        "events": 135,
        "demands": 90,
        "sanctions": 45,
        "disputes": 15,
    }
    manifest = json.loads((corpus / "SYNTH.json").read_text())
    assert manifest["counts"] == counts and manifest["seed"] == 7, manifest
    assert len(list((corpus / "seeds" / "articles").glob("*.txt"))) == 6
    assert (corpus / "schema" / "events").is_dir()
    files = record_files(corpus)
    assert [p.name for p in files] == [f"{t}-0001.yaml" for t in sorted(counts)]


def _records(corpus: Path) -> list[tuple[str, dict[str, object]]]:
    out = []
    for path in record_files(corpus):
        parsed, problems = read_record_file(path, corpus)
        assert parsed is not None and not problems, problems
        out.extend((parsed.table, r.data) for r in parsed.records)
    return out


def test_every_record_validates_and_quotes_sit_at_offsets(corpus: Path) -> None:
    records = _records(corpus)
    assert len(records) == N
    texts: dict[str, str] = {}
    for table, data in records:
        if table == "sources":
            raw = (corpus / "seeds" / "articles" / str(data["file"])).read_bytes()
            assert hashlib.sha256(raw).hexdigest() == data["sha256"], data["id"]
            assert data["id"] == f"src-{str(data['sha256'])[:8]}"
            texts[str(data["id"])] = raw.decode("utf-8")
    ids = [str(d["id"]) for _, d in records]
    assert len(set(ids)) == len(ids), "ids are unique across tables"
    quotes = 0
    for table, data in records:
        model = TABLES[table].record
        assert model is not None
        model.model_validate_json(json.dumps(data))
        review = data["review"]
        assert isinstance(review, dict) and review["status"] == "accepted"
        assert review["content_hash"] == content_hash(data), data["id"]
        for c in data["citations"]:  # type: ignore[attr-defined]
            assert texts[c["source"]][c["char_start"] : c["char_end"]] == c["quote"], data["id"]
            quotes += 1
    assert quotes > N, "a share of the records cite two articles"


def test_disputes_have_two_versions_and_aliases_drop_accents(corpus: Path) -> None:
    records = _records(corpus)
    versions: dict[str, int] = {}
    for _, data in records:
        for d in data.get("disputes", []):  # type: ignore[attr-defined]
            versions[d] = versions.get(d, 0) + 1
    disputes = [d["id"] for t, d in records if t == "disputes"]
    assert versions == dict.fromkeys(disputes, 2)
    maduro = next(d for t, d in records if d["id"] == "nicolas-maduro")
    assert maduro["name"] == "Nicolás Maduro" and maduro["aliases"] == ["Nicolas Maduro"]


def test_validate_project_passes(corpus: Path) -> None:
    project = validate_project(corpus)
    assert project.summary()["review"]["accepted"] == N, project.summary()


def test_jsonl_corpus_holds_the_same_records(corpus: Path, tmp_path: Path, root: Path) -> None:
    out = tmp_path / "jsonl"
    synth(out, N, seed=7, fmt="jsonl", schema_dir=root / "schema")
    assert _tree(out / "seeds" / "articles") == _tree(corpus / "seeds" / "articles")
    loaded = []
    for path in jsonl_record_files(out):
        parsed, problems = read_jsonl_record_file(path, out)
        assert parsed is not None and not problems, problems
        assert parsed.schema_version == TABLES[parsed.table].schema_version
        assert [r.line for r in parsed.records] == list(range(2, len(parsed.records) + 2))
        loaded.extend((parsed.table, r.data) for r in parsed.records)
    assert loaded == _records(corpus)


def test_refuses_a_non_empty_out_and_tiny_sizes(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("keep me")
    r = CliRunner().invoke(app, ["synth", "--records", "5", "--out", str(tmp_path)])
    assert r.exit_code == 1, r.output
    assert "--records: 5 is too small; give at least 20" in r.output
    assert "exists and is not an empty directory" in r.output
    assert (tmp_path / "x").read_text() == "keep me"


@pytest.mark.parametrize(
    ("body", "expected", "kept"),
    [
        ("", ["f.jsonl:1: -: -: empty file; the first line is the header"], None),
        (
            '{"table": "events"}\n',
            ["f.jsonl:1: -: schema_version: missing; the header declares it"],
            None,
        ),
        (
            '{"schema_version": "1.0.0", "table": "events"}\n{"id": "a"\n[1]\n\n'
            '{"id": "b", "id": "c"}\n{"id": "ok", "x": NaN}\n{"id": "fine"}\n',
            [
                "f.jsonl:2: -: -: invalid JSON: Expecting ',' delimiter (column 11)",
                "f.jsonl:3: -: -: record is a JSON array, not an object",
                "f.jsonl:5: b: -: invalid JSON: duplicate key 'id'",
                "f.jsonl:6: ok: -: invalid JSON: NaN is not a JSON number; write a finite "
                "number or null",
            ],
            [(7, "fine")],
        ),
        (
            '{"schema_version": "1.0.0", "table": "events"}\n' + "[" * 30 + "]" * 30 + "\n",
            ["f.jsonl:2: -: -: nested more than 20 levels deep"],
            [],
        ),
    ],
)
def test_jsonl_problems_name_the_line(
    tmp_path: Path, body: str, expected: list[str], kept: list[tuple[int, str]] | None
) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text(body, encoding="utf-8")
    parsed, problems = read_jsonl_record_file(path, tmp_path)
    assert [str(p) for p in problems] == expected
    got = None if parsed is None else [(r.line, r.id) for r in parsed.records]
    assert got == kept
    if parsed is not None and parsed.records:
        assert parsed.records[0].line_of("id") == parsed.records[0].line
