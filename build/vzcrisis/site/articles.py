"""Article pages and evidence for the site: pure functions, no Datasette (``plugins/vz_articles``).

* `render_article` renders an article's full text, paragraph by paragraph (the text's ``\\n``),
  with every cited passage highlighted. Quotes overlap and nest (a demand inside the sentence
  of the event it was made in), so the text is cut at every quote boundary into segments that
  never overlap: each segment is one ``<mark>`` listing every citation covering it, and the
  HTML stays valid however the quotes are nested. Each citation has a stable anchor
  (`anchor`: ``id="c-<citation id>"``) at its first character; each passage (one span of text,
  cited by one record or several) ends with a numbered link to its note, and the notes (below
  the article) name the records each passage supports and how the article credits it.
* `context_html`: the whole sentence around a quote (``citations.context_start/end``, else
  `venezuela_crisis.format.evidence.sentence_bounds`) with the quote highlighted.
* Words for readers: `attribution_text`, `date_shown` (a date at its precision), `money`.

Offsets are Unicode code points into ``sources.text`` (Python slicing), as in the release.
Everything is escaped here; callers get `Markup`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from itertools import pairwise

from markupsafe import Markup, escape
from venezuela_crisis.format.evidence import sentence_bounds
from venezuela_crisis.models.base import Attribution
from venezuela_crisis.models.vocab import VOCAB_DOCS

from .sqlite import singular

ATTRIBUTION_WORDS: dict[str, str] = {
    Attribution.upstream.value: "upstream",
    Attribution.on_record.value: "on the record",
    Attribution.own.value: "the article's own writing",
}
"""How a reader is told the article credits a passage (``citations.attribution``)."""

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

NOTE_EXCERPT = 70
"""Longest excerpt of a passage repeated in its note (the passage is highlighted in the text)."""

HEADLINE_MAX = 110
"""Longest readable headline made from an untitled article's first sentence."""


def anchor(citation_id: str) -> str:
    """The HTML id of a citation's passage on its article page: ``c-`` and the id with ``@``
    and ``:`` made ``_`` (ids are slugs, which never hold ``_``, so no two ids collide)."""
    return "c-" + re.sub(r"[^A-Za-z0-9-]", "_", citation_id)


def attribution_text(attribution: str | None, attributed_to: str | None) -> str:
    """'upstream: three of the sources', 'on the record: stating to reporters', "the article's
    own writing"; empty when the release records no attribution (before 1.1.0)."""
    if not attribution:
        return ""
    words = ATTRIBUTION_WORDS.get(attribution, attribution.replace("_", " "))
    if attribution == Attribution.own.value or not attributed_to:
        return words
    return f"{words}: {attributed_to}"


def words(value: str | None) -> str:
    """A vocabulary value as words: 'partly_rejected' → 'partly rejected'."""
    return (value or "").replace("_", " ")


def meaning(value: str | None) -> str:
    """What a vocabulary value means (``VOCAB_DOCS``), whichever vocabulary it is from."""
    for docs in VOCAB_DOCS.values():
        if value in docs:
            return docs[value]
    return ""


def date_shown(value: str | None, precision: str | None) -> str:
    """A date as precise as its sources: '21 Nov 2025', 'week of 24 Nov 2025', 'Nov 2025',
    '2013', 'around 1 Sep 2025'; 'undated' without a date."""
    if not value:
        return "undated"
    try:
        day = Date.fromisoformat(value[:10])
    except ValueError:
        return value
    full = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return {
        "week": f"week of {full}",
        "month": f"{MONTHS[day.month - 1]} {day.year}",
        "year": str(day.year),
        "approximate": f"around {full}",
    }.get(precision or "day", full)


def money(amount: int | None) -> str:
    """Whole US dollars: 50000000 → '$50,000,000'; empty when there is no amount."""
    return "" if amount is None else f"${amount:,}"


def headline(title: str | None, text: str | None) -> str:
    """The article's headline, else its first sentence (shortened): a label a reader knows."""
    if title:
        return title
    text = text or ""
    start = len(text) - len(text.lstrip())
    if start == len(text):
        return "Untitled article"
    first = text[slice(*sentence_bounds(text, start, start + 1))].strip()
    if len(first) > HEADLINE_MAX:
        first = first[: HEADLINE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return first


def excerpt(text: str, limit: int = NOTE_EXCERPT) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with '…' when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Cite:
    """One citation of an article: its span and the record it supports."""

    id: str
    start: int
    end: int
    record_table: str
    record_id: str
    record_label: str
    attribution: str | None = None
    attributed_to: str | None = None

    @property
    def anchor(self) -> str:
        return anchor(self.id)

    @property
    def credit(self) -> str:
        return attribution_text(self.attribution, self.attributed_to)


@dataclass(frozen=True)
class Passage:
    """A span of text and every citation of exactly that span, numbered in reading order."""

    number: int
    start: int
    end: int
    cites: tuple[Cite, ...]


def passages(cites: Iterable[Cite]) -> list[Passage]:
    """Citations grouped by span, numbered by start (an enclosing passage before those inside)."""
    spans: dict[tuple[int, int], list[Cite]] = {}
    for c in sorted(cites, key=lambda c: (c.start, -c.end, c.record_table, c.record_id, c.id)):
        spans.setdefault((c.start, c.end), []).append(c)
    return [
        Passage(n, start, end, tuple(group))
        for n, ((start, end), group) in enumerate(spans.items(), start=1)
    ]


RecordHref = Callable[[str, str], str]
"""(table, record id) → the URL of the record's page."""


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of `text` (the ``\\n`` excluded)."""
    out, start = [], 0
    for match in re.finditer("\n", text):
        out.append((start, match.start()))
        start = match.end()
    out.append((start, len(text)))
    return out


def _mark(text: str, covering: Sequence[Passage]) -> str:
    """One segment covered by `covering` passages: a ``<mark>`` naming all their citations, with
    the records they support and their attributions as its tooltip."""
    cites = [c for p in covering for c in p.cites]
    ids = " ".join(c.anchor for c in cites)
    supports = "; ".join(
        dict.fromkeys(
            f"{singular(c.record_table)}: {excerpt(c.record_label, 60)}"
            + (f" ({c.credit})" if c.credit else "")
            for c in cites
        )
    )
    depth = min(len(covering), 3)
    return (
        f'<mark class="vz-q vz-d{depth}" data-c="{escape(ids)}" title="{escape(supports)}">'
        f"{escape(text)}</mark>"
    )


def _note_links(ended: Sequence[Passage]) -> str:
    links = ", ".join(f'<a href="#n-{p.number}">{p.number}</a>' for p in ended)
    return f'<sup class="vz-n">{links}</sup>'


def _note(text: str, passage: Passage, record_href: RecordHref, source_id: str) -> str:
    """The note of a passage: its words, how the article credits it, the records it supports,
    and a link back to the passage in the text."""
    credits = {c.credit for c in passage.cites}
    shared = credits.pop() if len(credits) == 1 else None
    items = []
    for c in passage.cites:
        if c.record_table == "sources" and c.record_id == source_id:
            what = "this article's own record: its publisher, headline, date or origin"
        else:
            href = escape(record_href(c.record_table, c.record_id))
            label = escape(c.record_label)
            what = (
                f'<span class="vz-kind">{escape(singular(c.record_table))}</span> '
                f'<a href="{href}" title="{label}">{escape(excerpt(c.record_label, 90))}</a>'
            )
        credit = f' <span class="vz-attr">{escape(c.credit)}</span>' if shared is None else ""
        items.append(f"<li>{what}{credit}</li>")
    back = f'<a class="vz-up" href="#{passage.cites[0].anchor}" title="back to the text">↑</a>'
    head = f"{back} <q>{escape(excerpt(text[passage.start : passage.end]))}</q>"
    if shared:
        head += f' <span class="vz-attr">{escape(shared)}</span>'
    return (
        f'<li id="n-{passage.number}" value="{passage.number}">{head}'
        f'<ul class="vz-supports">{"".join(items)}</ul></li>'
    )


@dataclass(frozen=True)
class Article:
    """An article's text as HTML (`body`) and the notes of its passages (`notes`)."""

    body: Markup
    notes: Markup
    passages: int


def render_article(
    text: str, cites: Iterable[Cite], record_href: RecordHref, source_id: str = ""
) -> Article:
    """The whole article: a ``<p>`` per non-empty line of `text`, every cited passage
    highlighted (non-overlapping ``<mark>`` segments) and anchored (an empty
    ``span.vz-anchor`` with the citation's `anchor` id where it starts), each passage followed
    by a link to its note; and the notes, in reading order."""
    found = passages(cites)
    pending = sorted((c for p in found for c in p.cites), key=lambda c: (c.start, -c.end))
    next_cite = 0
    closed: set[int] = set()
    html: list[str] = []
    lines = _lines(text)
    for i, (line_start, line_end) in enumerate(lines):
        cuts = {line_start, line_end}
        for p in found:
            cuts |= {x for x in (p.start, p.end) if line_start < x < line_end}
        edges = sorted(cuts)
        parts: list[str] = []
        for a, b in list(pairwise(edges)) or [(line_start, line_end)]:
            while next_cite < len(pending) and pending[next_cite].start <= a:
                parts.append(f'<span class="vz-anchor" id="{pending[next_cite].anchor}"></span>')
                next_cite += 1
            if b > a:
                covering = [p for p in found if p.start <= a and p.end >= b]
                segment = text[a:b]
                parts.append(_mark(segment, covering) if covering else str(escape(segment)))
            if i == len(lines) - 1 and b == edges[-1]:
                parts += [
                    f'<span class="vz-anchor" id="{c.anchor}"></span>' for c in pending[next_cite:]
                ]
                ended = [p for p in found if p.number not in closed]
            else:
                ended = [p for p in found if p.number not in closed and p.end <= b]
            if ended:
                closed.update(p.number for p in ended)
                parts.append(_note_links(ended))
        if "".join(parts).strip():
            html.append(f"<p>{''.join(parts)}</p>")
    notes = "".join(_note(text, p, record_href, source_id) for p in found)
    return Article(
        body=Markup("\n".join(html)),
        notes=Markup(f'<ol class="vz-notes">{notes}</ol>' if found else ""),
        passages=len(found),
    )


def context_bounds(
    text: str, start: int, end: int, context_start: int | None, context_end: int | None
) -> tuple[int, int]:
    """The sentence(s) around ``text[start:end]``: the release's bounds, else computed."""
    if context_start is not None and context_end is not None:
        return context_start, context_end
    return sentence_bounds(text, start, end)


def context_html(sentence: str, start: int, end: int) -> Markup:
    """`sentence` with ``sentence[start:end]`` (the quote) in a ``<mark>``."""
    return Markup(
        f"{escape(sentence[:start])}<mark>{escape(sentence[start:end])}</mark>"
        f"{escape(sentence[end:])}"
    )
