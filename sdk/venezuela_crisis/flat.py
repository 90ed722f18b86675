"""Flat tables: rows of plain text cells for CSV and spreadsheets, with no nested JSON.

The one definition of "flat", used by `Results.to_csv` and every ``vzcrisis --format csv``:

* lists of values are joined with ``"; "`` (``by`` = ``nicolas-maduro; maduro-government``);
* a column of actor ids is followed by ``<column>_names`` with their canonical names;
* dates are ISO 8601 (``2025-11-21``), next to their precision column where the row has one;
  booleans are ``true``/``false``; null is an empty cell;
* a record's ``citations`` become ``citation_count``, ``citation_sources`` (distinct source
  ids) and ``citation_origins`` (distinct independent origins), in citation order;
* ``review`` becomes ``review_status``, ``review_reviewer``, ``review_date`` and
  ``review_note`` (its content hash is left out); any other nested object becomes one column
  per field (``<column>_<field>``); a list of objects is joined, each as ``field=value, …``;
* event ``quantities`` read as ``more than 75 people``; a disputed point's ``versions`` are
  their ids, with ``version_tables``.

Columns come in story order (`display.story_order`); `vc.sql` tables keep theirs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import IO, Any

from .display import Names, actor_fields, story_order

JOIN = "; "


@dataclass
class FlatTable:
    """Column names and rows of text cells, ready for `csv.writer`."""

    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def write_csv(self, target: str | os.PathLike[str] | IO[str] | None = None) -> str | None:
        """Write CSV to a path (UTF-8 with a byte-order mark, so Excel reads accents; pandas
        and polars skip it) or an open text stream; None: return the CSV text."""
        if target is None or not isinstance(target, str | os.PathLike):
            out = io.StringIO() if target is None else target
            self._write(out)
            return out.getvalue() if isinstance(out, io.StringIO) and target is None else None
        with open(target, "w", encoding="utf-8-sig", newline="") as fh:
            self._write(fh)
        return None

    def _write(self, out: IO[str]) -> None:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)


def text(value: Any) -> str:
    """One flat cell for any value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float | str):
        return str(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={text(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, list | tuple):
        return JOIN.join(_item(v) for v in value)
    return str(value)


def _item(value: Any) -> str:
    if isinstance(value, Mapping) and {"qualifier", "value", "unit"} <= value.keys():
        return f"{str(value['qualifier']).replace('_', ' ')} {value['value']} {value['unit']}"
    return text(value)


def flat_dicts(rows: list[dict[str, Any]], columns: list[str] | None = None) -> FlatTable:
    """Rows of plain dicts (e.g. ``vc.sql(...).to_pylist()``) flattened: nested objects
    become one column per field, lists are joined."""
    columns = columns if columns is not None else list(rows[0]) if rows else []
    nested = {
        c: _keys(r.get(c) for r in rows)
        for c in columns
        if any(isinstance(r.get(c), Mapping) for r in rows)
    }
    out_cols: list[str] = []
    for c in columns:
        out_cols += [f"{c}_{k}" for k in nested[c]] if c in nested else [c]
    out = FlatTable(out_cols)
    for r in rows:
        cells: list[str] = []
        for c in columns:
            value = r.get(c)
            if c in nested:
                inner = value if isinstance(value, Mapping) else {}
                cells += [text(inner.get(k)) for k in nested[c]]
            else:
                cells.append(text(value))
        out.rows.append(cells)
    return out


def _keys(values: Any) -> list[str]:
    keys: dict[str, None] = {}
    for v in values:
        if isinstance(v, Mapping):
            keys.update(dict.fromkeys(str(k) for k in v))
    return list(keys)


Column = tuple[str, Callable[[dict[str, Any], Any], Any]]
"""A flat column: its name and how to compute it from a row's JSON dict and the row."""


def _record_columns(model: type[Any], names: Names | None) -> list[Column]:
    """How each flat column of `model`'s rows is computed from a JSON row dict."""
    who = actor_fields(model)
    cols: list[Column] = []
    for name in story_order(model):
        if name == "citations":
            cols += [
                ("citation_count", lambda r, _: len(r["citations"] or [])),
                ("citation_sources", lambda r, _: _distinct(r["citations"], "source")),
                ("citation_origins", lambda r, _: _distinct(r["citations"], "origin")),
            ]
        elif name == "review":
            cols += [(f"review_{k}", _review(k)) for k in ("status", "reviewer", "date", "note")]
        elif name == "dispute":
            cols.append(("summary", lambda r, _: r["dispute"]["summary"]))
        elif name == "versions":
            cols += [
                ("versions", lambda r, _: [v["id"] for v in r["versions"]]),
                ("version_tables", lambda _, row: [_table_of(v) for v in row.versions]),
            ]
        else:
            cols.append((name, _field(name)))
            if name in who:
                cols.append((f"{name}_names", _names_of(name, names)))
    return cols


def _field(name: str) -> Callable[[dict[str, Any], Any], Any]:
    return lambda r, _: r.get(name)


def _review(key: str) -> Callable[[dict[str, Any], Any], Any]:
    return lambda r, _: (r["review"] or {}).get(key)


def _names_of(name: str, names: Names | None) -> Callable[[dict[str, Any], Any], Any]:
    return lambda r, _: [(names or {}).get(i, i) for i in r.get(name) or []]


def _distinct(citations: list[dict[str, Any]] | None, key: str) -> list[Any]:
    return list(dict.fromkeys(c.get(key) for c in citations or [] if c.get(key) is not None))


def _table_of(version: Any) -> str:
    """The table of a version row (Demand -> demands)."""
    return type(version).__name__.lower() + "s"


def flat_results(results: Any, names: Names | None = None) -> FlatTable:
    """The flat table of a `Results` (see the module docstring); `names`: actor id -> name."""
    cols = _record_columns(results.model, names)
    out = FlatTable([c for c, _ in cols])
    for row in results:
        data = row.model_dump(mode="json")
        out.rows.append([text(get(data, row)) for _, get in cols])
    return out
