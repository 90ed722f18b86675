"""Sentence bounds of every citation at once: ``format.evidence.sentence_bounds``, vectorised.

``sentence_bounds(text, start, end)`` scans the whole article for sentence ends on each call.
A release cites each article many times, so the ends are found once per article
(``bound_tables``: the rule of ``_END`` on code points with numpy, many articles at once, and
the SDK's own ``_ABBREVIATION`` on the periods that may end one) and every citation's bounds
come from two ASOF joins in DuckDB (``bounds_sql``):

* ``s``: the last end ``stop <= char_start`` (0 when none), moved past leading whitespace but
  not beyond ``char_start``: ``least(s_skip, char_start)``, where ``s_skip`` is the first
  non-space position from ``stop``, computed once per end;
* ``e``: the first end whose match starts at or after ``char_end`` (its ``stop``, or its start
  for a line break; the text's length when none), moved back over trailing whitespace but not
  below ``char_end``: ``greatest(e_back, char_end)``.

``tests/build/release/test_transform.py`` checks the result equals ``sentence_bounds`` for every
(start, end) pair of quotes on the seed articles and on random offsets.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from functools import cache

import numpy as np
import pyarrow as pa
from venezuela_crisis.format.evidence import _ABBREVIATION

STARTS_SCHEMA = pa.schema([("source_id", pa.string()), ("stop", pa.int64()), ("s", pa.int64())])
ENDS_SCHEMA = pa.schema([("source_id", pa.string()), ("at", pa.int64()), ("e", pa.int64())])


SPACE, PUNCT, CLOSER, LETTER = 1, 2, 4, 8
"""Classes of code points: what ``str.isspace`` accepts (``_END``'s ``\\s``), terminal
punctuation, closing quotes and brackets (``_END``), ASCII letters (``_ABBREVIATION``)."""
_ABBREVIATION_LETTERS = max(len(w) for w in re.findall(r"[A-Za-z]+", _ABBREVIATION.pattern))
"""An upper bound on the letters before a period that ``_ABBREVIATION`` can match."""
_SEPARATOR = "\x00"
"""Between two articles of a batch: of no class above, and not a space."""
CHUNK = 1 << 20
"""Code points of article text handled at once (bounded memory)."""


@cache
def _classes() -> np.ndarray:
    """Class bits of every code point (a lookup table, 1.1 MB)."""
    table = np.zeros(0x110000, np.uint8)
    table[[c for c in range(0x3100) if chr(c).isspace()]] |= SPACE  # none above U+3000
    table[[ord(c) for c in ".!?"]] |= PUNCT
    table[[ord(c) for c in "\"'”’)]"]] |= CLOSER
    table[[ord(c) for c in string.ascii_letters]] |= LETTER
    return table


def _walk(flags: np.ndarray, at: np.ndarray, bit: int, step: int) -> np.ndarray:
    """Each position of `at` moved by `step` while ``flags[position + look]`` has `bit`
    (look: 0 forward, -1 backward): the first (last) position past a run of that class."""
    at = at.copy()
    look = 0 if step > 0 else -1
    active = np.flatnonzero(flags[at + look] & bit)
    while len(active):
        at[active] += step
        active = active[(flags[at[active] + look] & bit) != 0]
    return at


def bound_tables(texts: Mapping[str, str], sources: Iterable[str]) -> tuple[pa.Table, pa.Table]:
    """The starts table (``source_id, stop, s``) and ends table (``source_id, at, e``) of the
    articles of `sources` (one row per sentence end, plus the text's start and end)."""
    ids = [sid for sid in sources if sid in texts]
    starts: list[pa.Table] = [STARTS_SCHEMA.empty_table()]
    ends: list[pa.Table] = [ENDS_SCHEMA.empty_table()]
    batch: list[str] = []
    size = 0
    for i, sid in enumerate(ids):
        batch.append(sid)
        size += len(texts[sid]) + 1
        if size >= CHUNK or i == len(ids) - 1:
            found = _batch_bounds(batch, [texts[b] for b in batch])
            starts.append(found[0])
            ends.append(found[1])
            batch, size = [], 0
    return pa.concat_tables(starts), pa.concat_tables(ends)


def _batch_bounds(ids: list[str], texts: list[str]) -> tuple[pa.Table, pa.Table]:
    """`bound_tables` of a few articles, joined by `_SEPARATOR` and handled as one array of
    code points (numpy); only periods after a short run of letters go through
    ``_ABBREVIATION`` itself."""
    joined = _SEPARATOR + _SEPARATOR.join(texts) + _SEPARATOR
    code = np.frombuffer(joined.encode("utf-32-le"), np.uint32)
    flags = _classes()[code]
    lengths = np.array([len(t) for t in texts], np.int64)
    offsets = np.concatenate([[1], 1 + np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
    punct = np.flatnonzero(flags & PUNCT)
    after = _walk(flags, punct + 1, CLOSER, 1)  # past closing quotes and brackets
    ok = (flags[after] & SPACE) != 0
    punct, after = punct[ok], after[ok]
    keep = ~_abbreviations(code, flags, punct, joined, offsets)
    punct, after = punct[keep], after[keep]
    newline = np.flatnonzero(code == 10)
    at = np.concatenate([punct, newline])
    order = np.argsort(at, kind="stable")
    at = at[order]
    stop = np.concatenate([after, newline + 1])[order]
    bound = np.concatenate([after, newline])[order]
    index = np.arange(len(texts))
    owner = np.searchsorted(offsets, at, side="right") - 1
    start_owner = np.concatenate([index, owner])
    start_stop = np.concatenate([offsets, stop])
    start_s = _walk(flags, start_stop, SPACE, 1)
    end_owner = np.concatenate([owner, index])
    end_at = np.concatenate([at, offsets + lengths])
    end_e = _walk(flags, np.concatenate([bound, offsets + lengths]), SPACE, -1)
    names = pa.array(ids, pa.string())

    def table(
        owners: np.ndarray, first: np.ndarray, second: np.ndarray, schema: pa.Schema
    ) -> pa.Table:
        order = np.lexsort((first, owners))
        base = offsets[owners[order]]
        columns = [pa.array(owners[order]), first[order] - base, second[order] - base]
        return pa.table([names.take(columns[0]), *map(pa.array, columns[1:])], schema=schema)

    return (
        table(start_owner, start_stop, start_s, STARTS_SCHEMA),
        table(end_owner, end_at, end_e, ENDS_SCHEMA),
    )


def _abbreviations(
    code: np.ndarray, flags: np.ndarray, periods: np.ndarray, joined: str, offsets: np.ndarray
) -> np.ndarray:
    """Which of the punctuation marks at `periods` end an abbreviation (``_ABBREVIATION`` on
    the 12 characters before, within the article): only periods after 1 to
    ``_ABBREVIATION_LETTERS`` ASCII letters are tried."""
    run = np.zeros(len(periods), np.int64)
    going = np.ones(len(periods), bool)
    for back in range(1, _ABBREVIATION_LETTERS + 2):
        going &= (flags[periods - back] & LETTER) != 0
        run += going
    dots = code[periods] == 46
    tried = np.flatnonzero(dots & (run >= 1) & (run <= _ABBREVIATION_LETTERS))
    out = np.zeros(len(periods), bool)
    first = offsets[np.searchsorted(offsets, periods[tried], side="right") - 1]
    for k, at, begin in zip(tried.tolist(), periods[tried].tolist(), first.tolist(), strict=True):
        out[k] = _ABBREVIATION.search(joined[max(begin, at - 12) : at + 1]) is not None
    return out


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
