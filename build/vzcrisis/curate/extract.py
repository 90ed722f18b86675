"""Clause-level extraction rules for `vzcrisis draft`: dates, amounts, new actors, attribution.

Every function here is pure (text in, plain data out) so each rule is tested on its own.

Dates (`resolve_date`) are resolved with dateparser against the article's publication date
(``RELATIVE_BASE``, past dates preferred; the source's ``published``, else the date its
dateline or byline prints, `dateline`); the precision is dateparser's period, and the date is
the first day of that period (``last year`` in a 2025 article -> 2024-01-01, precision year).
A year (``in 2013``) and a full date (``November 21, 2025``) need no anchor; a relative phrase
in an article with no anchor gets no date: ``date_text`` and the reasoning only.

=========================  ==========================  ==========
phrase                     in an article of 2025-12-03  precision
=========================  ==========================  ==========
``on Monday``              2025-12-01                   day
``on November 21``         2025-11-21                   day
``yesterday``              2025-12-02                   day
``last month``             2025-11-01                   month
``last year``              2024-01-01                   year
``in 2013``                2013-01-01                   year
``on Monday`` (no anchor)  null                         -
=========================  ==========================  ==========

Quantities (`quantities`): a number, optionally ``$`` and ``million``/``billion``, with the
qualifier before it and the counted noun after it:

======================================================  ===============
qualifier words                                         qualifier
======================================================  ===============
more than, over                                         more_than
at least                                                at_least
fewer than, less than, under                            less_than
up to, at most                                          at_most
around, about, some, nearly, roughly, approximately     approximately
(none)                                                  exactly
======================================================  ===============

New actors (`new_actors`): a title from `TITLES` followed by two or three capitalised words
("Foreign Minister Yván Gil") that no known actor's name or alias matches.

Attribution (`attribution`): the comma-delimited part of the sentence, outside the quote, that
credits the passage, else a hedge inside the quote (the first row that matches):

============================================================  ==========
cue                                                           proposal
============================================================  ==========
according to, sources, (X) reported                           upstream
told reporters, said in a statement, said, told               on_record
inside the quote: (N) sources told / said (X), is said to,     upstream
reportedly, allegedly
(none)                                                        own
============================================================  ==========
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from dateparser.date import DateDataParser

from ..records import quotes

_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_PHRASES = re.compile(
    rf"\b(?:(?:[Oo]n|[Ll]ast|[Tt]his) )?(?:{_WEEKDAYS})\b"
    rf"|\b(?:[Oo]n )?(?:{_MONTHS}) \d{{1,2}}(?:, \d{{4}})?\b"
    r"|\b(?:[Ll]ast|[Tt]his) (?:year|month|week)\b|\b[Yy]esterday\b|\b[Tt]oday\b"
    r"|\b[Ii]n (?:19|20)\d\d\b"
)
"""Date phrases resolved against the article's own anchors (its publication date)."""
_FULL_DATE = rf"(?:{_MONTHS}) \d{{1,2}}, \d{{4}}"
_DATELINE = re.compile(rf"(?:^[A-ZÁÉÍÓÚÑ .'-]+, |\| [^|\n]*?)(?P<date>{_FULL_DATE})(?= \(|$)", re.M)
"""A dateline ("CARACAS, December 3, 2025 (Agency) -") or a byline ending with the date
("Main news | By Correspondent December 2, 2025"), in the article's first 500 characters."""


def dateline(text: str) -> dt.date | None:
    """The article's date printed in its dateline or byline (first 500 characters), or None."""
    head = text[:500]
    if m := _DATELINE.search(head):
        return dt.datetime.strptime(m.group("date"), "%B %d, %Y").date()
    return None


@dataclass(frozen=True)
class Resolved:
    """A date phrase resolved to a date with its precision and the reasoning."""

    date: dt.date | None
    """None when nothing anchors a relative phrase (the reasoning says so)."""
    precision: str | None
    text: str
    reasoning: str


def resolve_date(phrase: str, published: dt.date | None) -> Resolved | None:
    """Resolve `phrase` ("on Monday", "last year") against the publication date, or None.

    A year ("in 2013") or a full date ("November 21, 2025") needs no anchor; a relative phrase
    without a publication date is left null, with the reasoning.
    """
    bare = re.sub(r"^(?:on|this|in) ", "", phrase, flags=re.IGNORECASE)
    if re.fullmatch(r"(?:19|20)\d\d", bare):
        year = dt.date(int(bare), 1, 1)
        if published is not None and year > published:
            return None
        return Resolved(year, "year", phrase, f"'{phrase}': " + _period_words(year, "year"))
    absolute = re.fullmatch(_FULL_DATE, bare) is not None
    if published is None and not absolute:
        return Resolved(
            None,
            None,
            phrase,
            f"'{phrase}' "
            + ("gives no year" if re.search(r"\d", bare) else "is relative")
            + ", and the article prints no publication date or dateline to anchor it: left null",
        )
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past"}
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime(published.year, published.month, published.day)
    parser = DateDataParser(languages=["en"], settings=settings)
    data = parser.get_date_data(bare)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    period = data.period or "day"
    if period == "year":
        day = day.replace(month=1, day=1)
    elif period == "month":
        day = day.replace(day=1)
    elif period == "week":
        day = day - dt.timedelta(days=day.weekday())
    if published is None or absolute:
        return Resolved(day, period, phrase, f"'{phrase}' is a full date: {day.isoformat()}")
    if day > published:
        return None
    reasoning = (
        f"'{phrase}' in an article published on {published:%A} {published.isoformat()}: "
        + _period_words(day, period)
    )
    return Resolved(day, period, phrase, reasoning)


def _period_words(day: dt.date, period: str) -> str:
    """How a resolved date reads in the reasoning: the day, or the period it starts."""
    if period == "year":
        return f"the year {day.year}, dated {day.isoformat()} (first day, precision year)"
    if period == "day":
        return day.isoformat()
    return f"the {period} starting {day.isoformat()} (precision {period})"


def find_date(text: str, published: dt.date | None) -> Resolved | None:
    """The first date phrase of `text` that resolves against `published` (`resolve_date`)."""
    for m in DATE_PHRASES.finditer(text):
        if resolved := resolve_date(m.group(), published):
            return resolved
    return None


QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("more than", "more_than"),
    ("over", "more_than"),
    ("at least", "at_least"),
    ("fewer than", "less_than"),
    ("less than", "less_than"),
    ("under", "less_than"),
    ("up to", "at_most"),
    ("at most", "at_most"),
    ("approximately", "approximately"),
    ("around", "approximately"),
    ("about", "approximately"),
    ("nearly", "approximately"),
    ("roughly", "approximately"),
    ("some", "approximately"),
)
_QUALIFIER = "|".join(re.escape(q) for q, _ in QUALIFIERS)
_QUANTITY = re.compile(
    rf"(?:\b(?P<q>{_QUALIFIER}) )?(?P<usd>\$)?(?P<n>\d[\d,]*(?:\.\d+)?)"
    r"(?: (?P<scale>million|billion))?(?: (?P<unit>[a-z]+))?",
    re.IGNORECASE,
)
_DAY_OF = re.compile(rf"\b(?:{_MONTHS}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?) $")
_NOT_UNITS = frozenset({"and", "or", "to", "in", "on", "of", "for", "the", "a", "last", "that"})


def quantities(text: str) -> list[dict[str, Any]]:
    """Numbers of `text` with their qualifier, unit and verbatim phrase (Quantity fields)."""
    out: list[dict[str, Any]] = []
    for m in _QUANTITY.finditer(text):
        if _DAY_OF.search(text, 0, m.start("n")):
            continue  # "a November 21 call": the day of a date
        number = float(m.group("n").replace(",", ""))
        scale = {"million": 1_000_000, "billion": 1_000_000_000}.get(
            (m.group("scale") or "").lower(), 1
        )
        unit = m.group("unit")
        if m.group("usd"):
            unit, end = "USD", m.end("scale") if m.group("scale") else m.end("n")
        elif unit and unit.lower() not in _NOT_UNITS:
            end = m.end("unit")
        else:
            continue  # a bare number (a day, a year) is not a quantity
        qualifier = dict(QUALIFIERS)[m.group("q").lower()] if m.group("q") else "exactly"
        start = m.start()
        out.append(
            {
                "value": round(number * scale),
                "unit": unit,
                "qualifier": qualifier,
                "text": text[start:end],
            }
        )
    return out


TITLES = (
    "Foreign Minister",
    "Interior Minister",
    "Defense Minister",
    "Defence Minister",
    "Oil Minister",
    "Finance Minister",
    "Vice President",
    "President",
    "Secretary of State",
    "Defense Secretary",
    "Attorney General",
    "Senator",
    "General",
    "Admiral",
)
_NAME_WORD = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+"
_TITLED = re.compile(
    r"\b(?P<title>" + "|".join(re.escape(t) for t in TITLES) + r")"
    rf" (?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{1,2}})"
)


def slug(name: str) -> str:
    """A readable record id from a name ("Yván Gil" -> "yvan-gil")."""
    return re.sub(r"[^a-z0-9]+", "-", quotes.strip_accents(name)).strip("-")


def new_actors(text: str, known: set[str]) -> list[dict[str, Any]]:
    """Titled names ("Foreign Minister Yván Gil") not in `known` (folded names and aliases).

    Each is ``{"id", "name", "role", "start", "end", "phrase"}``; start/end span the phrase.
    """
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for m in _TITLED.finditer(text):
        name = m.group("name")
        folded = quotes.strip_accents(name)
        if folded in known or folded.split()[-1] in known or folded in seen:
            continue
        seen.add(folded)
        out.append(
            {
                "id": slug(name),
                "name": name,
                "role": m.group("title"),
                "start": m.start(),
                "end": m.end(),
                "phrase": m.group(),
            }
        )
    return out


_UPSTREAM = re.compile(r"\baccording to\b|\bsources?\b|\breported\b", re.I)
_ON_RECORD = re.compile(r"\btold reporters\b|\bsaid in a statement\b|\bsaid\b|\btold\b", re.I)
HEDGE = re.compile(
    r"(?:\b\w+ )?\bsources?\b[^,;]*?\b(?:told|said)(?: (?-i:[A-Z])\w+)?"
    r"|\bis said to\b|\breportedly\b|\ballegedly\b",
    re.I,
)


def attribution(sentence: str, quote_start: int, quote_end: int) -> dict[str, str]:
    """Who the sentence credits for the quote at [quote_start, quote_end) (sentence offsets).

    Looks first at the comma-delimited parts of the sentence outside the quote, then for a
    hedge inside the quote ("is said to", "reportedly": upstream, the hedge as the phrase);
    returns ``{"attribution": ..., "attributed_to": ...}`` (no attributed_to for ``own``).
    """
    parts = []
    for m in re.finditer(r"[^,;]+", sentence):
        if m.end() <= quote_start or m.start() >= quote_end:
            parts.append(m.group().strip().rstrip(".").strip())
    for pattern, kind in ((_UPSTREAM, "upstream"), (_ON_RECORD, "on_record")):
        for part in parts:
            if pattern.search(part):
                return {"attribution": kind, "attributed_to": part}
    if hedge := HEDGE.search(sentence, quote_start, quote_end):
        return {"attribution": "upstream", "attributed_to": hedge.group()}
    return {"attribution": "own"}
