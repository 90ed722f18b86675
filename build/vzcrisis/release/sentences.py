"""Sentence bounds of every citation at once: ``format.evidence.sentence_bounds``, vectorised.

``sentence_bounds(text, start, end)`` scans the whole article for sentence ends on each call.
A release cites each article many times, so ``context_bounds`` finds the sentence ends of many
articles at once (the rule of the SDK's ``SENTENCE_END`` on code points with numpy;
abbreviations from the words of the SDK's ``ABBREVIATION``, or by that pattern itself should its
shape change) and gives each quoted span its bounds with two binary searches over the ends
(keys ``article << 32 | position``):

* ``s``: the last end ``stop <= char_start`` (0 when none), moved past leading whitespace but
  not beyond ``char_start``: ``min(s_skip, char_start)``, where ``s_skip`` is the first
  non-space position from ``stop``, computed once per end;
* ``e``: the first end whose match starts at or after ``char_end`` (its ``stop``, or its start
  for a line break; the text's length when none), moved back over trailing whitespace but not
  below ``char_end``: ``max(e_back, char_end)``.

No Python object per sentence end or per quote. ``tests/build/release/test_transform.py`` checks
the result equals ``sentence_bounds`` for every (start, end) pair of a text of traps and for
random pairs on the seed articles.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from venezuela_crisis.format.evidence import ABBREVIATION

SPANS_SCHEMA = pa.schema(
    [("source_id", pa.string()), ("char_start", pa.int64()), ("char_end", pa.int64())]
)
"""The quoted spans ``context_bounds`` takes (extra columns are ignored)."""

SPACE, PUNCT, CLOSER, LETTER = 1, 2, 4, 8
"""Classes of code points: what ``str.isspace`` accepts (``SENTENCE_END``'s ``\\s``), terminal
punctuation, closing quotes and brackets (``SENTENCE_END``), ASCII letters (``ABBREVIATION``)."""
_ABBREVIATION_LETTERS = max(len(w) for w in re.findall(r"[A-Za-z]+", ABBREVIATION.pattern))
"""An upper bound on the letters before a period that ``ABBREVIATION`` can match."""
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


def context_bounds(texts: Mapping[str, str], spans: pa.Table) -> pa.Table:
    """`spans` (``source_id``, ``char_start``, ``char_end``) with ``context_start`` and
    ``context_end``: the sentence bounds of each span in its article (null when `texts` has no
    text for its source)."""
    ids = sorted({str(s) for s in pc.unique(spans.column("source_id")).to_pylist()} & set(texts))
    if not ids:
        nulls = pa.nulls(spans.num_rows, pa.int64())
        return spans.append_column("context_start", nulls).append_column("context_end", nulls)
    starts, ends = _sentence_keys(texts, ids)
    which = pc.index_in(spans.column("source_id"), value_set=pa.array(ids, pa.string()))
    known = which.is_valid().to_numpy(zero_copy_only=False)
    article = which.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64) << 32
    first = spans.column("char_start").to_numpy().astype(np.int64)
    last = spans.column("char_end").to_numpy().astype(np.int64)
    found_s = starts[1][np.searchsorted(starts[0], article | first, side="right") - 1]
    found_e = ends[1][np.minimum(np.searchsorted(ends[0], article | last), len(ends[0]) - 1)]
    context_start = np.minimum(found_s - article, first)
    context_end = np.maximum(found_e - article, last)
    return spans.append_column("context_start", pa.array(context_start, mask=~known)).append_column(
        "context_end", pa.array(context_end, mask=~known)
    )


def _sentence_keys(
    texts: Mapping[str, str], ids: list[str]
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Per sentence end of the articles `ids` (article i = its index), sorted keys
    ``i << 32 | position`` with the bound they give: starts (``stop`` -> ``s_skip``) and ends
    (match start -> ``e_back``), each with the article's start and end."""
    parts: list[tuple[np.ndarray, ...]] = [(np.zeros(0, np.int64),) * 4]
    batch: list[int] = []
    size = 0
    for i, sid in enumerate(ids):
        batch.append(i)
        size += len(texts[sid]) + 1
        if size >= CHUNK or i == len(ids) - 1:
            parts.append(_batch_keys(batch, [texts[ids[b]] for b in batch]))
            batch, size = [], 0
    start_keys, start_values, end_keys, end_values = (
        np.concatenate([part[k] for part in parts]) for k in range(4)
    )
    return (start_keys, start_values), (end_keys, end_values)


def _batch_keys(articles: list[int], texts: list[str]) -> tuple[np.ndarray, ...]:
    """`_sentence_keys` of a few articles, joined by `_SEPARATOR` and handled as one array of
    code points; only periods after a short run of letters go through ``ABBREVIATION``."""
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
    global_index = np.array(articles, np.int64)

    def keyed(owners: np.ndarray, key: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, ...]:
        base = offsets[owners]
        article = global_index[owners] << 32
        keys = article | (key - base)
        order = np.argsort(keys, kind="stable")
        return keys[order], (article | (value - base))[order]

    return (*keyed(start_owner, start_stop, start_s), *keyed(end_owner, end_at, end_e))


def _abbreviation_words() -> tuple[str, ...] | None:
    """The words of ``ABBREVIATION`` when the pattern has the shape ``_abbreviations`` decides
    with numpy (else None: the pattern itself decides)."""
    found = re.search(r"\\b\(\?:((?:[A-Za-z]+\|)*[A-Za-z]+)\)", ABBREVIATION.pattern)
    if found is None:
        return None
    words = tuple(found.group(1).split("|"))
    shape = r"(?:\b(?:[A-Za-z]\.)*[A-Za-z]|\b(?:" + "|".join(words) + r"))\.$"
    return words if shape == ABBREVIATION.pattern else None


_WORDS = _abbreviation_words()


def _abbreviations(
    code: np.ndarray, flags: np.ndarray, periods: np.ndarray, joined: str, offsets: np.ndarray
) -> np.ndarray:
    """Which of the punctuation marks at `periods` end an abbreviation (``ABBREVIATION`` on
    the 12 characters before, within the article): a period after a single letter starting a
    word, or after one of the pattern's words starting a word (``\\b``: the character before is
    not a word character or the article starts there)."""
    dots = code[periods] == 46
    if _WORDS is None:
        return _abbreviations_by_pattern(flags, periods, dots, joined, offsets)
    out = np.zeros(len(periods), bool)
    letter_before = dots & ((flags[periods - 1] & LETTER) != 0)
    at = periods[letter_before]
    found = _boundary(code, joined, at - 2)  # a single letter: "U.S.", "A."
    for word in _WORDS:
        size = len(word)
        fits = at - size - 1 >= 0
        same = fits.copy()
        for k, char in enumerate(word):
            same &= code[np.maximum(at - size + k, 0)] == ord(char)
        found |= same & _boundary(code, joined, np.maximum(at - size - 1, 0))
    out[np.flatnonzero(letter_before)] = found
    return out


def _boundary(code: np.ndarray, joined: str, before: np.ndarray) -> np.ndarray:
    """Whether the characters at `before` are not word characters (``\\w``: ``isalnum`` or
    ``_``; the separator between articles is none), so a word starts right after them."""
    chars = code[before]
    ascii_word = np.zeros(128, bool)
    ascii_word[[ord(c) for c in string.ascii_letters + string.digits + "_"]] = True
    word = np.zeros(len(before), bool)
    small = chars < 128
    word[small] = ascii_word[chars[small]]
    for k in np.flatnonzero(~small).tolist():  # rare outside ASCII: Python decides
        char = joined[int(before[k])]
        word[k] = char.isalnum() or char == "_"
    return ~word


def _abbreviations_by_pattern(
    flags: np.ndarray, periods: np.ndarray, dots: np.ndarray, joined: str, offsets: np.ndarray
) -> np.ndarray:
    """`_abbreviations` by the pattern itself, on periods after 1 to ``_ABBREVIATION_LETTERS``
    ASCII letters (the others cannot match it)."""
    run = np.zeros(len(periods), np.int64)
    going = np.ones(len(periods), bool)
    for back in range(1, _ABBREVIATION_LETTERS + 2):
        going &= (flags[periods - back] & LETTER) != 0
        run += going
    tried = np.flatnonzero(dots & (run >= 1) & (run <= _ABBREVIATION_LETTERS))
    out = np.zeros(len(periods), bool)
    first = offsets[np.searchsorted(offsets, periods[tried], side="right") - 1]
    for k, at, begin in zip(tried.tolist(), periods[tried].tolist(), first.tolist(), strict=True):
        out[k] = ABBREVIATION.search(joined[max(begin, at - 12) : at + 1]) is not None
    return out
