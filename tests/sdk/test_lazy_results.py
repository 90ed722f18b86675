"""Lazy Results: one statement, the Arrow table kept, models built only when rows are read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from venezuela_crisis import VenezuelaCrisis
from venezuela_crisis.models import Demand, DemandStatus, Event, Evidence
from venezuela_crisis.rows import trusted, validated


def _no_building(monkeypatch: pytest.MonkeyPatch, results: Any) -> None:
    def refuse(rows: list[dict[str, Any]]) -> list[Any]:
        raise AssertionError(f"built {len(rows)} models")

    monkeypatch.setattr(results, "_build", refuse)


def test_len_ids_and_arrow_build_no_model(
    vc: VenezuelaCrisis, monkeypatch: pytest.MonkeyPatch
) -> None:
    demands = vc.demands(by="Maduro")
    _no_building(monkeypatch, demands)
    assert len(demands) == 5
    assert demands.ids[:2] == ["delcy-interim-government", "maduro-amnesty-family"]
    assert demands.to_arrow().num_rows == 5
    assert "citations" in demands.to_arrow().column_names


def test_rows_built_on_read_are_the_model_classes(vc: VenezuelaCrisis) -> None:
    demands = vc.demands(by="Maduro")
    first = demands[2]
    assert type(first) is Demand
    assert demands[2] is first  # built once
    assert [type(c) for c in first.citations] == [Evidence, Evidence]
    assert [c.source for c in first.citations] == ["src-8825015e", "src-e5853327"]
    assert isinstance(first.status, DemandStatus)
    assert list(demands)[2] is first  # iteration keeps rows already handed out
    assert demands[-1].id == "safe-passage-maduro-only"
    with pytest.raises(IndexError):
        demands[5]


def test_trusted_rows_equal_validated_rows(vc: VenezuelaCrisis) -> None:
    for results in (vc.demands(), vc.events(), vc.sources(), vc.actors(), vc.citations()):
        arrow = results.to_arrow()
        fast = trusted(results.model)(arrow.to_pylist())
        checked = validated(results.model, vc.version)(arrow.to_pylist())
        assert fast == checked, results.model.__name__
        assert [r.model_dump(mode="json") for r in fast] == [
            r.model_dump(mode="json") for r in checked
        ]
        assert [r.model_fields_set for r in fast] == [r.model_fields_set for r in checked]


def test_unverified_release_validates_rows(releases_dir: Path) -> None:
    release_dir = releases_dir / "1.0.0"
    with VenezuelaCrisis(path=release_dir, verify=False) as unverified:
        events = unverified.events(type="REJECT")
        assert type(events[0]) is Event
        assert (
            events.to_dicts() == VenezuelaCrisis(path=release_dir).events(type="REJECT").to_dicts()
        )


def test_one_statement_per_query(vc: VenezuelaCrisis, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    real = vc._db.arrow

    def counting(sql: str, params: Any = None) -> Any:
        ran.append(sql)
        return real(sql, params)

    monkeypatch.setattr(vc._db, "arrow", counting)
    vc.resolve("Maduro")  # the actor index is built once per client, before counting
    ran.clear()
    rows = list(vc.demands(by="Maduro")) + list(vc.events(since="2025-11-01"))
    assert len(ran) == 2, ran
    assert all(r.citations for r in rows)
    vc.demands(by="Trump")
    assert len(ran) == 3, ran
