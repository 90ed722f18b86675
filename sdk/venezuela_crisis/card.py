"""One row read on its own: its key facts, evidence counts and quotes with their origins.

What ``repr(row)``, ``str(row)`` and ``row._repr_html_()`` show for the SDK's rows (records,
citations, timeline entries, disputed points), and what ``vzcrisis actor`` and ``vzcrisis
disputed`` print. Review hashes and offsets stay out (``row.model_dump()`` has everything).
"""

from __future__ import annotations

import html
from typing import Any

from .display import Names, cell, counts, story_order, wrap

SKIP = frozenset(
    {
        "citations",
        "review",
        "disputes",
        "source_count",
        "origin_count",
        "disputed",
        "date_precision",
        "published_precision",
        "sha256",
        "context_start",
        "context_end",
        "context_text",
        "char_start",
        "char_end",
        "dispute",
        "versions",
    }
)
"""Fields not listed among a row's facts: shown in its header or quotes, or bookkeeping."""


def heading(row: Any) -> str:
    """ "Demand maduro-amnesty-family · 3 sources, 1 origin · disputed: amnesty-beneficiaries"."""
    parts = [f"{type(row).__name__} {getattr(row, 'id', '')}".rstrip()]
    if counts(row):
        parts.append(counts(row))
    if getattr(row, "disputes", None):
        parts.append("disputed: " + ", ".join(row.disputes))
    return " · ".join(parts)


def facts(row: Any, names: Names | None = None) -> list[tuple[str, str]]:
    """(label, text) of every non-empty field worth reading, in story order; the review as one
    line (decision, reviewer, date, note), without its hash."""
    out: list[tuple[str, str]] = []
    for field in story_order(type(row)):
        value = getattr(row, field, None)
        if field in SKIP or field == "id" or value is None or value == "" or value == []:
            continue
        if field == "text" and type(row).__name__ == "Source":
            text = f"{len(value):,} characters (row.text)"
        else:
            text = cell(row, field, names)
        out.append((field.replace("_", " "), text))
    if type(row).__name__ == "DisputedPoint":
        out.append(("summary", row.dispute.summary))
        out.append(("versions", ", ".join(v.id for v in row.versions)))
    review = getattr(row, "review", None)
    if review is not None:
        decided = " ".join(
            x for x in (review.status.value, "by", review.reviewer or "?", cell(review, "date"))
        )
        out.append(("review", decided + (f": {review.note}" if review.note else "")))
    return out


def credit(evidence: Any) -> str:
    """Where a quote comes from: "— Reuters, via Curaçao Chronicle (src-556babef); upstream:
    three of the sources"."""
    source = getattr(evidence, "source", None) or getattr(evidence, "source_id", "")
    via = f", via {evidence.publisher}" if getattr(evidence, "publisher", None) else ""
    attribution = getattr(evidence, "attribution", None)
    kind = getattr(attribution, "value", attribution)
    if kind == "own":  # the origin is the article itself: "src-1234abcd (own writing)"
        return f"— {evidence.origin or source}{via}"
    how = f"; {kind}" if kind else ""
    if kind and evidence.attributed_to:
        how += f": {evidence.attributed_to}"
    return f"— {evidence.origin or '?'}{via} ({source}){how}"


def quotes(row: Any) -> list[tuple[str, str]]:
    """(quote, credit) of each of the row's citations."""
    return [(c.quote, credit(c)) for c in getattr(row, "citations", None) or []]


def card_text(row: Any, names: Names | None = None, width: int = 100) -> str:
    """The row as text: heading, facts in two columns, then each quote and its credit."""
    lines = [heading(row)]
    pairs = facts(row, names)
    pad = max((len(k) for k, _ in pairs), default=0) + 2
    for key, text in pairs:
        wrapped = wrap(text, max(width - pad - 2, 20))
        lines.append("  " + key.ljust(pad) + wrapped[0])
        lines += [" " * (pad + 2) + more for more in wrapped[1:]]
    found = quotes(row)
    if found:
        lines.append(f"  quotes ({len(found)})")
    for quote, by in found:
        lines += ["    " + x for x in wrap(f"“{quote}”", width - 4)]
        lines += ["      " + x for x in wrap(by, width - 6)]
    for i, version in enumerate(getattr(row, "versions", None) or [], 1):
        inner = card_text(version, names, width - 4).splitlines()
        lines += [f"  version {i}: {inner[0]}", *("  " + x for x in inner[1:])]
    return "\n".join(lines)


def card_html(row: Any, names: Names | None = None) -> str:
    """The row as HTML: heading, a table of facts, the quotes with their credits."""
    esc = html.escape
    facts_html = "".join(
        f'<tr><th style="text-align:left">{esc(k)}</th><td>{esc(v)}</td></tr>'
        for k, v in facts(row, names)
    )
    quote_html = "".join(
        f"<li><q>{esc(q)}</q><br><small>{esc(by)}</small></li>" for q, by in quotes(row)
    )
    versions = "".join(
        f"<li>{card_html(v, names)}</li>" for v in getattr(row, "versions", None) or []
    )
    return (
        f"<div><p><b>{esc(heading(row))}</b></p><table>{facts_html}</table>"
        + (f"<p>quotes</p><ul>{quote_html}</ul>" if quote_html else "")
        + (f"<p>versions</p><ol>{versions}</ol>" if versions else "")
        + "</div>"
    )


def side_by_side(point: Any, names: Names | None = None, width: int = 80) -> str:
    """A disputed point: its question and summary, then its versions in columns (as many as
    fit at `width`, at least 24 characters each), each with its text, counts and quotes."""
    lines = wrap(f"{point.id}: {point.question}", width)
    lines += ["  " + x for x in wrap(point.dispute.summary, width - 2)]
    versions = list(point.versions)
    per = max(1, min(len(versions), (width + 3) // 27))
    for start in range(0, len(versions), per):
        chunk = versions[start : start + per]
        col = (width - 3 * (len(chunk) - 1)) // len(chunk)
        blocks = [_version_block(v, names, col) for v in chunk]
        height = max(len(b) for b in blocks)
        lines.append("")
        for j in range(height):
            cells = [(b[j] if j < len(b) else "").ljust(col) for b in blocks]
            lines.append(" │ ".join(cells).rstrip())
    return "\n".join(lines)


def _version_block(row: Any, names: Names | None, width: int) -> list[str]:
    out = wrap(f"{type(row).__name__} {row.id}", width)
    out += wrap(counts(row), width)
    text = next(
        (getattr(row, f) for f in ("text", "summary", "description", "name") if hasattr(row, f)),
        "",
    )
    out += ["─" * width, *wrap(str(text), width)]
    for quote, by in quotes(row):
        out += ["", *wrap(f"“{quote}”", width), *wrap(by, width)]
    return out
