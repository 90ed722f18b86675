"""The registry of tables: names, model classes and the schema version of each.

Schema versions live in ``venezuela_crisis/catalog.py`` (plain data, so opening a release needs
no pydantic). Bump a table's version there when its record model changes (semver: major for a
breaking change, minor for an added optional field), then run ``vzcrisis schemas``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import CURATED_TABLE_NAMES, SCHEMA_VERSIONS
from .base import CuratedRecord, StrictModel
from .tables import (
    Actor,
    ActorRecord,
    Citation,
    Demand,
    DemandRecord,
    Dispute,
    DisputeRecord,
    Event,
    EventRecord,
    Sanction,
    SanctionRecord,
    Source,
    SourceRecord,
)


@dataclass(frozen=True)
class TableSpec:
    """One table: its name, the curated record model, the released row model, schema version."""

    name: str
    record: type[CuratedRecord] | None
    row: type[StrictModel]
    schema_version: str
    title: str
    description: str


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in [
        TableSpec(
            "sources",
            SourceRecord,
            Source,
            "1.0.0",
            "Sources",
            "News articles the records are extracted from, with their upstream origin.",
        ),
        TableSpec(
            "actors",
            ActorRecord,
            Actor,
            "1.0.0",
            "Actors",
            "People, governments, states, organisations and groups named in the sources.",
        ),
        TableSpec(
            "events",
            EventRecord,
            Event,
            "1.0.0",
            "Events",
            "Things that happened, typed with a PLOVER-aligned vocabulary.",
        ),
        TableSpec(
            "demands",
            DemandRecord,
            Demand,
            "1.0.0",
            "Demands",
            "Distinct demands, terms and ultimatums by each side, with their outcome.",
        ),
        TableSpec(
            "sanctions",
            SanctionRecord,
            Sanction,
            "1.0.0",
            "Sanctions and measures",
            "Sanctions, designations, rewards, indictments, court cases and closures.",
        ),
        TableSpec(
            "disputes",
            DisputeRecord,
            Dispute,
            "1.0.0",
            "Disputes",
            "Points on which sources disagree; each version is a record that links here.",
        ),
        TableSpec(
            "citations",
            None,
            Citation,
            "1.0.0",
            "Citations",
            "Evidence: every verbatim quote that supports a record, with exact offsets.",
        ),
    ]
}
"""All tables, in release order. `citations` has no curated form: it is built from records."""

CURATED_TABLES: tuple[str, ...] = tuple(n for n, s in TABLES.items() if s.record is not None)
"""Tables a curator writes records for."""

assert tuple(TABLES) == tuple(SCHEMA_VERSIONS), (
    "models/registry.py and catalog.py list tables alike"
)
assert CURATED_TABLES == CURATED_TABLE_NAMES
