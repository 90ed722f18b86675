"""Compare two releases table by table: ids added, removed, and changed (row or citations)."""

from __future__ import annotations

import json
from typing import Any

from .db import Database
from .models import CURATED_TABLES, TABLES
from .views import ReleaseDiff, TableDiff


def _fingerprints(db: Database, table: str) -> dict[str, str]:
    """id -> canonical JSON of the row (plus, for records, their citations)."""
    rows = db.arrow(f"select * from {table}").to_pylist()
    cites: dict[str, list[Any]] = {}
    if table in CURATED_TABLES:
        for c in db.arrow(
            "select record_id, source_id, char_start, char_end, quote from citations "
            "where record_table = ? order by record_id, source_id, char_start",
            [table],
        ).to_pylist():
            cites.setdefault(c.pop("record_id"), []).append(c)
    return {
        str(r["id"]): json.dumps([r, cites.get(r["id"], [])], sort_keys=True, default=str)
        for r in rows
    }


def diff_databases(old: Database, new: Database) -> ReleaseDiff:
    """Ids that differ between the releases open in `old` and `new`."""
    tables: dict[str, TableDiff] = {}
    for table in TABLES:
        a, b = _fingerprints(old, table), _fingerprints(new, table)
        tables[table] = TableDiff(
            added=sorted(b.keys() - a.keys()),
            removed=sorted(a.keys() - b.keys()),
            changed=sorted(i for i in a.keys() & b.keys() if a[i] != b[i]),
        )
    return ReleaseDiff(old=old.release.version, new=new.release.version, tables=tables)
