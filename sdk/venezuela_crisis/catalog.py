"""Every table of a release, declared once, as plain data (no pydantic).

A table's ``TableSpec`` names its models (``models.tables``) and says everything about it that
is not a field: its schema version, title and description, the column that labels a row, the
column that states it in one line, how its page sorts and facets, what full-text search covers,
and where it sits on the timeline. Everything else is derived from it: the model registry
(``models.registry``), JSON Schemas, Parquet schemas, the codebook, Datasette metadata, SQLite
indexes and full-text tables, the Datasette plugin, canned queries and both timeline queries
(SDK and site). ``models.registry`` checks at import that every name here exists in its model.

Opening a release and running `vc.sql` need only this module, so they never build the pydantic
classes. Bump ``schema_version`` when a table's model changes (semver: minor for an added
optional field, major for a breaking change), then run ``vzcrisis schemas``.

Adding a table: one ``TableSpec`` here, its two models in ``models/tables.py``, then
``vzcrisis schemas`` and ``vzcrisis datasette-metadata`` (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Facet = str | dict[str, str]
"""A Datasette facet: ``"col"`` (a column), ``{"array": "col"}`` or ``{"date": "col"}``."""


@dataclass(frozen=True)
class Timeline:
    """How a table's records sit on the timeline (events, demands and sanctions do)."""

    kind: str
    """Column naming what kind of record it is (event type, demand category, sanction kind)."""
    actors: tuple[str, ...]
    """Columns (lists of actor ids) of everyone involved, e.g. ``("actors", "recipients")``."""
    dated_by: str | None = None
    """A column referencing an event whose date the record takes (demands: ``made_in``);
    None when the table has its own ``date`` and ``date_precision``."""


@dataclass(frozen=True)
class TableSpec:
    """One table of the dataset: its models, version and every per-table fact (see module)."""

    name: str
    schema_version: str
    title: str
    description: str
    row: str
    """Name of the released row model class in ``models.tables``."""
    record: str | None
    """Name of the curated record model class; None for a table built from the others."""
    label: str
    """Readable column shown for a row wherever another row points at it (Datasette label)."""
    text: str
    """Column that states the record in one line (timeline, evidence, search results)."""
    sort: str = "id"
    sort_desc: bool = False
    facets: tuple[Facet, ...] = ()
    """Facets a table page shows by default."""
    more_facets: tuple[Facet, ...] = ()
    """Facets offered one click away ("suggested"), computed only when clicked."""
    fts: tuple[str, ...] = ()
    """Columns full-text search covers (an FTS5 table ``<name>_fts`` in SQLite)."""
    timeline: Timeline | None = None
    derived_columns: dict[str, str] = field(default_factory=dict)
    """Columns the SQLite database adds to this table (e.g. a readable ``label``), each with
    its description."""


_ORIGINS = ("origin_count", "disputed", {"array": "disputes"})

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "sources", "1.1.0", "Sources",
        "News articles the records are extracted from, with their upstream origin.",
        row="Source", record="SourceRecord", label="label", text="title",
        sort="published", sort_desc=True,
        facets=("origin", "publisher", "language"),
        more_facets=({"date": "published"}, {"array": "disputes"}),
        fts=("title", "text"),
        derived_columns={
            "label": "Derived: readable name of the article (headline, else publisher or "
            "origin; publisher and date).",
        },
    ),
    TableSpec(
        "actors", "1.1.0", "Actors",
        "People, governments, states, organisations and groups named in the sources.",
        row="Actor", record="ActorRecord", label="name", text="name", sort="name",
        facets=("kind", "country"),
        more_facets=({"array": "roles"}, *_ORIGINS),
        fts=("name", "aliases"),
    ),
    TableSpec(
        "events", "1.1.0", "Events",
        "Things that happened, typed with a PLOVER-aligned vocabulary.",
        row="Event", record="EventRecord", label="summary", text="summary", sort="date",
        facets=("type", {"array": "actors"}, "date_precision", {"date": "date"}),
        more_facets=({"array": "recipients"}, "mode", "location", *_ORIGINS),
        fts=("summary",),
        timeline=Timeline(kind="type", actors=("actors", "recipients")),
    ),
    TableSpec(
        "demands", "1.1.0", "Demands",
        "Distinct demands, terms and ultimatums by each side, with their outcome.",
        row="Demand", record="DemandRecord", label="text", text="text", sort="category",
        facets=("category", "status", {"array": "by"}, {"array": "addressed_to"}, "disputed"),
        more_facets=(
            {"array": "beneficiaries"}, {"array": "sanctions"}, "origin_count",
            {"array": "disputes"},
        ),
        fts=("text",),
        timeline=Timeline(kind="category", actors=("by", "addressed_to"), dated_by="made_in"),
    ),
    TableSpec(
        "sanctions", "1.1.0", "Sanctions and measures",
        "Sanctions, designations, rewards, indictments, court cases and closures.",
        row="Sanction", record="SanctionRecord", label="description", text="description",
        sort="date",
        facets=("kind", "status", {"array": "imposed_by"}, {"array": "targets"}),
        more_facets=({"date": "date"}, "date_precision", *_ORIGINS),
        fts=("description",),
        timeline=Timeline(kind="kind", actors=("imposed_by", "targets")),
    ),
    TableSpec(
        "disputes", "1.1.0", "Disputes",
        "Points on which sources disagree; each version is a record that links here.",
        row="Dispute", record="DisputeRecord", label="question", text="question",
        more_facets=("origin_count", "disputed"),
        fts=("question", "summary"),
    ),
    TableSpec(
        "citations", "1.1.0", "Citations",
        "Evidence: every verbatim quote that supports a record, with exact offsets.",
        row="Citation", record=None, label="label", text="quote", sort="record_id",
        facets=("origin", "record_table", "source_id"),
        fts=("quote",),
        derived_columns={
            "label": "Derived: readable name of the quote (excerpt, origin, cited record).",
        },
    ),
)  # fmt: skip
"""Every table, in release order."""

SPECS: dict[str, TableSpec] = {spec.name: spec for spec in TABLES}
"""Table name -> its spec."""

SCHEMA_VERSIONS: dict[str, str] = {spec.name: spec.schema_version for spec in TABLES}
"""Every table of a release, in release order, with the version of its schema."""

TABLE_NAMES: tuple[str, ...] = tuple(SPECS)
"""Table names in release order (also the names of the SDK's SQL views)."""

CURATED_TABLE_NAMES: tuple[str, ...] = tuple(s.name for s in TABLES if s.record is not None)
"""Tables a curator writes records for (the others are built from them)."""

TIMELINE_TABLES: tuple[TableSpec, ...] = tuple(s for s in TABLES if s.timeline is not None)
"""Tables on the timeline, in the order same-day entries are listed."""


def dating(spec: TableSpec, row: str, event: str) -> tuple[str, str]:
    """For a timeline table read under alias `row`: the alias its ``date`` and
    ``date_precision`` come from, and the join that brings in the event it is dated by (empty
    when it has its own date). SQL for DuckDB and SQLite alike."""
    by = spec.timeline.dated_by if spec.timeline is not None else None
    if by is None:
        return row, ""
    return event, f" left join events {event} on {event}.id = {row}.{by}"
