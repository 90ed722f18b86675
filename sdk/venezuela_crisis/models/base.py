"""Building blocks shared by every table: base config, ids, review, citations, dates, quantities.

The data model is declarative: every field is defined once here or in ``tables.py`` with a
description. JSON Schemas, Arrow/Parquet schemas, the codebook and Datasette column
descriptions are all generated from these classes.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Readable, stable slug: lowercase ASCII letters and digits separated by single hyphens."""

RecordId = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        min_length=2,
        max_length=80,
        description="Stable, readable slug id (lowercase, digits, single hyphens). Never reused.",
    ),
]
"""A record id or a reference to one."""

IdList = Annotated[
    list[RecordId],
    Field(description="List of record ids."),
]
"""A list of record ids (order as written by the curator)."""


def _integral_float_to_int(value: Any) -> Any:
    """118.0 -> 118: JSON Schema's `integer` accepts a number with a zero fraction, so must we."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


INTEGRAL = BeforeValidator(_integral_float_to_int)
"""Put after any Field constraints inside Annotated (else the constraints are not understood)."""

Integer = Annotated[int, INTEGRAL]
"""A strict integer that, like JSON Schema's `integer`, also takes 118.0 (never "118" or 1.5)."""

Text = Annotated[str, Field(min_length=1)]
"""Free text: non-empty. Each field sets its own max_length (the alias must not, or it wins)."""


def ref(table: str) -> dict[str, Any]:
    """Field keyword arguments marking a field as holding ids of records in `table`.

    Validation (referential integrity), foreign keys in the datapackage and SQLite, and the
    codebook all read this mark from the JSON Schema extra ``x-references``.
    """
    return {"json_schema_extra": {"x-references": table}}


def references(model: type[BaseModel]) -> dict[str, str]:
    """Fields of `model` that reference other records, mapped to the referenced table."""
    out: dict[str, str] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and isinstance(extra.get("x-references"), str):
            out[name] = str(extra["x-references"])
    return out


class Readable:
    """A row that reads well on its own: ``repr``, ``str`` and notebooks show its key facts,
    evidence counts and quotes with their origins (``venezuela_crisis.card``), not its review
    hashes; ``model_dump()`` still has every field."""

    def __repr__(self) -> str:
        from ..card import card_text

        return card_text(self)

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_html_(self) -> str:
        from ..card import card_html

        return card_html(self)


class StrictModel(BaseModel):
    """Base for every model: unknown fields are refused, types are not coerced."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        validate_default=True,
    )


class DatePrecision(StrEnum):
    """How precise a date is (after ACLED's time_precision and Wikidata's date precision)."""

    day = "day"
    week = "week"
    month = "month"
    year = "year"
    approximate = "approximate"


class ReviewStatus(StrEnum):
    """Where a record stands in hand validation. Only `accepted` records are released."""

    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


class Qualifier(StrEnum):
    """How a reported number relates to the true value ("more than 75" -> more_than 75)."""

    exactly = "exactly"
    more_than = "more_than"
    at_least = "at_least"
    less_than = "less_than"
    at_most = "at_most"
    approximately = "approximately"


class Review(StrictModel):
    """The hand-validation decision for one record."""

    status: ReviewStatus = Field(
        description="pending (not yet checked), accepted (checked against every quote and "
        "released), rejected (checked and refused; never released)."
    )
    reviewer: str | None = Field(
        default=None,
        max_length=200,
        description="Who made the decision (name or handle). Required once status is not pending.",
    )
    date: dt.date | None = Field(
        default=None, description="Day the decision was made (ISO 8601). Required once decided."
    )
    note: str | None = Field(
        default=None, max_length=2000, description="Reviewer's note, e.g. why it was rejected."
    )
    content_hash: str | None = Field(
        default=None,
        pattern=r"^sha256:[0-9a-f]{64}$",
        description="sha256 of the record content the reviewer saw (everything but `review`). "
        "When the record changes after the decision, the hash no longer matches and the record "
        "counts as pending again.",
    )

    @model_validator(mode="after")
    def _decided_has_reviewer(self) -> Review:
        if self.status != ReviewStatus.pending and (self.reviewer is None or self.date is None):
            raise ValueError("a decided review needs both `reviewer` and `date`")
        return self


class Attribution(StrEnum):
    """How an article credits a passage (what decides the passage's independent origin)."""

    upstream = "upstream"
    on_record = "on_record"
    own = "own"


class CitationRef(StrictModel):
    """One piece of evidence inside a curated record: a verbatim quote at exact offsets."""

    source: RecordId = Field(
        **ref("sources"), description="Id of the source (article) the quote comes from."
    )
    quote: Text = Field(
        max_length=5000,
        description="Verbatim text from the source; source_text[char_start:char_end] == quote, "
        "counted in Unicode code points.",
    )
    char_start: Integer = Field(ge=0, description="Offset of the first character of the quote.")
    char_end: Integer = Field(ge=1, description="Offset one past the last character of the quote.")
    attribution: Attribution | None = Field(
        default=None,
        description="How the article credits the passage: upstream (its upstream report or that "
        "report's sources), on_record (a named person or body speaking publicly), own (the "
        "article's own writing, credited to no one). Required on every citation of an accepted "
        "record from schema 1.1.0; decides the citation's independent origin.",
    )
    attributed_to: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="The verbatim phrase that credits the passage (e.g. 'three of the sources', "
        "'stating to reporters'); null when the text gives none, and always for `own`.",
    )

    @model_validator(mode="after")
    def _offsets_match_length(self) -> CitationRef:
        if self.char_end - self.char_start != len(self.quote):
            raise ValueError(
                f"char_end - char_start = {self.char_end - self.char_start} but the quote has "
                f"{len(self.quote)} characters"
            )
        if self.attributed_to is not None and self.attribution in (None, Attribution.own):
            raise ValueError(
                "`attributed_to` names who the article credits: give it only with an "
                "`attribution` of upstream or on_record"
            )
        return self


class Evidence(CitationRef):
    """A citation as the SDK returns it with a record: the quote, how the article credits it,
    the passage's independent origin, the article's publisher and title, and the sentence(s)
    around the quote (``context()``)."""

    origin: str | None = Field(
        default=None, description="Derived: the citation's independent origin (see codebook)."
    )
    publisher: str | None = Field(default=None, description="Publisher of the source article.")
    title: str | None = Field(default=None, description="Headline of the source article.")
    context_text: str | None = Field(
        default=None, description="The sentence or sentences of the article around the quote."
    )
    context_start: Integer | None = Field(
        default=None, description="Offset of `context_text` in the article."
    )

    def context(self) -> Context | None:
        """The quote in its sentence: ``(text, start, end)`` with ``text[start:end] == quote``;
        None when the release has no article text (releases before 1.1.0)."""
        if self.context_text is None or self.context_start is None:
            return None
        start = self.char_start - self.context_start
        return Context(self.context_text, start, start + len(self.quote))


class Context(NamedTuple):
    """A quote in its sentence(s): ``text[start:end]`` is the quote."""

    text: str
    start: int
    end: int

    def __str__(self) -> str:
        before, quote, after = (
            self.text[: self.start],
            self.text[self.start : self.end],
            self.text[self.end :],
        )
        return f"{before}[{quote}]{after}"


class Quantity(StrictModel):
    """A reported number with its qualifier and the verbatim phrase it comes from."""

    value: Integer = Field(
        ge=0, description="The number as reported (the bound for qualified ones)."
    )
    unit: str = Field(
        min_length=1,
        max_length=50,
        description="What is counted, plural noun (e.g. 'people', 'strikes', 'minutes', 'USD').",
    )
    qualifier: Qualifier = Field(description="How the reported number relates to the true value.")
    text: Text = Field(max_length=300, description="The verbatim phrase, e.g. 'more than 75'.")


class CuratedRecord(StrictModel):
    """Fields every curated record carries: id, evidence, review and dispute links."""

    id: RecordId = Field(description="Stable, readable slug id, unique across the dataset.")
    citations: list[CitationRef] = Field(
        min_length=1,
        description="Evidence: at least one verbatim quote from a source. Records reported by "
        "several articles cite each of them.",
    )
    disputes: IdList = Field(
        **ref("disputes"),
        default_factory=list,
        description="Ids of disputes this record is one version of (sources disagree). Empty when "
        "no source contradicts it.",
    )
    review: Review = Field(description="Hand-validation decision.")

    @property
    def sources(self) -> list[str]:
        """Ids of the distinct sources cited, in citation order (not a field; derived)."""
        return list(dict.fromkeys(c.source for c in self.citations))


class DatedRecord(CuratedRecord):
    """A record that happened (or started) on a date reported with some precision."""

    date: dt.date | None = Field(
        default=None,
        description="When it happened or started (ISO 8601); for week/month precision the first "
        "day of the period. Null when no source dates it.",
    )
    date_precision: DatePrecision | None = Field(
        default=None, description="Precision of `date` (day, week, month, year, approximate)."
    )
    date_text: str | None = Field(
        default=None,
        max_length=300,
        description="The verbatim phrase the date comes from, e.g. 'on Friday'.",
    )
    date_resolution: str | None = Field(
        default=None,
        max_length=1000,
        description="How a relative date was resolved to `date`, from the articles' own anchors.",
    )
    end_date: dt.date | None = Field(
        default=None, description="When it ended or expired (ISO 8601), if reported."
    )
    end_date_text: str | None = Field(
        default=None, max_length=300, description="The verbatim phrase `end_date` comes from."
    )

    @model_validator(mode="after")
    def _dates_consistent(self) -> DatedRecord:
        if (self.date is None) != (self.date_precision is None):
            raise ValueError("`date` and `date_precision` go together: give both or neither")
        if self.end_date is not None and self.date is not None and self.end_date < self.date:
            raise ValueError(f"end_date {self.end_date} is before date {self.date}")
        return self


class Released(Readable, StrictModel):
    """What every released record row carries besides its table's columns: its evidence, as
    the SDK returns it (not a Parquet column: rebuilt from the citations table)."""

    citations: list[Evidence] = Field(
        min_length=1,
        description="Evidence: every verbatim quote from a source, with its attribution, "
        "independent origin, the article's publisher and title, and its sentence.",
    )


class Derived(StrictModel):
    """Columns computed at release time, never written by hand."""

    source_count: Integer = Field(
        default=0, ge=0, description="Derived: number of distinct articles citing the record."
    )
    origin_count: Integer = Field(
        default=0,
        ge=0,
        description="Derived: number of distinct independent origins among the record's "
        "citations (four relays of one report count once; an article's own writing is its own "
        "origin; see the codebook's attribution rule).",
    )
    disputed: bool = Field(
        default=False, description="Derived: true when the record is a version in a dispute."
    )
