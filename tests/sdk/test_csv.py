"""`Results.to_csv`: one flat table (lists joined, ISO dates, names beside actor ids, citations
summarised) that reads back with pandas and polars, cell for cell, with no nested JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest
from venezuela_crisis import Results, VenezuelaCrisis

ROOT = Path(__file__).resolve().parents[2]

QUERIES: dict[str, Callable[[VenezuelaCrisis], Results[Any]]] = {
    "sources": lambda vc: vc.sources(),
    "actors": lambda vc: vc.actors(),
    "events": lambda vc: vc.events(),
    "demands": lambda vc: vc.demands(),
    "sanctions": lambda vc: vc.sanctions(),
    "disputes": lambda vc: vc.disputes(),
    "citations": lambda vc: vc.citations(),
    "timeline": lambda vc: vc.timeline(),
    "disputed": lambda vc: vc.disputed(),
}


@pytest.fixture(scope="module", params=["fixture 1.0.0", "bundled 1.1.0"])
def client(request: pytest.FixtureRequest, vc: VenezuelaCrisis) -> Iterator[VenezuelaCrisis]:
    if request.param == "fixture 1.0.0":
        yield vc
        return
    if not (ROOT / "releases" / "1.1.0" / "manifest.json").is_file():
        pytest.skip("releases/1.1.0 is not committed")
    with VenezuelaCrisis("1.1.0") as real:
        yield real


@pytest.mark.parametrize("query", list(QUERIES))
def test_csv_round_trips_through_pandas_and_polars(
    client: VenezuelaCrisis, query: str, tmp_path: Path
) -> None:
    results = QUERIES[query](client)
    path = tmp_path / f"{query}.csv"
    assert results.to_csv(path) is None
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets read UTF-8

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(frame) == len(results)
    assert frame["id"].tolist() == results.ids
    polars = pl.read_csv(path, infer_schema=False)
    assert polars.height == len(results)
    assert polars["id"].to_list() == results.ids
    assert list(polars.columns) == list(frame.columns) == results.to_flat().columns

    cells = [str(v) for v in frame.to_numpy().ravel()]
    nested = [c for c in cells if "[" in c or "{" in c]
    assert nested == [], nested[:3]
    assert not any(c.startswith(("datetime.", "Decimal(")) for c in cells)


def test_flat_columns_of_a_record(vc: VenezuelaCrisis) -> None:
    flat = vc.demands(by="Maduro").to_flat()
    assert flat.columns[:7] == [
        "id",
        "by",
        "by_names",
        "addressed_to",
        "addressed_to_names",
        "beneficiaries",
        "beneficiaries_names",
    ]
    assert "citations" not in flat.columns and "review" not in flat.columns
    assert flat.columns[-4:] == ["review_status", "review_reviewer", "review_date", "review_note"]
    rows = {r[0]: dict(zip(flat.columns, r, strict=True)) for r in flat.rows}
    relief = rows["maduro-sanctions-relief"]
    assert relief["addressed_to_names"] == "United States"
    assert relief["citation_count"] == "2"
    assert relief["citation_origins"] == "Reuters"  # two relays, one independent origin
    assert relief["citation_sources"].count("; ") == 1
    assert relief["disputed"] == "false"
    assert relief["review_date"] == "2025-12-04"
    assert rows["safe-passage-family"]["disputes"] == "safe-passage-scope"


def test_dates_are_iso_and_quantities_plain(vc: VenezuelaCrisis) -> None:
    rows = list(csv.DictReader(io.StringIO(vc.events(type="CONSULT").to_csv() or "")))
    assert rows[0]["date"] == "2025-11-21" and rows[0]["date_precision"] == "day"
    assert rows[0]["actors_names"] == "Nicolás Maduro"
    timeline = list(csv.DictReader(io.StringIO(vc.timeline().to_csv() or "")))
    assert timeline[0]["date"] == "2025-11-21"
    assert {"actors", "actors_names", "origin_count"} <= timeline[0].keys()


def test_csv_to_a_stream_and_as_text(vc: VenezuelaCrisis) -> None:
    out = io.StringIO()
    assert vc.actors().to_csv(out) is None
    assert out.getvalue() == vc.actors().to_csv()
    assert not out.getvalue().startswith("\ufeff")  # a BOM only in files
    empty = vc.demands(by="Trump", status="pending").to_csv()
    assert empty is not None and empty.splitlines()[0].startswith("id,by,by_names,")
    assert len(empty.splitlines()) == 1
