"""Sentence bounds of every citation at once: ``format.evidence.sentence_bounds``, vectorised.

``sentence_bounds(text, start, end)`` scans the whole article for sentence ends on each call.
A release cites each article many times, so the ends are found once per article
(``sentence_ends``: the same regular expressions and abbreviation rule, the SDK's) and every
citation's bounds come from two ASOF joins in DuckDB (``bounds_sql``):

* ``s``: the last end ``stop <= char_start`` (0 when none), moved past leading whitespace but
  not beyond ``char_start``: ``least(s_skip, char_start)``, where ``s_skip`` is the first
  non-space position from ``stop``, computed once per end;
* ``e``: the first end whose match starts at or after ``char_end`` (its ``stop``, or its start
  for a line break; the text's length when none), moved back over trailing whitespace but not
  below ``char_end``: ``greatest(e_back, char_end)``.

``tests/build/release/test_sentences.py`` checks the result equals ``sentence_bounds`` for every
(start, end) pair of quotes on the seed articles and on random offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyarrow as pa
from venezuela_crisis.format.evidence import _ABBREVIATION, _END

STARTS_SCHEMA = pa.schema([("source_id", pa.string()), ("stop", pa.int64()), ("s", pa.int64())])
ENDS_SCHEMA = pa.schema([("source_id", pa.string()), ("at", pa.int64()), ("e", pa.int64())])


def sentence_ends(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, line break)`` of every sentence end of `text`, in order (the matches
    ``sentence_bounds`` stops at: not the period of an abbreviation)."""
    out: list[tuple[int, int, bool]] = []
    for match in _END.finditer(text):
        group = match.group()
        if (
            group != "\n"
            and group[0] == "."
            and _ABBREVIATION.search(text[max(0, match.start() - 12) : match.start() + 1])
        ):
            continue
        out.append((match.start(), match.end(), group == "\n"))
    return out


def _skip_forward(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _skip_back(text: str, at: int) -> int:
    while at > 0 and text[at - 1].isspace():
        at -= 1
    return at


def bound_tables(texts: Mapping[str, str], sources: Iterable[str]) -> tuple[pa.Table, pa.Table]:
    """The starts table (``source_id, stop, s``) and ends table (``source_id, at, e``) of the
    articles of `sources` (one row per sentence end, plus the text's start and end)."""
    starts: dict[str, list[object]] = {"source_id": [], "stop": [], "s": []}
    ends: dict[str, list[object]] = {"source_id": [], "at": [], "e": []}
    for sid in sources:
        text = texts.get(sid)
        if text is None:
            continue
        found = sentence_ends(text)
        for stop in [0, *(end for _, end, _ in found)]:
            starts["source_id"].append(sid)
            starts["stop"].append(stop)
            starts["s"].append(_skip_forward(text, stop))
        for at, end, newline in [*found, (len(text), len(text), False)]:
            ends["source_id"].append(sid)
            ends["at"].append(at)
            ends["e"].append(_skip_back(text, at if newline else end))
    return pa.table(starts, STARTS_SCHEMA), pa.table(ends, ENDS_SCHEMA)


def bounds_sql(citations: str, starts: str, ends: str) -> str:
    """SQL adding ``context_start``/``context_end`` to the relation `citations` (columns
    ``source_id``, ``char_start``, ``char_end``), from the tables above. Citations of a source
    without text get NULL bounds."""
    return f"""
        SELECT c.*,
            CASE WHEN b.stop IS NOT NULL AND f.at IS NOT NULL
                THEN least(b.s, c.char_start) END AS context_start,
            CASE WHEN b.stop IS NOT NULL AND f.at IS NOT NULL
                THEN greatest(f.e, c.char_end) END AS context_end
        FROM {citations} c
        ASOF LEFT JOIN {starts} b ON c.source_id = b.source_id AND c.char_start >= b.stop
        ASOF LEFT JOIN {ends} f ON c.source_id = f.source_id AND c.char_end <= f.at
    """
