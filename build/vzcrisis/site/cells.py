"""How the site shows a cell: names for ids, yes/no, dollars, dates at their precision.

Read by the plugins (``vz_facets``, ``vz_tables``) and the spreadsheet export (``sheet``).
What a column is comes from the models, never from a list of names typed here: reference
columns from ``x-references`` (lists become link tables), booleans from ``bool`` fields, amounts
from the ``_usd`` suffix of an integer field, dates from a ``<column>_precision`` sibling field.

* `Labels` looks up the readable label of the ids a page shows (never a whole table).
* `shown_date`, `dollars`, `yes_no`, `list_items` turn a stored value into what a reader reads.
* `query_links` says which ids of a canned query's row are links, from the column names the
  canned queries use (``demand``, ``dispute``, ``source_id``, ``id`` next to ``record_table``…).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from datasette.app import Datasette
from datasette.database import Database
from venezuela_crisis import catalog
from venezuela_crisis.models import TABLES
from venezuela_crisis.models.base import Review, references

from .metadata import LABEL_COLUMNS, _enum
from .sqlite import DB_NAME, _is_list, link_tables, singular

LIST_TARGETS: dict[tuple[str, str], str] = {
    (table, field): target
    for table, spec in TABLES.items()
    for field, target in references(spec.row).items()
    if _is_list(spec.row.model_fields[field].annotation)
}
"""(table, column) → referenced table, for every list of ids (``demands.by`` → actors)."""

SINGLE_TARGETS: dict[tuple[str, str], str] = {
    (table, field): target
    for table, spec in TABLES.items()
    for field, target in references(spec.row).items()
    if (table, field) not in LIST_TARGETS
}
"""(table, column) → referenced table, for single ids (``demands.made_in`` → events)."""

BOOLEANS: frozenset[tuple[str, str]] = frozenset(
    (table, field)
    for table, spec in TABLES.items()
    for field, info in spec.row.model_fields.items()
    if info.annotation is bool
)
"""Columns stored as 0/1 that mean no/yes (``disputed``)."""

CODES: frozenset[tuple[str, str]] = frozenset(
    (table, field)
    for table, spec in TABLES.items()
    for field, info in spec.row.model_fields.items()
    if _enum(info.annotation) is not None
)
"""Vocabulary columns (``demands.category``): codes like ``political_transition``, which a
table cell may wrap after an underscore."""

AMOUNT_SUFFIX = "_usd"
"""An integer field named ``…_usd`` is an amount in US dollars (``sanctions.amount_usd``)."""

AMOUNTS: frozenset[tuple[str, str]] = frozenset(
    (table, field) for table, spec in TABLES.items() for field in spec.row.model_fields
    if field.endswith(AMOUNT_SUFFIX)
)  # fmt: skip
"""Columns holding whole US dollars."""

PRECISIONS: dict[tuple[str, str], str] = {
    (table, field): f"{field}_precision"
    for table, spec in TABLES.items()
    for field in spec.row.model_fields
    if f"{field}_precision" in spec.row.model_fields
}
"""(table, date column) → the column giving its precision (``events.date`` → ``date_precision``)."""

DATES: frozenset[tuple[str, str]] = frozenset(
    (table, field)
    for table, spec in TABLES.items()
    for field, info in spec.row.model_fields.items()
    if info.annotation in (dt.date, dt.date | None)
)
"""Date columns: shown at their precision when they have one, the date on one line."""

INTERNAL_FIELDS = ("sha256", "file")
"""Fields of the integrity record, not of the story: the article file's hash and its file name
(a corpus file number)."""

NOTE_FIELDS = ("date_resolution",)
"""Curators' notes a record page shows in full: how a relative date was resolved."""

CURATION: dict[str, tuple[str, ...]] = {
    table: tuple(
        field
        for field, info in spec.row.model_fields.items()
        if info.annotation is Review or field in INTERNAL_FIELDS
    )
    for table, spec in TABLES.items()
}
"""Columns left out of table pages and spreadsheet exports unless asked for all columns: the
review record (reviewer, date, content hash), the article file's name and sha256."""

HIDDEN: dict[str, tuple[str, ...]] = {
    table: tuple(
        field
        for field in spec.row.model_fields
        if field in CURATION[table]
        or field in NOTE_FIELDS
        or field in {p for (t, _), p in PRECISIONS.items() if t == table}
    )
    for table, spec in TABLES.items()
}
"""Columns a table page leaves out until asked for all columns: `CURATION`, curators' notes and
each date's precision column (the date itself reads at its precision: '2013'). All of them are
on the record's own page; a spreadsheet keeps the notes and precisions."""

TABLES_AND_LINKS: frozenset[str] = frozenset([*TABLES, *(link.name for link in link_tables())])
"""Every table of the database: the released tables and their link tables."""

LEAD_COLUMNS: dict[str, str] = {spec.name: spec.text for spec in catalog.TABLES}
"""The column that states a record in one line, shown right after its id."""

QUOTE_COLUMNS = ("quote", "evidence")
"""Query and table columns of verbatim quotes: shown whole, never cut at
``truncate_cells_html``."""

RECORD_TABLE = "record_table"
"""A query column naming the table of the row's ``id``, ``version`` or ``record_id``."""

POLYMORPHIC_IDS = ("id", "version", "record_id")
"""Query columns holding the id of a record of the table named in ``record_table``."""

QUERY_ID_COLUMNS: dict[str, str] = {
    **{name: t for t in TABLES for name in (singular(t), f"{singular(t)}_id")},
    **{column: target for (_, column), target in SINGLE_TARGETS.items()},
}
"""Query column → table its ids belong to: ``demand``, ``dispute_id``, ``response_event``…"""

SEPARATOR = "; "
"""Joins several ids or names in one cell of a query result or a spreadsheet export."""

CHUNK = 500
"""Ids looked up per query: well under SQLite's bound-variable limit (999 before 3.32)."""

CACHE_SIZE = 10_000
"""Labels kept per table, least recently used dropped first (a page's actors repeat)."""

LABELS_ATTR = "_vzcrisis_labels"
"""Attribute of the Datasette instance holding its `Labels`."""


class Labels:
    """The labels of the ids a page shows, looked up by primary key when it is rendered.

    Reading a whole table's labels once held every event summary in memory at a million records
    and took longer than ``sql_time_limit_ms`` (the first demands page failed). A lookup reads
    only the ids asked for, on a read-only connection of the calling thread: microseconds, so it
    runs inline -- a query through Datasette's threads costs ~0.3 ms, and a demands page renders
    ~700 cells of ids. The last ``CACHE_SIZE`` labels of each table are kept."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._local = threading.local()
        self._cache: dict[str, OrderedDict[str, str]] = {}

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._database.connect()
        return conn

    def cached(self, table: str) -> list[str]:
        """Ids of `table` whose labels are kept, least recently used first."""
        return list(self._cache.get(table, {}))

    def get(self, table: str, ids: Iterable[str]) -> dict[str, str]:
        """id → label for those of `ids` that are rows of `table`."""
        cache = self._cache.setdefault(table, OrderedDict())
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in cache]
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            sql = (
                f"select id, [{LABEL_COLUMNS[table]}] from [{table}] "
                f"where id in ({', '.join('?' * len(chunk))})"
            )
            cache.update((str(i), str(label)) for i, label in self._conn().execute(sql, chunk))
        out: dict[str, str] = {}
        for i in wanted:
            if i in cache:
                cache.move_to_end(i)
                out[i] = cache[i]
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
        return out


def labels_for(datasette: Datasette) -> Labels:
    """The `Labels` of the database (one per Datasette instance)."""
    found: Labels | None = getattr(datasette, LABELS_ATTR, None)
    if found is None:
        found = Labels(datasette.get_database(DB_NAME))
        setattr(datasette, LABELS_ATTR, found)
    return found


def shown_date(value: str, precision: str | None) -> str:
    """An ISO date as precise as it is known: '2013' (year), '2025-11' (month), 'week of
    2025-11-24', 'approx. 2025-09-01'; a day, or an unknown precision, as it is."""
    if precision == "year":
        return value[:4]
    if precision == "month":
        return value[:7]
    if precision == "week":
        return f"week of {value}"
    if precision == "approximate":
        return f"approx. {value}"
    return value


SHORT = 90
"""Longest label a table cell shows for a referenced row (the whole label is its tooltip)."""


def short(label: str, limit: int = SHORT) -> str:
    """`label` cut at a word boundary to at most `limit` characters, with '…' when cut."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if not label[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]  # drop the word cut in two
    cut = cut.rstrip(" ,;:.")
    return f"{cut}…"


def dollars(value: int) -> str:
    """Whole US dollars as a reader writes them: 50000000 → '$50,000,000'."""
    return f"${value:,}"


def yes_no(value: Any) -> str | None:
    """'yes' for 1, 'no' for 0; None for anything else (left as it is)."""
    if value in (0, 1) and not isinstance(value, float):
        return "yes" if value else "no"
    return None


def json_list(value: Any) -> list[Any] | None:
    """The list a JSON text holds, or None when `value` is not a JSON list."""
    if not isinstance(value, str) or not value.startswith("["):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    return items if isinstance(items, list) else None


def item_text(item: Any) -> str:
    """One item of a JSON list as text: a string as it is, a quantity by its verbatim ``text``
    ('more than 75'), anything else as compact JSON."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("text"), str):
        return str(item["text"])
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def split_ids(value: Any) -> list[str]:
    """Ids of a query cell: one id, or several joined by `SEPARATOR`."""
    if not isinstance(value, str) or not value:
        return []
    return [part.strip() for part in value.split(SEPARATOR.strip()) if part.strip()]


def _keys(row: Any) -> list[str]:
    try:
        return list(row.keys())
    except AttributeError:
        return []


def sibling(row: Any, column: str) -> Any:
    """`row[column]` (a sqlite3.Row, Datasette's CustomRow or a dict), None when absent."""
    if column not in _keys(row):
        return None
    value = row[column]
    return value.get("value") if isinstance(value, Mapping) else value


def query_links(column: str, row: Any) -> tuple[str, str | None] | None:
    """How a query result cell links: (table, None) when it holds ids of `table`, (table,
    id column) when it holds names whose ids are in the id column next to it (``actor`` and
    ``actor_id``, ``source`` and ``source_id``); None when it is not a reference."""
    keys = _keys(row)
    if f"{column}_id" in keys and f"{column}_id" in QUERY_ID_COLUMNS:
        return QUERY_ID_COLUMNS[f"{column}_id"], f"{column}_id"
    if column in POLYMORPHIC_IDS and RECORD_TABLE in keys:
        table = sibling(row, RECORD_TABLE)
        return (table, None) if table in TABLES else None
    if column in QUERY_ID_COLUMNS:
        return QUERY_ID_COLUMNS[column], None
    return None
