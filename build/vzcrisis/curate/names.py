"""The project's actors as name patterns, for finding who a passage names.

Besides its name and aliases, a person is found by the description its role and country give
("the Venezuelan leader", "Venezuela's embattled leader", "the U.S. president" for an actor
with role "President of the United States" and country USA): the role's head words after a
demonym of `DEMONYMS`, with at most one adjective between. A description two persons share
names neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..records import quotes
from ..records.load import raw_records


@dataclass(frozen=True)
class ActorNames:
    """An actor id with a pattern per name; `exact` ones run on the text as is, others folded."""

    id: str
    patterns: tuple[tuple[re.Pattern[str], bool], ...]
    kind: str = ""
    """The actor's kind (person, group, state...); "" when unknown."""
    country: str = ""
    """The actor's country code (ISO 3166-1 alpha-3); "" when unknown."""


DEMONYMS: dict[str, tuple[str, ...]] = {
    "VEN": ("Venezuelan", "Venezuela's", "Venezuela\u2019s"),
    "USA": ("U.S.", "US", "American", "United States'", "America's"),
    "COL": ("Colombian", "Colombia's", "Colombia\u2019s"),
    "CUB": ("Cuban", "Cuba's"),
    "BRA": ("Brazilian", "Brazil's"),
}
"""Country code -> the words that name a person's country before their role."""
_COUNTRY_WORDS = re.compile(
    r"\b(?:of (?:the )?)?(?:Venezuela|United States|Colombia|Cuba|Brazil|Venezuelan|U\.S\.)\b"
)


def descriptions(record: dict[str, object]) -> list[str]:
    """Folded description patterns of a person: demonym + (adjective) + role head."""
    country = record.get("country")
    roles = record.get("roles") or []
    if (
        record.get("kind") != "person"
        or not isinstance(country, str)
        or not isinstance(roles, list)
    ):
        return []
    out: list[str] = []
    for role in roles:
        head = " ".join(_COUNTRY_WORDS.sub(" ", str(role)).split()).lower()
        if not head or head.startswith("former"):
            continue
        for demonym in DEMONYMS.get(country, ()):
            body = re.escape(quotes.strip_accents(demonym))
            out.append(rf"(?<!\w)(?:the )?{body} (?:[a-z]+ )?{re.escape(head)}(?!\w)")
    return out


def actor_names(root: Path) -> list[ActorNames]:
    """Every actor of the project with a pattern per name and alias (accent-insensitive)."""
    out: list[ActorNames] = []
    described: dict[str, list[str]] = {}
    for record in raw_records(root):
        if record.table != "actors":
            continue
        names = [record.data.get("name"), *(record.data.get("aliases") or [])]
        patterns = tuple(name_pattern(n) for n in names if isinstance(n, str) and n.strip())
        if record.id and patterns:
            kind, country = (str(record.data.get(k) or "") for k in ("kind", "country"))
            out.append(ActorNames(record.id, patterns, kind, country))
            for d in descriptions(record.data):
                described.setdefault(d, []).append(record.id)
    extra: dict[str, list[tuple[re.Pattern[str], bool]]] = {}
    for d, ids in described.items():
        if len(set(ids)) == 1:  # a description two persons share names neither
            extra.setdefault(ids[0], []).append((re.compile(d), False))
    return [
        ActorNames(a.id, a.patterns + tuple(extra.get(a.id, [])), a.kind, a.country) for a in out
    ]


def name_pattern(name: str) -> tuple[re.Pattern[str], bool]:
    """Whole-word pattern; all-caps short forms (US, ICC) match case-exactly, others folded."""
    exact = name.isupper() and len(name) <= 5
    body = name if exact else quotes.strip_accents(name)
    return re.compile(r"(?<!\w)" + re.escape(body) + r"(?!\w)"), exact


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` lowercased without accents, with the original index of each folded character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for c in quotes.strip_accents(ch):
            out.append(c)
            index.append(i)
    return "".join(out), index


def positions(text: str, actors: list[ActorNames]) -> list[tuple[int, int, str]]:
    """Every mention (start, end, actor id) in `text`; overlapping mentions keep the longest."""
    folded, index = _folded(text)
    found: list[tuple[int, int, str]] = []
    for actor in actors:
        for pattern, exact in actor.patterns:
            for m in pattern.finditer(text if exact else folded):
                if exact:
                    found.append((m.start(), m.end(), actor.id))
                elif m.end() > m.start():
                    found.append((index[m.start()], index[m.end() - 1] + 1, actor.id))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str]] = []
    for mention in found:
        if kept and mention[0] < kept[-1][1]:
            continue
        kept.append(mention)
    return kept
