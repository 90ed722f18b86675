"""The record-level diff of two releases: the one definition of "changed".

Both releases are read the way the SDK reads them (``layout.table_sql``: a column a release
lacks reads as its default or null), and compared inside DuckDB, one query per table; only the
ids that differ come back. Per table:

* **added** / **removed**: ids only in the newer / only in the older release;
* **changed**: ids in both whose row differs in any column, or (for a curated table) whose
  citations differ, each with the names of what differs (columns in the table's order, then
  ``citations``).

Values are compared with ``IS DISTINCT FROM``: null equals null, lists and structs compare
element by element, NaN equals NaN and -0.0 equals 0.0. A column only one release has is compared
with null; a column whose type differs between the releases is compared as text. A record's
citations are the multiset of its rows in ``citations`` (every column but the citation ``id``,
which derives from record, source and offset), so a citation-only edit changes the record.
``vc.diff`` and the publisher's ``changes.json`` both call `diff_layouts`
(``docs/release-format.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..catalog import CURATED_TABLE_NAMES, TABLE_NAMES
from ..errors import ReleaseError
from .layout import Layout, ident, literal, table_sql

CITATIONS = "citations"
_SIDES = ("o", "n")


@dataclass(frozen=True)
class TableChanges:
    """What differs in one table: ids added and removed, and changed ids with what changed."""

    added: list[str]
    removed: list[str]
    changed: dict[str, list[str]]


def diff_layouts(
    old: Layout,
    new: Layout,
    tables: Sequence[str] = TABLE_NAMES,
    *,
    memory_limit: str | None = None,
    spill: Path | None = None,
) -> dict[str, TableChanges]:
    """Per table of `tables`, what changed from release `old` to release `new`.

    `memory_limit` bounds DuckDB's memory (e.g. ``"256MB"``; default: DuckDB's own, 80% of
    RAM); beyond it DuckDB spills to the directory `spill` (required with a limit)."""
    with duckdb.connect(":memory:") as con:
        try:
            if memory_limit is not None:
                if spill is None:
                    raise ValueError("a memory limit needs a directory to spill to")
                con.execute(f"set memory_limit = {literal(memory_limit)}")
                con.execute(f"set temp_directory = {literal(str(spill))}")
            for side, layout in zip(_SIDES, (old, new), strict=True):
                for table in {*tables, CITATIONS}:
                    con.execute(f"create view {side}_{table} as {table_sql(con, layout, table)}")
            return {table: _table_changes(con, table) for table in tables}
        except duckdb.Error as exc:
            raise ReleaseError(f"comparing {old.root} with {new.root} failed: {exc}") from None


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> dict[str, str]:
    """Column name -> DuckDB type of `view`, in column order."""
    return {str(r[0]): str(r[1]) for r in con.sql(f"describe {view}").fetchall()}


def _projections(
    con: duckdb.DuckDBPyConnection, table: str, skip: str = ""
) -> tuple[list[str], str, str]:
    """The union of both views' columns of `table` (the newer's order first, without `skip`),
    and for each side a select list giving it exactly those columns (see the module doc): null
    where a side lacks one, text where the sides disagree on its type."""
    o, n = _columns(con, f"o_{table}"), _columns(con, f"n_{table}")
    names = [c for c in n if c != skip] + [c for c in o if c not in n and c != skip]
    out = []
    for cols in (o, n):
        exprs = []
        for name in names:
            value = ident(name) if name in cols else "null"
            if o.get(name) != n.get(name) and name in o and name in n:
                value = f"cast({value} as varchar)"
            exprs.append(f"{value} as {ident(name)}")
        out.append(", ".join(exprs))
    return names, out[0], out[1]


def _cited_sql(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A CTE body: ids of records of `table` whose citations differ (multisets of rows; a full
    join on every column and the count, much faster than ``EXCEPT ALL``)."""
    columns, po, pn = _projections(con, CITATIONS, skip="id")
    names = [ident(c) for c in columns]

    def side(proj: str, view: str) -> str:
        return (
            f"select *, count(*) as n from (select {proj} from {view}) "
            f"where record_table = {literal(table)} group by all"
        )

    same = " and ".join(f"x.{c} is not distinct from y.{c}" for c in [*names, "n"])
    return (
        f"select coalesce(x.record_id, y.record_id) as id from ({side(po, 'o_' + CITATIONS)}) x "
        f"full join ({side(pn, 'n_' + CITATIONS)}) y on {same} where x.n is null or y.n is null"
    )


def _table_changes(con: duckdb.DuckDBPyConnection, table: str) -> TableChanges:
    names, po, pn = _projections(con, table)
    names.remove("id")
    flags = [f"o.{ident(c)} is distinct from n.{ident(c)}" for c in names]
    cited = ""
    if table in CURATED_TABLE_NAMES:
        cited = f", cited as materialized ({_cited_sql(con, table)})"
        flags.append("n.id in (select id from cited)")
        names.append("citations")
    con.execute(
        f"create or replace temp table d as with o as (select {po} from o_{table}), "
        f"n as (select {pn} from n_{table}){cited} "
        "select o.id as old_id, n.id as new_id, "
        f"[{', '.join(flags)}] as differs from o full join n on o.id = n.id "
        f"where o.id is null or n.id is null or {' or '.join(flags) or 'false'}"
    )
    # each list sorted by DuckDB (byte order of UTF-8: code point order, as Python sorts) and
    # handed over in Arrow: at a million ids, no second copy in a set or a list of rows
    added = _ids(con, "select distinct new_id from d where old_id is null order by 1")
    removed = _ids(con, "select distinct old_id from d where new_id is null order by 1")
    changed = con.sql(
        "select new_id, differs from d where old_id is not null and new_id is not null order by 1"
    ).to_arrow_table()
    con.execute("drop table d")
    return TableChanges(
        added=added,
        removed=removed,
        changed={
            str(i): [c for c, d in zip(names, differs, strict=True) if d]
            for i, differs in zip(
                changed.column(0).to_pylist(), changed.column(1).to_pylist(), strict=True
            )
        },
    )


def _ids(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    """The one text column of `sql`'s rows, through Arrow."""
    return [str(i) for i in con.sql(sql).to_arrow_table().column(0).to_pylist()]
