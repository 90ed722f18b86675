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
"""

from __future__ import annotations

import json
from typing import Any

import datasette.handle_exception as _datasette_errors
from datasette import Response, hookimpl
from datasette.app import Datasette
from datasette.utils.asgi import Base400
from markupsafe import Markup, escape
from venezuela_crisis.models import TABLES
from vzcrisis.canned_queries import canned_queries, timeline_sql
from vzcrisis.datasette_meta import LABEL_COLUMNS
from vzcrisis.sqlite_db import DB_NAME, link_tables, single_references

_datasette_errors.rich = None  # see the module docstring (Datasette 0.65.5 + rich: 500 not 404)

LIST_TARGETS: dict[tuple[str, str], str] = {
    (link.table, role): link.target for link in link_tables() for role in link.roles
}
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


@hookimpl
def extra_template_vars(datasette: Datasette) -> dict[str, Any]:
    return _make_functions(datasette)


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
        base = datasette.urls.table(DB_NAME, target)
        links = [
            Markup('<a href="{}/{}">{}</a>').format(base, escape(i), labels.get(i, i)) for i in ids
        ]
        return Markup(", ").join(links)

    return inner()
