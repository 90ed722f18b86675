"""The facets of a filtered or searched table page, counted from columns held in memory.

Datasette counts each facet of a filtered page with its own pass of SQLite over the page's rows:
at a million records a search for "strike" (100,000 events) read the hits once for the count,
then once per facet (type and precision, date, actors: 60-90 ms each, a sort of 100,000 rows
per ``group by``). The database is served immutable (``vzcrisis serve -i``), so the values of a
facetable column never change while the server runs: the first filtered page of a table reads
each of its facet columns once, in rowid order, into Arrow (`TableColumns`: dictionary codes,
and for a list of ids the distinct ids of each row). A page then asks SQLite once for the rowids
of its rows (`hits_sql`: for a search, the full-text index alone), and every facet takes those
rows' codes and counts them (``value_counts``): a few milliseconds in place of a pass each.

Nothing is kept per query: the rowids of a page's rows live in the request (`PAGE`, set per
request by the ``vz_search`` plugin; else the request's ASGI scope) and are shared by its
facets, and on a searched or filtered page by its row count and first rows (``vz_search``:
`first_rowids` orders the rows by the page's sort column, ranked once per server). The counts
are Datasette's: rows per non-null value (for a list, rows holding the id, an id repeated in
one list counted once), by count then value as SQLite orders them. Held columns: vocabularies,
yes/no and ISO date columns (``cells``), the columns of the facets a table page offers
(``browsing``), lists of ids (``sqlite.link_tables``) of our database; any other facet is
counted by SQL as before.
"""

from __future__ import annotations

import json
import re
import threading
from contextvars import ContextVar
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from datasette.app import Datasette
from datasette.database import QueryInterrupted
from datasette.utils import escape_sqlite

from .browsing import FACETS, MORE_FACETS, facet_spec
from .cells import BOOLEANS, CODES, DATES
from .sqlite import DB_NAME, link_tables

SCALARS: frozenset[tuple[str, str]] = (
    CODES
    | BOOLEANS
    | DATES
    | frozenset(
        (table, column)
        for table in FACETS
        for kind, column in map(facet_spec, [*FACETS[table], *MORE_FACETS[table]])
        if kind == "column"
    )
)
"""(table, column) held as one value per row: vocabularies, yes/no, dates, and the other
columns a table page offers as facets (``browsing``: ``sources.publisher``…)."""

LISTS: frozenset[tuple[str, str]] = frozenset(
    (link.table, role) for link in link_tables() for role in link.roles
)
"""(table, column) held as the distinct ids of each row's JSON list."""

STORE_ATTR = "_vzcrisis_facet_columns"
"""Attribute of the Datasette instance holding its `TableColumns`, one per table."""

HITS_KEY = "vzcrisis.facet_hits"
"""Key of the request's ASGI scope holding the positions of its rows, per facet query."""

PAGE: ContextVar[dict[tuple[str, str], pa.Array | None] | None] = ContextVar(
    "vzcrisis_page", default=None
)
"""The positions of the rows of the request being answered, per query listing them: a fresh
dict per request (``vz_search``'s ASGI wrapper), never shared between requests."""

SEARCH = re.compile(
    r"rowid in \(select rowid from (\[?\w+\]?) where \1 match ((?:escape_fts\()?:search\)?)\)"
)
"""Datasette's condition of a ``?_search=`` on a table whose ``fts_pk`` is ``rowid``."""

Counts = list[tuple[Any, int]]
"""(value, rows) of one facet, most rows first, then by value as SQLite orders them."""


def sqlite_order(value: Any) -> tuple[int, Any]:
    """Sort key of a value as SQLite orders them: numbers, then text (code point order is UTF-8
    byte order), then blobs."""
    if isinstance(value, int | float):
        return 0, value
    return (1, value) if isinstance(value, str) else (2, value)


class TableColumns:
    """The facet columns of one table read so far, in rowid order (thread-safe loading)."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.lock = threading.Lock()
        self.rowids: pa.Int64Array | None = None
        self.dense = False
        """Rowids are exactly 1..n: a rowid's position is rowid - 1."""
        self.columns: dict[str, tuple[pa.Array, pa.Array] | None] = {}
        """column → (codes, values): int32 codes per row (a list of codes for a list column);
        None when a value could not be held (the facet is counted by SQL)."""
        self.ranks: dict[tuple[str, bool], pa.Array | None] = {}
        """(column, descending) → each row's place in ``order by column [desc]`` (ties by
        rowid, NULLs first ascending and last descending, as SQLite orders them); None when
        the column cannot be ranked (values of mixed types)."""

    def load(self, conn: Any, columns: list[str]) -> None:
        """Read `columns` not read yet (runs in Datasette's SQL thread)."""
        table = escape_sqlite(self.table)
        with self.lock:
            if self.rowids is None:
                rows = conn.execute(f"select rowid from {table} order by rowid").fetchall()
                self.rowids = pa.array([r for (r,) in rows], pa.int64())
                n = len(rows)
                self.dense = n == 0 or (rows[0][0] == 1 and rows[-1][0] == n)
            for column in columns:
                if column in self.columns:
                    continue
                sql = f"select {escape_sqlite(column)} from {table} order by rowid"
                values = [v for (v,) in conn.execute(sql)]
                is_list = (self.table, column) in LISTS
                self.columns[column] = _list_codes(values) if is_list else _codes(values)

    def load_rank(self, conn: Any, column: str, descending: bool) -> None:
        """Rank the rows by `column` (runs in Datasette's SQL thread; reads the rowids first if
        needed, and the column unless held as codes)."""
        self.load(conn, [])
        with self.lock:
            if (column, descending) in self.ranks:
                return
            held = self.columns.get(column)
            if held is not None and not isinstance(held[0], pa.ListArray):
                codes, values = held
                values = values.take(codes)
            else:
                name = escape_sqlite(self.table)
                sql = f"select {escape_sqlite(column)} from {name} order by rowid"
                try:
                    values = pa.array([v for (v,) in conn.execute(sql)])
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    self.ranks[(column, descending)] = None
                    return
            self.ranks[(column, descending)] = _ranks(values, descending)

    def first_rowids(
        self, column: str, descending: bool, positions: pa.Array, k: int
    ) -> list[int] | None:
        """The rowids of the first `k` rows at `positions` in ``order by column [desc]``, in
        that order (ties by rowid); None when the column is not ranked."""
        ranks = self.ranks.get((column, descending))
        if ranks is None or self.rowids is None:
            return None
        keys = ranks.take(positions)
        first = pc.select_k_unstable(keys, min(k, len(keys)), sort_keys=[("", "ascending")])
        return list(self.rowids.take(positions.take(first)).to_pylist())

    def positions(self, text: str | None) -> pa.Array:
        """Positions of the rows whose rowids `text` lists (``group_concat``), rowids of no
        row of the table left out."""
        assert self.rowids is not None
        if not text:
            return pa.array([], pa.int64())
        ids = pc.cast(pc.split_pattern(pa.array([text]), ",").flatten(), pa.int64())
        if self.dense:
            inside = pc.and_(pc.greater_equal(ids, 1), pc.less_equal(ids, len(self.rowids)))
            return pc.subtract(ids.filter(inside), 1)
        return pc.index_in(ids, value_set=self.rowids).drop_null()

    def counts(self, column: str, positions: pa.Array, limit: int) -> Counts | None:
        """The first `limit` values of `column` among the rows at `positions`, with their rows
        (Arrow orders text by its UTF-8 bytes, as SQLite's binary collation does)."""
        held = self.columns.get(column)
        if held is None:
            return None
        codes, values = held
        taken = codes.take(positions)
        if isinstance(taken, pa.ListArray):
            taken = taken.flatten()
        found = pc.value_counts(taken)
        valid = pc.is_valid(found.field("values"))
        counts = found.field("counts").filter(valid)
        shown = values.take(found.field("values").filter(valid))
        order = pc.select_k_unstable(  # the values differ: no tie is left unordered
            pa.table({"n": counts, "v": shown}),
            min(limit, len(counts)),
            sort_keys=[("n", "descending"), ("v", "ascending")],
        )
        return list(zip(shown.take(order).to_pylist(), counts.take(order).to_pylist(), strict=True))


def _ranks(values: pa.Array, descending: bool) -> pa.Array:
    """Each value's place (from 1) in SQLite's ``order by [desc]``: ties in order of position
    (the rows are in rowid order); NULLs last descending, first ascending (Arrow ranks them
    last either way: moved to the front)."""
    how = "descending" if descending else "ascending"
    ranks = pc.rank(values, sort_keys=how, tiebreaker="first")
    if not descending and values.null_count:
        nulls, others = values.null_count, len(values) - values.null_count
        front = pc.subtract(ranks, pa.scalar(others, ranks.type))
        ranks = pc.if_else(pc.is_null(values), front, pc.add(ranks, pa.scalar(nulls, ranks.type)))
    return pc.cast(ranks, pa.uint32())


def _codes(values: list[Any]) -> tuple[pa.Array, pa.Array] | None:
    """A column's values as dictionary codes (None: values of mixed types)."""
    try:
        encoded = pa.array(values).dictionary_encode()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return pc.cast(encoded.indices, pa.int32()), encoded.dictionary


def _list_codes(values: list[Any]) -> tuple[pa.Array, pa.Array] | None:
    """JSON lists of ids as lists of codes, each id once per row (None: not lists of text)."""
    code: dict[str, int] = {}
    offsets, flat = [0], []
    for value in values:
        items = json.loads(value) if value is not None else []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            return None
        flat += [code.setdefault(i, len(code)) for i in dict.fromkeys(items)]
        offsets.append(len(flat))
    codes = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(flat, pa.int32()))
    return codes, pa.array(list(code), pa.string())


def held(ds: Datasette, database: str, table: str | None, column: str) -> bool:
    """True when `column` of `table` is counted from held columns."""
    if database != DB_NAME or table is None:
        return False
    return (table, column) in SCALARS | LISTS and not ds.get_database(database).is_mutable


def hits_sql(sql: str, table: str) -> str | None:
    """The query listing the rowids of a facet query's rows (`sql`: Datasette's ``select
    <columns> from <table> where …``), or None for another shape. A search alone reads the
    full-text index (its rowids are the table's, `TableColumns.positions` keeps those)."""
    name = escape_sqlite(table)
    found = re.fullmatch(rf"select .+? from {re.escape(name)} where (.+?)\s*", sql, re.S)
    if found is None:
        return None
    where = found.group(1)
    search = SEARCH.fullmatch(where)
    if search is not None:
        fts, match = search.groups()
        return f"select group_concat(rowid) from {fts} where {fts} match {match}"
    return f"select group_concat(rowid) from {name} where {where}"


def store(ds: Datasette, table: str) -> TableColumns:
    """The `TableColumns` of `table` held by the Datasette instance."""
    stores: dict[str, TableColumns] | None = getattr(ds, STORE_ATTR, None)
    if stores is None:
        stores = {}
        setattr(ds, STORE_ATTR, stores)
    return stores.setdefault(table, TableColumns(table))


def hits_key(sql: str, params: Any) -> tuple[str, str]:
    """The key of a query listing a page's rows (`hits_sql`) and its parameters in `PAGE`."""
    return sql, repr(sorted(dict(params or {}).items()))


async def page_positions(
    ds: Datasette,
    database: str,
    table: str,
    sql: str,
    params: Any,
    time_limit: int,
    scope: dict[str, Any] | None = None,
) -> pa.Array | None:
    """The positions in `table` of the rows `sql` (`hits_sql`) lists, run once per request
    (its `PAGE`, else its ASGI `scope`) within `time_limit` ms; None when it timed out."""
    page = PAGE.get()
    hits: dict[tuple[str, str], pa.Array | None] = (
        page if page is not None else {} if scope is None else scope.setdefault(HITS_KEY, {})
    )
    key = hits_key(sql, params)
    if key not in hits:
        columns_of = store(ds, table)
        if columns_of.rowids is None:
            await ds.get_database(database).execute_fn(lambda conn: columns_of.load(conn, []))
        try:
            rows = await ds.execute(
                database, sql, params, truncate=False, custom_time_limit=time_limit
            )
            hits[key] = columns_of.positions(rows.rows[0][0])
        except QueryInterrupted:
            hits[key] = None
    return hits[key]


async def facet_counts(
    facet: Any, columns: list[str], limit: int
) -> dict[str, Counts | None] | None:
    """The first `limit` counts of the held `columns` of a facet's filtered rows (a column
    missing: count it by SQL; None for a column: the rows' query timed out). None when the
    page's rows cannot be listed (another query shape)."""
    ds, database, table = facet.ds, facet.database, facet.table
    wanted = [c for c in columns if held(ds, database, table, c)]
    sql = hits_sql(facet.sql, table) if wanted else None
    if sql is None:
        return None
    columns_of = store(ds, table)
    if columns_of.rowids is None or any(c not in columns_of.columns for c in wanted):
        await ds.get_database(database).execute_fn(lambda conn: columns_of.load(conn, wanted))
    limit_ms = ds.setting("facet_time_limit_ms")
    positions = await page_positions(
        ds, database, table, sql, facet.params, limit_ms, facet.request.scope
    )
    out: dict[str, Counts | None] = {}
    for column in wanted:
        if positions is None:
            out[column] = None
        elif columns_of.columns.get(column) is not None:
            out[column] = columns_of.counts(column, positions, limit)
    return out
