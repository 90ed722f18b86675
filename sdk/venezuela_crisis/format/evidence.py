"""Rules about evidence that the release applies and documents: the independent origin of a
citation, and the sentence(s) around a quote.

Both are computed by the publisher when it builds a release (``citations.origin``,
``citations.context_start`` / ``context_end``) and documented in the codebook; they live here so
that anyone can recompute them from the released rows (``tests/sdk/test_evidence.py`` does).
"""

from __future__ import annotations

import re

OWN_SUFFIX = " (own writing)"
"""An article's own writing is its own origin: ``<source id> (own writing)``."""


def independent_origin(attribution: str | None, source_id: str, source_origin: str) -> str:
    """The independent origin of a passage, from how its article credits it.

    * ``upstream`` (credited to the article's upstream report or its sources) and ``on_record``
      (a named person or body speaking publicly, carried by the article with its upstream
      report): the source's upstream origin, so four relays of one report count once;
    * ``own`` (the article's own background, context or analysis): the article itself;
    * no attribution (releases before 1.1.0): the source's origin.
    """
    if attribution == "own":
        return f"{source_id}{OWN_SUFFIX}"
    return source_origin


_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")
"""A candidate sentence end: terminal punctuation (with closing quotes or brackets) before
whitespace, or a line break."""

_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Za-z]\.)*[A-Za-z]|\b(?:Mr|Mrs|Ms|Dr|Jr|Sr|St|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Capt|"
    r"Adm|No|Nos|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|Inc|Corp|Ltd|Co))\.$"
)
"""A period that ends an abbreviation ("U.S.", "Nov.", "Mr.") rather than a sentence."""


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``(s, e)``: the smallest run of whole sentences of `text` holding ``text[start:end]``.

    Sentences end at ``.``, ``!`` or ``?`` (with any closing quote or bracket) followed by
    whitespace, unless the period closes an abbreviation ("U.S.", "Nov.", "Mr."), and at every
    line break (headlines, paragraphs). Leading and trailing whitespace is left out.
    """
    s, e = 0, len(text)
    for match in _END.finditer(text):
        stop = match.end()
        if (
            match.group() != "\n"
            and match.group()[0] == "."
            and _ABBREVIATION.search(text[max(0, match.start() - 12) : match.start() + 1])
        ):
            continue
        if stop <= start:
            s = stop
        elif match.start() >= end:
            e = stop if match.group() != "\n" else match.start()
            break
    while s < start and text[s].isspace():
        s += 1
    while e > end and text[e - 1].isspace():
        e -= 1
    return s, e
