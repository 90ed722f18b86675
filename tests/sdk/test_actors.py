"""Actor matching: tiers id > name/alias > words, accents and case ignored, clear errors."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from venezuela_crisis import AmbiguousActorError, UnknownActorError, actors
from venezuela_crisis.actors import ActorIndex, ActorName, normalize, tokens

INDEX = ActorIndex(
    [
        ActorName("nicolas-maduro", "Nicolás Maduro", ("Nicolas Maduro", "Maduro")),
        ActorName("maduro-family", "Maduro's family"),
        ActorName("delcy-rodriguez", "Delcy Rodríguez", ("Delcy Rodriguez",)),
        ActorName("jorge-rodriguez", "Jorge Rodríguez"),
        ActorName("united-states", "United States", ("US", "U.S.")),
        ActorName("donald-trump", "Donald Trump", ("Trump",)),
    ]
)


def test_normalize_and_tokens() -> None:
    assert normalize("  Nicolás   MADURO ") == "nicolas maduro"
    assert normalize("U.S.") == normalize("US") == "us"
    assert normalize("Maduro’s regime") == normalize("Maduro's regime") == "maduros regime"
    assert tokens("Maduro's family") == {"maduro", "family"}
    assert tokens("Gobierno de Venezuela") == {"gobierno", "venezuela"}


@pytest.mark.parametrize(
    ("query", "how", "matched"),
    [
        ("nicolas-maduro", "id", "nicolas-maduro"),
        ("Nicolás Maduro", "name", "Nicolás Maduro"),
        ("nicolas maduro", "name", "Nicolás Maduro"),
        ("NICOLAS MADURO", "name", "Nicolás Maduro"),
        ("Maduro", "alias", "Maduro"),
        ("maduro", "alias", "Maduro"),
        ("madurо", None, None),  # Cyrillic o: not the same name
    ],
)
def test_maduro_forms(query: str, how: str | None, matched: str | None) -> None:
    if how is None:
        with pytest.raises(UnknownActorError):
            INDEX.resolve(query)
        return
    match = INDEX.resolve(query)
    assert (match.id, match.how, match.matched) == ("nicolas-maduro", how, matched), match


def test_exact_alias_wins_over_word_of_another_name() -> None:
    # "maduro" is also a word of "Maduro's family", but it is an exact alias of nicolas-maduro.
    assert INDEX.resolve("Maduro").id == "nicolas-maduro"
    assert INDEX.resolve("Maduro's family").id == "maduro-family"
    assert INDEX.resolve("family").id == "maduro-family"


def test_word_match_when_unique() -> None:
    match = INDEX.resolve("delcy")
    assert (match.id, match.how) == ("delcy-rodriguez", "token")
    assert str(match) == (
        "'delcy' matches words of 'Delcy Rodríguez', a name of Delcy Rodríguez (delcy-rodriguez)"
    )
    assert INDEX.resolve("donald").id == "donald-trump"
    assert INDEX.resolve("us").id == "united-states"  # alias "US"
    assert INDEX.resolve("u.s.").id == "united-states"
    assert INDEX.resolve("States United").id == "united-states"  # every word, any order


def test_ambiguous_lists_candidates() -> None:
    with pytest.raises(AmbiguousActorError) as exc:
        INDEX.resolve("Rodríguez")
    assert str(exc.value) == (
        "actor 'Rodríguez' is ambiguous: it matches a word of a name of 2 actors: "
        "Delcy Rodríguez (delcy-rodriguez); Jorge Rodríguez (jorge-rodriguez). "
        "Use one of the ids or a fuller name."
    )


def test_ambiguous_exact_alias() -> None:
    index = ActorIndex(
        [ActorName("a-one", "Alpha", ("Twin",)), ActorName("b-two", "Beta", ("Twin",))]
    )
    with pytest.raises(AmbiguousActorError, match=r"name or alias of 2 actors: Alpha \(a-one\)"):
        index.resolve("twin")


def test_unknown_suggests_closest() -> None:
    with pytest.raises(UnknownActorError) as exc:
        INDEX.resolve("Madurro")
    assert str(exc.value).startswith("no actor matches 'Madurro'; closest: Nicolás Maduro")
    with pytest.raises(UnknownActorError, match=r"see vc\.actors"):
        INDEX.resolve("zzzzzz")
    with pytest.raises(UnknownActorError, match="non-empty string"):
        INDEX.resolve("   ")


def test_resolve_many_and_search() -> None:
    assert INDEX.resolve_many(["Trump", "maduro", "donald-trump"]) == [
        "donald-trump",
        "nicolas-maduro",
    ]
    assert INDEX.search("rodrig") == ["delcy-rodriguez", "jorge-rodriguez"]
    assert INDEX.search("MADURO") == ["maduro-family", "nicolas-maduro"]
    assert INDEX.search("nothing") == []


def _reference_fold(text: str) -> str:
    """The matcher's definition, written plainly (the SDK's `_fold` is a faster spelling)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("\u2019", "'")


def _reference_keys(text: str) -> tuple[str, set[str]]:
    folded = _reference_fold(text)
    key = " ".join(re.findall(r"\w+", re.sub(r"['.]", "", folded)))
    bare = re.sub(r"'s\b", "", folded)
    words = re.findall(r"\w+", re.sub(r"['.]", "", bare))
    return key, {w for w in words if len(w) >= 2 and w not in actors._STOPWORDS}


def test_fast_folding_equals_the_definition_for_every_code_point() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert actors._fold(char) == _reference_fold(char), hex(code)
    names = [
        "Nicolás Maduro",
        "MADURO'S FAMILY",
        "Maduro\u2019s family",
        "U.S. Southern Command",
        "Straße de la Paz",
        "ﬁnance ministry",
        "Ａｌｂａ",
        "Đorđe Ñuñez-Çelik",
        "Ελλάδα Ω",
        "  the  s  ",
        "",
        "d'Hondt's",
    ]
    for name in names:
        assert (normalize(name), tokens(name)) == _reference_keys(name)
