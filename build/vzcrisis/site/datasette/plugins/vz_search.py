"""Datasette plugin (loaded with ``--plugins-dir``): a searched table page's row count and first
rows, from the list of its hits.

A page with a search alone (``?_search=``, no filter) ran three queries over its hits:
Datasette's rows (``select … where rowid in (select rowid from <fts> where <fts> match …)
order by <sort> limit 101``: every hit read and sorted), their count (a seek per hit), and the
list of hits the facets are counted from (``facet_columns``). At a million records a search
for "strike" (100,000 events): 41 ms, 31 ms and 7 ms. The database is served immutable
(``vzcrisis serve -i``), so the first two are answered from the list:

* the count is the number of listed rowids that are rows of the table, what ``count(*)``
  counts;
* the rows: the hits ordered by the page's sort column, ranked once per server
  (``TableColumns.first_rowids``: ties by rowid, NULLs first ascending and last descending),
  and the first ``limit`` fetched by SQLite with the page's own columns and ``order by``.

Datasette's row query keeps the hits of one value in the order its plan reads them. The rows
are taken from the list only when that plan reads them by rowid (the list of hits, then a
temporary b-tree for the order: rowid order within a value) and the table has no collation:
checked once per server and query text (the search text is a parameter, never part of the
key). Any other query (a filter, a later page, a column not ranked), a mutable database, a
query that fails or times out: Datasette's own query, as before. Nothing is kept per query:
the list lives in the request (``facet_columns.PAGE``, a fresh dict per request).
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

FETCH = "rowid in (select value from json_each(:vz_rowids))"
"""The condition of the row query taking the page's rows by rowid, in place of the search."""

KEPT_PLANS = 256
"""Row query texts whose plan a server keeps checked (texts differ by columns, sort, size)."""

COUNT_COLUMNS = (("count(*)", None, None, None, None, None, None),)
"""The cursor description of Datasette's count query."""


def rankable(table: str, column: str) -> bool:
    """A column whose rows are ranked per server: a held facet column or the table's sort."""
    return (table, column) in SCALARS or SORT.get(table, ("", ""))[1] == column


class SearchRows:
    """Our database's ``execute``: a searched page's count and rows from its hits (module
    docstring); every other query goes to Datasette's own ``execute``."""

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
        """The count or rows of a searched page (None: not one, or not answerable here)."""
        count = COUNT.fullmatch(sql)
        if count is not None and SEARCH.fullmatch(count["where"]):
            positions = await self._positions(count["table"], count["where"], params, args[1])
            return None if positions is None else Results([(len(positions),)], False, COUNT_COLUMNS)
        rows = ROWS.fullmatch(sql)
        if rows is None or not SEARCH.fullmatch(rows["where"]):
            return None
        table, column = rows["table"], rows["column"].strip("[]")
        descending = rows["desc"] is not None
        if not rankable(table, column):
            return None
        fetch = sql[: rows.start("where")] + FETCH + sql[rows.end("where") :]
        if not await self._reads_by_rowid(sql, params, table, fetch):
            return None
        columns = store(self.ds, table)
        if (column, descending) not in columns.ranks:
            await self.db.execute_fn(lambda conn: columns.load_rank(conn, column, descending))
        positions = await self._positions(table, rows["where"], params, args[1])
        if positions is None:
            return None
        first = columns.first_rowids(column, descending, positions, int(rows["limit"]))
        if first is None:
            return None
        return await self.execute(fetch, {"vz_rowids": json.dumps(first)}, *args)

    async def _positions(
        self, table: str, where: str, params: Any, time_limit: int | None
    ) -> Any | None:
        """The positions of the page's hits (`facet_columns.page_positions`, once a request)."""
        sql = hits_sql(f"select * from {table} where {where}", table)
        if sql is None:
            return None
        limit = time_limit or self.ds.sql_time_limit_ms
        return await page_positions(self.ds, self.db.name, table, sql, params, limit)

    async def _reads_by_rowid(self, sql: str, params: Any, table: str, fetch: str) -> bool:
        """True when SQLite answers the row query `sql` and its `fetch` by looking up each
        row by rowid, then sorting in a temporary b-tree (rows of one value stay in rowid
        order), in a table without a collation (the ranks compare bytes)."""
        if sql not in self.plans:
            by_rowid = [f"SEARCH {table} USING INTEGER PRIMARY KEY (rowid=?)"]
            loop = re.compile(rf"(SCAN|SEARCH) {re.escape(table)}\b")
            checked = True
            for query, args in ((sql, params), (fetch, {"vz_rowids": "[]"})):
                plan = await self.execute(f"explain query plan {query}", args)
                steps = [str(row["detail"]) for row in plan.rows]
                loops = [step for step in steps if loop.match(step)]
                checked = checked and loops == by_rowid and "USE TEMP B-TREE FOR ORDER BY" in steps
            schema = await self.execute(
                "select sql from sqlite_master where type = 'table' and name = :t", {"t": table}
            )
            row = schema.first()
            self.plans[sql] = checked and "collate" not in str(row[0] if row else "").lower()
            while len(self.plans) > KEPT_PLANS:
                self.plans.popitem(last=False)
        return self.plans[sql]


@hookimpl
def startup(datasette: Datasette) -> None:
    """Our database, served immutable, answers searched pages through `SearchRows`."""
    db = datasette.databases.get(DB_NAME)
    if db is not None and not db.is_mutable and not isinstance(db.execute, SearchRows):
        db.execute = SearchRows(datasette, db)


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Callable[[Any], Any]:
    """Each HTTP request gets its own `PAGE`: the hits listed while answering it, dropped
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
