"""JSON Schemas: drift against the models, immutability (hash registry), compatibility."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner
from venezuela_crisis.format.versions import parse_version
from venezuela_crisis.models import CURATED_TABLES, TABLES, registry, vocab
from vzcrisis.cli import app
from vzcrisis.records.schema_compat import compare
from vzcrisis.records.schemas import (
    ID_BASE,
    load_registry,
    published_versions,
    record_schema,
    render,
    schema_path,
)

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = ROOT / "schema"


def run_schemas(root: Path) -> Any:
    return CliRunner().invoke(app, ["schemas", "--root", str(root)])


# --- drift and immutability of the committed schemas -------------------------------------------


@pytest.mark.parametrize("table", CURATED_TABLES)
def test_committed_schema_matches_the_model(table: str) -> None:
    path = schema_path(ROOT, table, TABLES[table].schema_version)
    assert path.is_file(), f"{path} missing: model is not up to date: run `vzcrisis schemas`"
    committed = path.read_text(encoding="utf-8")
    assert committed == render(record_schema(table)), (
        f"{path.relative_to(ROOT)}: model is not up to date: run `vzcrisis schemas` "
        "(and bump the version in catalog.py if this version is published)"
    )


def test_every_schema_file_is_in_the_registry_with_its_sha256() -> None:
    registry = load_registry(ROOT)
    files = {
        p.relative_to(SCHEMA).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in SCHEMA.rglob("*.json")
        if p.name != "registry.json"
    }
    assert files, "no schema files"
    assert sorted(files) == sorted(registry), "schema/ and schema/registry.json list other files"
    changed = [name for name, digest in files.items() if registry[name] != digest]
    assert changed == [], f"published schema files changed (restore them from git): {changed}"


@pytest.mark.parametrize("table", CURATED_TABLES)
def test_schema_content(table: str) -> None:
    version = TABLES[table].schema_version
    schema = json.loads(schema_path(ROOT, table, version).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{ID_BASE}{table}/{version}.json"
    assert schema["title"].startswith(TABLES[table].title)
    assert schema["additionalProperties"] is False
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"{table}.{name} has no description"
    review = schema["$defs"]["Review"]["properties"]["date"]
    assert {"type": "string", "format": "date"} in review["anyOf"]


def test_enums_keep_values_and_document_them() -> None:
    schema = json.loads(schema_path(ROOT, "demands", "1.0.0").read_text(encoding="utf-8"))
    category = schema["$defs"]["DemandCategory"]
    assert category["enum"][0] == "amnesty"
    assert category["x-enumDescriptions"]["amnesty"] == "Immunity or amnesty from prosecution."
    assert sorted(category["x-enumDescriptions"]) == sorted(category["enum"])


@pytest.mark.parametrize("table", CURATED_TABLES)
def test_each_version_is_compatible_with_the_previous_or_a_major_bump(table: str) -> None:
    versions = published_versions(ROOT, table)
    assert TABLES[table].schema_version in versions
    for old, new in itertools.pairwise(versions):
        if parse_version(new)[0] > parse_version(old)[0]:
            continue
        before = json.loads(schema_path(ROOT, table, old).read_text(encoding="utf-8"))
        after = json.loads(schema_path(ROOT, table, new).read_text(encoding="utf-8"))
        assert compare(before, after) == [], f"{table} {old} -> {new} needs a major version bump"


# --- compare() on tiny schemas ---------------------------------------------------------------


def obj(props: dict[str, Any], required: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or [], **kw}


STR: dict[str, Any] = {"type": "string"}
NULLABLE_STR: dict[str, Any] = {"anyOf": [{"type": "string"}, {"type": "null"}]}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (obj({"a": STR}), obj({"a": STR}), []),
        (obj({"a": STR}), obj({"a": STR, "b": STR}), []),
        (
            obj({"a": STR}),
            obj({"a": {"type": "string", "maxLength": 5}}),
            ["a: maxLength tightened from none to 5"],
        ),
        (obj({"a": {"type": "string", "maxLength": 5}}), obj({"a": STR}), []),
        (obj({"a": STR}), obj({"a": NULLABLE_STR}), []),
        (obj({"a": {"type": "integer"}}), obj({"a": {"type": "number"}}), []),
        (obj({"a": STR, "b": STR}), obj({"a": STR}), ["b: field removed (or renamed)"]),
        (obj({"a": STR}), obj({"z": STR}), ["a: field removed (or renamed)"]),
        (obj({"a": STR}), obj({"a": STR}, ["a"]), ["a: new required field"]),
        (
            obj({"a": STR}),
            obj({"a": STR, "b": STR}, ["b"]),
            ["b: new required field"],
        ),
        (
            obj({"a": {"type": "number"}}),
            obj({"a": {"type": "integer"}}),
            ["a: type narrowed from integer, number to integer (no longer accepts number)"],
        ),
        (
            obj({"a": NULLABLE_STR}),
            obj({"a": STR}),
            ["a: type narrowed: no longer accepts null"],
        ),
        (
            obj({"a": NULLABLE_STR}),
            obj({"a": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}),
            ["a: type narrowed: no longer accepts string"],
        ),
        (
            obj({"a": {"enum": ["x", "y", "z"]}}),
            obj({"a": {"enum": ["x"]}}),
            ["a: enum values removed: y, z"],
        ),
        (obj({"a": {"enum": ["x"]}}), obj({"a": {"enum": ["x", "w"]}}), []),
        (
            obj({"a": STR}),
            obj({"a": {"type": "string", "enum": ["x"]}}),
            ["a: now restricted to the values x"],
        ),
        (
            obj({"a": {"type": "string", "maxLength": 10}}),
            obj({"a": {"type": "string", "maxLength": 5}}),
            ["a: maxLength tightened from 10 to 5"],
        ),
        (
            obj({"a": STR}),
            obj({"a": {"type": "string", "minLength": 1}}),
            ["a: minLength tightened from none to 1"],
        ),
        (
            obj({"n": {"type": "integer", "minimum": 0}}),
            obj({"n": {"type": "integer", "minimum": 1}}),
            ["n: minimum tightened from 0 to 1"],
        ),
        (
            obj({"a": STR}),
            obj({"a": {"type": "string", "pattern": "^[a-z]+$"}}),
            ["a: pattern changed from none to '^[a-z]+$'"],
        ),
        (
            obj({"a": {"type": "string", "pattern": "^[a-z]+$"}}),
            obj({"a": {"type": "string", "pattern": "^[a-z]$"}}),
            ["a: pattern changed from '^[a-z]+$' to '^[a-z]$'"],
        ),
        (
            obj({"d": STR}),
            obj({"d": {"type": "string", "format": "date"}}),
            ["d: format changed from none to 'date'"],
        ),
        (
            obj({"a": STR}),
            obj({"a": STR}, additionalProperties=False),
            ["(record): additional properties no longer allowed"],
        ),
        (
            obj({"xs": {"type": "array", "items": {"type": "string", "maxLength": 9}}}),
            obj({"xs": {"type": "array", "items": {"type": "string", "maxLength": 3}}}),
            ["xs[]: maxLength tightened from 9 to 3"],
        ),
        (
            obj({"xs": {"type": "array", "items": STR}}),
            obj({"xs": {"type": "array", "items": STR, "minItems": 1}}),
            ["xs: minItems tightened from none to 1"],
        ),
        (
            obj({"r": {"type": "string", "x-references": "actors"}}),
            obj({"r": {"type": "string", "x-references": "events"}}),
            ["r: x-references changed from 'actors' to 'events'"],
        ),
    ],
)
def test_compare(old: dict[str, Any], new: dict[str, Any], expected: list[str]) -> None:
    assert compare(old, new) == expected


def test_compare_follows_refs_into_defs() -> None:
    def schema(max_length: int, quote_required: bool) -> dict[str, Any]:
        cite = obj(
            {"quote": {"type": "string", "maxLength": max_length}},
            ["quote"] if quote_required else [],
        )
        return {
            **obj({"citations": {"type": "array", "items": {"$ref": "#/$defs/Cite"}}}),
            "$defs": {"Cite": cite},
        }

    assert compare(schema(10, False), schema(10, False)) == []
    assert compare(schema(10, False), schema(5, True)) == [
        "citations[].quote: maxLength tightened from 10 to 5",
        "citations[].quote: new required field",
    ]


@pytest.mark.parametrize("table", CURATED_TABLES)
def test_current_models_against_themselves(table: str) -> None:
    assert compare(record_schema(table), record_schema(table)) == []


# --- `vzcrisis schemas` ----------------------------------------------------------------------


def test_schemas_writes_what_is_committed_and_is_idempotent(tmp_path: Path) -> None:
    r = run_schemas(tmp_path)
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[-1] == "7 written, 0 unchanged"
    for table in CURATED_TABLES:
        version = TABLES[table].schema_version
        written = schema_path(tmp_path, table, version).read_text(encoding="utf-8")
        assert written == schema_path(ROOT, table, version).read_text(encoding="utf-8")
    registry = (tmp_path / "schema" / "registry.json").read_text(encoding="utf-8")
    current = {f"{t}/{TABLES[t].schema_version}.json" for t in CURATED_TABLES}
    assert json.loads(registry)["files"] == {
        name: digest for name, digest in load_registry(ROOT).items() if name in current
    }
    r = run_schemas(tmp_path)
    assert r.exit_code == 0, r.output
    assert r.output == "0 written, 6 unchanged\n"


def test_schemas_rewrites_the_sdk_modules_generated_from_the_models(tmp_path: Path) -> None:
    sdk = ROOT / "sdk" / "venezuela_crisis"
    real = {name: (sdk / name).read_bytes() for name in ("columns.py", "literals.py")}
    shutil.copytree(SCHEMA, tmp_path / "schema")
    copy = tmp_path / "sdk" / "venezuela_crisis"
    copy.mkdir(parents=True)
    for name, data in real.items():
        (copy / name).write_bytes(data)
    drifted = real["columns.py"].replace(b'        "summary",\n', b"", 1)
    assert drifted != real["columns.py"]
    (copy / "columns.py").write_bytes(drifted)
    r = CliRunner().invoke(app, ["schemas", "--root", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {
        "written": ["sdk/venezuela_crisis/columns.py"],
        "unchanged": [
            *(f"schema/{t}/{TABLES[t].schema_version}.json" for t in CURATED_TABLES),
            "sdk/venezuela_crisis/literals.py",
        ],
    }
    assert (copy / "columns.py").read_text("utf-8") == registry.columns_module()
    assert (copy / "columns.py").read_bytes() == real["columns.py"]
    assert sorted(p.name for p in copy.iterdir()) == ["columns.py", "literals.py"]  # no tmp
    # the installed SDK's files were not touched
    assert {name: (sdk / name).read_bytes() for name in real} == real
    r = CliRunner().invoke(app, ["schemas", "--root", str(tmp_path)])
    assert r.output == "0 written, 8 unchanged\n"


def test_the_sdk_modules_are_written_into_a_given_directory(tmp_path: Path) -> None:
    assert registry.write_columns(tmp_path) == str(tmp_path / "columns.py")
    assert vocab.write_literals(tmp_path) == str(tmp_path / "literals.py")
    assert (tmp_path / "columns.py").read_text("utf-8") == registry.columns_module()
    assert (tmp_path / "literals.py").read_text("utf-8") == vocab.literals_module()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["columns.py", "literals.py"]


def test_schemas_refuses_to_change_a_published_version(tmp_path: Path) -> None:
    assert run_schemas(tmp_path).exit_code == 0
    version = TABLES["demands"].schema_version
    path = schema_path(tmp_path, "demands", version)
    path.write_text(path.read_text(encoding="utf-8").replace("What a demand", "A demand"))
    registry_path = tmp_path / "schema" / "registry.json"
    registry = json.loads(registry_path.read_text(encoding="utf-8"))
    registry["files"][f"demands/{version}.json"] = hashlib.sha256(path.read_bytes()).hexdigest()
    registry_path.write_text(render(registry), encoding="utf-8")  # as published back then
    before = path.read_bytes()
    r = run_schemas(tmp_path)
    assert r.exit_code == 1, r.output
    assert r.output == (
        f"schema/demands/{version}.json: version {version} is already published and the demands "
        "model has changed since; bump the version of 'demands' in "
        "sdk/venezuela_crisis/catalog.py (major for a breaking change) and run "
        "`vzcrisis schemas` again\n"
    )
    assert path.read_bytes() == before


def test_schemas_refuses_an_edited_published_file(tmp_path: Path) -> None:
    assert run_schemas(tmp_path).exit_code == 0
    version = TABLES["actors"].schema_version
    path = schema_path(tmp_path, "actors", version)
    path.write_text(path.read_text(encoding="utf-8").replace("People", "Persons"))
    r = run_schemas(tmp_path)
    assert r.exit_code == 1, r.output
    assert r.output == (
        f"schema/actors/{version}.json: sha256 does not match schema/registry.json; a published "
        "schema was edited: restore it from git\n"
    )


def _publish_old_demands(root: Path, extra_field: bool) -> None:
    """Publish demands 1.0.0 as the current model, optionally with one more optional field."""
    old = record_schema("demands")
    if extra_field:
        old["properties"]["urgency"] = {"type": "string", "description": "Removed later."}
    path = schema_path(root, "demands", "1.0.0")
    path.parent.mkdir(parents=True)
    path.write_text(render(old), encoding="utf-8")


def _bump_demands(monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    current = TABLES["demands"]
    declared = dataclasses.replace(current.spec, schema_version=version)
    monkeypatch.setitem(TABLES, "demands", dataclasses.replace(current, spec=declared))


def test_schemas_refuses_a_breaking_minor_bump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish_old_demands(tmp_path, extra_field=True)
    _bump_demands(monkeypatch, "1.1.0")
    r = run_schemas(tmp_path)
    assert r.exit_code == 1, r.output
    assert r.output == (
        "schema/demands/1.1.0.json: breaking change from 1.0.0 needs a major version bump "
        "(2.0.0): urgency: field removed (or renamed)\n"
    )
    assert not schema_path(tmp_path, "demands", "1.1.0").exists()
    assert not (tmp_path / "schema" / "actors").exists(), "nothing is written on refusal"


def test_schemas_accepts_a_breaking_major_bump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish_old_demands(tmp_path, extra_field=True)
    _bump_demands(monkeypatch, "2.0.0")
    r = run_schemas(tmp_path)
    assert r.exit_code == 0, r.output
    assert schema_path(tmp_path, "demands", "2.0.0").is_file()
    assert set(load_registry(tmp_path)) >= {"demands/1.0.0.json", "demands/2.0.0.json"}


def test_schemas_accepts_a_compatible_minor_bump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish_old_demands(tmp_path, extra_field=False)
    _bump_demands(monkeypatch, "1.1.0")
    r = run_schemas(tmp_path)
    assert r.exit_code == 0, r.output
    assert published_versions(tmp_path, "demands") == ["1.0.0", "1.1.0"]


def test_schemas_refuses_a_version_below_the_published_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish_old_demands(tmp_path, extra_field=False)
    _bump_demands(monkeypatch, "0.9.0")
    r = run_schemas(tmp_path)
    assert r.exit_code == 1, r.output
    assert r.output == (
        "schema/demands/0.9.0.json: version 0.9.0 is older than published 1.0.0; use a version "
        "above 1.0.0 in sdk/venezuela_crisis/catalog.py\n"
    )
