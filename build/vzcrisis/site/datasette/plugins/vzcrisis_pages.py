"""Datasette plugin (loaded with ``--plugins-dir``): templates and the read-only instance.

* Templates get ``db_name``; the pages' own queries live with their plugins (``vz_articles``
  for records and articles, ``vz_home`` for the landing page, search and timeline).
* How cells read (ids as linked names, yes/no, dollars, dates at their precision) is the
  ``vz_tables`` plugin's; labels are looked up for the ids shown, never a whole table
  (``cells.Labels``).
* Works around a Datasette 0.65.5 bug: with ``rich`` installed, its default error handler calls
  ``rich...print_exception()`` outside an ``except`` block, which raises for errors Datasette
  raises itself (e.g. a POST to a route that does not exist), so the client gets a 500 instead
  of the 404/405. We turn that console nicety off; errors are still answered and logged.
* The instance is read-only: a POST that Datasette itself fails on (e.g. to a table page, where
  it hits an ``assert``) is answered 405, never 500.
* ``suggest_facets`` is off (it ran ~60 queries per table page, 800 ms at 100k records); table
  pages list instead the facets worth a click, chosen in ``browsing.MORE_FACETS``, as
  Datasette's "Suggested facets" line -- no SQL until one is clicked.
* Facets are the ``vz_facets`` plugin's; the count and first rows of a searched or filtered
  page, the ``vz_search`` plugin's (from the list of its rows the facets are counted from).
"""

from __future__ import annotations

from typing import Any

import datasette.handle_exception as _datasette_errors
from datasette import Response, hookimpl
from datasette.app import Datasette
from datasette.utils import path_with_added_args
from datasette.utils.asgi import Base400
from vzcrisis.site.browsing import MORE_FACETS, facet_spec
from vzcrisis.site.sqlite import DB_NAME

_datasette_errors.rich = None  # see the module docstring (Datasette 0.65.5 + rich: 500 not 404)


@hookimpl
def handle_exception(request: Any, exception: Exception) -> Response | None:
    """A POST Datasette cannot handle is a client error on this read-only instance: 405."""
    if request.method != "POST" or isinstance(exception, Base400):
        return None
    error = "this Datasette is read-only: writes are not accepted"
    return Response.json({"ok": False, "error": error, "status": 405}, status=405)


def _suggested_facets(datasette: Datasette, request: Any, table: str) -> list[dict[str, Any]]:
    """``MORE_FACETS[table]`` not already on the page, in the shape of Datasette's suggestions."""
    out: list[dict[str, Any]] = []
    for kind, column in map(facet_spec, MORE_FACETS.get(table, [])):
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
    out: dict[str, Any] = {"db_name": DB_NAME}
    ours = not datasette.setting("suggest_facets") and datasette.setting("allow_facet")
    if view_name == "table" and database == DB_NAME and table and request and ours:
        out["suggested_facets"] = _suggested_facets(datasette, request, table)
    return out
