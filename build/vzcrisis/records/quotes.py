"""Find a quote in a source text and give its exact offsets (the `cite` step).

A curator pastes a quote as they see it; the article may use curly quotes, en dashes or
non-breaking spaces where the paste has straight ones. ``find_quote`` looks for the exact text
first, then for typographic variants, and always returns the text *as it is in the source* at
the offsets it found, so a citation is verbatim by construction.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from venezuela_crisis.errors import InputError
from venezuela_crisis.format.evidence import sentence_breaks

_FOLD = {
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    "…": "...",
}
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


class QuoteNotFound(InputError):
    """A quote does not occur in the source text, even allowing typographic variants."""


class AmbiguousQuote(InputError):
    """A quote occurs more than once in the source text; quote more words to make it unique."""


@dataclass(frozen=True)
class Match:
    """Where a quote is in a source: text[start:end] == exact_text (code points)."""

    start: int
    end: int
    exact_text: str


@dataclass(frozen=True)
class Span:
    """A piece of a text (sentence or paragraph) with its offsets."""

    start: int
    end: int
    text: str


def fold(text: str) -> tuple[str, list[int], list[int]]:
    """Typographically fold `text`; return it with, per folded character, original start/end.

    Curly quotes become straight, dashes a hyphen, ``…`` three dots, and every run of
    whitespace (NBSP included) one space. ``starts[i]:ends[i]`` is the original span that
    folded character ``i`` comes from.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            out.append(" ")
            starts.append(i)
            ends.append(j)
            i = j
            continue
        repl = _FOLD.get(ch, ch)
        for c in repl:
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
        i += 1
    return "".join(out), starts, ends


def occurrences(haystack: str, needle: str) -> list[int]:
    """Start offset of every occurrence of `needle` in `haystack`, overlapping ones too."""
    found: list[int] = []
    pos = haystack.find(needle)
    while pos != -1:
        found.append(pos)
        pos = haystack.find(needle, pos + 1)
    return found


def find_all(text: str, quote: str) -> list[Match]:
    """Every occurrence of `quote` in `text`: exact ones if any, else typographic variants."""
    if not quote.strip():
        return []
    exact = occurrences(text, quote)
    if exact:
        return [Match(p, p + len(quote), quote) for p in exact]
    folded, starts, ends = fold(text)
    needle = fold(quote.strip())[0]
    matches: list[Match] = []
    seen: set[tuple[int, int]] = set()
    for pos in occurrences(folded, needle):
        start, end = starts[pos], ends[pos + len(needle) - 1]
        if (start, end) not in seen:
            seen.add((start, end))
            matches.append(Match(start, end, text[start:end]))
    return matches


def context(text: str, start: int, end: int, width: int = 40) -> str:
    """The quote at start:end with `width` characters either side, on one line."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    lead = "…" if start > width else ""
    tail = "…" if end + width < len(text) else ""
    return _one_line(f"{lead}{before}[{text[start:end]}]{after}{tail}")


def _one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _short(text: str, limit: int = 80) -> str:
    """`text` on one line, shortened, in quotes that do not clash with its own."""
    text = _one_line(text)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{text}'" if '"' in text else f'"{text}"'


def sentences(text: str) -> list[Span]:
    """Split a text into sentences with offsets, by the release's rule
    (``format.evidence.sentence_breaks``: line breaks always end a sentence)."""
    spans: list[Span] = []
    start = 0
    for _, end, after in sentence_breaks(text):
        _add_span(spans, text, start, end)
        start = after
    _add_span(spans, text, start, len(text))
    return spans


def paragraphs(text: str) -> list[Span]:
    """Split a text into paragraphs (lines) with offsets."""
    spans: list[Span] = []
    start = 0
    for line in text.splitlines(keepends=True):
        _add_span(spans, text, start, start + len(line))
        start += len(line)
    return spans


def _add_span(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece.rstrip())
    if trail > lead:
        spans.append(Span(start + lead, start + trail, text[start + lead : start + trail]))


def nearest(text: str, quote: str, limit: int = 3) -> list[Span]:
    """Sentences of `text` most like `quote` (shared words, then difflib ratio), best first."""
    needle = fold(quote)[0].casefold()
    words = set(_WORD.findall(needle))
    scored: list[tuple[float, float, int, Span]] = []
    for index, span in enumerate(sentences(text)):
        hay = fold(span.text)[0].casefold()
        shared = len(words & set(_WORD.findall(hay))) / max(len(words), 1)
        ratio = difflib.SequenceMatcher(None, needle, hay, autojunk=False).ratio()
        scored.append((shared, ratio, -index, span))
    scored.sort(key=lambda item: item[:3], reverse=True)
    return [item[3] for item in scored[:limit]]


def find_quote(text: str, quote: str, source_id: str = "source") -> Match:
    """The one place `quote` occurs in `text`.

    Raises ``QuoteNotFound`` (with the nearest sentences) or ``AmbiguousQuote`` (with every
    occurrence in context); each is one line naming the source and what to do next.
    """
    if not quote.strip():
        raise QuoteNotFound(f"{source_id}: empty quote; give the words to cite")
    matches = find_all(text, quote)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        hints = "; ".join(f"{s.start}-{s.end}: {_short(s.text)}" for s in nearest(text, quote))
        raise QuoteNotFound(
            f"{source_id}: quote not found: {_short(quote)}; nearest sentences: {hints}"
        )
    where = "; ".join(f"at {m.start}: {context(text, m.start, m.end, 25)}" for m in matches[:10])
    if len(matches) > 10:
        where += f"; and at {', '.join(str(m.start) for m in matches[10:])}"
    raise AmbiguousQuote(
        f"{source_id}: quote {_short(quote)} occurs {len(matches)} times ({where}); "
        "quote more words to make it unique"
    )


def citation(source_id: str, match: Match) -> dict[str, str | int]:
    """A citation (as written in record files) for a match."""
    return {
        "source": source_id,
        "quote": match.exact_text,
        "char_start": match.start,
        "char_end": match.end,
    }


def strip_accents(text: str) -> str:
    """Lowercase `text` without accents, for accent-insensitive name matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
