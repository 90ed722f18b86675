"""Allowed values of the SDK's vocabulary filters, as ``Literal`` types: editors, type
checkers and ``help()`` list them.

Generated from the enums of ``venezuela_crisis/models/vocab.py`` by its
``write_literals()``; do not edit. Importing it imports only ``typing`` (the data model
stays unloaded)."""

from collections.abc import Sequence
from typing import Literal, TypeAlias

ActorKindValue: TypeAlias = Literal[
    "person",
    "government",
    "state",
    "organization",
    "armed_group",
    "media",
    "group",
]
"""A value of ``models.ActorKind``."""
ActorKindFilter: TypeAlias = ActorKindValue | Sequence[ActorKindValue]
"""One ``models.ActorKind`` value, or several (any of them)."""

EventTypeValue: TypeAlias = Literal[
    "CONSULT",
    "REQUEST",
    "REJECT",
    "THREATEN",
    "SANCTION",
    "COERCE",
    "ASSAULT",
    "ACCUSE",
    "AGREE",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "PROTEST",
    "MOBILIZE",
    "DECLARE",
    "OTHER",
]
"""A value of ``models.EventType``."""
EventTypeFilter: TypeAlias = EventTypeValue | Sequence[EventTypeValue]
"""One ``models.EventType`` value, or several (any of them)."""

DemandCategoryValue: TypeAlias = Literal[
    "amnesty",
    "sanctions_relief",
    "legal_case_closure",
    "safe_passage",
    "political_transition",
    "military_control",
    "resignation",
    "departure",
    "dialogue",
    "policy",
    "other",
]
"""A value of ``models.DemandCategory``."""
DemandCategoryFilter: TypeAlias = DemandCategoryValue | Sequence[DemandCategoryValue]
"""One ``models.DemandCategory`` value, or several (any of them)."""

DemandStatusValue: TypeAlias = Literal[
    "rejected",
    "partly_rejected",
    "accepted",
    "pending",
    "expired",
    "unknown",
]
"""A value of ``models.DemandStatus``."""
DemandStatusFilter: TypeAlias = DemandStatusValue | Sequence[DemandStatusValue]
"""One ``models.DemandStatus`` value, or several (any of them)."""

SanctionKindValue: TypeAlias = Literal[
    "sanctions_program",
    "terrorist_designation",
    "reward",
    "airspace_closure",
    "indictment",
    "legal_case",
    "military_deployment",
    "other",
]
"""A value of ``models.SanctionKind``."""
SanctionKindFilter: TypeAlias = SanctionKindValue | Sequence[SanctionKindValue]
"""One ``models.SanctionKind`` value, or several (any of them)."""

SanctionStatusValue: TypeAlias = Literal[
    "active",
    "lifted",
    "proposed",
    "expired",
    "unknown",
]
"""A value of ``models.SanctionStatus``."""
SanctionStatusFilter: TypeAlias = SanctionStatusValue | Sequence[SanctionStatusValue]
"""One ``models.SanctionStatus`` value, or several (any of them)."""

RecordTableValue: TypeAlias = Literal[
    "sources",
    "actors",
    "events",
    "demands",
    "sanctions",
    "disputes",
]
"""A value of ``models.RecordTable``."""
RecordTableFilter: TypeAlias = RecordTableValue | Sequence[RecordTableValue]
"""One ``models.RecordTable`` value, or several (any of them)."""
