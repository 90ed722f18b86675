"""Results[T]: a sequence of pydantic rows that is also Arrow, pandas and polars."""

from __future__ import annotations

import sys

import pytest
from venezuela_crisis import Results, VenezuelaCrisis, VenezuelaCrisisError
from venezuela_crisis.models import Demand


def test_sequence_protocol(vc: VenezuelaCrisis) -> None:
    demands = vc.demands(by="Maduro")
    assert isinstance(demands, Results)
    assert len(demands) == 5
    assert demands[0].id == "delcy-interim-government"
    assert demands[-1].id == "safe-passage-maduro-only"
    assert [d.id for d in demands[1:3]] == ["maduro-amnesty-family", "maduro-sanctions-relief"]
    assert [d.id for d in demands] == demands.ids
    assert demands.model is Demand
    assert demands.version == "1.0.0"
    assert demands.to_dicts()[0] == demands[0].model_dump(mode="json")


def test_to_arrow_has_every_field(vc: VenezuelaCrisis) -> None:
    table = vc.demands(by="Maduro").to_arrow()
    assert table.num_rows == 5
    assert sorted(table.column_names) == sorted(Demand.model_fields)
    assert table.column_names[0] == "id"
    assert table.column("id").to_pylist() == vc.demands(by="Maduro").ids
    cites = table.column("citations").to_pylist()[2]
    assert [c["source"] for c in cites] == ["src-8825015e", "src-e5853327"]


def test_to_pandas_and_polars(vc: VenezuelaCrisis) -> None:
    df = vc.events(type="REJECT").to_pandas()
    assert df.shape[0] == 1 and df["id"].tolist() == ["trump-rejects-amnesty-2025-11-21"]
    pl = vc.events(type="REJECT").to_polars()
    assert pl.height == 1 and pl["id"].to_list() == ["trump-rejects-amnesty-2025-11-21"]


def test_missing_pandas_names_the_extra(
    vc: VenezuelaCrisis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(VenezuelaCrisisError) as exc:
        vc.demands().to_pandas()
    assert str(exc.value) == "to_pandas() needs pandas: pip install 'venezuela-crisis[pandas]'"
    with pytest.raises(VenezuelaCrisisError, match=r"venezuela-crisis\[polars\]"):
        vc.demands().to_polars()


def test_repr_and_html(vc: VenezuelaCrisis) -> None:
    demands = vc.demands(by="Trump")
    assert repr(demands) == (
        "Results[Demand]: 1 row from venezuela-crisis 1.0.0\n"
        "  id                  by                           category   status   sources  origins\n"
        "  ──────────────────  ───────────────────────────  ─────────  ───────  ───────  ───────\n"
        "  trump-maduro-leave  Donald Trump (donald-trump)  departure  expired        1        1\n"
        "      Leave Venezuela within a week."
    )
    html = vc.demands(by="Maduro")._repr_html_()
    assert html.startswith("<p><b>Results[Demand]: 5 rows from venezuela-crisis 1.0.0</b></p>")
    assert html.count("<tr>") == 6
    assert "<th>sources</th><th>origins</th>" in html
    assert "Nicolás Maduro <small><code>nicolas-maduro</code></small>" in html
    assert "Maduro&#x27;s family" in vc.actors(name="family")._repr_html_()
    assert repr(vc.demands(by="Trump", status="pending")) == (
        "Results[Demand]: 0 rows from venezuela-crisis 1.0.0"
    )


def test_long_results_preview_ten_rows_and_say_how_many_more(vc: VenezuelaCrisis) -> None:
    text = repr(vc.citations())
    assert text.splitlines()[0] == "Results[Citation]: 26 rows from venezuela-crisis 1.0.0"
    assert text.splitlines()[-1] == "  … 16 more rows (26 in all)"
    assert text.count("src-") == 10  # ten rows shown, each naming its source
    html = vc.citations()._repr_html_()
    assert html.count("<tr>") == 11 and html.endswith("<p>… 16 more rows (26 in all)</p>")
