"""Datasette plugin (loaded with ``--plugins-dir``): evidence, timeline and readable id lists.

* Templates get ``evidence(table, id)``, ``people(table, id)``, ``versions(dispute_id)`` and
  ``timeline()`` -- fixed, parameterised queries (no SQL in templates).
* Cells holding JSON lists of ids (``demands.by``, ``events.actors`` …) render as links to the
  referenced rows, named by their label column, instead of raw ids.
* Works around a Datasette 0.65.5 bug: with ``rich`` installed, its default error handler calls
  ``rich...print_exception()`` outside an ``except`` block, which raises for errors Datasette
  raises itself (e.g. a POST to a route that does not exist), so the client gets a 500 instead
  of the 404/405. We turn that console nicety off; errors are still answered and logged.
* The instance is read-only: a POST that Datasette itself fails on (e.g. to a table page, where
  it hits an ``assert``) is answered 405, never 500.
* Array facets (``{"array": col}``, ``?_facet_array=col``) count each item in one pass over the
  rows. Datasette 0.65.5 dedups with ``select distinct j.value, inner.*`` -- a temporary b-tree
  of every column of every row, per list item: 190 ms for ``events.actors`` on 45,000 events,
  near ``facet_time_limit_ms`` (200), so the facet often showed as "timed out". Same counts
  (rows holding the value; a value repeated within one list counts once), ~30 ms. Items of
  reference lists are shown by their label (actor names), filtered by id.
* A filter ``col__arraycontains=id`` on a reference list gets a second condition the link
  table answers by index (``filters_from_request``): the page of one actor's events no longer
  parses every row's JSON once per facet and for the count.
* ``suggest_facets`` is off (it ran ~60 queries per table page, 800 ms at 100k records); table
  pages list instead the facets worth a click, chosen in ``datasette_meta.MORE_FACETS``, as
  Datasette's "Suggested facets" line -- no SQL until one is clicked.
"""

from __future__ import annotations

import json
from typing import Any

import datasette.handle_exception as _datasette_errors
from datasette import Response, hookimpl
from datasette.app import Datasette
from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from datasette.utils.asgi import Base400
from markupsafe import Markup, escape
from venezuela_crisis.models import TABLES
from vzcrisis.canned_queries import canned_queries, timeline_sql
from vzcrisis.datasette_meta import LABEL_COLUMNS, MORE_FACETS
from vzcrisis.sqlite_db import DB_NAME, LinkTable, link_tables, single_references

_datasette_errors.rich = None  # see the module docstring (Datasette 0.65.5 + rich: 500 not 404)

LINKS: dict[tuple[str, str], LinkTable] = {
    (link.table, role): link for link in link_tables() for role in link.roles
}
"""(table, column) → the link table listing its ids, for every list-valued reference column."""

LIST_TARGETS: dict[tuple[str, str], str] = {key: link.target for key, link in LINKS.items()}
"""(table, column) → referenced table, for every list-valued reference column."""

SINGLE_TARGETS: dict[tuple[str, str], str] = {
    (table, column): target
    for table in TABLES
    for column, target in single_references(table).items()
}
"""(table, column) → referenced table, for single-valued references (row pages show raw ids)."""

LABELS_ATTR = "_vzcrisis_labels"
"""Attribute of the Datasette instance caching id → label per table (the db is immutable)."""


async def _rows(
    datasette: Datasette, sql: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    db = datasette.get_database(DB_NAME)
    result = await db.execute(sql, params or {})
    return [dict(r) for r in result.rows]


async def _label_map(datasette: Datasette, table: str) -> dict[str, str]:
    """id → label for a table (the database is immutable: read once per Datasette instance)."""
    cache: dict[str, dict[str, str]] = getattr(datasette, LABELS_ATTR, {})
    setattr(datasette, LABELS_ATTR, cache)
    if table not in cache:
        col = LABEL_COLUMNS[table]
        rows = await _rows(datasette, f"select id, [{col}] as label from [{table}]")
        cache[table] = {str(r["id"]): str(r["label"]) for r in rows}
    return cache[table]


def _evidence_sql() -> str:
    sql = canned_queries(LABEL_COLUMNS)["evidence"]["sql"]
    return str(sql).replace(
        "where c.record_id = :record_id",
        "where c.record_id = :record_id and c.record_table = :record_table",
    )


def _make_functions(datasette: Datasette) -> dict[str, Any]:
    async def evidence(table: str, record_id: str) -> list[dict[str, Any]]:
        """Every quote supporting a record, with its article, publisher and origin."""
        params = {"record_id": record_id, "record_table": table}
        return await _rows(datasette, _evidence_sql(), params)

    async def people(table: str, record_id: str) -> list[dict[str, Any]]:
        """The records a row lists by id (actors, sanctions, disputes), named, with the field."""
        out: list[dict[str, Any]] = []
        links = [link for link in link_tables() if link.table == table]
        for link in sorted(links, key=lambda link: link.target == "disputes"):
            labels = await _label_map(datasette, link.target)
            rows = await _rows(
                datasette,
                f"select [{link.right}] as id, role from [{link.name}] "
                f"where [{link.left}] = :id order by rowid",
                {"id": record_id},
            )
            rows.sort(key=lambda r: link.roles.index(r["role"]))
            out += [
                {"table": link.target, "id": r["id"], "role": r["role"], "label": labels[r["id"]]}
                for r in rows
            ]
        return out

    async def versions(dispute_id: str) -> list[dict[str, Any]]:
        """The versions of a dispute: one record per version, each with its evidence."""
        out: list[dict[str, Any]] = []
        for link in link_tables():
            if link.target != "disputes":
                continue
            rows = await _rows(
                datasette,
                f"select x.id, x.[{LABEL_COLUMNS[link.table]}] as label from [{link.table}] x "
                f"join [{link.name}] l on l.[{link.left}] = x.id "
                f"where l.[{link.right}] = :id order by x.id",
                {"id": dispute_id},
            )
            for r in rows:
                quotes = await evidence(link.table, r["id"])
                out.append({"table": link.table, **r, "evidence": quotes})
        return out

    async def timeline() -> list[dict[str, Any]]:
        """Events, demands and sanctions in date order, each date with its precision."""
        return await _rows(datasette, timeline_sql())

    return {
        "evidence": evidence,
        "people": people,
        "versions": versions,
        "timeline": timeline,
        "db_name": DB_NAME,
    }


@hookimpl
def handle_exception(request: Any, exception: Exception) -> Response | None:
    """A POST Datasette cannot handle is a client error on this read-only instance: 405."""
    if request.method != "POST" or isinstance(exception, Base400):
        return None
    error = "this Datasette is read-only: writes are not accepted"
    return Response.json({"ok": False, "error": error, "status": 405}, status=405)


ARRAY_FACET_SQL = """
select j.value as value, count(*) as count
from ({sql}) as x join json_each(x.{col}) as j
where j.key = 0 or not exists (
    select 1 from json_each(x.{col}) as k where k.key < j.key and k.value = j.value
)
group by j.value
order by count desc, value
limit {limit}
"""
"""Rows holding each list item, counted once per row: the first occurrence of a value counts."""


class ListFacet(ArrayFacet):  # type: ignore[misc]
    """Datasette's array facet with one pass over the rows and labelled ids (module docstring)."""

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for item in self.get_configs():
            column = item["config"].get("column") or item["config"]["simple"]
            sql = ARRAY_FACET_SQL.format(sql=self.sql, col=escape_sqlite(column), limit=size + 1)
            try:
                rows = await self.ds.execute(
                    self.database,
                    sql,
                    self.params,
                    truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            target = LIST_TARGETS.get((self.table or "", column))
            labels: dict[str, str] = {}
            if self.database == DB_NAME and target is not None:
                labels = await _label_map(self.ds, target)
            values = []
            for row in rows.rows[:size]:
                value = str(row["value"])
                arg = {f"{column}__arraycontains": value}
                selected = (f"{column}__arraycontains", value) in pairs
                toggle = (path_with_removed_args if selected else path_with_added_args)(
                    self.request, arg
                )
                values.append(
                    {
                        "value": value,
                        "label": labels.get(value, value),
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, toggle),
                        "selected": selected,
                    }
                )
            hide = path_with_removed_args(self.request, {"_facet_array": column})
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "results": values,
                    "hideable": item["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(hide),
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out


@hookimpl
def filters_from_request(request: Any, database: str, table: str) -> FilterArguments | None:
    """``col__arraycontains=id`` on a reference list: also ``id in (its link table rows)``.

    Datasette's filter parses every row's JSON list (35 ms per query on 45,000 events, and a
    page runs one per facet plus the count); the link table answers by index, so SQLite reads
    only the matching rows -- Datasette's own condition still holds on each of them."""
    if database != DB_NAME:
        return None
    clauses: list[str] = []
    params: dict[str, str] = {}
    for key in request.args:
        column, _, op = key.rpartition("__")
        link = LINKS.get((table, column))
        if op != "arraycontains" or link is None:
            continue
        for value in request.args.getlist(key):
            n = len(params) // 2
            params |= {f"vz_link_{n}": value, f"vz_role_{n}": column}
            clauses.append(
                f"[id] in (select [{link.left}] from [{link.name}] "
                f"where [{link.right}] = :vz_link_{n} and [role] = :vz_role_{n})"
            )
    return FilterArguments(clauses, params) if clauses else None


@hookimpl(wrapper=True)
def register_facet_classes() -> Any:
    """Datasette's facet classes, with `ListFacet` in place of its `ArrayFacet`."""
    registered = yield
    return [[ListFacet if k is ArrayFacet else k for k in classes] for classes in registered]


def _facet_spec(facet: Any) -> tuple[str, str]:
    """A metadata facet (``"col"``, ``{"array": "col"}``, ``{"date": "col"}``) → (type, column)."""
    if isinstance(facet, str):
        return "column", facet
    ((kind, column),) = facet.items()
    return kind, column


def _suggested_facets(datasette: Datasette, request: Any, table: str) -> list[dict[str, Any]]:
    """``MORE_FACETS[table]`` not already on the page, in the shape of Datasette's suggestions."""
    out: list[dict[str, Any]] = []
    for kind, column in map(_facet_spec, MORE_FACETS.get(table, [])):
        arg = "_facet" if kind == "column" else f"_facet_{kind}"
        if column in request.args.getlist(arg):
            continue
        path = datasette.urls.path(path_with_added_args(request, {arg: column}))
        out.append(
            {
                "name": column,
                "type": None if kind == "column" else kind,
                "toggle_url": datasette.absolute_url(request, path),
            }
        )
    return out


@hookimpl
def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Datasette
) -> dict[str, Any]:
    out = _make_functions(datasette)
    ours = not datasette.setting("suggest_facets") and datasette.setting("allow_facet")
    if view_name == "table" and database == DB_NAME and table and request and ours:
        out["suggested_facets"] = _suggested_facets(datasette, request, table)
    return out


@hookimpl
def render_cell(
    value: Any, column: str, table: str | None, database: str, datasette: Datasette
) -> Any:
    key = (table or "", column)
    target = LIST_TARGETS.get(key) or SINGLE_TARGETS.get(key)
    if database != DB_NAME or target is None or not isinstance(value, str):
        return None

    async def inner() -> Markup | None:
        if key in SINGLE_TARGETS:
            ids: Any = [value]
        else:
            try:
                ids = json.loads(value)
            except ValueError:
                return None
        if not isinstance(ids, list):
            return None
        labels = await _label_map(datasette, target)
        base = escape(datasette.urls.table(DB_NAME, target))
        # str.join of escaped parts: Markup.format costs ~10x more, on ~300 cells per page
        links = [f'<a href="{base}/{escape(i)}">{escape(labels.get(i, i))}</a>' for i in ids]
        return Markup(", ".join(links))

    return inner()
