"""What rows look like: names beside ids, evidence counts, totals, dates at their precision,
readable single rows with their quotes, and the story first in pandas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from venezuela_crisis import VenezuelaCrisis
from venezuela_crisis.display import format_date, text_table, wrap

ROOT = Path(__file__).resolve().parents[2]
REAL = pytest.mark.skipif(
    not (ROOT / "releases" / "1.1.0" / "manifest.json").is_file(),
    reason="releases/1.1.0 is not committed",
)


@pytest.fixture(scope="module")
def real() -> Iterator[VenezuelaCrisis]:
    with VenezuelaCrisis("1.1.0") as client:
        yield client


@pytest.mark.parametrize(
    ("precision", "shown"),
    [
        ("day", "21 Nov 2025"),
        ("week", "week of 24 Nov 2025"),
        ("month", "Nov 2025"),
        ("year", "2025"),
        ("approximate", "approx. 21 Nov 2025"),
        (None, "21 Nov 2025"),
    ],
)
def test_dates_read_at_their_precision(precision: str | None, shown: str) -> None:
    day = dt.date(2025, 11, 24) if precision == "week" else dt.date(2025, 11, 21)
    assert format_date(day, precision) == shown
    assert format_date(day.isoformat(), precision) == shown
    assert format_date(None, precision) == ""


def test_wrap_breaks_at_word_boundaries_and_cuts_with_an_ellipsis() -> None:
    assert wrap("maduro-amnesty-allies", 15) == ["maduro-amnesty-", "allies"]
    assert wrap("Nicolás Maduro (nicolas-maduro)", 24) == ["Nicolás Maduro", "(nicolas-maduro)"]
    assert wrap("one two three four five six", 9, max_lines=2) == ["one two", "three…"]
    assert wrap("political_transition", 12) == ["political_", "transition"]
    for line in wrap("x" * 30 + " short words follow here", 10, max_lines=4):
        assert len(line) <= 10


def test_text_table_fits_its_width_and_keeps_ids_whole() -> None:
    rows = [["maduro-rodriguez-interim-government", "Nicolás Maduro", "partly_rejected", "4"]]
    lines = text_table(["id", "by", "status", "n"], rows, 40, keep=[0], right=[3])
    assert all(len(line) <= 40 for line in lines), lines
    assert "".join(line.split("  ")[0] for line in lines[2:]).replace(" ", "") == rows[0][0]
    assert text_table(["id"], [["a b"]], None) == ["id", "───", "a b"]


def test_results_show_names_ids_counts_and_totals(vc: VenezuelaCrisis) -> None:
    text = repr(vc.demands(by="Maduro"))
    assert "Nicolás Maduro" in text and "(nicolas-maduro)" in text
    assert text.splitlines()[1].split() == ["id", "by", "category", "status", "sources", "origins"]
    assert "Lift US sanctions." in text  # the long text, under its row
    timeline = repr(vc.timeline())
    assert "origins" in timeline.splitlines()[1]
    assert timeline.splitlines()[-1] == "  … 3 more rows (13 in all)"


def test_a_row_reads_with_its_facts_and_quotes(vc: VenezuelaCrisis) -> None:
    row = vc.record("maduro-sanctions-relief")
    text = repr(row)
    assert str(row) == text
    assert text.splitlines()[0] == "Demand maduro-sanctions-relief · 2 sources, 1 origin"
    assert "  status        pending" in text
    assert "  by            nicolas-maduro" in text
    assert "“Maduro asked for the lifting of US sanctions”" in text
    assert "— Reuters, via Daily Two (src-" in text
    assert "sha256" not in text and "content_hash" not in text
    assert len(text) < 1000
    html = row._repr_html_()
    assert "<q>Maduro asked for the lifting of US sanctions</q>" in html
    assert "— Reuters, via Daily Two" in html and "sha256" not in html


def test_other_rows_read_too(vc: VenezuelaCrisis) -> None:
    entry = vc.timeline()[0]
    assert repr(entry).startswith("TimelineEntry trump-maduro-call-2025-11-21 · 1 source, 1 origin")
    assert "date    21 Nov 2025" in repr(entry)
    citation = vc.citations("maduro-sanctions-relief")[0]
    assert "quote" in repr(citation) and "origin" in repr(citation)
    point = vc.disputed()[0]
    text = repr(point)
    assert text.startswith("DisputedPoint safe-passage-scope")
    assert "version 1: Demand safe-passage-family" in text
    assert "“Maduro's family would also receive safe passage”" in text
    assert point._repr_html_().count("<q>") == 2


def test_to_pandas_puts_the_story_first_and_review_last(vc: VenezuelaCrisis) -> None:
    cols = list(vc.demands().to_pandas().columns)
    assert cols[:10] == [
        "id",
        "by",
        "addressed_to",
        "beneficiaries",
        "category",
        "text",
        "status",
        "source_count",
        "origin_count",
        "disputed",
    ]
    assert cols[-3:] == ["citations", "disputes", "review"]
    events = list(vc.events().to_polars().columns)
    story = ["id", "actors", "recipients", "type", "summary", "date", "date_precision"]
    assert events[:7] == story
    assert events.index("origin_count") < events.index("location") < events.index("review")


@REAL
def test_real_dates_and_counts(real: VenezuelaCrisis) -> None:
    text = repr(real.timeline())
    assert "\n  2013 " in text and "approx. 1 Sep 2025" in text
    assert "2013-01-01" not in text
    row = real.record("maduro-amnesty-family")
    assert "3 sources, 1 origin" in repr(row)
    assert "upstream: three of the sources" in repr(row)
