"""Clause-level proposals for `vzcrisis draft`: events, demands, sanctions, new actors, citations.

A sentence with a cue (rules below, by priority: the first rule with a cue in the sentence
wins) and an actor yields proposals built from its *clause*: the comma-, semicolon- or
dash-delimited part of the sentence that holds the cue. The clause is the quote (exact
offsets); the actor is the last actor named before the cue in the clause, the recipients the
first one named after it ("X asked Y", "X rejected Y's demand"); a passive clause with no actor
before the cue takes the one after "by".

=====================================  ==========================================  ==========
cue stems                              proposes                                    PLOVER
=====================================  ==========================================  ==========
reject, refus, declin, turn(ed) down   event                                       REJECT
deadline, ultimatum, threat, warn      event                                       THREATEN
reward, bounty                         sanction kind ``reward`` + event            SANCTION
sanction                               sanction kind ``sanctions_program`` + event  SANCTION
designat                               sanction ``terrorist_designation`` + event  SANCTION
indict                                 sanction kind ``indictment`` + event        SANCTION
ask, request, demand, urge, sought     demand (category below) + event             REQUEST
strike, struck, attack, kill, bomb     event                                       ASSAULT
airspace, seiz, blockad, closure       event                                       COERCE
amnesty, safe passage, offer           event                                       CONCEDE
accus, denounc, blame                  event                                       ACCUSE
phone call, talks, met with, spoke     event                                       CONSULT
=====================================  ==========================================  ==========

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
import re
from dataclasses import dataclass, field
from typing import Any

from ..records import quotes
from . import extract
from .names import ActorNames, name_pattern

RULES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("REJECT", None, ("reject", "refus", "declin", "turn down", "turned down")),
    ("THREATEN", None, ("deadline", "ultimatum", "threat", "warn")),
    ("SANCTION", "reward", ("reward", "bounty")),
    ("SANCTION", "sanctions_program", ("sanction",)),
    ("SANCTION", "terrorist_designation", ("designat",)),
    ("SANCTION", "indictment", ("indict",)),
    ("REQUEST", "demand", ("ask", "request", "demand", "urge", "sought", "seek")),
    ("ASSAULT", None, ("strike", "struck", "attack", "kill", "bomb")),
    ("COERCE", None, ("airspace", "seiz", "blockad", "closure")),
    ("CONCEDE", None, ("amnesty", "safe passage", "offer")),
    ("ACCUSE", None, ("accus", "denounc", "blame")),
    ("CONSULT", None, ("phone call", "talks", "met with", "spoke")),
)
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
_CLAUSE_BREAK = re.compile(r"[,;:]| [-–—] |\.\s*$")
_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an the of to for in on at by and or that this with from his her its their he she it "
        "they was were is are be been has have had said says would will not no as after before",
    )
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


@dataclass(frozen=True)
class Existing:
    """An existing record to corroborate: its table, id and fields (plain data)."""

    table: str
    id: str
    data: dict[str, Any]


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` lowercased without accents, with the original index of each folded character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for c in quotes.strip_accents(ch):
            out.append(c)
            index.append(i)
    return "".join(out), index


def positions(text: str, actors: list[ActorNames]) -> list[tuple[int, int, str]]:
    """Every mention (start, end, actor id) in `text`; overlapping mentions keep the longest."""
    folded, index = _folded(text)
    found: list[tuple[int, int, str]] = []
    for actor in actors:
        for pattern, exact in actor.patterns:
            for m in pattern.finditer(text if exact else folded):
                if exact:
                    found.append((m.start(), m.end(), actor.id))
                elif m.end() > m.start():
                    found.append((index[m.start()], index[m.end() - 1] + 1, actor.id))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str]] = []
    for mention in found:
        if kept and mention[0] < kept[-1][1]:
            continue
        kept.append(mention)
    return kept


def clause(sentence: str, at: int) -> tuple[int, int]:
    """The (start, end) of the clause of `sentence` around offset `at`, trimmed."""
    start, end = 0, len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at:
            end = m.start()
            break
    while start < end and sentence[start].isspace():
        start += 1
    while end > start and sentence[end - 1] in " .":
        end -= 1
    return start, end


def _words(text: str, names: set[str]) -> set[str]:
    words = set(re.findall(r"[a-z0-9$]+", quotes.strip_accents(text)))
    return {w for w in words if w not in _STOP and w not in names and len(w) > 2}


def category(text: str) -> str:
    """The demand category of the words after a request cue (rules in the module docstring)."""
    found = [(m.start(), c) for c, p in CATEGORIES if (m := re.search(p, text, re.I))]
    return min(found)[1] if found else "other"


def _actor_fields(table: str) -> tuple[str, str]:
    return {"events": ("actors", "recipients"), "demands": ("by", "addressed_to")}.get(
        table, ("imposed_by", "targets")
    )


def _kind_field(table: str) -> str:
    return {"events": "type", "demands": "category"}.get(table, "kind")


def corroborates(
    table: str, record: dict[str, Any], text: str, existing: list[Existing], names: set[str]
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
        if not set(data.get(who) or []) & set(record.get(who) or []):
            continue
        amounts = {data.get("amount_usd"), record.get("amount_usd")} - {None}
        if table == "sanctions" and len(amounts) == 2:
            continue
        theirs = " ".join(
            [str(data.get(k) or "") for k in ("text", "summary", "description")]
            + [str(c.get("quote", "")) for c in data.get("citations") or []]
        )
        shared = len(mine & _words(theirs, names))
        if shared >= 2 and (best is None or shared > best[0]):
            best = (shared, other.id)
    return best[1] if best else None


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
    sentence = span.text
    rule = next(((k, e, m) for k, e, p in _RULES if (m := p.search(sentence))), None)
    if rule is None:
        return
    kind, extra, cue = rule
    start, end = clause(sentence, cue.start())
    mentions = [m for m in positions(sentence, actors) if m[0] >= start and m[1] <= end]
    before = [m[2] for m in mentions if m[1] <= cue.start()]
    after = [m[2] for m in mentions if m[0] >= cue.end()]
    if before:
        who, whom = [before[-1]], [a for a in after[:1] if a != before[-1]]
    elif after and re.search(r"\bby\b", sentence[cue.end() : end]):
        who, whom = after[:1], []
    else:
        return
    credit = extract.attribution(sentence, start, end)
    date = extract.find_date(sentence, published)
    dated: dict[str, Any] = {}
    if date is not None:
        dated = {
            "date": date.date.isoformat(),
            "date_precision": date.precision,
            "date_text": date.text,
            "date_resolution": date.reasoning,
        }
    pattern = next(p for k, e, p in _RULES if (k, e) == (kind, extra))
    for seg_start, seg_end, seg_cue in segments(sentence, start, end, cue, pattern):
        if seg_cue is not cue:
            later = [m[2] for m in mentions if seg_cue.end() <= m[0] and m[1] <= seg_end]
            whom = [a for a in later[:1] if a not in who]
        elif seg_end < end:
            whom = [m[2] for m in mentions if cue.end() <= m[0] and m[1] <= seg_end][:1]
            whom = [a for a in whom if a not in who]
        passage = Passage(sid, text, span.start, sentence, seg_start, seg_end, seg_cue.end())
        _emit(out, passage, kind, extra, who, whom, credit, dated, existing, names)


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
) -> None:
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
    if extra == "demand":
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
    elif extra is not None:
        usd = next((q["value"] for q in amounts if q["unit"] == "USD"), None)
        sanction: dict[str, Any] = {
            "kind": extra,
            "imposed_by": who,
            "targets": whom,
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
    records.append(("events", event))
    for suffix, (table, record) in zip("abc", records, strict=False):
        target = corroborates(table, record, quote, existing, names)
        if target is not None:
            out.corroborations.append({"table": table, "record": target, "citation": citation})
            continue
        rid = base if len(records) == 1 else f"{base}{suffix}"
        full = {"id": rid, **record, "citations": [citation], "review": {"status": "pending"}}
        getattr(out, table).append(full)
