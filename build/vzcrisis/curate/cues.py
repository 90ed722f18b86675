"""Cue rules of `vzcrisis draft`: which words of a clause propose which facts.

Each rule is a PLOVER event type, what else it proposes (a sanction kind, a demand, or the
terms of a list of demands) and its cue words (regular expressions, matched case-insensitively
at a word start). A clause can hold several facts: every cue of the clause starts one, except

- a cue of the same PLOVER type as the fact before it (one fact: "a deadline for this
  ultimatum"; "X demanded A and asked for B" is split by `propose.segments`);
- a cue inside the object of a verb that takes one (rejected / asked / confirmed ...: "rejected
  most of these requests during the call" is one REJECT), up to " and ", " but " or a
  subordinator (after, before, when, while, because, since);
- a fallback cue, used only when the clause has no other cue;
- except that "X's demand that ..." inside an object is a fact of its own (X's demand).

A fact is not proposed (`propose`) when it is an open question or a hypothesis ("whether",
"if" or "unless" before its cue, from the fact before), is negated ("not", "never", "n't"
before its cue in the fact), sits in an attribution ("sources familiar with the discussion
said"), or is passive without its agent ("many of whom are accused of"): its subject is
then what it targets, and no actor is named.

=====================  ======================  =================================================
PLOVER type            also proposes           cues (object-taking verbs marked *)
=====================  ======================  =================================================
REJECT                 -                       reject, refus, declin, turn(ed) down, dismiss *
THREATEN               demand (what it asks)   ultimatum; give / gave / grant + "(X) one week
                                               to", "a 48-hour window to"
THREATEN               -                       deadline, threat, warn
SANCTION               sanction ``reward``     reward, bounty
SANCTION               ``terrorist_designation``  designat; classif... as a ... terrorist
SANCTION               ``indictment``          indict
SANCTION               ``legal_case``          case (not "in case", "case for")
SANCTION               ``sanctions_program``   sanction
COERCE                 ``airspace_closure``    airspace (its possessor is a place, not an agent)
MOBILIZE               ``military_deployment`` deploy
REQUEST                terms (list follows)    terms, conditions, (counter-)demands, requests *
REQUEST                demand                  ask, request, demand, urge, sought, seek, propos,
                                               called for, must, "willing to ... if", in
                                               exchange for, on condition *
ASSAULT                -                       strike, struck, attack, kill, bomb
COERCE                 -                       seiz, blockad, closure, pressure
OTHER                  -                       expir, lapse, came and went
CONCEDE                -                       conced, concession
ACCUSE                 -                       accus, denounc, blame *
CONSULT                -                       call, conversation, discussion, discuss, talks,
                                               met with (a name), meeting
DECLARE                -                       confirm, assert, defend, frames, insist *
DECLARE (fallback)     -                       declared, announced
=====================  ======================  =================================================

Demand categories, from the words after the cue (the rule matching earliest): call, talks,
dialogue, discussions, negotiations -> dialogue; amnesty, immunity, pardon -> amnesty;
lift/relief/removal + sanction -> sanctions_relief; charges, case, ICC -> legal_case_closure;
safe passage -> safe_passage; leave, step down, exile -> departure; resign, relinquish / cede
power -> resignation; election, transition, interim -> political_transition; armed forces,
military -> military_control; pressure, policy -> policy; else other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_N = r"(?:a|an|one|two|three|four|five|six|seven|ten|\d+)"


@dataclass(frozen=True)
class Rule:
    """One row of the cue table."""

    kind: str
    extra: str | None
    """A sanction kind, "demand", "terms" (a list of demands follows) or None."""
    cues: str
    takes_object: bool = False
    possessor_acts: bool = True
    """ "Trump's threats": the possessor right before the cue is its actor."""
    fallback: bool = False

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.cues)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(cues: str) -> re.Pattern[str]:
    if cues not in _CACHE:
        _CACHE[cues] = re.compile(r"\b(?:" + cues + ")", re.I)
    return _CACHE[cues]


RULES: tuple[Rule, ...] = (
    Rule("REJECT", None, r"reject|refus|declin|turn(?:ed)? down|dismiss", takes_object=True),
    Rule(
        "THREATEN",
        "demand",
        r"ultimatum|(?:giv(?:e|es|ing)|gave|grant(?:s|ed|ing)?)\b(?=(?: \S+){1,4}? "
        rf"{_N}[- ](?:hour|day|week|month)s?(?:[- ]long)?(?: window| deadline)? to\b)",
    ),
    Rule("THREATEN", None, r"deadline|threat|warn"),
    Rule("SANCTION", "reward", r"reward|bounty"),
    Rule(
        "SANCTION",
        "terrorist_designation",
        r"designat|classif\w*(?=[^.;]*\bas (?:a |an )?[\w ]*terrorist)",
    ),
    Rule("SANCTION", "indictment", r"indict"),
    Rule("SANCTION", "legal_case", r"(?<!in )case\b(?! for)"),
    Rule("SANCTION", "sanctions_program", r"sanction"),
    Rule("COERCE", "airspace_closure", r"airspace", possessor_acts=False),
    Rule("MOBILIZE", "military_deployment", r"deploy"),
    Rule(
        "REQUEST",
        "terms",
        r"terms\b|conditions\b|(?:counter-)?demands\b|requests\b",
        takes_object=True,
    ),
    Rule(
        "REQUEST",
        "demand",
        r"ask|request|demand|urge|sought|seek|propos|called for|must\b"
        r"|willing to [^,;]*?\bif\b|in exchange for|on condition",
        takes_object=True,
    ),
    Rule("ASSAULT", None, r"strike|struck|attack|kill|bomb"),
    Rule("COERCE", None, r"seiz|blockad|closure|pressure"),
    Rule("OTHER", None, r"expir|lapse|came and went"),
    Rule("CONCEDE", None, r"conced|concession"),
    Rule("ACCUSE", None, r"accus|denounc|blame", takes_object=True),
    Rule(
        "CONSULT",
        None,
        r"call\b|conversation|discussion|discuss|talks\b|met with(?= (?:the )?[A-Z])|meeting",
    ),
    Rule("DECLARE", None, r"confirm|assert|defend|frames\b|insist", takes_object=True),
    Rule("DECLARE", None, r"declared|announc", fallback=True),
)

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("dialogue", r"\bcall\b|\btalks\b|\bdialogue\b|\bdiscussions?\b|\bnegotiations?\b"),
    ("amnesty", r"amnesty|immunity|pardon"),
    ("sanctions_relief", r"(?:lift|relief|remov)\w*.*sanction|sanction.*(?:lift|relief)"),
    ("legal_case_closure", r"\bcharges\b|\bcase\b|\bICC\b"),
    ("safe_passage", r"safe passage"),
    ("departure", r"\bleave\b|step down|exile"),
    ("resignation", r"resign|(?:relinquish|cede|give up) power"),
    ("political_transition", r"election|transition|interim"),
    ("military_control", r"armed forces|military"),
    ("policy", r"\bpressure\b|\bpolicy\b"),
)

BREAK = re.compile(r" (?:and|but|after|before|when|while|because|since) ")
"""Ends the object of an object-taking verb ("asked for X after Trump declared ...")."""


@dataclass(frozen=True)
class Cue:
    """A cue found in a clause: its rule and the match."""

    rule: Rule
    match: re.Match[str]


def category(text: str) -> str:
    """The demand category of the words after a request cue (module docstring)."""
    found = [(m.start(), c) for c, p in CATEGORIES if (m := re.search(p, text, re.I))]
    return min(found)[1] if found else "other"


def cues(sentence: str, start: int, end: int) -> list[Cue]:
    """Every cue in sentence[start:end], by position (the higher rule on a tie, no overlaps);
    fallback cues only when there is no other."""
    found: list[tuple[int, int, Cue]] = []
    for index, rule in enumerate(RULES):
        for m in rule.pattern.finditer(sentence, start, end):
            found.append((m.start(), index, Cue(rule, m)))
    found.sort(key=lambda f: (f[0], f[1]))
    kept: list[Cue] = []
    for _, _, cue in found:
        if kept and cue.match.start() < kept[-1].match.end():
            continue
        kept.append(cue)
    if any(not c.rule.fallback for c in kept):
        kept = [c for c in kept if not c.rule.fallback]
    return kept


def facts(sentence: str, found: list[Cue]) -> list[Cue]:
    """The cues that start a fact (module docstring): same-type cues and objects merged."""
    out: list[Cue] = []
    anchor: Cue | None = None  # the last cue of the fact so far
    for cue in found:
        if out and anchor is not None:
            between = sentence[anchor.match.end() : cue.match.start()]
            if cue.rule.kind == out[-1].rule.kind:
                anchor = cue
                continue
            owned = cue.rule.extra == "demand" and sentence.startswith(" that ", cue.match.end())
            if anchor.rule.takes_object and not BREAK.search(between) and not owned:
                continue
        out.append(cue)
        anchor = cue
    return out
