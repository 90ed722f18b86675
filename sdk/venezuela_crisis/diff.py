"""Compare two releases table by table: ids added, removed, and changed (row or citations).

The comparison runs inside DuckDB, one query per table over both releases' Parquet files (a
table's file or its Hive partition files, read like ``db.Database`` reads them), and only the
differing ids come back to Python:

* added / removed: ids only in the newer / only in the older release;
* changed: ids in both whose row differs in any column (``IS DISTINCT FROM`` on the whole row,
  so NULL vs NULL is no change and lists and structs compare element by element) or, for a
  curated table, whose citations differ (as a multiset of ``source_id, char_start, char_end,
  quote``).

Each list is sorted like Python sorts strings. Values are compared, never hashes of them. When
the two releases give a table different columns (a schema minor bump adds one), every id in both
is changed: its row has a field the other lacks. When they have the same columns but a column's
type differs, or a type whose DuckDB equality is not this diff's rule (a row is changed when its
canonical JSON differs: floats, where -0.0 = 0.0; maps; nanosecond timestamps), that table alone
is compared row by row in Python by that rule (`_fingerprints`). The released schemas use none of
them; a retyped column is a major release.
"""

from __future__ import annotations

import json
from typing import Any

from .db import Database, _literal, _table_sql
from .models import CURATED_TABLES, TABLES
from .views import ReleaseDiff, TableDiff

_CITED = ("source_id", "char_start", "char_end", "quote")
"""The citation fields that belong to a record's content (the citation id derives from them)."""
_KINDS = ("added", "removed", "changed")
_INEXACT = ("FLOAT", "DOUBLE", "REAL", "MAP(", "UNION(", "TIMESTAMP_NS", "INTERVAL", "TIME WITH")
"""DuckDB type names whose equality may differ from equality of canonical JSON (a column name
containing one only costs the Python comparison)."""


def _name(column: str) -> str:
    """A column name as a quoted SQL identifier."""
    return '"' + column.replace('"', '""') + '"'


def _columns(db: Database, sql: str) -> dict[str, str]:
    """Column name -> DuckDB type of the SELECT `sql`, in column order."""
    described = db.arrow(f"describe {sql}").to_pydict()
    return dict(zip(described["column_name"], described["column_type"], strict=True))


def _cited_sql(old: Database, new: Database, table: str) -> str:
    """A CTE body: ids (``id``) of records of `table` whose citations differ.

    Each side counts its citations per value (a multiset); a count only on one side, or
    different on the two, marks the record (a full join: much faster than ``EXCEPT ALL``).
    `table` is inlined as a literal (it is one of ours): as a bound parameter DuckDB does not
    push the filter down and the query takes twice as long.
    """

    def side(db: Database) -> str:
        return (
            f"select record_id, {', '.join(_CITED)}, count(*) as n "
            f"from ({_table_sql(db.release, 'citations')}) "
            f"where record_table = {_literal(table)} group by all"
        )

    same = " and ".join(f"x.{c} is not distinct from y.{c}" for c in ("record_id", *_CITED, "n"))
    return (
        f"select coalesce(x.record_id, y.record_id) as id from ({side(old)}) x "
        f"full join ({side(new)}) y on {same} where x.n is null or y.n is null"
    )


def _exact(before: dict[str, str], after: dict[str, str]) -> bool:
    """True when DuckDB's equality on these columns is the JSON rule (same names and types,
    none of them `_INEXACT`)."""
    return before == after and not any(w in t for t in after.values() for w in _INEXACT)


def _table_diff(old: Database, new: Database, table: str, cites_exact: bool) -> TableDiff:
    """Ids added, removed and changed in `table`, compared inside DuckDB (see module doc)."""
    old_sql, new_sql = _table_sql(old.release, table), _table_sql(new.release, table)
    before, after = _columns(new, old_sql), _columns(new, new_sql)
    if before.keys() == after.keys() and not (
        _exact(before, after) and (cites_exact or table not in CURATED_TABLES)
    ):
        return _python_diff(old, new, table)  # retyped, or a float column: JSON rule, in Python
    if before.keys() == after.keys():
        names_o = ", ".join(f"o.{_name(c)}" for c in after)
        names_n = ", ".join(f"n.{_name(c)}" for c in after)
        differs = f"row({names_o}) is distinct from row({names_n})"
    else:
        differs = "true"  # the rows have different fields: every common id changed
    cited = ""
    if table in CURATED_TABLES and differs != "true":
        cited = f", cited as materialized ({_cited_sql(old, new, table)})"
        differs += " or n.id in (select id from cited)"
    found = new.arrow(
        f"with o as ({old_sql}), n as ({new_sql}){cited}, "
        "d as (select o.id as old_id, n.id as new_id from o full join n on o.id = n.id "
        f"where o.id is null or n.id is null or {differs}) "
        "select list(new_id) filter (where old_id is null) as added, "
        "list(old_id) filter (where new_id is null) as removed, "
        "list(new_id) filter (where old_id is not null and new_id is not null) as changed "
        "from d"
    ).to_pylist()[0]
    return TableDiff(**{k: sorted({str(i) for i in found[k] or []}) for k in _KINDS})


def _fingerprints(db: Database, table: str) -> dict[str, str]:
    """id -> canonical JSON of the row (plus, for records, their citations)."""
    rows = db.arrow(f"select * from {table}").to_pylist()
    cites: dict[str, list[Any]] = {}
    if table in CURATED_TABLES:
        for c in db.arrow(
            f"select record_id, {', '.join(_CITED)} from citations "
            "where record_table = ? order by record_id, source_id, char_start, char_end, quote",
            [table],
        ).to_pylist():
            cites.setdefault(c.pop("record_id"), []).append(c)
    return {
        str(r["id"]): json.dumps([r, cites.get(r["id"], [])], sort_keys=True, default=str)
        for r in rows
    }


def _python_diff(old: Database, new: Database, table: str) -> TableDiff:
    """`table` compared row by row in Python by canonical JSON (when DuckDB's equality is not
    that rule: see `_exact`)."""
    a, b = _fingerprints(old, table), _fingerprints(new, table)
    return TableDiff(
        added=sorted(b.keys() - a.keys()),
        removed=sorted(a.keys() - b.keys()),
        changed=sorted(i for i in a.keys() & b.keys() if a[i] != b[i]),
    )


def diff_databases(old: Database, new: Database) -> ReleaseDiff:
    """Ids that differ between the releases open in `old` and `new`."""
    columns = f"record_table, record_id, {', '.join(_CITED)}"
    cites_exact = _exact(
        *(
            _columns(new, f"select {columns} from ({_table_sql(db.release, 'citations')})")
            for db in (old, new)
        )
    )
    tables = {table: _table_diff(old, new, table, cites_exact) for table in TABLES}
    return ReleaseDiff(old=old.release.version, new=new.release.version, tables=tables)
