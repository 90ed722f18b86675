"""Propose pending `events` records for a source (`vzcrisis draft`).

A draft is a starting point, never data: every sentence that names a known actor (name or
alias, accent-insensitive) *and* a cue word (demand, reject, sanction, strike, ultimatum, ...)
becomes one pending event with its citation pre-filled, the type guessed from the cue and a
``DRAFT:`` summary the curator must rewrite. Drafts go to ``seeds/records/drafts-<source>.yaml``;
the release takes accepted records only, so nothing drafted is published until reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from venezuela_crisis.errors import InputError
from venezuela_crisis.models import TABLES, EventType

from ..records import quotes
from ..records.load import RECORDS_DIR, raw_records
from ..records.write import atomic_write_text, dump, parse_document
from .sources import commented, find_source

CUES: dict[EventType, tuple[str, ...]] = {
    EventType.REJECT: ("reject", "refus", "declin", "turn down", "turned down", "dismiss"),
    EventType.THREATEN: ("deadline", "ultimatum", "threat", "warn"),
    EventType.REQUEST: ("demand", "ask", "request", "sought", "seek", "urge", "call on"),
    EventType.SANCTION: ("sanction", "reward", "designat", "indict", "charge"),
    EventType.ASSAULT: ("strike", "struck", "attack", "kill", "bomb"),
    EventType.COERCE: ("airspace", "seiz", "blockad", "closed", "closure", "shut"),
    EventType.CONCEDE: ("amnesty", "safe passage", "offer"),
    EventType.ACCUSE: ("accus", "denounc", "blame"),
    EventType.CONSULT: ("phone call", "talks", "met with", "meeting", "spoke"),
}
"""Cue stems per event type, by priority: the first type with a cue in a sentence is the guess."""

_CUE_PATTERNS = [
    (kind, re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")", re.IGNORECASE))
    for kind, cues in CUES.items()
]
TODO = (
    "TODO: check type, actors, recipients and date against the quote; rewrite the summary\n"
    "in plain words; give it a readable id; then `vzcrisis review`."
)


@dataclass(frozen=True)
class Drafted:
    """What draft wrote: the file and the proposed records (plain data)."""

    source: str
    file: str
    records: list[dict[str, Any]]


@dataclass(frozen=True)
class ActorNames:
    """An actor id with a pattern per name; `exact` ones run on the text as is, others folded."""

    id: str
    patterns: tuple[tuple[re.Pattern[str], bool], ...]


def actor_names(root: Path) -> list[ActorNames]:
    """Every actor of the project with a pattern per name and alias (accent-insensitive)."""
    out: list[ActorNames] = []
    for record in raw_records(root):
        if record.table != "actors":
            continue
        names = [record.data.get("name"), *(record.data.get("aliases") or [])]
        patterns = tuple(_name_pattern(n) for n in names if isinstance(n, str) and n.strip())
        if record.id and patterns:
            out.append(ActorNames(record.id, patterns))
    return out


def _name_pattern(name: str) -> tuple[re.Pattern[str], bool]:
    """Whole-word pattern; all-caps short forms (US, ICC) match case-exactly, others folded."""
    exact = name.isupper() and len(name) <= 5
    body = name if exact else quotes.strip_accents(name)
    return re.compile(r"(?<!\w)" + re.escape(body) + r"(?!\w)"), exact


def mentions(sentence: str, actors: list[ActorNames]) -> list[str]:
    """Ids of the actors a sentence names, in order of first mention."""
    folded = quotes.strip_accents(sentence)
    found: list[tuple[int, str]] = []
    for actor in actors:
        positions = [
            m.start()
            for pattern, exact in actor.patterns
            if (m := pattern.search(sentence if exact else folded))
        ]
        if positions:
            found.append((min(positions), actor.id))
    return [aid for _, aid in sorted(found)]


def guess_type(sentence: str) -> EventType | None:
    """The highest-priority event type with a cue in `sentence`, or None when it has no cue."""
    return next((kind for kind, p in _CUE_PATTERNS if p.search(sentence)), None)


def propose(sid: str, text: str, actors: list[ActorNames]) -> list[dict[str, Any]]:
    """Draft event records (plain data) for the sentences of `text` with an actor and a cue."""
    drafts: list[dict[str, Any]] = []
    for span in quotes.sentences(text):
        kind = guess_type(span.text)
        found = mentions(span.text, actors)
        if kind is None or not found:
            continue
        summary = "DRAFT: " + " ".join(span.text.split())
        quote = span.text[:5000]
        drafts.append(
            {
                "id": f"draft-{sid.removeprefix('src-')}-{len(drafts) + 1:02d}",
                "type": kind.value,
                "actors": found,
                "summary": summary[:1000],
                "citations": [
                    quotes.citation(sid, quotes.Match(span.start, span.start + len(quote), quote))
                ],
                "review": {"status": "pending"},
            }
        )
    return drafts


def drafts_path(root: Path, sid: str) -> Path:
    """Where the drafts of a source are written."""
    return root / RECORDS_DIR / f"drafts-{sid}.yaml"


def draft(root: Path, sid: str) -> Drafted:
    """Write pending event drafts for source `sid`; refuses to overwrite an existing drafts file."""
    _, text = find_source(root, sid)
    path = drafts_path(root, sid)
    rel = path.relative_to(root).as_posix()
    if path.exists():
        raise InputError(f"{rel}: already exists; review or delete it before drafting again")
    actors = actor_names(root)
    if not actors:
        raise InputError(
            f"{sid}: no actors in the project (seeds/records/*.yaml, table actors); add actors "
            "first so drafts can name who acted"
        )
    records = propose(sid, text, actors)
    header = (
        f"# Drafts for {sid}, proposed by `vzcrisis draft`: every record is pending and is not\n"
        "# released until accepted with `vzcrisis review`. Edit, then review; delete what is "
        "wrong.\n"
        f'schema_version: "{TABLES["events"].schema_version}"\ntable: events\nrecords:\n'
    )
    doc = parse_document(path, header)
    seq = CommentedSeq()
    for index, record in enumerate(records):
        node: CommentedMap = commented(record)
        seq.append(node)
        seq.yaml_set_comment_before_after_key(index, before=TODO, indent=2)
    doc.data["records"] = seq
    text_out = (
        dump(doc.yaml, doc.data) if records else header.replace("records:\n", "records: []\n")
    )
    atomic_write_text(path, text_out)
    return Drafted(sid, rel, records)
