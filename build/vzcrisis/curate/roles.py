"""Who does what in a clause: the roles of a drafted fact (`propose`).

The actor of a fact (the first rule that applies):

==============================================  ==============================================
clause                                          actor
==============================================  ==============================================
"accused by the U.S.", "threats by Trump"       the name after "by" (this fact only)
"U.S. pressure", "Trump's demand"               the name right before the cue (one adjective
                                                may sit between; possessive allowed, except
                                                where the rule says the possessor is a place)
"Gil rejected ...", "Maduro is said to ask"     the first name before the cue in the fact
                                                (not possessive, not credited: "told Reuters")
"a call with Trump", "talks between A and B"    (CONSULT) the names after with / between
(no name)                                       the actor of the sentence so far (a clause
                                                with a name and no cue sets it: "Trump, however,
                                                dismissed")
He / She / That / This / These / It ...         the first person named in the last sentence
They                                            the first actor named in the last sentence
==============================================  ==============================================

The recipient is the first actor named after the cue in the fact; after a verb that takes an
object (asked, rejected ...: `cues`), not one named after a preposition ("asked Y for",
"rejected a deadline set by Y", not "asked for the removal of sanctions on Z"). A sanction
with no recipient targets another actor the passage names, else the state a country adjective
names ("Venezuelan airspace").

A fact is not proposed when it is an open question or a hypothesis ("whether", "if" or
"unless" before its cue), negated ("not", "never", "n't" before its cue in the fact), told
before ("this request", "that dramatic conversation"), inside an attribution ("sources
familiar with the discussion said"), passive without its agent ("many of whom are accused of",
"received an ultimatum": its subject is then the target), or the circumstance of another
("Trump delivered a message amid a pressure campaign": the campaign's actor is not named).
A headline proposes nothing (`propose`).
"""

from __future__ import annotations

import itertools
import re
from typing import Protocol

from . import cues as cues_lib
from . import extract
from .names import DEMONYMS

Mentions = list[tuple[int, int, str]]
"""(start, end, actor id) of each actor named in a sentence."""


class Context(Protocol):
    """What the article said before this sentence (`propose.Proposals` has it)."""

    person: list[str]
    anyone: list[str]
    countries: dict[str, str]


_CREDITED = re.compile(r"\b(?:told|to|according to)(?: the)? $")
_PASSIVE = re.compile(r"\w*(?: [\w-]+){0,2} by(?: the)? ")
_ADJACENT = re.compile(r"(?:['\u2019]s)? (?:(?!(?:a|an|the) )[a-z][\w-]* )?")
_WITH = re.compile(r"\w*(?: [\w-]+){0,2}? (?:with|between)(?: the)?(?: [A-Z][\w.]*){0,3} ")
_NOT_A_FACT = re.compile(r"\b(?:whether|if|unless)\b")
_NEGATED = re.compile(r"\b(?:not|never)\b|n['\u2019]t\b")
_AGENTLESS = re.compile(r"\b(?:is|are|was|were|been|being|be)(?: \w+ly)? $")
_RECEIVED = re.compile(
    r"\b(?:received|receives|receiving|got|gets|was given|were given)(?: \S+){0,2} $"
)
_TOLD_BEFORE = re.compile(
    r"\b(?:[Tt]his|[Tt]hese|[Tt]hose|That)\s+(?!(?:the|a|an)\b)(?:[a-z][\w-]*\s+)?$"
)
"""A demonstrative right before a cue noun (one adjective between): "this request". A
lowercase "that" is a relative or a conjunction ("a deadline that expired")."""
_CIRCUMSTANCE = re.compile(r"\bamid(?:st)?\b|\bdespite\b|\bin the context of\b")
_OBJECT = re.compile(
    r"(?!.*\b(?:on|from|for|against|of|to|in|at|with|about|after|before)\b).*", re.S
)
_PRONOUN = re.compile(
    r"(?:(?:and|but|while|as|when|though|although|so) )?"
    r"(?:(?P<person>He|She|That|This|These|Those|It)|(?P<anyone>They))\b",
    re.I,
)


def can_act(sentence: str, mention: tuple[int, int, str]) -> bool:
    """Not in the possessive ("Trump's demand"), not credited ("told Reuters", "to the Herald")."""
    if sentence[mention[1] : mention[1] + 2] in ("'s", "\u2019s"):
        return False
    return not _CREDITED.search(sentence, 0, mention[0])


def adjacent(sentence: str, mention: tuple[int, int, str], cue_start: int) -> bool:
    return mention[1] <= cue_start and bool(_ADJACENT.fullmatch(sentence, mention[1], cue_start))


def word(sentence: str, start: int) -> str:
    """The whole word starting at `start` ("accused" for the cue "accus")."""
    m = re.match(r"[\w-]*", sentence[start:])
    return m.group() if m else ""


def starts(
    sentence: str, start: int, facts: list[cues_lib.Cue], mentions: Mentions
) -> list[tuple[int, bool]]:
    """Where each fact of a clause starts, and whether at a subordinator or "and" (then the
    fact before ends there; else it runs to the clause end: "Gil rejected Trump's demand")."""
    out = [(start, False)]
    for before, fact in itertools.pairwise(facts):
        lo, cue = before.match.end(), fact.match.start()
        breaks = list(cues_lib.BREAK.finditer(sentence, lo, cue))
        owner = [m for m in mentions if lo <= m[0] and adjacent(sentence, m, cue)]
        if breaks:  # the subordinator is quoted ("after Trump declared"), "and" / "but" not
            word = breaks[-1].group().strip()
            skip = len(word) + 2 if word in ("and", "but") else 1
            out.append((breaks[-1].start() + skip, True))
        else:
            out.append((owner[-1][0] if owner else lo, False))
    return out


def told_before(sentence: str, f_start: int, cue: re.Match[str]) -> bool:
    """ "this request", "That deadline": a fact the article told before."""
    return bool(_TOLD_BEFORE.search(sentence, f_start, cue.start()))


def skipped(sentence: str, lo: int, f_start: int, cue: re.Match[str]) -> bool:
    """An open question, a hypothesis, a negation, a fact told before ("this request"), or a
    cue inside an attribution."""
    if told_before(sentence, max(lo, f_start), cue):
        return True
    if _NOT_A_FACT.search(sentence, lo, cue.start()) and "if" not in cue.group():
        return True
    if _NEGATED.search(sentence, f_start, cue.start()):
        return True
    return any(h.start() <= cue.start() < h.end() for h in extract.HEDGE.finditer(sentence))


def pronoun_subject(out: Context, sentence: str, start: int) -> list[str]:
    """Who a clause starting with He / She / That ... / They refers to, or []."""
    if pronoun := _PRONOUN.match(sentence, start):
        return out.person if pronoun.group("person") else out.anyone
    return []


def roles(
    out: Context,
    sentence: str,
    fact: cues_lib.Cue,
    start: int,
    end: int,
    mentions: Mentions,
    subject: list[str],
) -> tuple[list[str], list[str], bool]:
    """(actor, recipient, carries) of a fact in sentence[start:end] (module docstring)."""
    cue = fact.match
    inside = [m for m in mentions if start <= m[0] and m[1] <= end]
    after = [m for m in inside if m[0] >= cue.end()]
    before = [m for m in inside if m[1] <= cue.start()]
    head = sentence[start : cue.start()]
    with_ = bool(after) and bool(_WITH.fullmatch(sentence, cue.end(), after[0][0]))
    consult = fact.rule.kind == "CONSULT"
    pronoun = _PRONOUN.match(sentence, start)
    carries = True
    if after and _PASSIVE.fullmatch(sentence, cue.end(), after[0][0]):
        who, carries = [after[0][2]], False
    elif (_AGENTLESS.search(head) and word(sentence, cue.start()).endswith("ed")) or (
        _RECEIVED.search(head)
    ):
        return [], [], False  # "many of whom are accused of": the subject is the target
    elif fact.rule.possessor_acts and before and adjacent(sentence, before[-1], cue.start()):
        who = [before[-1][2]]
    elif acting := [m for m in before if can_act(sentence, m)]:
        if _CIRCUMSTANCE.search(sentence, acting[0][1], cue.start()):
            return [], [], False  # "Trump delivered a message amid a pressure campaign"
        who = [acting[0][2]]
    elif subject and not consult:
        who = subject
    elif consult and with_:
        who, after, carries = [after[0][2]], after[1:], False
    elif pronoun and (out.person if pronoun.group("person") else out.anyone):
        who = out.person if pronoun.group("person") else out.anyone
    else:
        return [], [], False
    whom = [m[2] for m in after if m[2] not in who][:1]
    if consult and not with_:
        whom = []
    if fact.rule.takes_object and after and not _OBJECT.fullmatch(sentence, cue.end(), after[0][0]):
        whom = []  # "asked Trump", not "asked for the removal of sanctions on Cabello"
    return who, whom, carries


def targets(
    out: Context,
    sentence: str,
    start: int,
    end: int,
    mentions: Mentions,
    who: list[str],
    cue: re.Match[str],
) -> list[str]:
    """A sanction's target when no recipient follows its cue: another actor the passage
    names (possessive included: "Venezuela's airspace"), else the state a country adjective
    right before the cue names ("Venezuelan airspace" -> the state whose country is VEN; not
    "12 Venezuelan officials", who are not the state)."""
    named = [m[2] for m in mentions if start <= m[0] and m[1] <= end and m[2] not in who]
    if named:
        return named[:1]
    before = sentence[start : cue.start()]
    for country, words in DEMONYMS.items():
        if any(re.search(rf"(?<!\w){re.escape(w)} $", before) for w in words):
            states = [a for a, c in out.countries.items() if c == country]
            if len(states) == 1 and states[0] not in who:
                return states
    return []


def named_sanction(
    sentence: str, start: int, end: int, mentions: Mentions, asking: list[str]
) -> tuple[str, list[str], list[str]] | None:
    """(kind, imposed_by, targets) of the sanction a requested item names ("the lifting of
    all U.S. sanctions", "the closure of a case at the ICC"), or None.

    The imposer is named right before the cue ("U.S. sanctions") or after it ("a case at the
    ICC", "accused by the U.S."), never as what follows on / from / against / for (the target);
    the target is that name, else the requester. An imposer the passage does not name is
    left empty: such a sanction can only corroborate an existing one.
    """
    found = [c for c in cues_lib.cues(sentence, start, end) if c.rule.kind == "SANCTION"]
    if not found or found[0].rule.extra is None:
        return None
    cue = found[0].match
    before = [m for m in mentions if start <= m[0] and m[1] <= cue.start()]
    after = [m for m in mentions if cue.end() <= m[0] and m[1] <= end]
    aimed = [
        m for m in after if re.search(r"\b(?:on|from|against|for)\b", sentence[cue.end() : m[0]])
    ]
    by = [m[2] for m in before + [m for m in after if m not in aimed] if can_act(sentence, m)]
    targets = [m[2] for m in aimed if m[2] not in by[:1]][:1] or asking
    return found[0].rule.extra, by[:1], targets
