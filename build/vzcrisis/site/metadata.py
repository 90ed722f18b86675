"""Datasette metadata generated from the data model (``datasette-metadata.json``, drift-tested).

Every table and column gets the description written once in the pydantic models; enum columns
list their allowed values with meanings from ``VOCAB_DOCS``. Labels, sorting, facets, full-text
search and canned queries are chosen for journalists: nobody should need SQL to see why a record
exists. Sorting and facets are declared in ``browsing`` (the SQLite builder indexes them).
"""

from __future__ import annotations

import json
import types
from enum import StrEnum
from html import escape
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from venezuela_crisis import catalog
from venezuela_crisis.models import TABLES, VOCAB_DOCS
from venezuela_crisis.models.base import Derived

from .browsing import FACETS, SORT, link_sort_and_facets
from .canned_queries import canned_queries
from .sqlite import DB_NAME, FTS_COLUMNS, _is_nullable, display_order, link_tables, singular

METADATA_FILE = "datasette-metadata.json"
"""File name of the generated metadata at the project root."""

LICENSE = {
    "license": "CC-BY-4.0",
    "license_url": "https://creativecommons.org/licenses/by/4.0/",
}
SOURCE = {"source": "News articles, cited row by row", "source_url": f"/{DB_NAME}/sources"}
ABOUT = {"about": "How to read this data", "about_url": "/about"}
START_HTML = (
    '<p>Start with the <a href="/timeline">timeline</a>, open any '
    f'<a href="/{DB_NAME}/demands">demand</a>, <a href="/{DB_NAME}/events">event</a> or '
    f'<a href="/{DB_NAME}/sanctions">sanction</a> to see its quotes, or read '
    '<a href="/about">how to read this data</a>.</p>'
)
"""Links shown under the description on the home and database pages."""

RIGHTS = (
    "Data: CC BY 4.0. Article texts and quotes belong to their publishers; they are reproduced "
    "only so every record can be checked against its source."
)

LABEL_COLUMNS: dict[str, str] = {spec.name: spec.label for spec in catalog.TABLES}
"""The readable column Datasette shows for a row wherever another table points at it."""

EXTRA_COLUMNS: dict[str, dict[str, str]] = {
    spec.name: spec.derived_columns for spec in catalog.TABLES if spec.derived_columns
}
"""Columns the SQLite database adds to the released tables."""


def _enum(annotation: Any) -> type[StrEnum] | None:
    """The StrEnum behind a field annotation (optional or not), if any."""
    if get_origin(annotation) in (Union, types.UnionType):
        found = [e for a in get_args(annotation) if (e := _enum(a)) is not None]
        return found[0] if found else None
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return annotation
    return None


def column_description(table: str, column: str) -> str:
    """The model's description of a column, plus allowed values for vocabulary columns."""
    extra = EXTRA_COLUMNS.get(table, {})
    if column in extra:
        return extra[column]
    info = TABLES[table].row.model_fields[column]
    text = info.description or ""
    enum = _enum(info.annotation)
    if enum is not None:
        docs = VOCAB_DOCS.get(enum, {})
        values = "; ".join(
            f"{v.value} ({docs[v.value]})" if v.value in docs else v.value for v in enum
        )
        text = f"{text} Allowed values: {values}"
    return text


def default_sort(table: str) -> tuple[str, str]:
    """The metadata key (``sort`` or ``sort_desc``) and column of a table page's default order.

    Datasette 0.65 sorts by a column only, ascending with nulls first, and pages by keyset
    assuming exactly that: an ascending sort on a nullable column (``events.date``) lists every
    undated record before the first dated one, and no setting puts nulls last (it would take a
    new database column). Such a sort is made descending: dated records first, newest first,
    undated at the end (the timeline lists them oldest first)."""
    key, column = SORT[table]
    if key == "sort" and _is_nullable(TABLES[table].row.model_fields[column].annotation):
        return "sort_desc", column
    return key, column


def _columns(table: str) -> dict[str, str]:
    names = display_order([n for n in TABLES[table].row.model_fields if n != "citations"])
    return {n: column_description(table, n) for n in [*names, *EXTRA_COLUMNS.get(table, {})]}


def _table(table: str) -> dict[str, Any]:
    spec = TABLES[table]
    key, column = default_sort(table)
    out: dict[str, Any] = {
        "title": spec.title,
        "description": spec.description,
        **LICENSE,
        **SOURCE,
        **ABOUT,
        "columns": _columns(table),
        "label_column": LABEL_COLUMNS[table],
        key: column,
        "facets": FACETS[table],
        "size": 100,
    }
    if table in FTS_COLUMNS:
        out["fts_table"] = f"{table}_fts"
        out["fts_pk"] = "rowid"
    if table == "sources":
        out["description"] += " " + RIGHTS
    if "source_count" in spec.row.model_fields:
        out["description"] += (
            " Open a row to see its evidence: every quote with its source and origin."
        )
    return out


def _link_tables() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for link in link_tables():
        target = singular(link.target)
        sort, facets = link_sort_and_facets(link.left, link.right)
        out[link.name] = {
            "title": f"{TABLES[link.table].title}: {link.target}",
            "description": link.description,
            **LICENSE,
            **SOURCE,
            **ABOUT,
            "columns": {
                link.left: f"Id of the {singular(link.table)}.",
                link.right: f"Id of the {target} it lists.",
                "role": "Field of the "
                + singular(link.table)
                + " the id comes from: "
                + "; ".join(
                    f"{r} ({TABLES[link.table].row.model_fields[r].description})"
                    for r in link.roles
                ),
            },
            "label_column": "role",
            "sort": sort,
            "facets": facets,
            "hidden": True,  # reached from its records; the database page lists it on request
        }
    return out


def build_metadata() -> dict[str, Any]:
    """The Datasette metadata document for the database ``venezuela-crisis``."""
    description = (
        "An open, cited dataset about the 2025 US–Venezuela crisis: actors, events, demands, "
        "sanctions and the points where sources disagree. Every record cites verbatim quotes "
        "from news articles at checked offsets; open any demand, event or sanction to see its "
        "evidence, or follow the timeline. Corroboration counts independent origins (four "
        "relays of one Reuters report count once). " + RIGHTS
    )
    tables = {t: _table(t) for t in TABLES} | _link_tables()
    derived = ", ".join(f"<code>{c}</code>" for c in Derived.model_fields)
    return {
        "title": "Venezuela crisis 2025: a cited dataset",
        "description_html": f"<p>{escape(description)}</p>{START_HTML}",
        **LICENSE,
        **SOURCE,
        **ABOUT,
        "databases": {
            DB_NAME: {
                "title": "venezuela-crisis",
                "description_html": f"<p>{escape(description)}</p>{START_HTML}"
                f"<p>Derived columns ({derived}) are computed at release time, never written by "
                "hand.</p>",
                **LICENSE,
                **SOURCE,
                **ABOUT,
                "tables": tables,
                "queries": canned_queries(LABEL_COLUMNS),
            }
        },
    }


def render_metadata(data: dict[str, Any]) -> str:
    """The metadata as the committed file's text (stable, indented, UTF-8)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_metadata(root: Path) -> Path:
    """Write ``datasette-metadata.json`` at `root` (atomically); return its path."""
    path = root / METADATA_FILE
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render_metadata(build_metadata()), encoding="utf-8")
    tmp.replace(path)
    return path
