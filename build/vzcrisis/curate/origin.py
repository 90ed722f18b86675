"""Suggest a new article's upstream origin from text reuse (`vzcrisis draft`).

Wire stories are relayed with their wording: an article that shares many word 5-grams
(shingles) with a source of the project probably relays the same upstream report. The
suggestion is the origin of the source with the highest share of the new article's shingles
found in it, when that share is at least `THRESHOLD`. `draft` stores it pending; the curator
confirms it in `vzcrisis review` (review_origin.py), which sets the source record's `origin`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import quotes

SIZE = 5
THRESHOLD = 0.05
"""On the seeds, two relays of one Reuters report share 8-9% of their 5-grams; articles
that are not relays of each other share under 3%."""


@dataclass(frozen=True)
class Suggestion:
    """The likely origin, the source it shares wording with and the share of shingles."""

    origin: str
    source: str
    overlap: float


def shingles(text: str, size: int = SIZE) -> set[tuple[str, ...]]:
    """The article's word n-grams (lowercased, accents and punctuation dropped)."""
    words = re.findall(r"\w+", quotes.strip_accents(quotes.fold(text)[0]))
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def suggest(text: str, others: list[tuple[str, str, str]]) -> Suggestion | None:
    """The likely origin of `text` among `others` (source id, origin, text), or None."""
    mine = shingles(text)
    if not mine:
        return None
    best: Suggestion | None = None
    for sid, origin, other in others:
        overlap = len(mine & shingles(other)) / len(mine)
        if overlap >= THRESHOLD and (best is None or overlap > best.overlap):
            best = Suggestion(origin, sid, round(overlap, 2))
    return best


def shared_passage(text: str, other: str, size: int = SIZE) -> tuple[int, int] | None:
    """Offsets in `text` of its longest run of words whose shingles are all in `other`.

    The evidence shown for a suggestion: the reused wording itself (words compared as
    `shingles` compares them; None when the texts share no shingle).
    """
    spans = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    words = [quotes.strip_accents(text[s:e]) for s, e in spans]
    theirs = shingles(other, size)
    best: tuple[int, int] | None = None  # first and last shared shingle of the longest run
    run_start: int | None = None
    for i in range(len(words) - size + 1):
        if tuple(words[i : i + size]) not in theirs:
            run_start = None
            continue
        run_start = i if run_start is None else run_start
        if best is None or i - run_start > best[1] - best[0]:
            best = (run_start, i)
    if best is None:
        return None
    return spans[best[0]][0], spans[best[1] + size - 1][1]
