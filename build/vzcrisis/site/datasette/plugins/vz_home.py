"""Datasette plugin: landing page, site-wide search, filtered timeline, release line, error pages.

Templates get (logic in ``vzcrisis.site.home`` and ``vzcrisis.site.timeline_page``):

* ``vz_release``: the release served (`home.Release`: version, date, manifest sha256, citation),
  read once from the ``manifest.json`` next to the database file; None without one. The footer
  of every page (``_vz_footer.html``) shows it.
* ``vz_groups()``, ``vz_questions()``: the landing page's tables (records, evidence, sources;
  no link tables, no empty tables) and its question links.
* ``vz_search(q)``: hits of every full-text table (pages/search.html).
* ``vz_timeline(args)``: the timeline page's filters, entries and export links.
* ``vz_sql_example``: the database page's SQL box (its tables are ``vz_groups()`` too).

The canned query ``timeline_filtered`` (the timeline page as CSV and JSON) is registered here.
Error pages (404 …) of GET requests are rendered through ``render_template`` so they carry the
footer and the plugin's variables; Datasette's default handler renders them without either.
"""

from __future__ import annotations

import traceback
from typing import Any

from datasette import Response, hookimpl
from datasette.app import Datasette
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup
from vzcrisis.site import home, timeline_page
from vzcrisis.site.articles import anchor
from vzcrisis.site.sqlite import DB_NAME

RELEASE_ATTR = "_vzcrisis_release"
"""Attribute of the Datasette instance caching its release (a tuple, so None is cached too)."""


def _release(datasette: Datasette) -> home.Release | None:
    cached: tuple[home.Release | None] | None = getattr(datasette, RELEASE_ATTR, None)
    if cached is None:
        try:
            path = datasette.get_database(DB_NAME).path
        except KeyError:
            path = None
        cached = (home.read_release(path),)
        setattr(datasette, RELEASE_ATTR, cached)
    return cached[0]


def _runner(datasette: Datasette) -> home.Run:
    async def run(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        result = await datasette.get_database(DB_NAME).execute(sql, params)
        return [dict(r) for r in result.rows]

    return run


@hookimpl
def extra_template_vars(datasette: Datasette) -> dict[str, Any]:
    run = _runner(datasette)
    db_path = datasette.urls.database(DB_NAME) if DB_NAME in datasette.databases else ""

    async def vz_groups() -> list[dict[str, Any]]:
        counts = await datasette.get_database(DB_NAME).table_counts(limit=200)
        return home.table_groups(counts)

    async def vz_questions() -> list[dict[str, str]]:
        return await home.questions(run, db_path)

    async def vz_search(q: str | None) -> list[dict[str, Any]]:
        return await home.search(run, q or "")

    async def vz_timeline(args: Any) -> dict[str, Any]:
        return await timeline_page.timeline_page(run, args, db_path)

    release = _release(datasette)
    title = str(datasette.metadata("title") or DB_NAME)
    return {
        "vz_release": release,
        "vz_citation": release.citation(title, datasette.metadata("license")) if release else None,
        "vz_groups": vz_groups,
        "vz_questions": vz_questions,
        "vz_search": vz_search,
        "vz_timeline": vz_timeline,
        "vz_anchor": anchor,
        "vz_sql_example": home.sql_example(),
    }


@hookimpl
def canned_queries(database: str) -> dict[str, Any] | None:
    """``timeline_filtered``: the timeline page's rows, for its CSV and JSON links."""
    if database != DB_NAME:
        return None
    return {timeline_page.QUERY_NAME: timeline_page.canned_query()}


@hookimpl
def handle_exception(datasette: Datasette, request: Any, exception: Exception) -> Any:
    """Error pages of GET requests as Datasette renders them (status, title, message), but
    through ``render_template`` (footer, release, navigation). JSON errors and POSTs are left
    to the other handlers."""
    if request is None or request.method not in ("GET", "HEAD"):
        return None
    if request.path.split("?")[0].endswith(".json"):
        return None

    async def inner() -> Response:
        title = None
        if isinstance(exception, Base400):
            status, message = exception.status, exception.args[0]
        elif isinstance(exception, DatasetteError):
            status, message, title = exception.status, exception.message, exception.title
            if exception.message_is_html:
                message = Markup(message)
        else:
            status, message = 500, str(exception)
            traceback.print_exception(exception)
        context = {"ok": False, "error": message, "status": status, "title": title}
        html = await datasette.render_template(
            [f"{status}.html", "error.html"], context, request=request, view_name="error"
        )
        return Response.html(html, status=status)

    return inner
