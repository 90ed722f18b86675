"""find_quote: exact first, typographic variants mapped back to the source's own offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from venezuela_crisis.format.evidence import sentence_bounds
from vzcrisis.records.quotes import (
    AmbiguousQuote,
    Match,
    QuoteNotFound,
    find_quote,
    fold,
    nearest,
    sentences,
)

TEXT = (
    "Maduro\u2019s aides said the \u201cdeadline\u201d \u2013 set on Friday \u2013 had passed.\n"
    "Officials met\u00a0in   Caracas. Mr. Smith left. "
    "He said \u201cno.\u201d Later he said \u201cno.\u201d\n"
)


def test_exact_match_returns_offsets() -> None:
    m = find_quote(TEXT, "set on Friday")
    assert m == Match(
        TEXT.index("set on Friday"), TEXT.index("set on Friday") + 13, "set on Friday"
    )


def test_straight_quotes_and_dashes_match_curly_and_en_dash() -> None:
    m = find_quote(TEXT, 'Maduro\'s aides said the "deadline" - set on Friday')
    assert m.exact_text == "Maduro\u2019s aides said the \u201cdeadline\u201d \u2013 set on Friday"
    assert TEXT[m.start : m.end] == m.exact_text
    assert m.start == 0


def test_whitespace_runs_and_nbsp_match_one_space() -> None:
    m = find_quote(TEXT, "Officials met in Caracas")
    assert m.exact_text == "Officials met\u00a0in   Caracas"
    assert TEXT[m.start : m.end] == m.exact_text


def test_surrounding_whitespace_of_a_pasted_quote_is_ignored() -> None:
    m = find_quote(TEXT, "  Officials met in Caracas \n")
    assert m.exact_text == "Officials met\u00a0in   Caracas"


def test_several_occurrences_raise_ambiguous_with_each_in_context() -> None:
    with pytest.raises(AmbiguousQuote) as info:
        find_quote(TEXT, 'said "no."', "src-x")
    (line,) = info.value.problems
    first = TEXT.index("said \u201cno.\u201d")
    second = TEXT.index("said \u201cno.\u201d", first + 1)
    assert line.startswith("src-x: quote 'said \"no.\"' occurs 2 times (at "), line
    assert f"at {first}: " in line and f"at {second}: " in line, line
    assert "[said \u201cno.\u201d]" in line and line.endswith("quote more words to make it unique")


def test_not_found_shows_nearest_sentences() -> None:
    with pytest.raises(QuoteNotFound) as info:
        find_quote(TEXT, "Officials met in Bogota", "src-x")
    (line,) = info.value.problems
    assert line.startswith('src-x: quote not found: "Officials met in Bogota"; nearest sentences: ')
    start = TEXT.index("Officials")
    assert f'{start}-{start + len("Officials met in   Caracas.")}: "Officials met' in line, line
    assert "\n" not in line


def test_empty_quote_is_refused() -> None:
    with pytest.raises(QuoteNotFound):
        find_quote(TEXT, "   ")


def test_fold_maps_back_to_original_spans() -> None:
    folded, starts, ends = fold("a\u2014b  \u2026")
    assert folded == "a-b ..."
    assert starts == [0, 1, 2, 3, 5, 5, 5]
    assert ends == [1, 2, 3, 5, 6, 6, 6]


def test_sentences_skip_abbreviations_and_keep_offsets() -> None:
    spans = sentences(TEXT)
    assert [s.text for s in spans] == [
        "Maduro\u2019s aides said the \u201cdeadline\u201d \u2013 set on Friday \u2013 had passed.",
        "Officials met\u00a0in   Caracas.",
        "Mr. Smith left.",
        "He said \u201cno.\u201d",
        "Later he said \u201cno.\u201d",
    ]
    assert all(TEXT[s.start : s.end] == s.text for s in spans)


def test_sentences_are_the_releases_sentences(root: Path) -> None:
    """A curation sentence is the context the release gives a quote inside it (one rule). (A
    quote ending with its sentence's period gets the next sentence too: the released rule.)"""
    for path in sorted((root / "seeds/articles").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = sentences(text)
        assert len(spans) > 10, path.name
        for span in spans:
            inside = (span.start, span.start + 1)
            assert sentence_bounds(text, *inside) == (span.start, span.end), span.text


def test_nearest_prefers_shared_words() -> None:
    best = nearest(TEXT, "Smith left Caracas", limit=1)
    assert [s.text for s in best] == ["Mr. Smith left."]


def test_seed_article_curly_quote_found_with_straight_quotes(root: Path) -> None:
    text = (root / "seeds/articles/004_0c7a2d3223c11349.txt").read_text(encoding="utf-8")
    m = find_quote(text, '"closed in its entirety,"')
    assert (m.start, m.end, m.exact_text) == (1537, 1562, "\u201cclosed in its entirety,\u201d")
