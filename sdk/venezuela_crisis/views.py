"""Result rows that combine tables: timeline entries, disputed points, release diffs.

These are views over the data model, not tables of it: their fields point back to the released
rows (ids, or the rows themselves), which keep their one definition in ``models/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .models import Actor, DatePrecision, Demand, Dispute, Event, Sanction, Source
from .models.base import Readable, ref


class View(BaseModel):
    """Base of SDK view rows: immutable, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TimelineEntry(Readable, View):
    """One event, demand or sanction placed on the date axis."""

    date: dt.date | None = Field(
        description="When it happened; for a demand the date of the event it was made in."
    )
    date_precision: DatePrecision | None = Field(description="Precision of `date`.")
    table: Literal["events", "demands", "sanctions"] = Field(description="Table of the record.")
    id: str = Field(description="Id of the record.")
    kind: str = Field(description="Event type, demand category or sanction kind.")
    text: str = Field(description="Event summary, demand text or sanction description.")
    actors: list[str] = Field(
        **ref("actors"),
        description="Ids of the actors involved (actors and recipients; by and addressed_to; "
        "imposed_by and targets), sorted.",
    )
    source_count: int = Field(description="Number of distinct articles citing the record.")
    origin_count: int = Field(description="Number of distinct independent origins citing it.")
    disputed: bool = Field(description="True when the record is a version in a dispute.")


Version = Source | Actor | Event | Demand | Sanction
"""A released record that can be one version of a disputed point."""


class DisputedPoint(Readable, View):
    """A point on which sources disagree, with every version and its own citations."""

    id: str = Field(description="Id of the dispute.")
    question: str = Field(description="The point in dispute, as a question.")
    dispute: Dispute = Field(description="The dispute record.")
    versions: list[Version] = Field(
        description="Each record that is one version of the point, with its citations."
    )


class TableDiff(View):
    """Ids that differ in one table between two releases."""

    added: list[str] = Field(description="Ids only in the newer release.")
    removed: list[str] = Field(description="Ids only in the older release.")
    changed: list[str] = Field(description="Ids in both whose row or citations differ.")
    fields: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Changed id -> what differs: column names, then 'citations'.",
    )


class ReleaseDiff(View):
    """What changed between two releases, per table (ids only; use vc.sql for details)."""

    old: str = Field(description="Version compared from.")
    new: str = Field(description="Version compared to.")
    tables: dict[str, TableDiff] = Field(description="Per table: added, removed, changed ids.")

    @property
    def unchanged(self) -> bool:
        """True when no table has any added, removed or changed id."""
        return not any(d.added or d.removed or d.changed for d in self.tables.values())


def release_diff(old: str, new: str, found: Mapping[str, Any]) -> ReleaseDiff:
    """A `ReleaseDiff` from ``format.diff.diff_layouts`` (per table: added, removed, changed)."""
    tables = {
        t: TableDiff(added=d.added, removed=d.removed, changed=list(d.changed), fields=d.changed)
        for t, d in found.items()
    }
    return ReleaseDiff(old=old, new=new, tables=tables)
