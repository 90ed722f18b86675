"""Rules about evidence that the release applies and documents: the independent origin of a
citation, and the sentence(s) around a quote.

Both are computed by the publisher when it builds a release (``citations.origin``,
``citations.context_start`` / ``context_end``) and documented in the codebook; they live here so
that anyone can recompute them from the released rows (``tests/sdk/test_evidence.py`` does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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


SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")
"""A candidate sentence end: terminal punctuation (with closing quotes or brackets) before
whitespace, or a line break."""

ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Za-z]\.)*[A-Za-z]|\b(?:Mr|Mrs|Ms|Dr|Jr|Sr|St|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Capt|"
    r"Adm|No|Nos|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|Inc|Corp|Ltd|Co))\.$"
)
"""A period that ends an abbreviation ("U.S.", "Nov.", "Mr.") rather than a sentence."""


def sentence_breaks(text: str) -> Iterator[tuple[int, int, int]]:
    """Every sentence end of `text`, in order: ``(at, end, next)``, where the end's match starts
    (`at`), where its sentence stops (`end`: after the punctuation and closing marks, or before a
    line break) and where the next sentence may start (`next`).

    Sentences end at ``.``, ``!`` or ``?`` (with any closing quote or bracket) followed by
    whitespace, unless the period closes an abbreviation ("U.S.", "Nov.", "Mr."), and at every
    line break (headlines, paragraphs). The one rule of the release's sentence context and of
    the curation tools' sentences.
    """
    for match in SENTENCE_END.finditer(text):
        if (
            match.group() != "\n"
            and match.group()[0] == "."
            and ABBREVIATION.search(text[max(0, match.start() - 12) : match.start() + 1])
        ):
            continue
        end = match.end() if match.group() != "\n" else match.start()
        yield match.start(), end, match.end()


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``(s, e)``: the smallest run of whole sentences of `text` (``sentence_breaks``) holding
    ``text[start:end]``. Leading and trailing whitespace is left out.
    """
    s, e = 0, len(text)
    for at, stop, after in sentence_breaks(text):
        if after <= start:
            s = after
        elif at >= end:
            e = stop
            break
    while s < start and text[s].isspace():
        s += 1
    while e > end and text[e - 1].isspace():
        e -= 1
    return s, e


ATTRIBUTION_RULE = """\
Every citation says how its article credits the quoted passage (`attribution`), with the
crediting phrase verbatim where the text gives one (`attributed_to`). Its independent origin
(`citations.origin`) follows from that, and `origin_count` counts the distinct independent
origins among a record's citations:

| attribution | what it means | independent origin |
| --- | --- | --- |
| `upstream` | credited to the article's upstream report or its sources, including the reported account such a credit covers | the source's `origin` (e.g. `Reuters`) |
| `on_record` | a named person or body speaking publicly: a post, a statement to reporters, a letter, an editorial | the source's `origin`: the statement reached the article with the report that carried it, so four relays quoting one post count once |
| `own` | the article's own writing: background, context, analysis, credited to no one | the article itself: `<source id> (own writing)` |

Worked examples from these articles:

- The Curaçao Chronicle, relaying Reuters, gives Maduro's terms "According to three of the
  sources": `upstream`, `attributed_to` "three of the sources", origin `Reuters`. The same
  terms in three other Reuters relays add no origin: the record counts `Reuters` once.
- The article relaying the Miami Herald quotes Trump "stating to reporters": `on_record`,
  origin `Miami Herald`. A record cited by it and by a Reuters relay has `origin_count` 2.
- The relay headlined "A High-Stakes Phone Call" sets the scene "where a humanitarian crisis
  persists": `own`, origin `src-5f0568e3 (own writing)`: a relay's own background is never
  counted as its upstream report.
- A relay's opening account of the call, credited in the same paragraph or the next sentence
  ("four sources who spoke with Reuters", "According to reports from Reuters"), is part of
  that credited account: `upstream`. The same relay's own verdict "Not happening" is `own`,
  and so is its background on the pressure campaign, which counts as its own origin.
"""
"""The attribution rule, for the codebook (markdown)."""

DISPUTE_CRITERION = """\
Two sources disagree on a point (a dispute) when each, read in context, names a value for the
same fact (who, whom, what, how many, how long, whether) and the values differ: neither
source names the other's value. Words that credit an account ("allegedly", "reportedly",
"sources said") are attribution, not doubt: the accounts are compared as reported. Not a
dispute: a source silent on the point; a vague span or count against an exact one ("just
days" against Friday then Saturday); wording that stops short of a value ("seemingly");
accounts of different moments or questions (a conditional offer to leave against refusing to
resign at once). Each version of a dispute is its own record with its own citations;
`disputes` holds the question, and `disputed` marks the versions.
"""
"""The one criterion for what counts as a dispute, for the codebook (markdown)."""

TEXT_RIGHTS = (
    "The article texts (`sources.text`) and the quotes belong to their publishers. They are "
    "included, byte-exact, only so that every record can be checked against its source; the "
    "data's CC BY 4.0 licence does not extend to them."
)
"""The licence note on the article texts (codebook and datapackage)."""
