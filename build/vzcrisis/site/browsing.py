"""How Datasette shows each table -- sort order, default facets, facets one click away -- and the
indexes those pages need: one declaration, read by the metadata (``metadata``), the plugin
and the SQLite builder (``sqlite``).

Indexes are derived, never listed: every column a table page sorts by or counts in a plain or
date facet leads an index (``indexed_columns``), so the default page reads 100 rows of an index
instead of sorting the table, and a facet counts an index instead of every row. Array facets on
lists of ids are counted from the link tables (``sqlite.link_tables``), whose ``role`` index
holds the listed id too (``link_role_index``).

This module imports only the plain-data catalog, so every module can import it.
"""

from __future__ import annotations

from typing import Any

from venezuela_crisis import catalog
from venezuela_crisis.catalog import Facet

SORT: dict[str, tuple[str, str]] = {
    spec.name: ("sort_desc" if spec.sort_desc else "sort", spec.sort) for spec in catalog.TABLES
}
"""Default order of each table page: metadata key (``sort`` or ``sort_desc``) and column."""

FACETS: dict[str, list[Facet]] = {spec.name: list(spec.facets) for spec in catalog.TABLES}
"""Facets shown by default: vocabularies, actors (array facets on id lists), origin, date."""

MORE_FACETS: dict[str, list[Facet]] = {spec.name: list(spec.more_facets) for spec in catalog.TABLES}
"""Facets offered as links under "Suggested facets" (computed only when clicked): Datasette's own
suggestions run a query per column on every table page, so the server turns them off. Not
indexed: each costs one scan of the table when clicked."""

LINK_ROLE = "role"
"""Column of a link table naming the field of the record a listed id comes from."""


def link_sort_and_facets(left: str, right: str) -> tuple[str, list[Facet]]:
    """A link table's page: sorted by record (`left`), faceted by role and listed id (`right`)."""
    return left, [LINK_ROLE, right]


def link_role_index(right: str) -> tuple[str, str]:
    """The role index of a link table: ``(role, right)``. It leads with ``role`` (the link page's
    facet) and holds the listed id, so an array facet over a whole table (``where role = ?
    group by right``) is counted from the index alone."""
    return (LINK_ROLE, right)


def facet_spec(facet: Facet | Any) -> tuple[str, str]:
    """A metadata facet → (kind, column): kind is ``column``, ``array`` or ``date``."""
    if isinstance(facet, str):
        return "column", facet
    ((kind, column),) = facet.items()
    return str(kind), str(column)


def indexed_columns(sort: str, facets: list[Facet]) -> list[str]:
    """Columns that must lead an index for a page sorted by `sort` with `facets`: the sort
    column, then every plain and date facet column (array facets use the link tables)."""
    out = [sort]
    for kind, column in map(facet_spec, facets):
        if kind != "array" and column not in out:
            out.append(column)
    return out
