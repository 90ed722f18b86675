"""Extraction rules of `vzcrisis draft` on a new-article fixture (not a seed article)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from vzcrisis.curate import extract

ARTICLE = (Path(__file__).parents[2] / "fixtures" / "drafts" / "article.txt").read_text("utf-8")
PUBLISHED = dt.date(2025, 12, 3)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "date", "precision", "phrase"),
    [
        ("On Monday, Gil said", dt.date(2025, 12, 1), "day", "On Monday"),
        ("said on November 21 that", dt.date(2025, 11, 21), "day", "on November 21"),
        ("to $15 million last year", dt.date(2024, 1, 1), "year", "last year"),
        ("yesterday", dt.date(2025, 12, 2), "day", "yesterday"),
        ("last month", dt.date(2025, 11, 1), "month", "last month"),
    ],
)
def test_dates_resolve_from_the_articles_anchors(
    text: str, date: dt.date, precision: str, phrase: str
) -> None:
    resolved = extract.find_date(text, PUBLISHED)
    assert resolved is not None
    assert (resolved.date, resolved.precision, resolved.text) == (date, precision, phrase)


def test_date_reasoning_names_the_anchor() -> None:
    assert extract.find_date("On Monday", PUBLISHED) == extract.Resolved(
        dt.date(2025, 12, 1),
        "day",
        "On Monday",
        "'On Monday' in an article published on Wednesday 2025-12-03: 2025-12-01",
    )
    assert extract.find_date("last year", PUBLISHED).reasoning == (  # type: ignore[union-attr]
        "'last year' in an article published on Wednesday 2025-12-03: the year 2024, dated "
        "2024-01-01 (first day, precision year)"
    )


def test_no_date_without_a_phrase_or_anchor() -> None:
    assert extract.find_date("since September", PUBLISHED) is None
    unanchored = extract.find_date("On Monday", None)  # no date, only the phrase and why
    assert unanchored is not None
    assert (unanchored.date, unanchored.precision) == (None, None)


def test_quantities_keep_their_qualifiers() -> None:
    assert extract.quantities(ARTICLE) == [
        {"value": 15_000_000, "unit": "USD", "qualifier": "exactly", "text": "$15 million"},
        {"value": 75, "unit": "people", "qualifier": "more_than", "text": "More than 75 people"},
        {
            "value": 20,
            "unit": "officers",
            "qualifier": "approximately",
            "text": "around 20 officers",
        },
        {"value": 48, "unit": "hours", "qualifier": "exactly", "text": "48 hours"},
    ]
    assert extract.quantities("During a November 21 call, on Dec 3 talks") == []  # days
    assert extract.quantities("12 officers and $50 million, at least 3 boats") == [
        {"value": 12, "unit": "officers", "qualifier": "exactly", "text": "12 officers"},
        {"value": 50_000_000, "unit": "USD", "qualifier": "exactly", "text": "$50 million"},
        {"value": 3, "unit": "boats", "qualifier": "at_least", "text": "at least 3 boats"},
    ]


def test_new_actors_from_title_and_name() -> None:
    known = {"diosdado cabello", "cabello", "nicolas maduro", "maduro"}
    found = extract.new_actors(ARTICLE, known)
    assert found == [
        {
            "id": "yvan-gil",
            "name": "Yván Gil",
            "role": "Foreign Minister",
            "start": ARTICLE.index("Foreign Minister"),
            "end": ARTICLE.index("Foreign Minister") + len("Foreign Minister Yván Gil"),
            "phrase": "Foreign Minister Yván Gil",
        }
    ]


@pytest.mark.parametrize(
    ("sentence", "quote", "expected"),
    [
        (
            "Maduro asked Donald Trump for a second call, according to two sources familiar "
            "with the matter.",
            "Maduro asked Donald Trump for a second call",
            {
                "attribution": "upstream",
                "attributed_to": "according to two sources familiar with the matter",
            },
        ),
        (
            "On Monday, Foreign Minister Yván Gil rejected Trump's demand that Maduro leave the "
            "country, he told reporters in Caracas.",
            "Foreign Minister Yván Gil rejected Trump's demand that Maduro leave the country",
            {"attribution": "on_record", "attributed_to": "he told reporters in Caracas"},
        ),
        (
            "The United States raised its reward to $15 million last year, the State Department "
            "said in a statement.",
            "The United States raised its reward to $15 million last year",
            {
                "attribution": "on_record",
                "attributed_to": "the State Department said in a statement",
            },
        ),
        (
            "More than 75 people have been killed in strikes on boats since September.",
            "More than 75 people have been killed in strikes on boats since September",
            {"attribution": "own"},
        ),
    ],
)
def test_attribution_per_passage(sentence: str, quote: str, expected: dict[str, str]) -> None:
    start = sentence.index(quote)
    assert extract.attribution(sentence, start, start + len(quote)) == expected
