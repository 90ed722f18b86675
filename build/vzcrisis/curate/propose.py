"""Clause-level proposals for `vzcrisis draft`: events, demands, sanctions, new actors, citations.

Each *clause* of a sentence (the comma-, semicolon-, colon- or dash-delimited parts) holds
zero or more *facts*, one per cue that starts one (cue rules and their table: `cues`). A fact
quotes its clause from where it starts (the clause start for the first; for a later one, the
subordinator before it, "after Trump declared ...", or the name that owns it, "Trump's demand
that ...") to the clause end, at exact offsets.

Roles come from the clause (`roles`: actor, recipient, sanction target).

The recipient is the first actor named after the cue in the fact ("X asked Y"). A COERCE or
ASSAULT cue in a conditional ("would close the airspace if ...") is a THREATEN, and proposes no
sanction. Two cues of one rule joined by "and" are two passages. After a request, the following
clauses of the sentence that name a demand category are the items of a list of demands ("sought
safe passage, amnesty, the lifting of sanctions"): each is a demand by the requester (and a
sanction when it names one with its imposer before the cue).

A date phrase dates the fact whose part of the clause holds it; a clause that is only a date
phrase ("On Monday, ...") dates the first fact of the next clause.

**Corroboration.** A proposal whose table and type/category/kind equal an existing record's,
whose actors (actors, by, imposed_by) share one with it, and whose clause shares at least two
content words with the record's quotes or text (and, for sanctions, the same amount when both
give one) becomes a proposal to cite that record instead of a new record; the proposal keeps
the date (and amount) the passage gives, for the curator to compare with the record's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..records import quotes
from . import clauses as clauses_lib
from . import cues as cues_lib
from . import extract
from . import roles as roles_lib
from .corroborate import Existing, corroborates
from .names import ActorNames, name_pattern, positions

RULES = cues_lib.RULES
clauses = clauses_lib.clauses
headline = clauses_lib.headline
segments = clauses_lib.segments
category = cues_lib.category
_TRAILING = re.compile(r"(?: (?:and|but))? *$")
"""What a fact's quote does not end with: "Maduro declined to step down [and] presented"."""
_CONDITIONAL = re.compile(r"\b(?:would|will)\b.*\bif\b")
_CONTINUES = re.compile(
    r"\balso\b|\bas well as\b|\balong with\b|\b(?:These|Those|They|This|It) includ", re.I
)


@dataclass
class Proposals:
    """What draft proposes for one source: new records per table and citations to add."""

    events: list[dict[str, Any]] = field(default_factory=list)
    demands: list[dict[str, Any]] = field(default_factory=list)
    sanctions: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)
    corroborations: list[dict[str, Any]] = field(default_factory=list)
    passages: int = 0
    """How many passages have proposals so far (numbers the draft ids)."""
    person: list[str] = field(default_factory=list)
    """The first person named in the last sentence naming one (He, She, That ...)."""
    anyone: list[str] = field(default_factory=list)
    """The first actor named in the last sentence naming one (They)."""
    requesters: set[tuple[str, ...]] = field(default_factory=set)
    """Who made a request so far (a later one that continues it has no event of its own)."""
    kinds: dict[str, str] = field(default_factory=dict)
    """Actor id -> kind (person, group ...)."""
    countries: dict[str, str] = field(default_factory=dict)
    """State actor id -> its country code."""
    names_in: Callable[[str], set[str]] = lambda _: set()
    """The actors a text names (for corroboration)."""


def propose(
    sid: str,
    text: str,
    published: dt.date | None,
    actors: list[ActorNames],
    existing: list[Existing],
) -> Proposals:
    """Proposals for source `sid` (plain data; every record is pending)."""
    out = Proposals(
        kinds={a.id: a.kind for a in actors},
        countries={a.id: a.country for a in actors if a.kind == "state" and a.country},
    )
    known = {_plain(p) for a in actors for p, _ in a.patterns}
    names = {w for k in known for w in re.findall(r"[a-z]+", k)}
    for new in extract.new_actors(text, known):
        out.actors.append(
            {
                "id": new["id"],
                "name": new["name"],
                "aliases": [new["name"].split()[-1]],
                "kind": "person",
                "roles": [new["role"]],
                "citations": [_cite(sid, text, new["start"], new["end"], {"attribution": "own"})],
                "review": {"status": "pending"},
            }
        )
    everyone = actors + [
        ActorNames(a["id"], (name_pattern(a["name"]), name_pattern(a["aliases"][0])), "person")
        for a in out.actors
    ]
    out.names_in = lambda passage: {m[2] for m in positions(passage, everyone)}
    for span in quotes.sentences(text):
        if headline(span.text):
            continue
        _sentence(out, sid, text, span, published, everyone, existing, names)
    return out


def _plain(pattern: re.Pattern[str]) -> str:
    """The folded name a `names.name_pattern` pattern matches."""
    body = pattern.pattern.removeprefix(r"(?<!\w)").removesuffix(r"(?!\w)")
    return quotes.strip_accents(re.sub(r"\\(.)", r"\1", body))


def _cite(sid: str, text: str, start: int, end: int, credit: dict[str, str]) -> dict[str, Any]:
    return {**quotes.citation(sid, quotes.Match(start, end, text[start:end])), **credit}


def _list_item(
    out: Proposals,
    passage: Passage,
    asking: list[str],
    mentions: list[tuple[int, int, str]],
    credit: dict[str, str],
    dated: dict[str, Any],
    existing: list[Existing],
    names: set[str],
) -> None:
    """A demand by `asking` for one item of a list of requests (+ the sanction it names)."""
    named = roles_lib.named_sanction(passage.sentence, passage.start, passage.end, mentions, asking)
    _emit(
        out,
        passage,
        "REQUEST",
        "demand",
        asking,
        [],
        credit,
        dated,
        existing,
        names,
        make=("demands", "sanctions") if named else ("demands",),
        sanction=named,
    )


def _dated(date: extract.Resolved | None) -> dict[str, Any]:
    if date is None:
        return {}
    if date.date is None:  # a relative phrase nothing anchors: its text and why no date
        return {"date_text": date.text, "date_resolution": date.reasoning}
    return {
        "date": date.date.isoformat(),
        "date_precision": date.precision,
        "date_text": date.text,
        "date_resolution": date.reasoning,
    }


def _request_tables(out: Proposals, who: list[str], head: str) -> tuple[str, ...]:
    """A request that continues an earlier one of its requester ("He also asked", "These
    included a request", "as well as a proposal") is a demand of that occasion: no second
    REQUEST event."""
    key = tuple(who)
    if key in out.requesters and _CONTINUES.search(head):
        return ("demands",)
    out.requesters.add(key)
    return ("demands", "events")


def _sentence(
    out: Proposals,
    sid: str,
    text: str,
    span: quotes.Span,
    published: dt.date | None,
    actors: list[ActorNames],
    existing: list[Existing],
    names: set[str],
) -> None:
    """Proposals for each fact of each clause of a sentence (roles carried across clauses)."""
    sentence = span.text
    mentions = positions(sentence, actors)
    subject: list[str] = []  # the sentence's actor so far
    asking: list[str] = []  # who a request running through the sentence is by
    pending: extract.Resolved | None = None  # "On Monday," dates the next clause
    for start, end in clauses(sentence):
        date = extract.find_date(sentence[start:end], published)
        if date is not None and extract.DATE_PHRASES.fullmatch(sentence[start:end]):
            pending = date
            continue
        found = cues_lib.cues(sentence, start, end)
        facts = cues_lib.facts(sentence, found)
        inside = [m for m in mentions if start <= m[0] and m[1] <= end]
        credit = extract.attribution(sentence, start, end)
        listed = asking and category(sentence[start:end]) != "other"
        if not facts or (listed and facts[0].rule.kind not in ("REQUEST", "REJECT")):
            if listed:
                for item_start, item_end in clauses_lib.items(sentence, start, end):
                    passage = Passage(
                        sid, text, span.start, sentence, item_start, item_end, item_start
                    )
                    _list_item(
                        out, passage, asking, mentions, credit, _dated(pending), existing, names
                    )
            elif pronoun := roles_lib.pronoun_subject(out, sentence, start):
                subject = pronoun  # "While he offered Maduro ..., he set a deadline"
            elif acting := [m for m in inside if roles_lib.can_act(sentence, m)]:
                subject = [acting[0][2]]  # "Trump, however, dismissed ..."
            continue
        starts = roles_lib.starts(sentence, start, facts, mentions)
        skipped_from: int | None = None  # a fact told before gives its start to the next
        for index, fact in enumerate(facts):
            f_start = starts[index][0] if skipped_from is None else skipped_from
            skipped_from = None
            own_end = starts[index + 1][0] if index + 1 < len(starts) else end
            quote_end = own_end if index + 1 < len(starts) and starts[index + 1][1] else end
            quote_end = f_start + len(_TRAILING.sub("", sentence[f_start:quote_end]))
            lo = facts[index - 1].match.end() if index else start
            if roles_lib.skipped(sentence, lo, f_start, fact.match):
                if roles_lib.told_before(sentence, max(lo, f_start), fact.match):
                    skipped_from = f_start  # "That deadline expired": the expiry is the fact
                continue
            who, whom, carries = roles_lib.roles(
                out, sentence, fact, f_start, quote_end, mentions, subject
            )
            if not who:
                continue
            if carries:
                subject = who
            rule = fact.rule
            kind, extra = rule.kind, rule.extra
            make: tuple[str, ...] | None = None
            if kind in ("COERCE", "ASSAULT") and _CONDITIONAL.search(sentence, start, end):
                kind, make = "THREATEN", ("events",)  # "would close the airspace if ..."
            if extra == "terms":
                make = ("events",)
                out.requesters.add(tuple(who))
            if kind == "REQUEST" and extra == "demand":
                make = _request_tables(out, who, sentence[f_start : fact.match.start()])
            date = extract.find_date(sentence[f_start:own_end], published)
            if date is None and index == 0:
                date = pending
            dated = _dated(date)
            for seg_start, seg_end, seg_cue in segments(
                sentence, f_start, quote_end, fact.match, rule.pattern
            ):
                seg_whom = whom
                if seg_cue is not fact.match or seg_end < quote_end:
                    later = [m[2] for m in mentions if seg_cue.end() <= m[0] and m[1] <= seg_end]
                    seg_whom = [a for a in later[:1] if a not in who]
                passage = Passage(
                    sid, text, span.start, sentence, seg_start, seg_end, seg_cue.end()
                )
                targets = seg_whom or roles_lib.targets(
                    out, sentence, seg_start, seg_end, mentions, who, seg_cue
                )
                parts = [(seg_cue.end(), seg_end)]
                if extra == "demand":  # "sought safe passage along with amnesty": two demands
                    parts = clauses_lib.items(sentence, seg_cue.end(), seg_end)
                seg_end = parts[0][1]
                passage = Passage(
                    sid, text, span.start, sentence, seg_start, seg_end, seg_cue.end()
                )
                named = None
                seg_make = make
                relief = category(sentence[seg_cue.end() : seg_end]) == "sanctions_relief"
                if extra == "demand" and relief:
                    # "asked for the removal of sanctions on ...": the sanction it names
                    named = roles_lib.named_sanction(
                        sentence, seg_cue.end(), seg_end, mentions, who
                    )
                    if named is not None:
                        seg_make = (*(make or ("demands", "events")), "sanctions")
                _emit(
                    out,
                    passage,
                    kind,
                    extra,
                    who,
                    seg_whom,
                    credit,
                    dated,
                    existing,
                    names,
                    make=seg_make,
                    sanction_roles=(who, targets),
                    sanction=named,
                )
                for a, b in parts[1:]:
                    item = Passage(sid, text, span.start, sentence, a, b, a)
                    _list_item(out, item, who, mentions, credit, dated, existing, names)
            if extra in ("demand", "terms"):
                asking = who
        pending = None
    acting = [m for m in mentions if roles_lib.can_act(sentence, m)]
    if persons := [m for m in acting if out.kinds.get(m[2], "") in ("person", "")]:
        out.person = [persons[0][2]]
    if acting:
        out.anyone = [acting[0][2]]


@dataclass(frozen=True)
class Passage:
    """The part of a sentence a proposal quotes (offsets in the sentence) and its article."""

    sid: str
    text: str
    offset: int
    sentence: str
    start: int
    end: int
    cue_end: int


def _sanction_cue(kind: str | None) -> re.Pattern[str] | None:
    """The cue pattern of a sanction kind (a SANCTION event corroborates an event that names
    the same kind of sanction: a designation, not an indictment)."""
    return next((r.pattern for r in RULES if r.kind == "SANCTION" and r.extra == kind), None)


def _emit(
    out: Proposals,
    passage: Passage,
    kind: str,
    extra: str | None,
    who: list[str],
    whom: list[str],
    credit: dict[str, str],
    dated: dict[str, Any],
    existing: list[Existing],
    names: set[str],
    *,
    make: tuple[str, ...] | None = None,
    sanction_roles: tuple[list[str], list[str]] | None = None,
    sanction: tuple[str, list[str], list[str]] | None = None,
) -> None:
    """Append the proposals of one passage: the tables `make` (default: from the rule)."""
    if make is None:
        make = ("demands" if extra == "demand" else "sanctions", "events") if extra else ("events",)
    sentence, start, end = passage.sentence, passage.start, passage.end
    quote = sentence[start:end]
    plain = " ".join(quote.split())
    citation = _cite(
        passage.sid, passage.text, passage.offset + start, passage.offset + end, credit
    )
    sid = passage.sid
    amounts = extract.quantities(quote)
    out.passages += 1
    number = out.passages
    base = f"draft-{sid.removeprefix('src-')}-{number:02d}"
    records: list[tuple[str, dict[str, Any]]] = []
    if "demands" in make:
        records.append(
            (
                "demands",
                {
                    "by": who,
                    "addressed_to": whom,
                    "category": category(sentence[passage.cue_end : end]),
                    "text": "DRAFT: " + plain,
                    "status": "pending",
                },
            )
        )
    imposed_by, targets = sanction_roles or (who, whom)
    sanction_kind = extra
    if sanction is not None:  # the sanction a request names (`named_sanction`)
        sanction_kind, imposed_by, targets = sanction
    if "sanctions" in make and sanction_kind not in (None, "demand", "terms"):
        usd = next((q["value"] for q in amounts if q["unit"] == "USD"), None)
        proposed: dict[str, Any] = {
            "kind": sanction_kind,
            "imposed_by": imposed_by,
            "targets": targets,
            "status": "active",
            "description": "DRAFT: " + plain,
            **dated,
        }
        if usd is not None:
            proposed["amount_usd"] = usd
        records.append(("sanctions", proposed))
    event: dict[str, Any] = {
        "type": kind,
        "actors": who,
        "recipients": whom,
        "summary": "DRAFT: " + plain,
        **dated,
    }
    if counts := [q for q in amounts if q["unit"] != "USD"]:
        event["quantities"] = counts
    if "events" in make:
        records.append(("events", event))
    for suffix, (table, record) in zip("abc", records, strict=False):
        named = _sanction_cue(extra) if table == "events" and kind == "SANCTION" else None
        target = corroborates(table, record, quote, existing, names, named, out.names_in)
        if target is not None:
            # what the passage says of the date and amount, for the curator to compare
            said = {k: record[k] for k in (*dated, "amount_usd", "quantities") if k in record}
            out.corroborations.append(
                {"table": table, "record": target, "citation": citation, **said}
            )
            continue
        if table == "sanctions" and not (record["targets"] and record["imposed_by"]):
            continue  # a new sanction names its imposer and target: else only the event
        rid = base if len(records) == 1 else f"{base}{suffix}"
        full = {"id": rid, **record, "citations": [citation], "review": {"status": "pending"}}
        getattr(out, table).append(full)
