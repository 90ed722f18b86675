"""Corroboration: does a drafted passage say what an existing record says?

A proposal whose table and type / category / kind equal an existing record's, whose actors
(``actors``, ``by``, ``imposed_by``) share one with it, and whose clause shares at least two
content words (not names, not stop words) with the record's quotes or text (and, for sanctions,
the same amount when both give one) corroborates that record: `vzcrisis draft` proposes to cite
it instead of drafting a duplicate. A sanction a request names without its imposer ("the
lifting of sanctions on 100 officials") is compared on the rest only; a SANCTION event only
with an event whose text names the same kind of sanction (its cue rule). A demand passage that
names other parties than the record's (beyond who asks and who is asked: "amnesty for his
allies", "for his family") does not corroborate it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..records import quotes

_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an the of to for in on at by and or that this with from his her its their he she it "
        "they was were is are be been has have had said says would will not no as after before",
    )
)


@dataclass(frozen=True)
class Existing:
    """An existing record to corroborate: its table, id and fields (plain data)."""

    table: str
    id: str
    data: dict[str, Any]


def _words(text: str, names: set[str]) -> set[str]:
    words = set(re.findall(r"[a-z0-9$]+", quotes.strip_accents(text)))
    return {w for w in words if w not in _STOP and w not in names and len(w) > 2}


def _actor_fields(table: str) -> tuple[str, str]:
    return {"events": ("actors", "recipients"), "demands": ("by", "addressed_to")}.get(
        table, ("imposed_by", "targets")
    )


def _kind_field(table: str) -> str:
    return {"events": "type", "demands": "category"}.get(table, "kind")


def _other_parties(
    table: str,
    record: dict[str, Any],
    text: str,
    theirs: str,
    names_in: Callable[[str], set[str]],
) -> bool:
    """The passage and the record each name parties beyond the actors, and none in common
    ("amnesty for himself and his allies" is not "amnesty for himself and his family")."""
    who, whom = _actor_fields(table)
    roles = set(record.get(who) or []) | set(record.get(whom) or [])
    mine = names_in(text) - roles
    other = names_in(theirs) - roles
    return bool(mine) and bool(other) and not mine & other


def corroborates(
    table: str,
    record: dict[str, Any],
    text: str,
    existing: list[Existing],
    names: set[str],
    named: re.Pattern[str] | None = None,
    names_in: Callable[[str], set[str]] | None = None,
) -> str | None:
    """The id of the existing record this proposal says again, or None (module docstring)."""
    who, _ = _actor_fields(table)
    kind = _kind_field(table)
    mine = _words(text, names)
    best: tuple[int, str] | None = None
    for other in existing:
        data = other.data
        if other.table != table or data.get(kind) != record.get(kind):
            continue
        mine_who = set(record.get(who) or [])
        if mine_who and not set(data.get(who) or []) & mine_who:
            continue
        amounts = {data.get("amount_usd"), record.get("amount_usd")} - {None}
        if table == "sanctions" and len(amounts) == 2:
            continue
        theirs = " ".join(
            [str(data.get(k) or "") for k in ("text", "summary", "description")]
            + [str(c.get("quote", "")) for c in data.get("citations") or []]
        )
        if named is not None and not named.search(theirs):
            continue  # a SANCTION event of another kind of sanction
        if (
            table == "demands"
            and names_in
            and _other_parties(table, record, text, theirs, names_in)
        ):
            continue
        shared = len(mine & _words(theirs, names))
        if shared >= 2 and (best is None or shared > best[0]):
            best = (shared, other.id)
    return best[1] if best else None
