"""The tables of the dataset.

Each table has two classes built from one set of field definitions:

* ``XRecord`` -- what a curator writes in ``seeds/records/*.yaml`` (JSON Schema ``schema/<table>``).
* ``X`` -- the released row as the SDK returns it: the record plus columns derived at release.

``Citation`` is the released form of every ``CitationRef``: one row per quote.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, model_validator

from .base import (
    INTEGRAL,
    Attribution,
    CuratedRecord,
    DatedRecord,
    DatePrecision,
    Derived,
    IdList,
    Integer,
    Quantity,
    Readable,
    RecordId,
    Released,
    StrictModel,
    Text,
    ref,
)
from .vocab import (
    ActorKind,
    DemandCategory,
    DemandStatus,
    EventType,
    RecordTable,
    SanctionKind,
    SanctionStatus,
)


class SourceRecord(CuratedRecord):
    """A news article the records are extracted from. Its citations support `origin`."""

    publisher: str | None = Field(
        default=None,
        max_length=200,
        description="Publisher as named in the article; null when the article does not name it.",
    )
    title: str | None = Field(
        default=None, max_length=500, description="Headline as printed; null when absent."
    )
    byline: str | None = Field(
        default=None, max_length=200, description="Byline as printed; null when absent."
    )
    published: dt.date | None = Field(
        default=None, description="Publication date as printed (ISO 8601); null if not stated."
    )
    published_precision: DatePrecision | None = Field(
        default=None, description="Precision of `published`; null when `published` is null."
    )
    language: str = Field(
        pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$", description="Language of the text (BCP 47, e.g. 'en')."
    )
    file: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+\.txt$",
        description="File name of the article text under seeds/articles/ (no directories).",
    )
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="sha256 of the article file's bytes, hex."
    )
    origin: str = Field(
        min_length=1,
        max_length=200,
        description="Upstream report the article relays (e.g. 'Reuters', 'Miami Herald'); "
        "corroboration counts distinct origins, not articles.",
    )
    url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        max_length=2000,
        description="Where the article was published, if known.",
    )

    @model_validator(mode="after")
    def _published_pair(self) -> SourceRecord:
        if (self.published is None) != (self.published_precision is None):
            raise ValueError("`published` and `published_precision` go together")
        return self


class ActorRecord(CuratedRecord):
    """A person, government, state, organisation or group named in the sources."""

    name: Text = Field(max_length=200, description="Canonical name, with accents.")
    aliases: list[str] = Field(
        default_factory=list,
        description="Other names used in the sources: spelling and accent variants, short forms, "
        "translations (e.g. 'Nicolas Maduro', 'Maduro').",
    )
    kind: ActorKind = Field(description="What sort of actor this is.")
    country: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{3}$",
        description="ISO 3166-1 alpha-3 country code the actor belongs to; null for "
        "international bodies.",
    )
    roles: list[str] = Field(
        default_factory=list,
        description="Roles and titles as reported (e.g. 'President of Venezuela').",
    )


class EventRecord(DatedRecord):
    """Something that happened: a call, a demand made, a rejection, a strike, a declaration."""

    type: EventType = Field(description="PLOVER-aligned event type.")
    actors: IdList = Field(
        **ref("actors"), min_length=1, description="Ids of the actors who acted."
    )
    recipients: IdList = Field(
        **ref("actors"),
        default_factory=list,
        description="Ids of the actors acted upon or addressed.",
    )
    summary: Text = Field(max_length=1000, description="What happened, in plain words.")
    mode: str | None = Field(
        default=None,
        pattern=r"^[a-z_]+$",
        description="How it happened, PLOVER-style (e.g. 'phone', 'social_media', 'letter').",
    )
    location: str | None = Field(
        default=None, max_length=200, description="Where it happened, as reported."
    )
    quantities: list[Quantity] = Field(
        default_factory=list,
        description="Numbers reported about the event (toll, count, duration), with qualifiers.",
    )


class DemandRecord(CuratedRecord):
    """One distinct demand (or term, or ultimatum) made by one side to another."""

    by: IdList = Field(
        **ref("actors"), min_length=1, description="Ids of the actors making the demand."
    )
    addressed_to: IdList = Field(
        **ref("actors"),
        default_factory=list,
        description="Ids of the actors the demand is addressed to.",
    )
    beneficiaries: IdList = Field(
        **ref("actors"), default_factory=list, description="Ids of the actors who would benefit."
    )
    category: DemandCategory = Field(description="What the demand asks for.")
    text: Text = Field(max_length=1000, description="The demand in plain words.")
    made_in: RecordId | None = Field(
        **ref("events"), default=None, description="Id of the event in which the demand was made."
    )
    status: DemandStatus = Field(description="Outcome as reported.")
    response_event: RecordId | None = Field(
        **ref("events"),
        default=None,
        description="Id of the event that answered the demand (e.g. a rejection).",
    )
    sanctions: IdList = Field(
        **ref("sanctions"),
        default_factory=list,
        description="Ids of sanctions/measures the demand asks to lift or end.",
    )


class SanctionRecord(DatedRecord):
    """A coercive measure or designation: sanctions, designations, rewards, closures, cases."""

    kind: SanctionKind = Field(description="Kind of measure.")
    imposed_by: IdList = Field(
        **ref("actors"), min_length=1, description="Ids of the actors imposing it."
    )
    targets: IdList = Field(
        **ref("actors"), min_length=1, description="Ids of the actors it targets."
    )
    status: SanctionStatus = Field(description="Whether it is in force as reported.")
    description: Text = Field(max_length=1000, description="The measure in plain words.")
    amount_usd: Annotated[int, Field(ge=0, le=100_000_000_000), INTEGRAL] | None = Field(
        default=None,
        description="Amount in US dollars (whole dollars), for rewards; null otherwise.",
    )
    event: RecordId | None = Field(
        **ref("events"),
        default=None,
        description="Id of the event in which the measure was announced, if any.",
    )


class DisputeRecord(CuratedRecord):
    """A point on which sources disagree. Each version is a record listing this id in `disputes`."""

    question: Text = Field(
        max_length=500,
        description="The point in dispute, as a question (e.g. 'Who would the "
        "safe passage cover?').",
    )
    summary: Text = Field(
        max_length=2000, description="How the versions differ, and who says what."
    )


class Source(Released, SourceRecord):
    """A released source row, with the article's text."""

    text: str | None = Field(
        default=None,
        description="The article's full text, byte-exact (its sha256 is `sha256`), so every "
        "quote can be read in context. The text belongs to its publisher and is included for "
        "verification only. Null in releases before 1.1.0.",
    )


class Actor(Released, Derived, ActorRecord):
    """A released actor row, with derived corroboration columns."""


class Event(Released, Derived, EventRecord):
    """A released event row, with derived corroboration columns."""


class Demand(Released, Derived, DemandRecord):
    """A released demand row, with derived corroboration columns."""


class Sanction(Released, Derived, SanctionRecord):
    """A released sanction row, with derived corroboration columns."""


class Dispute(Released, Derived, DisputeRecord):
    """A released dispute row, with derived corroboration columns."""


class Citation(Readable, StrictModel):
    """A released citation: the link from one record to one verbatim quote in one source."""

    id: str = Field(
        pattern=r"^[a-z0-9-]+@[a-z0-9-]+:[0-9]+$",
        description="Stable id '<record_id>@<source_id>:<char_start>'.",
    )
    record_table: RecordTable = Field(description="Table of the cited record.")
    record_id: RecordId = Field(description="Id of the cited record.")
    source_id: RecordId = Field(
        **ref("sources"), description="Id of the source the quote comes from."
    )
    quote: Text = Field(
        max_length=5000, description="Verbatim text: source_text[char_start:char_end] == quote."
    )
    char_start: Integer = Field(
        ge=0, description="Offset of the first character (Unicode code points)."
    )
    char_end: Integer = Field(ge=1, description="Offset one past the last character.")
    attribution: Attribution | None = Field(
        default=None,
        description="How the article credits the passage: upstream, on_record or own (see the "
        "codebook). Null in releases before 1.1.0.",
    )
    attributed_to: str | None = Field(
        default=None, description="The verbatim phrase that credits the passage, if any."
    )
    origin: str = Field(
        description="Derived: the passage's independent origin: the source's upstream origin "
        "for an upstream or on_record passage, the article itself ('<source id> (own "
        "writing)') for its own writing. Before 1.1.0: the source's origin."
    )
    context_start: Integer | None = Field(
        default=None,
        description="Derived: offset of the sentence (or sentences) around the quote in the "
        "article text; null in releases before 1.1.0.",
    )
    context_end: Integer | None = Field(
        default=None, description="Derived: offset one past the end of that sentence."
    )
