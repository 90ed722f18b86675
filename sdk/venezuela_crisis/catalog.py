"""The tables of a release and their schema versions, as plain data (no pydantic).

Opening a release and running `vc.sql` need only this, so they never pay for building the
pydantic model classes. `models.registry.TABLES` takes its versions from here (one definition).
Bump a table's version here when its record model changes, then run ``vzcrisis schemas``.
"""

from __future__ import annotations

SCHEMA_VERSIONS: dict[str, str] = {
    "sources": "1.0.0",
    "actors": "1.0.0",
    "events": "1.0.0",
    "demands": "1.0.0",
    "sanctions": "1.0.0",
    "disputes": "1.0.0",
    "citations": "1.0.0",
}
"""Every table of a release, in release order, with the version of its schema."""

TABLE_NAMES: tuple[str, ...] = tuple(SCHEMA_VERSIONS)
"""Table names in release order (also the names of the SDK's SQL views)."""

CURATED_TABLE_NAMES: tuple[str, ...] = tuple(n for n in TABLE_NAMES if n != "citations")
"""Tables a curator writes records for (citations are built from them)."""
