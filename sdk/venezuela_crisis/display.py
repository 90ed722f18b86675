"""How rows read: dates at their precision, actor names beside ids, evidence counts, quotes
with their origins, aligned text tables that wrap at word boundaries, and HTML.

One place for every display: ``Results`` reprs (text and notebook HTML), a single row's repr,
and the ``vzcrisis`` tables. Nothing here changes data: `Results.to_dicts`, ``to_arrow``,
``to_pandas`` and CSV keep the stored values (ISO dates, ids). Importing this module imports
neither pydantic nor the data model.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

Names = Mapping[str, str]
"""Actor id -> canonical name (the client's actor index)."""

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

PREVIEW: dict[str, tuple[str, ...]] = {
    "Source": ("id", "origin", "publisher", "published", "title"),
    "Actor": ("id", "name", "kind", "country", "source_count", "origin_count"),
    "Event": ("id", "date", "type", "actors", "source_count", "origin_count", "summary"),
    "Demand": ("id", "by", "category", "status", "source_count", "origin_count", "text"),
    "Sanction": (
        "id",
        "date",
        "kind",
        "targets",
        "status",
        "source_count",
        "origin_count",
        "description",
    ),
    "Dispute": ("id", "source_count", "origin_count", "question"),
    "Citation": ("record_id", "source_id", "origin", "quote"),
    "TimelineEntry": ("date", "table", "id", "kind", "source_count", "origin_count", "text"),
    "DisputedPoint": ("id", "versions", "question"),
}
"""Columns shown by reprs, notebooks and the CLI table format, per row class; the last one is
the row's long text (shown under the row in narrow tables)."""

LONG_TEXT = frozenset({"summary", "text", "description", "question", "quote", "title"})
"""Columns holding a sentence or more: a narrow table prints them under their row."""

LABELS = {"source_count": "sources", "origin_count": "origins", "date_precision": "precision"}
"""Column headers that differ from the field name."""

NUMERIC = frozenset({"source_count", "origin_count", "amount_usd", "char_start", "char_end"})

PRECISION = {"date": "date_precision", "published": "published_precision"}
"""Date field -> the field holding its precision."""

WHO = ("name", "by", "actors", "imposed_by", "addressed_to", "recipients", "targets")
WHAT = ("kind", "type", "category", "question", "text", "summary", "description", "title")
STORY = (
    "id",
    *WHO,
    "beneficiaries",
    "origin",
    "publisher",
    *WHAT,
    "amount_usd",
    "status",
    "date",
    "date_precision",
    "end_date",
    "published",
    "published_precision",
    "source_count",
    "origin_count",
    "disputed",
)
"""Story order of a record's columns: id, who, what, outcome, date, evidence counts; the other
columns follow in the model's order, then `LAST`."""
LAST = ("citations", "disputes", "review")


def label(column: str) -> str:
    """A column's header."""
    return LABELS.get(column, column)


def preview_columns(model: type[Any]) -> tuple[str, ...]:
    """The columns to show for rows of `model` (its first five fields when not listed)."""
    for cls in model.__mro__:
        if cls.__name__ in PREVIEW:
            return PREVIEW[cls.__name__]
    return tuple(model.model_fields)[:5]


def story_order(model: type[Any]) -> list[str]:
    """`model`'s fields in story order (records only: other rows keep their own order)."""
    fields = list(model.model_fields)
    if "review" not in fields:
        return fields
    first = [f for f in STORY if f in fields]
    last = [f for f in LAST if f in fields]
    return first + [f for f in fields if f not in first and f not in last] + last


def actor_fields(model: type[Any]) -> frozenset[str]:
    """Fields of `model` holding actor ids (marked ``x-references: actors``)."""
    out = set()
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("x-references") == "actors":
            out.add(name)
    return frozenset(out)


# -- values ------------------------------------------------------------------------------
def format_date(value: Any, precision: Any = None) -> str:
    """A date as precise as it is known: "2013" (year), "Sep 2025" (month), "week of 24 Nov
    2025", "approx. 1 Sep 2025", "21 Nov 2025" (day); "" for None. Takes dates or ISO text."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        return str(value)
    kind = precision.value if isinstance(precision, Enum) else precision
    day = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if kind == "year":
        return str(value.year)
    if kind == "month":
        return f"{MONTHS[value.month - 1]} {value.year}"
    if kind == "week":
        return f"week of {day}"
    if kind == "approximate":
        return f"approx. {day}"
    return day


def plain(value: Any) -> str:
    """One line of text for a scalar, an enum, a list or a nested row (its id)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, list | tuple):
        return ", ".join(plain(getattr(v, "id", v)) for v in value)
    if hasattr(value, "model_fields"):
        return plain(getattr(value, "id", None) or _quantity(value) or str(value))
    return " ".join(str(value).split())


def _quantity(value: Any) -> str | None:
    text, unit = getattr(value, "text", None), getattr(value, "unit", None)
    return f"{text} ({unit})" if text and unit else None


def actors(ids: Any, names: Names | None, with_ids: bool = True) -> str:
    """Actor ids as names: "Nicolás Maduro (nicolas-maduro), …"; ids alone without names."""
    items = [ids] if isinstance(ids, str) else list(ids or ())
    out = []
    for actor_id in items:
        name = names.get(actor_id) if names else None
        if name is None:
            out.append(actor_id)
        else:
            out.append(f"{name} ({actor_id})" if with_ids else name)
    return ", ".join(out)


def cell(row: Any, column: str, names: Names | None = None, with_ids: bool = True) -> str:
    """The display text of `row`'s `column`: dates at their precision, actor names."""
    value = getattr(row, column, None)
    if column in PRECISION:
        return format_date(value, getattr(row, PRECISION[column], None))
    if column in actor_fields(type(row)) or (column == "actors" and isinstance(value, list)):
        return actors(value, names, with_ids)
    if column == "amount_usd" and isinstance(value, int):
        return f"{value:,}"
    return plain(value)


def counts(row: Any) -> str:
    """ "3 sources, 1 origin" for a row with evidence counts; "" otherwise."""
    if not hasattr(row, "origin_count"):
        return ""
    s, o = int(getattr(row, "source_count", 0)), int(row.origin_count)
    return f"{s} source{'' if s == 1 else 's'}, {o} origin{'' if o == 1 else 's'}"


# -- text tables -------------------------------------------------------------------------
_PIECE = re.compile(r"[^-_/]*[-_/]+|[^-_/]+")


def wrap(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """`text` in lines of at most `width`, broken at spaces; a word longer than a line breaks
    after - _ or / (mid-word only when a piece alone is too long); past `max_lines`, cut at a
    word boundary with "…"."""
    text = " ".join(text.split())
    width = max(width, 2)
    if len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        sep = " " if line else ""
        if len(line) + len(sep) + len(word) <= width:
            line += sep + word
            continue
        if len(word) <= width:  # a word that fits a line of its own is not broken
            lines.append(line)
            line = word
            continue
        for p, piece in enumerate(_PIECE.findall(word) or [word]):
            glue = sep if p == 0 else ""
            if len(line) + len(glue) + len(piece) <= width:
                line += glue + piece
                continue
            if line:
                lines.append(line)
            line = piece
            while len(line) > width:
                lines.append(line[:width])
                line = line[width:]
    if line:
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _cut(lines[-1], width)
    return lines


def _cut(line: str, width: int) -> str:
    """`line` with "…" appended, shortened at a word boundary to fit `width`."""
    if len(line) + 1 > width:
        line = line[: width - 1]
        at = max(line.rfind(" "), *(line.rfind(c) for c in "-_/"))
        if at > 0:
            line = line[: at + 1]
    return line.rstrip(" ") + "…"


def shorten(text: str, width: int) -> str:
    """`text` on one line of at most `width`, cut at a word boundary with "…"."""
    return wrap(text, width, 1)[0]


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int | None = None,
    *,
    max_lines: int | None = 3,
    keep: Sequence[int] = (),
    whole: Sequence[int] = (),
    right: Sequence[int] = (),
    under: Sequence[str] | None = None,
) -> list[str]:
    """An aligned table: columns two spaces apart, a rule under the headers.

    With `width`, the widest columns narrow until the table fits and cells wrap at word
    boundaries, cut with "…" past `max_lines` (columns in `keep`, e.g. ids and actors, are
    never cut; columns in `whole` narrow last, e.g. ids).
    `under` gives each row a text printed beneath it, indented, on at most two lines; rows are
    then separated by a blank line. Without `width` nothing wraps or is cut.
    """
    n = len(headers)
    widths = [max([len(headers[i])] + [len(r[i]) for r in rows]) for i in range(n)]
    if width is not None:
        piece = [max([_longest_piece(r[i]) for r in rows], default=0) for i in range(n)]
        kept = [min(widths[i], 40 if i in whole else 20) for i in range(n)]
        soft = [kept[i] if i in keep else max(8, min(piece[i], 14)) for i in range(n)]
        hard = [min(piece[i], 16 if i in keep else 12) for i in range(n)]
        least = [hard[i] if i in keep else 4 for i in range(n)]
        # readable first (ids whole, words unbroken), then make the table fit: with many
        # columns headers wrap too, and kept columns narrow last
        for floors in (soft, hard):
            _narrow(
                widths,
                [max(len(headers[i]), min(f, widths[i])) for i, f in enumerate(floors)],
                width,
            )
        for floors in (least, [4] * n):
            _narrow(widths, [min(f, w) for f, w in zip(floors, widths, strict=True)], width)

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    heads = [wrap(h, widths[i]) if width is not None else [h] for i, h in enumerate(headers)]
    out = [line([h[j] if j < len(h) else "" for h in heads]) for j in range(max(map(len, heads)))]
    out.append(line(["─" * w for w in widths]))
    for k, row in enumerate(rows):
        limit = max_lines if width is not None else None
        wrapped = [
            wrap(row[i], widths[i], None if i in keep else limit) if width is not None else [row[i]]
            for i in range(n)
        ]
        height = max(len(c) for c in wrapped)
        if under is not None and k:
            out.append("")
        for j in range(height):
            out.append(line([c[j] if j < len(c) else "" for c in wrapped]))
        if under is not None and under[k]:
            room = (width or 10_000) - 4
            out += ["    " + text for text in wrap(under[k], room, 2 if width else None)]
    return out


def _longest_piece(text: str) -> int:
    return max((len(p) for word in text.split() for p in _PIECE.findall(word)), default=0)


def _narrow(widths: list[int], floors: list[int], width: int) -> None:
    """Narrow the widest columns (not below `floors`) until the table fits `width`."""
    total = sum(widths) + 2 * (len(widths) - 1)
    while total > width:
        wide = [i for i in range(len(widths)) if widths[i] > floors[i]]
        if not wide:
            return
        widths[max(wide, key=lambda i: widths[i])] -= 1
        total -= 1


def results_table(
    results: Any,
    names: Names | None,
    width: int | None = 100,
    *,
    limit: int | None = None,
    with_ids: bool = True,
) -> list[str]:
    """The rows of `results` as a text table: narrow (`width`) puts the long text under each
    row; at most `limit` rows."""
    cols = list(preview_columns(results.model))
    n = len(results) if limit is None else min(len(results), limit)
    shown = [results[i] for i in range(n)]
    beneath = width is not None and cols[-1] in LONG_TEXT
    table_cols = cols[:-1] if beneath else cols
    rows = [[cell(r, c, names, with_ids) for c in table_cols] for r in shown]
    under = [cell(r, cols[-1]) for r in shown] if beneath else None
    who = actor_fields(results.model) | {"actors"}
    whole = [i for i, c in enumerate(table_cols) if c in ("id", "record_id")]
    keep = whole + [i for i, c in enumerate(table_cols) if c in who]
    right = [i for i, c in enumerate(table_cols) if c in NUMERIC]
    headers = [label(c) for c in table_cols]
    return text_table(headers, rows, width, keep=keep, whole=whole, right=right, under=under)


def title(results: Any) -> str:
    n = len(results)
    return (
        f"Results[{results.model.__name__}]: {n} row{'s' if n != 1 else ''} "
        f"from venezuela-crisis {results.version}"
    )


def more(total: int, shown: int) -> str:
    """The line saying how many rows a preview hides ("" when none)."""
    hidden = total - shown
    if hidden <= 0:
        return ""
    return f"… {hidden} more row{'s' if hidden != 1 else ''} ({total} in all)"


def results_text(results: Any, names: Names | None, limit: int) -> str:
    """``repr(results)``: title, the first `limit` rows, how many more."""
    lines = [title(results)]
    if len(results):
        lines += ["  " + x if x else "" for x in results_table(results, names, 118, limit=limit)]
    hidden = more(len(results), limit)
    return "\n".join(lines + (["  " + hidden] if hidden else []))


def results_html(results: Any, names: Names | None, limit: int) -> str:
    """``results._repr_html_()``: a table of the first `limit` rows (names beside actor ids,
    dates at their precision, evidence counts), the total and how many rows are hidden."""
    cols = preview_columns(results.model)
    who = actor_fields(results.model) | {"actors"}
    head = "".join(f"<th>{html.escape(label(c))}</th>" for c in cols)
    body = []
    for i in range(min(len(results), limit)):
        row = results[i]
        tds = []
        for c in cols:
            if c in who and isinstance(getattr(row, c, None), list):
                text = ", ".join(_actor_html(a, names) for a in getattr(row, c))
            else:
                text = html.escape(shorten(cell(row, c), 300))
            align = ' style="text-align:right"' if c in NUMERIC else ""
            tds.append(f"<td{align}>{text}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    hidden = more(len(results), limit)
    foot = f"<p>{html.escape(hidden)}</p>" if hidden else ""
    return (
        f"<p><b>{html.escape(title(results))}</b></p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{foot}"
    )


def _actor_html(actor_id: str, names: Names | None) -> str:
    name = names.get(actor_id) if names else None
    if name is None:
        return f"<code>{html.escape(actor_id)}</code>"
    return f"{html.escape(name)} <small><code>{html.escape(actor_id)}</code></small>"
