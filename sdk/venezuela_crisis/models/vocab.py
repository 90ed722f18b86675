"""Controlled vocabularies. Each value is documented in the codebook via VOCAB_DOCS."""

from __future__ import annotations

from enum import StrEnum
from os import PathLike

from ..catalog import CURATED_TABLE_NAMES
from .base import Attribution, DatePrecision, Qualifier, ReviewStatus


class ActorKind(StrEnum):
    """What sort of actor a record refers to."""

    person = "person"
    government = "government"
    state = "state"
    organization = "organization"
    armed_group = "armed_group"
    media = "media"
    group = "group"


class EventType(StrEnum):
    """PLOVER-aligned event types (https://github.com/openeventdata/PLOVER)."""

    CONSULT = "CONSULT"
    REQUEST = "REQUEST"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    SANCTION = "SANCTION"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"
    ACCUSE = "ACCUSE"
    AGREE = "AGREE"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    PROTEST = "PROTEST"
    MOBILIZE = "MOBILIZE"
    DECLARE = "DECLARE"
    OTHER = "OTHER"


class DemandCategory(StrEnum):
    """What a demand asks for."""

    amnesty = "amnesty"
    sanctions_relief = "sanctions_relief"
    legal_case_closure = "legal_case_closure"
    safe_passage = "safe_passage"
    political_transition = "political_transition"
    military_control = "military_control"
    resignation = "resignation"
    departure = "departure"
    dialogue = "dialogue"
    policy = "policy"
    other = "other"


class DemandStatus(StrEnum):
    """Outcome of a demand as reported."""

    rejected = "rejected"
    partly_rejected = "partly_rejected"
    accepted = "accepted"
    pending = "pending"
    expired = "expired"
    unknown = "unknown"


class SanctionKind(StrEnum):
    """Kind of coercive measure or designation."""

    sanctions_program = "sanctions_program"
    terrorist_designation = "terrorist_designation"
    reward = "reward"
    airspace_closure = "airspace_closure"
    indictment = "indictment"
    legal_case = "legal_case"
    military_deployment = "military_deployment"
    other = "other"


class SanctionStatus(StrEnum):
    """Whether a measure is in force as reported."""

    active = "active"
    lifted = "lifted"
    proposed = "proposed"
    expired = "expired"
    unknown = "unknown"


RecordTable = StrEnum(  # type: ignore[misc]
    "RecordTable", [(name, name) for name in CURATED_TABLE_NAMES], module=__name__
)
"""Tables whose records can be cited: the curated tables of ``catalog`` (derived, never listed)."""
RecordTable.__doc__ = "Tables whose records can be cited."


VOCAB_DOCS: dict[type[StrEnum], dict[str, str]] = {
    ActorKind: {
        "person": "An individual.",
        "government": "A government or administration (e.g. the Trump administration).",
        "state": "A country as a whole.",
        "organization": "An organisation: court, cartel alleged as organisation, OPEC, company.",
        "armed_group": "A non-state armed group.",
        "media": "A news organisation or editorial board.",
        "group": "A set of people named together (e.g. 'his family', 'more than 100 officials').",
    },
    EventType: {
        "CONSULT": "Meetings, calls, visits, talks (PLOVER CONSULT).",
        "REQUEST": "Asking for something, incl. demands and requests for talks (PLOVER REQUEST).",
        "REJECT": "Refusing a request, demand or proposal (PLOVER REJECT).",
        "THREATEN": "Threats and ultimatums, including deadlines (PLOVER THREATEN).",
        "SANCTION": "Imposing sanctions, designations, rewards, indictments (PLOVER SANCTION).",
        "COERCE": "Coercion short of force: closures, seizures, blockades (PLOVER COERCE).",
        "ASSAULT": "Use of force against people or property, e.g. strikes (PLOVER ASSAULT).",
        "ACCUSE": "Accusations and denials of wrongdoing (PLOVER ACCUSE).",
        "AGREE": "Agreeing to a request or proposal (PLOVER AGREE).",
        "SUPPORT": "Statements of support or endorsement (PLOVER SUPPORT).",
        "CONCEDE": "Concessions and offers that give ground (PLOVER CONCEDE).",
        "COOPERATE": "Cooperation between actors (PLOVER COOPERATE).",
        "AID": "Material or humanitarian aid (PLOVER AID).",
        "RETREAT": "Withdrawal, stepping down, backing off (PLOVER RETREAT).",
        "PROTEST": "Protests and demonstrations (PLOVER PROTEST).",
        "MOBILIZE": "Military or police mobilisation and deployment (PLOVER MOBILIZE).",
        "DECLARE": "A public statement or declaration not covered above (extension of PLOVER).",
        "OTHER": "An event that fits no other type; explain in the summary.",
    },
    DemandCategory: {
        "amnesty": "Immunity or amnesty from prosecution.",
        "sanctions_relief": "Lifting of sanctions.",
        "legal_case_closure": "Closing or dropping a legal case (e.g. at the ICC).",
        "safe_passage": "Safe passage out of a country.",
        "political_transition": "Who governs next (interim government, elections).",
        "military_control": "Control over armed forces.",
        "resignation": "Stepping down from office.",
        "departure": "Leaving the country.",
        "dialogue": "Talks, calls or negotiations.",
        "policy": "A change of policy (e.g. keep up pressure).",
        "other": "Any other demand; explain in the text.",
    },
    DemandStatus: {
        "rejected": "Refused as reported.",
        "partly_rejected": "Partly refused, partly granted or unclear.",
        "accepted": "Granted as reported.",
        "pending": "No response reported yet.",
        "expired": "The window to accept or act lapsed.",
        "unknown": "Status not reported.",
    },
    SanctionKind: {
        "sanctions_program": "Economic or financial sanctions on people or entities.",
        "terrorist_designation": "Designation as a (foreign) terrorist organisation.",
        "reward": "A reward offered for information leading to an arrest (amount_usd).",
        "airspace_closure": "Declaring airspace closed.",
        "indictment": "Criminal charges filed by prosecutors.",
        "legal_case": "A case before a court (e.g. the International Criminal Court).",
        "military_deployment": "Deployment of military forces as pressure.",
        "other": "Any other measure; explain in the description.",
    },
    SanctionStatus: {
        "active": "In force as reported.",
        "lifted": "Lifted as reported.",
        "proposed": "Proposed or threatened, not yet in force.",
        "expired": "No longer in force because it lapsed.",
        "unknown": "Status not reported.",
    },
}
"""Meaning of every allowed value, per vocabulary; the codebook and JSON Schemas use it."""
VOCAB_DOCS[DatePrecision] = {
    "day": "Exact day.",
    "week": "Within the week starting on the date.",
    "month": "Within the month of the date (date = first day).",
    "year": "Within the year of the date (date = 1 January).",
    "approximate": "Around the date; the text is vague (e.g. 'early September').",
}
VOCAB_DOCS[ReviewStatus] = {
    "pending": "Not yet checked by a reviewer; never released.",
    "accepted": "Checked against every quote; released.",
    "rejected": "Checked and refused; never released.",
}
VOCAB_DOCS[Qualifier] = {
    "exactly": "The number as stated, no qualifier.",
    "more_than": "Strictly more than the value ('more than 75', 'over 100').",
    "at_least": "The value or more ('at least').",
    "less_than": "Strictly less than the value ('less than 15 minutes').",
    "at_most": "The value or less ('up to', 'at most').",
    "approximately": "Around the value ('around 20', 'some').",
}
VOCAB_DOCS[RecordTable] = {t.value: f"A record in the `{t.value}` table." for t in RecordTable}
VOCAB_DOCS[Attribution] = {
    "upstream": "Credited to the article's upstream report or its sources ('three of the "
    "sources', 'reports Reuters'), including the reported account such a credit covers. "
    "Independent origin: the source's origin.",
    "on_record": "A named person or body speaking publicly: a post, a statement to reporters, a "
    "letter, an editorial ('stating to reporters', 'He declared on social media'). Independent "
    "origin: the source's origin (the report that carried the statement).",
    "own": "The article's own writing: background, context, analysis, credited to no one. "
    "Independent origin: the article itself.",
}


FILTER_VOCABS: tuple[type[StrEnum], ...] = (
    ActorKind,
    EventType,
    DemandCategory,
    DemandStatus,
    SanctionKind,
    SanctionStatus,
    RecordTable,
)
"""Vocabularies the SDK's table methods filter on; ``venezuela_crisis/literals.py`` gives each
one a ``Literal`` type, generated by `literals_module`."""


def literals_module() -> str:
    """The source of ``venezuela_crisis/literals.py``: one ``Literal`` per filter vocabulary.

    Regenerate after changing a vocabulary (`write_literals`); a test fails while the file
    differs from this text."""
    lines = [
        '"""Allowed values of the SDK\'s vocabulary filters, as ``Literal`` types: editors, type',
        "checkers and ``help()`` list them.",
        "",
        "Generated from the enums of ``venezuela_crisis/models/vocab.py`` by its",
        "``write_literals()``; do not edit. Importing it imports only ``typing`` (the data model",
        'stays unloaded)."""',
        "",
        "from collections.abc import Sequence",
        "from typing import Literal, TypeAlias",
        "",
    ]
    for enum in FILTER_VOCABS:
        name = enum.__name__
        values = "".join(f'    "{m.value}",\n' for m in enum)
        lines += [
            f"{name}Value: TypeAlias = Literal[\n{values}]",
            f'"""A value of ``models.{name}``."""',
            f"{name}Filter: TypeAlias = {name}Value | Sequence[{name}Value]",
            f'"""One ``models.{name}`` value, or several (any of them)."""',
            "",
        ]
    return "\n".join(lines)


def write_literals(directory: str | PathLike[str] | None = None) -> str:
    """Write ``literals.py`` from the enums into `directory` (default: this installed
    ``venezuela_crisis`` package); returns its path. ``vzcrisis schemas`` calls it."""
    return write_module("literals.py", literals_module(), directory)


def write_module(name: str, text: str, directory: str | PathLike[str] | None = None) -> str:
    """Write a generated module `name` into `directory` (default: the installed package),
    atomically (a temporary file in the same directory, then replaced); returns its path."""
    import os
    from pathlib import Path

    folder = Path(directory) if directory is not None else Path(__file__).resolve().parent.parent
    target = folder / name
    tmp = folder / f".{name}.tmp"
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, target)
    return str(target)
