"""The structure of a sentence for `vzcrisis draft`: headlines, clauses, list items.

- A headline (no final stop; most words of four letters or more capitalised) proposes nothing:
  facts are quoted from the body.
- Clauses end at , ; : a spaced dash and the final stop (not at the commas of "March 3, 2025"
  or "1,000"); a leading "and" / "or" / "but" is not quoted.
- A clause with two cues of one rule joined by "and" is two passages (`segments`); one whose
  parts joined by "and", "along with" or "as well as" each name a demand category is one item
  per part (`items`: "safe passage along with amnesty").
"""

from __future__ import annotations

import re

from . import cues as cues_lib

_CLAUSE_BREAK = re.compile(r",(?!\d)(?!(?<=\d,) \d{4}\b)|[;:]| [-–—] |\.\s*$")
"""Clause ends: , ; : a spaced dash, the final stop (not the commas of "March 3, 2025" and
"1,000")."""
_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")


def headline(sentence: str) -> bool:
    """A headline (no final stop; most words of four letters or more capitalised): facts are
    quoted from the body."""
    if sentence.rstrip().endswith((".", "!", "?", '"', "\u201d")):
        return False
    words = [w for w in _WORD.findall(sentence) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def clauses(sentence: str) -> list[tuple[int, int]]:
    """The clauses of a sentence (split at , ; : dashes and the final stop), trimmed."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in [*_CLAUSE_BREAK.finditer(sentence), None]:
        end = m.start() if m else len(sentence)
        s, e = start, end
        while s < e and sentence[s].isspace():
            s += 1
        if m_and := re.match(r"(?:and|or|but) ", sentence[s:e]):
            s += m_and.end()
        while e > s and sentence[e - 1] in " .":
            e -= 1
        if e > s:
            out.append((s, e))
        start = m.end() if m else len(sentence)
    return out


_JOINED = re.compile(r" (?:and|along with|as well as) ")


def items(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) split at "and" / "along with" / "as well as" into parts that each name a
    demand category ("safe passage along with amnesty for himself and his family": a part
    naming none, "his family", stays with the one before); else the whole."""
    bounds = [start]
    for m in _JOINED.finditer(sentence, start, end):
        bounds += [m.start(), m.end()]
    bounds.append(end)
    parts: list[tuple[int, int]] = []
    for a, b in zip(bounds[::2], bounds[1::2], strict=True):
        if parts and cues_lib.category(sentence[a:b]) == "other":
            parts[-1] = (parts[-1][0], b)
        else:
            parts.append((a, b))
    if len(parts) > 1 and all(cues_lib.category(sentence[a:b]) != "other" for a, b in parts):
        return parts
    return [(start, end)]


def segments(
    sentence: str, start: int, end: int, cue: re.Match[str], pattern: re.Pattern[str]
) -> list[tuple[int, int, re.Match[str]]]:
    """The clause [start, end) split before each " and " + another cue of the same rule.

    "X demanded amnesty ... and asked for talks" gives two passages (two demands); the first
    keeps the clause's start, so it quotes the subject.
    """
    out: list[tuple[int, int, re.Match[str]]] = []
    seg_start, seg_cue = start, cue
    for m in pattern.finditer(sentence, cue.end(), end):
        head = sentence[: m.start()]
        if head.endswith(" and "):
            out.append((seg_start, len(head) - len(" and "), seg_cue))
            seg_start, seg_cue = m.start(), m
    out.append((seg_start, end, seg_cue))
    return out
