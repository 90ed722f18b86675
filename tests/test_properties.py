"""Property tests (hypothesis, bounded for CI).

1. Random valid records survive YAML -> validate -> release -> SDK unchanged.
2. Records mutated field by field (wrong types, out of range, bad patterns, unknown enum values,
   extra or missing keys) are judged alike by the published JSON Schema and the pydantic model.
   The model may refuse more only through its cross-field validators (``value_error``: offsets
   vs quote length, paired fields, end before start, decided review without reviewer), which a
   JSON Schema cannot express.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from ruamel.yaml import YAML
from venezuela_crisis import VenezuelaCrisis
from venezuela_crisis.models import TABLES, ActorKind
from vzcrisis.records.load import content_hash, read_record_file, record_files
from vzcrisis.release.build import build_release
from vzcrisis.validate.project import validate_project
from vzcrisis.validate.record_checks import schema_validator

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
ARTICLE = (MINI / "seeds" / "articles" / "fixture_wire.txt").read_text(encoding="utf-8")
SRC = "src-e8564c96"
UNSAFE = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters=UNSAFE
    ),
    min_size=1,
    max_size=30,
)
"""Free text the validator accepts: any character but controls, bidi controls and separators."""
CI = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# -- 1. valid records round-trip ----------------------------------------------------------------
@st.composite
def quotes(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.integers(0, len(ARTICLE) - 2))
    end = draw(st.integers(start + 1, min(len(ARTICLE), start + 80)))
    return {"source": SRC, "quote": ARTICLE[start:end], "char_start": start, "char_end": end}


@st.composite
def actors(draw: st.DrawFn, index: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"gen-{index}-{draw(st.from_regex(r'[a-z0-9]{1,8}', fullmatch=True))}",
        "name": draw(TEXT),
        "aliases": draw(st.lists(TEXT, max_size=3)),
        "kind": draw(st.sampled_from([k.value for k in ActorKind])),
        "country": draw(st.none() | st.from_regex(r"[A-Z]{3}", fullmatch=True)),
        "roles": draw(st.lists(TEXT, max_size=2)),
        # one citation per passage: `validate` refuses a repeated (source, char_start)
        "citations": draw(
            st.lists(quotes(), min_size=1, max_size=3, unique_by=lambda c: c["char_start"])
        ),
    }
    review = {"status": "accepted", "reviewer": draw(TEXT), "date": "2025-12-04"}
    record["review"] = {**review, "content_hash": content_hash(record)}
    return record


def _write_yaml(path: Path, table: str, records: list[dict[str, Any]]) -> None:
    yaml = YAML(typ="rt", pure=True)
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump({"schema_version": "1.0.0", "table": table, "records": records}, fh)


@CI
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(*[actors(i) for i in range(n)])))
def test_valid_records_round_trip_to_the_sdk(generated: tuple[dict[str, Any], ...]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(MINI, root)
        _write_yaml(root / "seeds" / "records" / "zz-generated.yaml", "actors", list(generated))
        project = validate_project(root)
        assert {m.id for m in project.accepted("actors")} >= {r["id"] for r in generated}
        build_release(root, "1.0.0")
        with VenezuelaCrisis(path=root / "releases" / "1.0.0") as vc:
            for record in generated:
                row = vc.actors(id=record["id"])[0]
                for key in ("name", "aliases", "kind", "country", "roles"):
                    assert getattr(row, key) == record[key], key
                cited = sorted((c.source, c.char_start, c.quote) for c in row.citations)
                unique = {(c["source"], c["char_start"], c["quote"]) for c in record["citations"]}
                assert cited == sorted(unique)


# -- 2. JSON Schema and pydantic agree ----------------------------------------------------------
def _valid_records() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in record_files(MINI):
        parsed, _ = read_record_file(path, MINI)
        assert parsed is not None
        out.extend((raw.table, raw.data) for raw in parsed.records)
    return out


VALID = _valid_records()
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=5,
)
SPECIAL = st.sampled_from(
    [-1, 0, 2**63, 10**12, "", "x" * 6000, "2025-02-30", "2025-1-5", "Upper Case", "bad enum"]
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.extend(_paths(value, (*prefix, index)))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    table, data = draw(st.sampled_from(VALID))
    data = copy.deepcopy(data)
    path = draw(st.sampled_from(_paths(data)))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    action = draw(st.sampled_from(["replace", "special", "extra", "delete"]))
    if action == "replace":
        parent[path[-1]] = draw(JSON_VALUES)
    elif action == "special":
        parent[path[-1]] = draw(SPECIAL)
    elif action == "extra" and isinstance(parent, dict):
        parent[draw(TEXT)] = draw(JSON_VALUES)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    return table, data


def _model_errors(table: str, data: dict[str, Any]) -> list[str]:
    model = TABLES[table].record
    assert model is not None
    try:
        model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as exc:
        return [str(e["type"]) for e in exc.errors()]
    return []


def _schema_valid(table: str, data: dict[str, Any]) -> bool:
    return bool(schema_validator(ROOT / "schema" / table / "1.0.0.json").is_valid(data))


@settings(max_examples=300, deadline=None)
@given(mutated())
def test_json_schema_and_model_agree(case: tuple[str, dict[str, Any]]) -> None:
    table, data = case
    schema_ok = _schema_valid(table, data)
    errors = _model_errors(table, data)
    if not schema_ok:
        assert errors, f"the model accepts what the JSON Schema refuses: {data}"
    elif errors:
        assert set(errors) == {"value_error"}, f"only the model refuses ({errors}): {data}"


def test_integral_float_is_judged_alike() -> None:
    table, data = next((t, d) for t, d in VALID if t == "events")
    data = copy.deepcopy(data)
    data["citations"][0]["char_start"] = float(data["citations"][0]["char_start"])
    assert _schema_valid(table, data) == (not _model_errors(table, data))
