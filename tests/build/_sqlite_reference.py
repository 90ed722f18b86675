"""The original row-by-row SQLite builder's per-cell conversion, kept as the reference the
column-wise builder is compared with (tests/build/site/test_sqlite.py, test_sqlite_columns.py)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def reference_cell(value: Any) -> Any:
    """The original builder's conversion of one Python value from Arrow to a SQLite value."""
    if value is None or isinstance(value, str | int | float):
        return int(value) if isinstance(value, bool) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=dt.date.isoformat)


def typed(rows: list[dict[str, Any]]) -> list[dict[str, tuple[str, Any]]]:
    """Rows with each value paired with its type name (1 == 1.0 == True, but not here)."""
    return [{c: (type(v).__name__, v) for c, v in row.items()} for row in rows]


HOSTILE = [
    'say "hi"',
    "back\\slash \\u0041 \\n",
    "tab\tnew\nline\rform\fbell\b",
    "\x00\x01\x1f\x7f",
    "ünïcødé — “curly” 😀 \U0010ffff",
    "\u2028\u2029\x85\xa0\u3000",
    "",
    "</script><b>&amp;</b> 'single'",
]
"""Strings whose JSON text is easy to get wrong."""
