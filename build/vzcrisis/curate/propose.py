"""Clause-level proposals for `vzcrisis draft`: events, demands, sanctions, new actors, citations.

Each *clause* of a sentence (the comma-, semicolon-, colon- or dash-delimited parts) with a cue
(rules below: the cue that comes first in the clause; on a tie, the rule higher in the table)
yields proposals. The clause is the quote (exact offsets). The actor is the first actor named
before the cue in the clause, not in the possessive; a passive clause takes the one after "by";
a clause without one takes the actor of the sentence's previous clause, and one that starts
with He / She / They the last actor of the article. The recipient is the first actor named
after the cue ("X asked Y", "X rejected Y's demand"). A COERCE or ASSAULT cue in a conditional
("would close the airspace if ...") is a THREATEN. Two cues of one rule joined by "and" are two
passages. After a request, the following clauses of the sentence that name a demand category
are the items of a list of demands ("sought safe passage, amnesty, the lifting of sanctions"):
each is a demand by the requester (and a sanction when it names one with its imposer).

==========================================  ===========================================  =========
cue stems                                   proposes                                     PLOVER
==========================================  ===========================================  =========
reject, refus, declin, turn(ed) down        event                                        REJECT
deadline, ultimatum, threat, warn           event                                        THREATEN
reward, bounty                              sanction kind ``reward`` + event             SANCTION
sanction                                    sanction ``sanctions_program`` + event       SANCTION
designat                                    sanction ``terrorist_designation`` + event   SANCTION
indict                                      sanction kind ``indictment`` + event         SANCTION
court case, case against                    sanction kind ``legal_case`` + event         SANCTION
ask, request, demand, urge, sought, seek,   demand (category below) + event              REQUEST
propos, terms, called for
strike, struck, attack, kill, bomb          event                                        ASSAULT
airspace, seiz, blockad, closure            event                                        COERCE
conced, concession                          event                                        CONCEDE
accus, denounc, blame                       event                                        ACCUSE
phone call, talks, met with, spoke          event                                        CONSULT
confirm, assert, defend, frames, insist,    event, only when no other rule has a cue     DECLARE
declared
==========================================  ===========================================  =========

Demand categories, from the words after the cue (the rule matching earliest): call, talks,
dialogue -> dialogue; amnesty, immunity, pardon -> amnesty; lift/relief + sanction ->
sanctions_relief; charges, case, ICC -> legal_case_closure; safe passage -> safe_passage;
leave, step down, exile -> departure; resign -> resignation; election, transition ->
political_transition; armed forces, military -> military_control; else other.

**Corroboration.** A proposal whose table and type/category/kind equal an existing record's,
whose actors (actors, by, imposed_by) share one with it, and whose clause shares at least two
content words with the record's quotes or text (and, for sanctions, the same amount when both
give one) becomes a proposal to cite that record instead of a new record.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from ..records import quotes
from . import extract
from .corroborate import Existing, corroborates
from .names import ActorNames, name_pattern, positions

RULES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("REJECT", None, ("reject", "refus", "declin", "turn down", "turned down")),
    ("THREATEN", None, ("deadline", "ultimatum", "threat", "warn")),
    ("SANCTION", "reward", ("reward", "bounty")),
    ("SANCTION", "sanctions_program", ("sanction",)),
    ("SANCTION", "terrorist_designation", ("designat",)),
    ("SANCTION", "indictment", ("indict",)),
    ("SANCTION", "legal_case", ("court case", "case against")),
    (
        "REQUEST",
        "demand",
        ("ask", "request", "demand", "urge", "sought", "seek", "propos", "terms", "called for"),
    ),
    ("ASSAULT", None, ("strike", "struck", "attack", "kill", "bomb")),
    ("COERCE", None, ("airspace", "seiz", "blockad", "closure")),
    ("CONCEDE", None, ("conced", "concession")),
    ("ACCUSE", None, ("accus", "denounc", "blame")),
    ("CONSULT", None, ("phone call", "talks", "met with", "spoke")),
    ("DECLARE", None, ("confirm", "assert", "defend", "frames", "insist", "declared")),
)
FALLBACK = "DECLARE"
"""The rule used only when no other rule has a cue in the clause."""
"""(PLOVER type, sanction kind or "demand" or None, cue stems), by priority."""

_RULES = [
    (kind, extra, re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + ")", re.I))
    for kind, extra, cues in RULES
]
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("dialogue", r"\bcall\b|\btalks\b|\bdialogue\b"),
    ("amnesty", r"amnesty|immunity|pardon"),
    ("sanctions_relief", r"(?:lift|relief|remov)\w*.*sanction|sanction.*(?:lift|relief)"),
    ("legal_case_closure", r"\bcharges\b|\bcase\b|\bICC\b"),
    ("safe_passage", r"safe passage"),
    ("departure", r"\bleave\b|step down|exile"),
    ("resignation", r"resign"),
    ("political_transition", r"election|transition"),
    ("military_control", r"armed forces|military"),
)
_CREDITED = re.compile(r"\b(?:told|to|according to)(?: the)? $")
_CONDITIONAL = re.compile(r"\b(?:would|will)\b.*\bif\b")
_CLAUSE_BREAK = re.compile(r"[,;:]| [-–—] |\.\s*$")


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
    subject: list[str] = field(default_factory=list)
    """The last actor that acted, for a sentence that starts with He, She or They."""


def category(text: str) -> str:
    """The demand category of the words after a request cue (rules in the module docstring)."""
    found = [(m.start(), c) for c, p in CATEGORIES if (m := re.search(p, text, re.I))]
    return min(found)[1] if found else "other"


def propose(
    sid: str,
    text: str,
    published: dt.date | None,
    actors: list[ActorNames],
    existing: list[Existing],
) -> Proposals:
    """Proposals for source `sid` (plain data; every record is pending)."""
    out = Proposals()
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
        ActorNames(a["id"], (name_pattern(a["name"]), name_pattern(a["aliases"][0])))
        for a in out.actors
    ]
    for span in quotes.sentences(text):
        _sentence(out, sid, text, span, published, everyone, existing, names)
    return out


def _plain(pattern: re.Pattern[str]) -> str:
    """The folded name a `names.name_pattern` pattern matches."""
    body = pattern.pattern.removeprefix(r"(?<!\w)").removesuffix(r"(?!\w)")
    return quotes.strip_accents(re.sub(r"\\(.)", r"\1", body))


def _cite(sid: str, text: str, start: int, end: int, credit: dict[str, str]) -> dict[str, Any]:
    return {**quotes.citation(sid, quotes.Match(start, end, text[start:end])), **credit}


def clauses(sentence: str) -> list[tuple[int, int]]:
    """The clauses of a sentence (split at , ; : dashes and the final stop), trimmed."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in [*_CLAUSE_BREAK.finditer(sentence), None]:
        end = m.start() if m else len(sentence)
        s, e = start, end
        while s < e and sentence[s].isspace():
            s += 1
        if m_and := re.match(r"(?:and|or|but) ", sentence[s:e]):
            s += m_and.end()
        while e > s and sentence[e - 1] in " .":
            e -= 1
        if e > s:
            out.append((s, e))
        start = m.end() if m else len(sentence)
    return out


def _can_act(sentence: str, mention: tuple[int, int, str]) -> bool:
    """Not in the possessive ("Trump's demand"), not credited ("told Reuters", "to the Herald")."""
    if sentence[mention[1] : mention[1] + 2] in ("'s", "\u2019s"):
        return False
    return not _CREDITED.search(sentence, 0, mention[0])


def _items(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    """A list item split at " and " when every part names a demand category."""
    cuts = [m.start() for m in re.finditer(" and ", sentence[start:end])]
    bounds = [start, *(start + c for c in cuts), end]
    parts = [(a + (5 if i else 0), b) for i, (a, b) in enumerate(itertools.pairwise(bounds))]
    if len(parts) > 1 and all(category(sentence[a:b]) != "other" for a, b in parts):
        return parts
    return [(start, end)]


def _list_item(
    out: Proposals,
    sid: str,
    text: str,
    span: quotes.Span,
    start: int,
    end: int,
    asking: list[str],
    mentions: list[tuple[int, int, str]],
    credit: dict[str, str],
    dated: dict[str, Any],
    existing: list[Existing],
    names: set[str],
) -> None:
    """A demand by `asking` for one item of a list of requests (+ the sanction it names)."""
    sentence = span.text
    found = [
        (m.start(), i) for i, r in enumerate(_RULES) if (m := r[2].search(sentence, start, end))
    ]
    rule = _RULES[min(found)[1]] if found else None
    inside = [m for m in mentions if start <= m[0] and m[1] <= end]
    by = [m[2] for m in inside if _can_act(sentence, m)][:1]
    sanction = rule is not None and rule[0] == "SANCTION" and bool(by)
    passage = Passage(sid, text, span.start, sentence, start, end, start)
    _emit(
        out,
        passage,
        "SANCTION" if sanction else "REQUEST",
        rule[1] if sanction and rule else "demand",
        asking,
        [],
        credit,
        dated,
        existing,
        names,
        make=("demands", "sanctions") if sanction else ("demands",),
        sanction_roles=(by, []),
    )


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
    """Proposals for each clause of a sentence with a cue (roles carried across clauses)."""
    sentence = span.text
    mentions = positions(sentence, actors)
    date = extract.find_date(sentence, published)
    dated: dict[str, Any] = {}
    if date is not None:
        dated = {
            "date": date.date.isoformat(),
            "date_precision": date.precision,
            "date_text": date.text,
            "date_resolution": date.reasoning,
        }
    subject: list[str] = []
    asking: list[str] = []  # who a request running through the sentence is by
    for start, end in clauses(sentence):
        found = [
            (r[0] == FALLBACK, m.start(), i)
            for i, r in enumerate(_RULES)
            if (m := r[2].search(sentence, start, end))
        ]
        rule = None
        if found:
            kind_, extra_, pattern_ = _RULES[min(found)[2]]
            rule = (kind_, extra_, pattern_, pattern_.search(sentence, start, end))
        inside = [m for m in mentions if start <= m[0] and m[1] <= end]
        credit = extract.attribution(sentence, start, end)
        listed = asking and category(sentence[start:end]) != "other"
        if rule is None or (listed and rule[0] not in ("REQUEST", "REJECT")):
            # an item of a list of requests: "..., the lifting of all U.S. sanctions"
            if listed:
                for item_start, item_end in _items(sentence, start, end):
                    _list_item(
                        out,
                        sid,
                        text,
                        span,
                        item_start,
                        item_end,
                        asking,
                        mentions,
                        credit,
                        dated,
                        existing,
                        names,
                    )
            continue
        kind, extra, pattern, cue = rule
        if kind in ("COERCE", "ASSAULT") and _CONDITIONAL.search(sentence, start, end):
            kind = "THREATEN"  # "would close the airspace if the deadline passed"
        before = [m for m in inside if m[1] <= cue.start() and _can_act(sentence, m)]
        after = [m[2] for m in inside if m[0] >= cue.end()]
        if before:
            who = [before[0][2]]
        elif after and re.search(r"\bby\b", sentence[cue.end() : end]):
            who, after = after[:1], after[1:]
        elif subject:
            who = subject
        elif re.match(r"(?:He|She|They)\b", sentence[start:end]) and out.subject:
            who = out.subject
        else:
            continue
        if before and not subject:
            out.subject = who  # the sentence's subject: He / She / They in the next ones
        subject = who
        whom = [a for a in after[:1] if a not in who]
        for seg_start, seg_end, seg_cue in segments(sentence, start, end, cue, pattern):
            if seg_cue is not cue or seg_end < end:
                later = [m[2] for m in inside if seg_cue.end() <= m[0] and m[1] <= seg_end]
                whom = [a for a in later[:1] if a not in who]
            passage = Passage(sid, text, span.start, sentence, seg_start, seg_end, seg_cue.end())
            _emit(out, passage, kind, extra, who, whom, credit, dated, existing, names)
        asking = who if extra == "demand" else asking


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


def segments(
    sentence: str, start: int, end: int, cue: re.Match[str], pattern: re.Pattern[str]
) -> list[tuple[int, int, re.Match[str]]]:
    """The clause [start, end) split before each " and " + another cue of the same rule.

    "X demanded amnesty ... and asked for talks" gives two passages (two demands); the first
    keeps the clause's start, so it quotes the subject.
    """
    out: list[tuple[int, int, re.Match[str]]] = []
    seg_start, seg_cue = start, cue
    for m in pattern.finditer(sentence, cue.end(), end):
        head = sentence[: m.start()]
        if head.endswith(" and "):
            out.append((seg_start, len(head) - len(" and "), seg_cue))
            seg_start, seg_cue = m.start(), m
    out.append((seg_start, end, seg_cue))
    return out


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
    if "sanctions" in make and extra not in (None, "demand"):
        imposed_by, targets = sanction_roles or (who, whom)
        usd = next((q["value"] for q in amounts if q["unit"] == "USD"), None)
        sanction: dict[str, Any] = {
            "kind": extra,
            "imposed_by": imposed_by,
            "targets": targets,
            "status": "active",
            "description": "DRAFT: " + plain,
            **dated,
        }
        if usd is not None:
            sanction["amount_usd"] = usd
        records.append(("sanctions", sanction))
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
        target = corroborates(table, record, quote, existing, names)
        if target is not None:
            out.corroborations.append({"table": table, "record": target, "citation": citation})
            continue
        rid = base if len(records) == 1 else f"{base}{suffix}"
        full = {"id": rid, **record, "citations": [citation], "review": {"status": "pending"}}
        getattr(out, table).append(full)
