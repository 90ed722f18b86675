"""Each table is declared once (catalog.TableSpec); a bad declaration fails at import."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from venezuela_crisis import VenezuelaCrisis, catalog, columns
from venezuela_crisis.models import TABLES, registry
from venezuela_crisis.models.registry import _resolve


def test_registry_is_the_catalog_with_models() -> None:
    assert tuple(TABLES) == catalog.TABLE_NAMES
    for spec in catalog.TABLES:
        resolved = TABLES[spec.name]
        assert resolved.spec is spec
        assert resolved.row.__name__ == spec.row
        assert resolved.schema_version == catalog.SCHEMA_VERSIONS[spec.name]
    assert tuple(n for n in TABLES if n != "citations") == catalog.CURATED_TABLE_NAMES


def test_a_spec_naming_a_missing_model_fails() -> None:
    spec = dataclasses.replace(catalog.SPECS["demands"], row="NoSuchModel")
    with pytest.raises(TypeError, match="names 'NoSuchModel', which is not a StrictModel"):
        _resolve(spec)


@pytest.mark.parametrize(
    "change",
    [
        {"label": "nope"},
        {"sort": "nope"},
        {"facets": ("nope",)},
        {"more_facets": ({"array": "nope"},)},
        {"fts": ("nope",)},
        {"timeline": catalog.Timeline(kind="nope", actors=("by",), dated_by="made_in")},
    ],
)
def test_a_spec_naming_a_missing_column_fails(change: dict[str, object]) -> None:
    spec = dataclasses.replace(catalog.SPECS["demands"], **change)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"names column\(s\) nope that Demand does not have"):
        _resolve(spec)


def test_columns_module_is_generated_from_the_row_models() -> None:
    path = Path(columns.__file__)
    assert path.read_text(encoding="utf-8") == registry.columns_module(), (
        "regenerate it: run `vzcrisis schemas` (it rewrites every file derived from the models)"
    )
    assert columns.SCHEMA_VERSIONS == catalog.SCHEMA_VERSIONS
    assert {t: tuple(s.row.model_fields) for t, s in TABLES.items()} == columns.ROW_FIELDS


def test_queries_read_the_model_fields_when_columns_is_stale(
    vc: VenezuelaCrisis, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = vc.demands(by="Maduro")
    monkeypatch.setitem(columns.ROW_FIELDS, "demands", ("id",))
    monkeypatch.setitem(columns.SCHEMA_VERSIONS, "demands", "0.9.0")
    stale = vc.demands(by="Maduro")
    assert stale.sql == fresh.sql
    assert stale.to_arrow().equals(fresh.to_arrow())
