"""Datasette plugin (loaded with ``--plugins-dir``): table pages and query results a reader reads.

* ``render_cell``: on table and row pages, lists of ids show as the linked names of the rows
  they reference (an empty list as a blank), booleans as yes/no, dollar amounts as
  ``$50,000,000``, dates at their precision (``2013`` for a year), other lists joined with
  "; ", quotes whole. In query results (canned queries and SQL), ids are links: a column named
  after a table (``demand``, ``dispute``, ``source_id``, ``response_event``…), ``id``,
  ``version`` or ``record_id`` next to ``record_table``, and names next to their ids (``actor``
  with ``actor_id``); quotes and evidence are never cut at ``truncate_cells_html``.
* ``extra_template_vars``: table pages get ``vz_table_view(...)``, which columns to show and in
  which order (``sheet.table_view``), for the ``_vz_table.html`` template.
* ``register_output_renderer``: the ``.spreadsheet`` export, a CSV a spreadsheet opens cleanly
  (``sheet``): every row of a table (not one page), names beside ids, lists joined with "; ",
  yes/no, UTF-8 with a byte-order mark.
"""

from __future__ import annotations

from typing import Any

from datasette import Response, hookimpl
from datasette.app import Datasette
from datasette.utils import tilde_encode
from markupsafe import Markup, escape
from venezuela_crisis.models import TABLES
from vzcrisis.site import cells, sheet
from vzcrisis.site.sqlite import DB_NAME

BLANK = Markup("&nbsp;")
"""An empty cell (Datasette shows a plugin's empty string as the raw value, so not '')."""

BOOLEAN_NAMES = frozenset(column for _, column in cells.BOOLEANS)
"""Query columns read as yes/no (``disputed``)."""


def _link(base: str, i: str, text: str, whole: str | None = None) -> str:
    """One link to row `i` (its id tilde-encoded, as Datasette's own row links); `whole` (a
    label `text` shortens) as its tooltip."""
    title = f' title="{escape(whole)}"' if whole and whole != text else ""
    return f'<a href="{base}/{escape(tilde_encode(i))}"{title}>{escape(text)}</a>'


def _links(datasette: Datasette, target: str, ids: list[str], named: bool) -> Markup:
    """Links to the rows `ids` of `target`, named by their labels (`named`, shortened to
    ``cells.SHORT``) or by their ids; an id that is not a row of `target` stays plain text."""
    labels = cells.labels_for(datasette).get(target, ids)
    base = str(escape(datasette.urls.table(DB_NAME, target)))
    # str.join of escaped parts: Markup.format costs ~10x more, on ~300 cells per page
    parts = [
        (_link(base, i, cells.short(labels[i]), labels[i]) if named else _link(base, i, i))
        if i in labels
        else str(escape(i))
        for i in ids
    ]
    return Markup(", ".join(parts) if named else cells.SEPARATOR.join(parts))


def _named_links(datasette: Datasette, target: str, names: list[str], ids: list[str]) -> Markup:
    """`names` linked to the rows `ids` of `target` (same order), ids that are no row unlinked."""
    known = cells.labels_for(datasette).get(target, ids)
    base = escape(datasette.urls.table(DB_NAME, target))
    parts = [
        _link(base, i, n) if i in known else str(escape(n)) for n, i in zip(names, ids, strict=True)
    ]
    return Markup(cells.SEPARATOR.join(parts))


def _whole(value: str) -> Markup:
    """A quote (or quotes, one per line) in full, escaped."""
    return Markup("<br>".join(str(escape(line)) for line in value.split("\n")))


def _table_cell(row: Any, value: Any, column: str, table: str, datasette: Datasette) -> Any:
    key = (table, column)
    if key in cells.LIST_TARGETS:
        ids = cells.json_list(value)
        if ids is None or not all(isinstance(i, str) for i in ids):
            return None
        return _links(datasette, cells.LIST_TARGETS[key], ids, named=True) if ids else BLANK
    if key in cells.SINGLE_TARGETS:
        # a table page expands a foreign key to {"value", "label"}; a row page leaves the id
        target = cells.SINGLE_TARGETS[key]
        if isinstance(value, dict) and value.get("value") and value.get("label"):
            base = str(escape(datasette.urls.table(DB_NAME, target)))
            label = str(value["label"])
            return Markup(_link(base, str(value["value"]), cells.short(label), label))
        return _links(datasette, target, [value], named=True) if isinstance(value, str) else None
    if column == "record_id" and isinstance(value, str):
        target = cells.sibling(row, cells.RECORD_TABLE)
        return _links(datasette, target, [value], named=False) if target in TABLES else None
    if key in cells.BOOLEANS:
        return cells.yes_no(value)
    if key in cells.AMOUNTS and isinstance(value, int):
        return cells.dollars(value)
    if key in cells.DATES and isinstance(value, str):
        precision = cells.sibling(row, cells.PRECISIONS[key]) if key in cells.PRECISIONS else None
        *words, date = cells.shown_date(value, precision).split(" ")
        return Markup(" ".join([*words, f'<span class="vz-date">{escape(date)}</span>']))
    if column in cells.QUOTE_COLUMNS and isinstance(value, str):
        return _whole(value)
    if key in cells.CODES and isinstance(value, str) and "_" in value:
        return Markup("_<wbr>".join(str(escape(part)) for part in value.split("_")))
    items = cells.json_list(value)
    if items is None:
        return None
    return cells.SEPARATOR.join(map(cells.item_text, items)) if items else BLANK


def _query_cell(row: Any, value: Any, column: str, datasette: Datasette) -> Any:
    if column in cells.QUOTE_COLUMNS and isinstance(value, str):
        return _whole(value)
    if column in BOOLEAN_NAMES:
        return cells.yes_no(value)
    how = cells.query_links(column, row)
    if how is None or not isinstance(value, str) or not value:
        return None
    target, id_column = how
    if id_column is None:
        return _links(datasette, target, cells.split_ids(value), named=False)
    names = cells.split_ids(value)
    ids = cells.split_ids(cells.sibling(row, id_column))
    if len(names) != len(ids):
        return None
    return _named_links(datasette, target, names, ids)


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Datasette
) -> Any:
    """A cell as a reader reads it (module docstring); None leaves it to Datasette."""
    if database != DB_NAME:
        return None
    if table is None:
        return _query_cell(row, value, column, datasette)
    return _table_cell(row, value, column, table, datasette)


@hookimpl
def extra_template_vars(view_name: str, database: str | None, table: str | None) -> Any:
    if view_name != "table" or database != DB_NAME or table not in cells.TABLES_AND_LINKS:
        return {}
    return {"vz_table_view": sheet.table_view}


def _can_render(database: str, view_name: str) -> bool:
    return database == DB_NAME and view_name != "row"


async def _render(
    datasette: Datasette,
    request: Any,
    columns: list[str],
    rows: list[Any],
    table: str | None,
    data: dict[str, Any],
) -> Response:
    """The rows of the page's query as a spreadsheet CSV (``sheet``): for a table, every row
    the page's filters keep, read page by page, up to ``max_csv_mb``."""
    limit = datasette.setting("max_csv_mb") * 1024 * 1024
    out = sheet.Sheet(datasette, table, columns, all_columns=sheet.wants_all(request))
    out.add(rows)
    if table is not None:
        async for page in sheet.more_pages(datasette, request, data.get("next")):
            out.add(page)
            if limit and out.chars > limit:
                message = "More than max_csv_mb of CSV: narrow the rows with a filter or a facet."
                return Response.text(message, status=400)
    name = table or data.get("query_name") or "query"
    return Response(
        out.text(),
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{DB_NAME}-{name}.csv"'},
    )


@hookimpl
def register_output_renderer(datasette: Datasette) -> dict[str, Any]:
    return {"extension": sheet.EXTENSION, "render": _render, "can_render": _can_render}
