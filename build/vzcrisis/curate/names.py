"""The project's actors as name patterns, for finding who a passage names."""

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


def actor_names(root: Path) -> list[ActorNames]:
    """Every actor of the project with a pattern per name and alias (accent-insensitive)."""
    out: list[ActorNames] = []
    for record in raw_records(root):
        if record.table != "actors":
            continue
        names = [record.data.get("name"), *(record.data.get("aliases") or [])]
        patterns = tuple(name_pattern(n) for n in names if isinstance(n, str) and n.strip())
        if record.id and patterns:
            out.append(ActorNames(record.id, patterns))
    return out


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
