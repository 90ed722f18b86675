"""Actor name matching: turn what a user types ("maduro", "Nicolás Maduro") into actor ids.

Matching is case- and accent-insensitive and ignores punctuation and extra spaces. A query is
compared with every actor in three tiers; the first tier with any match decides:

1. **id** -- the query is an actor id (``nicolas-maduro``).
2. **name** -- the query equals an actor's canonical name or one of its aliases
   (``"Nicolas Maduro"``, ``"Maduro"`` when the curators listed it as an alias).
3. **token** -- every word of the query is a word of one name or alias of the actor
   (``"Delcy"`` or ``"delcy rodriguez"`` for ``"Delcy Rodríguez Gómez"``). Stopwords ("de",
   "the", …) and possessive "'s" are ignored.

Within the deciding tier exactly one actor must match, else `AmbiguousActorError` lists the
candidates. So an exact alias wins over a word in another actor's name: when ``"Maduro"`` is an
alias of ``nicolas-maduro``, it does not clash with ``"Maduro's family"``; when it is no one's
alias, both actors contain the word and the query is ambiguous. Nothing matches ->
`UnknownActorError` with the closest names (difflib).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .errors import AmbiguousActorError, UnknownActorError, shown

MatchKind = Literal["id", "name", "alias", "token"]

_STOPWORDS = frozenset({"of", "the", "and", "de", "del", "la", "las", "los", "el", "y", "s"})


class _Marks(dict[int, int | None]):
    """``str.translate`` table deleting combining marks (filled as characters are met)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS = _Marks()
_DROPPED = re.compile(r"['.]")
_WORD = re.compile(r"\w+")
_POSSESSIVE = re.compile(r"'s\b")


def _fold(text: str) -> str:
    """Casefold, strip accents, unify apostrophes."""
    if text.isascii():  # casefold is lower, NFKD changes nothing, no mark, no U+2019
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return decomposed.translate(_MARKS).replace("\u2019", "'")


def _words(folded: str) -> list[str]:
    return _WORD.findall(_DROPPED.sub("", folded))


def normalize(text: str) -> str:
    """Lowercase, strip accents, drop apostrophes and periods (U.S. == US), punctuation to spaces,
    collapse whitespace."""
    return " ".join(_words(_fold(text)))


def _usable(words: list[str]) -> set[str]:
    return {w for w in words if len(w) >= 2 and w not in _STOPWORDS}


def tokens(text: str) -> set[str]:
    """Words of a name usable for word matching (no stopwords, at least 2 letters)."""
    # possessive: "Maduro's family" -> maduro, family
    return _usable(_words(_POSSESSIVE.sub("", _fold(text))))


@dataclass(frozen=True)
class ActorName:
    """One actor as the matcher sees it."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorMatch:
    """How a query resolved to one actor (what `VenezuelaCrisis.resolve` returns)."""

    query: str
    id: str
    name: str
    matched: str
    """The id, name or alias text that matched."""
    how: MatchKind
    """Tier that decided: id, name (canonical name), alias, or token (a word of a name)."""

    def __str__(self) -> str:
        what = {
            "id": "is the id of",
            "name": "is the canonical name of",
            "alias": f"equals the alias {self.matched!r} of",
            "token": f"matches words of {self.matched!r}, a name of",
        }[self.how]
        return f"{self.query!r} {what} {self.name} ({self.id})"


MAX_NAME = 300
"""Longer actor filters match nothing, without fuzzy matching (which grows with the length)."""


class ActorIndex:
    """Resolves free text to actor ids. Build it once per release from the actors table."""

    def __init__(self, actors: Iterable[ActorName]) -> None:
        self.actors: dict[str, ActorName] = {a.id: a for a in actors}
        self.names: dict[str, str] = {a.id: a.name for a in self.actors.values()}
        """Actor id -> canonical name."""
        self._by_name: dict[str, list[tuple[str, str, MatchKind]]] = {}
        """normalized name or alias -> (actor id, label, name or alias)."""
        self._tokens: dict[str, list[tuple[str, str]]] | None = None
        for actor in self.actors.values():
            self._add(actor.id, actor.name, "name")
            for alias in actor.aliases:
                self._add(actor.id, alias, "alias")

    def _add(self, actor_id: str, text: str, kind: MatchKind) -> None:
        key = normalize(text)
        if key:
            self._by_name.setdefault(key, []).append((actor_id, text, kind))

    @property
    def _by_token(self) -> dict[str, list[tuple[str, str]]]:
        """word -> (actor id, label) for every name/alias containing the word; built when a
        query first gets past the id and name tiers (most lookups never need it)."""
        if self._tokens is None:
            index: dict[str, list[tuple[str, str]]] = {}
            for actor in self.actors.values():
                for text in (actor.name, *actor.aliases):
                    for word in tokens(text):
                        index.setdefault(word, []).append((actor.id, text))
            self._tokens = index
        return self._tokens

    def resolve(self, query: str) -> ActorMatch:
        """The single actor `query` names; raise Unknown/AmbiguousActorError otherwise."""
        if not isinstance(query, str) or not query.strip():
            raise UnknownActorError(f"actor must be a non-empty string, got {shown(query)}")
        if len(query) > MAX_NAME:
            raise UnknownActorError(
                f"no actor matches {shown(query)}: names are at most {MAX_NAME} characters"
            )
        if query in self.actors:
            actor = self.actors[query]
            return ActorMatch(query, actor.id, actor.name, query, "id")
        key = normalize(query)
        named = _first_per_actor(self._by_name.get(key, []))
        if len(named) == 1:
            actor_id, text, kind = named[0]
            return ActorMatch(query, actor_id, self.actors[actor_id].name, text, kind)
        if len(named) > 1:
            raise self._ambiguous(query, [a for a, _, _ in named], "name or alias")
        words = tokens(query)
        if words:
            found = _first_per_actor(self._word_hits(words))
            if len(found) == 1:
                actor_id, text, _ = found[0]
                return ActorMatch(query, actor_id, self.actors[actor_id].name, text, "token")
            if len(found) > 1:
                raise self._ambiguous(query, [a for a, _, _ in found], "word of a name")
        raise self._unknown(query)

    def _word_hits(self, words: set[str]) -> list[tuple[str, str, MatchKind]]:
        """(actor id, label) for labels containing every one of `words`."""
        first, *rest = sorted(words)
        hits: list[tuple[str, str, MatchKind]] = []
        for actor_id, text in self._by_token.get(first, []):
            if all(w in tokens(text) for w in rest):
                hits.append((actor_id, text, "token"))
        return hits

    def resolve_many(self, queries: str | Iterable[str]) -> list[str]:
        """Actor ids for one query or several (any of them); order kept, duplicates dropped."""
        items = [queries] if isinstance(queries, str) else list(queries)
        if not items:
            raise UnknownActorError("actor filter is empty: give a name, alias or id")
        return list(dict.fromkeys(self.resolve(q).id for q in items))

    def search(self, text: str) -> list[str]:
        """Ids of actors whose id, name or any alias contains `text` (normalized); sorted."""
        needle = normalize(text)
        if not needle:
            return sorted(self.actors)
        hits = []
        for actor in self.actors.values():
            labels = [actor.id.replace("-", " "), actor.name, *actor.aliases]
            if any(needle in normalize(label) for label in labels):
                hits.append(actor.id)
        return sorted(hits)

    def _ambiguous(self, query: str, ids: list[str], tier: str) -> AmbiguousActorError:
        listed = "; ".join(f"{self.actors[i].name} ({i})" for i in sorted(ids))
        return AmbiguousActorError(
            f"actor {shown(query)} is ambiguous: it matches a {tier} of {len(ids)} actors: "
            f"{listed}. Use one of the ids or a fuller name."
        )

    def _unknown(self, query: str) -> UnknownActorError:
        labels: dict[str, str] = {}
        for actor in self.actors.values():
            for text in (actor.id, actor.name, *actor.aliases):
                labels.setdefault(normalize(text), actor.id)
        close = difflib.get_close_matches(normalize(query), list(labels), n=8, cutoff=0.5)
        ids = list(dict.fromkeys(labels[c] for c in close))[:5]
        hint = (
            "closest: " + "; ".join(f"{self.actors[i].name} ({i})" for i in ids)
            if ids
            else "see vc.actors() for every actor"
        )
        return UnknownActorError(f"no actor matches {shown(query)}; {hint}")


def _first_per_actor(
    hits: list[tuple[str, str, MatchKind]],
) -> list[tuple[str, str, MatchKind]]:
    """One hit per actor, preferring a canonical-name hit over an alias hit."""
    best: dict[str, tuple[str, str, MatchKind]] = {}
    for hit in hits:
        if hit[0] not in best or (hit[2] == "name" and best[hit[0]][2] != "name"):
            best[hit[0]] = hit
    return list(best.values())
