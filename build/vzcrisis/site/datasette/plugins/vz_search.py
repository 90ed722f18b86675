"""Datasette plugin (loaded with ``--plugins-dir``): the row count and first rows of a searched
or filtered table page, from the list of its rows.

A page with a search alone (``?_search=``) ran three queries over its hits: Datasette's rows
(``select … where rowid in (select rowid from <fts> where <fts> match …) order by <sort> limit
101``: every hit read and sorted), their count (a seek per hit), and the list of hits the
facets are counted from (``facet_columns``). At a million records a search for "strike"
(100,000 events): 41 ms, 31 ms and 7 ms. A page filtered by values alone (``?type=ASSAULT``):
rows 31 ms, count 3.5 ms, list 8 ms. The database is served immutable (``vzcrisis serve -i``),
so the first two are answered from the list:

* the count is the number of listed rowids that are rows of the table, what ``count(*)``
  counts (on a filtered page, when the rows were listed already);
* the rows: the listed rows ordered by the page's sort column, ranked once per server
  (``TableColumns.first_rowids``: ties by rowid, NULLs first ascending and last descending),
  and the first ``limit`` fetched by SQLite with the page's own columns and ``order by``.

Datasette's row query keeps the rows of one value in the order its plan reads them. The rows
are taken from the list only when that plan reads them in rowid order (a search's hits looked
up by rowid; for a filter, the whole table or one value of a one-column index), then sorts
them in a temporary b-tree (which keeps that order within a value), and the table has no
collation: checked once per server and query text (the search text and filter values are
parameters, never part of the key). Any other query (a search with a filter, another kind of
filter, a later page, a column not ranked), a mutable database, a query that fails or times
out: Datasette's own query, as before. Nothing is kept per query: the list lives in the
request (``facet_columns.PAGE``, a fresh dict per request).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl
from datasette.app import Datasette
from datasette.database import Database, QueryInterrupted, Results
from vzcrisis.site.browsing import SORT
from vzcrisis.site.facet_columns import (
    PAGE,
    SCALARS,
    SEARCH,
    hits_key,
    hits_sql,
    page_positions,
    store,
)
from vzcrisis.site.sqlite import DB_NAME

ROWS = re.compile(
    r"select .+? from (?P<table>\w+) where (?P<where>.+) "
    r"order by (?P<column>\w+|\[[^\]]+\])(?P<desc> desc)? limit (?P<limit>\d+)",
    re.S,
)
"""Datasette's row query of a table page sorted by one column (first page: no offset)."""

COUNT = re.compile(r"select count\(\*\) from (?P<table>\w+) where (?P<where>.+?)\s*", re.S)
"""Datasette's count of a filtered or searched table page."""

EQUALS = re.compile(r'"\w+" = :p\d+(?: and "\w+" = :p\d+)*')
"""Datasette's condition of a page filtered by values of columns (``?type=ASSAULT``) alone."""

LOOP = re.compile(r"(?:SCAN|SEARCH) (\w+)\b")
"""A loop of a query plan, over the table it names."""

BY_INDEX = re.compile(r"SEARCH \w+ USING (?:COVERING )?INDEX (?P<i>\w+) \(\w+=\?\)")
"""A plan's loop over the rows of one value of a one-column index (rowid order within it)."""

FETCH = "rowid in (select value from json_each(:vz_rowids))"
"""The condition of the row query taking the page's rows by rowid, in place of its own."""

KEPT_PLANS = 256
"""Row query texts whose plan a server keeps checked (texts differ by columns, sort, size)."""

COUNT_COLUMNS = (("count(*)", None, None, None, None, None, None),)
"""The cursor description of Datasette's count query."""


def rankable(table: str, column: str) -> bool:
    """A column whose rows are ranked per server: a held facet column or the table's sort."""
    return (table, column) in SCALARS or SORT.get(table, ("", ""))[1] == column


class SearchRows:
    """Our database's ``execute``: a searched or filtered page's count and rows from the list
    of its rows (module docstring); every other query goes to Datasette's own ``execute``."""

    def __init__(self, ds: Datasette, db: Database) -> None:
        self.ds, self.db = ds, db
        self.execute: Callable[..., Awaitable[Results]] = db.execute
        self.plans: OrderedDict[str, bool] = OrderedDict()
        """Row query text → its plan and its fetch's read rows by rowid (per server, never per
        search; the last `KEPT_PLANS`)."""

    async def __call__(
        self,
        sql: str,
        params: Any = None,
        truncate: bool = False,
        custom_time_limit: int | None = None,
        page_size: int | None = None,
        log_sql_errors: bool = True,
    ) -> Results:
        args = (truncate, custom_time_limit, page_size, log_sql_errors)
        if PAGE.get() is not None:
            try:
                found = await self._answer(sql, params, *args)
            except (sqlite3.Error, QueryInterrupted):
                found = None  # Datasette's query says what is wrong, as before
            if found is not None:
                return found
        return await self.execute(sql, params, *args)

    async def _answer(self, sql: str, params: Any, *args: Any) -> Results | None:
        """The count or rows of a searched or filtered page (None: not one, or not answerable
        here)."""
        count = COUNT.fullmatch(sql)
        if count is not None:
            table, where = count["table"], count["where"]
            if SEARCH.fullmatch(where):
                positions = await self._positions(table, where, params, args[1])
            elif EQUALS.fullmatch(where):
                positions = self._listed(table, where, params)
            else:
                return None
            return None if positions is None else Results([(len(positions),)], False, COUNT_COLUMNS)
        rows = ROWS.fullmatch(sql)
        if rows is None:
            return None
        table, where = rows["table"], rows["where"]
        search = SEARCH.fullmatch(where) is not None
        column = rows["column"].strip("[]")
        if not (search or EQUALS.fullmatch(where)) or not rankable(table, column):
            return None
        fetch = sql[: rows.start("where")] + FETCH + sql[rows.end("where") :]
        if not await self._in_rowid_order(sql, params, table, fetch, search):
            return None
        descending = rows["desc"] is not None
        columns = store(self.ds, table)
        if (column, descending) not in columns.ranks:
            await self.db.execute_fn(lambda conn: columns.load_rank(conn, column, descending))
        positions = await self._positions(table, where, params, args[1])
        if positions is None:
            return None
        first = columns.first_rowids(column, descending, positions, int(rows["limit"]))
        if first is None:
            return None
        return await self.execute(fetch, {"vz_rowids": json.dumps(first)}, *args)

    def _listed(self, table: str, where: str, params: Any) -> Any | None:
        """The positions of the page's rows if this request listed them already, else None."""
        sql = _hits_sql(table, where)
        page = PAGE.get()
        return None if sql is None or page is None else page.get(hits_key(sql, params))

    async def _positions(
        self, table: str, where: str, params: Any, time_limit: int | None
    ) -> Any | None:
        """The positions of the page's hits (`facet_columns.page_positions`, once a request)."""
        sql = _hits_sql(table, where)
        if sql is None:
            return None
        limit = time_limit or self.ds.sql_time_limit_ms
        return await page_positions(self.ds, self.db.name, table, sql, params, limit)

    async def _in_rowid_order(
        self, sql: str, params: Any, table: str, fetch: str, search: bool
    ) -> bool:
        """True when SQLite reads the rows of the row query `sql`, and of its `fetch`, in
        rowid order within a value of the sort column, as the ranks order them: one loop over
        the table (each hit looked up by rowid; for a filter, also the whole table or the rows
        of one value of a one-column index), then a temporary b-tree for the order, which
        keeps the rows of one value in the order they come; and the table has no collation
        (the ranks compare bytes)."""
        if sql not in self.plans:
            ordered = await self._loop(sql, params, table, search) and await self._loop(
                fetch, {"vz_rowids": "[]"}, table, True
            )
            schema = await self.execute(
                "select sql from sqlite_master where type = 'table' and name = :t", {"t": table}
            )
            row = schema.first()
            self.plans[sql] = ordered and "collate" not in str(row[0] if row else "").lower()
            while len(self.plans) > KEPT_PLANS:
                self.plans.popitem(last=False)
        return self.plans[sql]

    async def _loop(self, sql: str, params: Any, table: str, by_rowid: bool) -> bool:
        """True when the plan of `sql` has one loop over `table`, reading rows by rowid (or,
        unless `by_rowid`, the whole table or one value of a one-column index), and sorts in
        a temporary b-tree."""
        plan = await self.execute(f"explain query plan {sql}", params)
        steps = [str(row["detail"]) for row in plan.rows]
        loops = [step for step in steps if (loop := LOOP.match(step)) and loop[1] == table]
        if len(loops) != 1 or "USE TEMP B-TREE FOR ORDER BY" not in steps:
            return False
        if loops[0] == f"SEARCH {table} USING INTEGER PRIMARY KEY (rowid=?)":
            return True
        index = BY_INDEX.fullmatch(loops[0])
        if by_rowid or (index is None and loops[0] != f"SCAN {table}"):
            return False
        if index is None:
            return True
        width = await self.execute("select count(*) from pragma_index_info(:i)", {"i": index["i"]})
        return bool(width.first()[0] == 1)


def _hits_sql(table: str, where: str) -> str | None:
    """The query listing the rows of a page of `table` under `where` (``hits_sql``)."""
    return hits_sql(f"select * from {table} where {where}", table)


@hookimpl
def startup(datasette: Datasette) -> None:
    """Our database, served immutable, answers searched and filtered pages through
    `SearchRows`."""
    db = datasette.databases.get(DB_NAME)
    if db is not None and not db.is_mutable and not isinstance(db.execute, SearchRows):
        db.execute = SearchRows(datasette, db)


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Callable[[Any], Any]:
    """Each HTTP request gets its own `PAGE`: the rows listed while answering it, dropped
    when it is answered."""

    def wrap(app: Any) -> Any:
        async def page(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            token = PAGE.set({})
            try:
                await app(scope, receive, send)
            finally:
                PAGE.reset(token)

        return page

    return wrap
