"""What a table page shows, and the CSV a spreadsheet opens cleanly (the ``.spreadsheet`` export).

Table pages (``_vz_table.html``) show the record's one-line statement right after its id, and
leave out, until the reader asks for all columns (``?_vz_cols=all``), the review record, file
hashes, curators' notes and precision columns (``cells.HIDDEN``) and the columns empty on the
page (``sanctions`` without dates). The export leaves out the review record and file hashes only
(``cells.CURATION``).

Datasette's CSV writes lists of ids as JSON (``["nicolas-maduro", "maduro-government"]``), its
own ``.csv`` cannot be replaced in 0.65, and ``register_output_renderer`` extensions are
``\\w+``: the export is ``<table>.spreadsheet`` (and ``<query>.spreadsheet``), served as
``venezuela-crisis-<table>.csv``. Each reference column keeps its ids (several joined with
"; ") and gains ``<column>_label`` with the names, as Datasette's "expand labels" does for
single references; other lists are joined with "; " (a quantity by its verbatim text), 0/1
booleans read yes/no; numbers and ISO dates stay as they are, so a spreadsheet can sort and
sum them. UTF-8 with a byte-order mark, so Excel reads "Nicolás" right.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlencode

from datasette.app import Datasette
from datasette.utils import path_with_added_args, path_with_removed_args, to_css_class
from markupsafe import Markup, escape

from . import cells

EXTENSION = "spreadsheet"
"""``/venezuela-crisis/demands.spreadsheet``: the export's URL extension."""

ALL_COLUMNS = "_vz_cols"
"""Query-string argument (``=all``) asking a table page or export for every column."""

BOM = "\ufeff"
"""Byte-order mark: Excel reads a CSV without one in the system's legacy encoding."""


def wants_all(request: Any) -> bool:
    """True when the reader asked for every column, or chose columns with ``_col``."""
    args = request.args
    return args.get(ALL_COLUMNS) == "all" or bool(args.getlist("_col"))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == "[]"


def table_view(
    table: str, display_columns: list[dict[str, Any]], display_rows: list[Any], request: Any
) -> dict[str, Any]:
    """Which of Datasette's display columns a table page shows, in which order.

    ``order``: indexes into ``display_columns`` (and each row's cells): the id (link column),
    the table's lead column, then the others in table order, less the ``hidden`` (review,
    hashes) and ``empty`` ones (no value on this page) unless the reader asked for all.
    ``all_url`` shows them, ``fewer_url`` hides them again; ``body()`` the rows (``rows_html``)."""
    names = [c["name"] for c in display_columns]
    lead = cells.LEAD_COLUMNS.get(table)
    order = list(range(len(names)))
    if lead in names and names.index(lead) > 1:
        order.remove(names.index(lead))
        order.insert(1, names.index(lead))
    everything = wants_all(request)
    hidden: list[str] = []
    empty: list[str] = []
    if not everything:
        internal = set(cells.HIDDEN.get(table, ()))
        hidden = [n for n in names if n in internal]
        rows = [row.cells for row in display_rows]
        empty = [
            n
            for i, n in enumerate(names)
            if i > 0 and n not in internal and rows and all(_empty(r[i]["raw"]) for r in rows)
        ]
        order = [i for i in order if names[i] not in hidden and names[i] not in empty]
    return {
        "order": order,
        "lead": lead,
        "body": lambda: rows_html(display_rows, order, lead),
        "hidden": hidden,
        "empty": empty,
        "all_url": path_with_added_args(request, {ALL_COLUMNS: "all"}),
        "fewer_url": path_with_removed_args(request, {ALL_COLUMNS: "all"})
        if request.args.get(ALL_COLUMNS)
        else None,
    }


def rows_html(display_rows: list[Any], order: list[int], lead: str | None) -> Markup:
    """The ``<tr>`` of every row: the cells `order` picks, as Datasette 0.65's ``_table.html``
    writes them (``col-<column> type-<value type>``, the lead column marked ``vz-lead-col``).
    Written here rather than in Jinja: a page of 100 rows of 19 columns rendered cell by cell
    in the async template took ~20 ms of a ~45 ms page."""
    columns: dict[str, tuple[str, str]] = {}
    out: list[str] = []
    for row in display_rows:
        out.append("<tr>")
        for i in order:
            cell = row.cells[i]
            column = cell["column"]
            if column not in columns:
                lead_class = " vz-lead-col" if column == lead else ""
                columns[column] = (f"col-{escape(to_css_class(column))}", lead_class)
            css, lead_class = columns[column]
            kind, value = escape(cell["value_type"]), cell["value"]
            text = value if isinstance(value, Markup) else escape(value)  # Markup is kept as is
            out.append(f'<td class="{css} type-{kind}{lead_class}">{text}</td>')
        out.append("</tr>\n")
    return Markup("".join(out))


async def more_pages(
    datasette: Datasette, request: Any, next_token: str | None
) -> AsyncIterator[list[dict[str, Any]]]:
    """The table's rows after the first page, page by page (Datasette's JSON, ``_next``)."""
    path = request.path.rsplit(".", 1)[0] + ".json"
    args = [
        (k, v) for k in request.args if k not in ("_next", "_size")
        for v in request.args.getlist(k)
    ]  # fmt: skip
    while next_token:
        query = urlencode([*args, ("_size", "max"), ("_next", next_token), ("_labels", "on")])
        response = await datasette.client.get(f"{path}?{query}")
        data = response.json()
        # rows are lists, or objects when labels are expanded
        columns = data["columns"]
        yield [
            r if isinstance(r, dict) else dict(zip(columns, r, strict=True)) for r in data["rows"]
        ]
        next_token = data.get("next")


def _ids_and_labels(datasette: Datasette, target: str, value: Any) -> tuple[str, str]:
    """A reference cell (a JSON list of ids, one id, or Datasette's {value, label}) as its ids
    and their labels, each joined with "; "."""
    if isinstance(value, dict):
        return str(value.get("value") or ""), str(value.get("label") or "")
    ids = cells.json_list(value)
    if ids is None:
        ids = [] if value is None else [str(value)]
    ids = [str(i) for i in ids]
    labels = cells.labels_for(datasette).get(target, ids)
    return cells.SEPARATOR.join(ids), cells.SEPARATOR.join(labels.get(i, i) for i in ids)


def _plain(table: str | None, column: str, value: Any) -> Any:
    """A cell that is not a reference, as a spreadsheet reads it."""
    if isinstance(value, dict):  # an expanded foreign key the caller did not expect
        value = value.get("value")
    boolean = (table, column) in cells.BOOLEANS if table else column in _BOOLEAN_NAMES
    if boolean and (yes := cells.yes_no(value)) is not None:
        return yes
    items = cells.json_list(value)
    if items is not None:
        return cells.SEPARATOR.join(map(cells.item_text, items))
    return "" if value is None else value


_BOOLEAN_NAMES = frozenset(column for _, column in cells.BOOLEANS)


def _targets(table: str | None) -> dict[str, str]:
    """Reference column → referenced table, for a table's columns (none for a query)."""
    if table is None:
        return {}
    found = {c: t for (tb, c), t in cells.LIST_TARGETS.items() if tb == table}
    return found | {c: t for (tb, c), t in cells.SINGLE_TARGETS.items() if tb == table}


class Sheet:
    """A spreadsheet CSV being written (module docstring): the header from `columns`, then rows
    added page by page. Rows are sqlite3 rows or dicts; `table` is None for a query's results.
    ``chars`` tells how big it has grown, so a caller can stop before it is too big."""

    def __init__(
        self, datasette: Datasette, table: str | None, columns: list[str], all_columns: bool
    ) -> None:
        skip = set() if all_columns or table is None else set(cells.CURATION.get(table, ()))
        self._datasette = datasette
        self._table = table
        self._columns = columns
        self._kept = [c for c in columns if c not in skip]
        self._targets = _targets(table)
        self._out = io.StringIO()
        self._writer = csv.writer(self._out, lineterminator="\r\n")
        header: list[str] = []
        for column in self._kept:
            header += [column, f"{column}_label"] if column in self._targets else [column]
        self._writer.writerow(header)

    def add(self, rows: Iterable[Any]) -> None:
        for row in rows:
            record = row if isinstance(row, dict) else dict(zip(self._columns, row, strict=True))
            line: list[Any] = []
            for column in self._kept:
                value = record.get(column)
                if column in self._targets:
                    line += _ids_and_labels(self._datasette, self._targets[column], value)
                else:
                    line.append(_plain(self._table, column, value))
            self._writer.writerow(line)

    @property
    def chars(self) -> int:
        """Characters written so far."""
        return self._out.tell()

    def text(self) -> str:
        """The CSV, with its byte-order mark."""
        return BOM + self._out.getvalue()


def sheet_csv(
    datasette: Datasette,
    table: str | None,
    columns: list[str],
    rows: list[Any],
    all_columns: bool = False,
) -> str:
    """`rows` as a spreadsheet CSV (`Sheet`), with its byte-order mark."""
    sheet = Sheet(datasette, table, columns, all_columns)
    sheet.add(rows)
    return sheet.text()
