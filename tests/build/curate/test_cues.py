"""Cue and role rules of `vzcrisis draft` (curate/cues.py, curate/roles.py), each on a sentence
of the new-article fixture written for it, with exact values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vzcrisis.curate import cues, extract
from vzcrisis.curate import propose as p
from vzcrisis.curate.names import ActorNames, name_pattern

from tests.build.curate.test_propose import ACTORS, ARTICLE, EXISTING, PUBLISHED, SID, _at

OUT = p.propose(SID, ARTICLE, PUBLISHED, ACTORS, EXISTING)


def _by_quote(table: str, quote: str) -> list[dict[str, Any]]:
    return [r for r in getattr(OUT, table) if r["citations"][0]["quote"] == quote]


def _roles(table: str, quote: str) -> list[tuple[str, list[str], list[str]]]:
    kind, who, whom = {
        "events": ("type", "actors", "recipients"),
        "demands": ("category", "by", "addressed_to"),
        "sanctions": ("kind", "imposed_by", "targets"),
    }[table]
    return [(r[kind], r[who], r[whom]) for r in _by_quote(table, quote)]


def test_a_deadline_given_is_a_threat_and_a_demand_dated_by_the_clause_before() -> None:
    quote = "Trump gave Maduro 48 hours to step down"
    assert _roles("events", quote) == [("THREATEN", ["donald-trump"], ["nicolas-maduro"])]
    assert _roles("demands", quote) == [("departure", ["donald-trump"], ["nicolas-maduro"])]
    (event,) = _by_quote("events", quote)
    assert (event["date"], event["date_text"]) == ("2025-12-02", "On Tuesday")


def test_a_pronoun_takes_the_person_of_the_sentence_before() -> None:
    assert _roles("events", "It lapsed at noon") == [("OTHER", ["donald-trump"], [])]
    assert _roles("events", "he ordered Venezuelan airspace closed") == [
        ("COERCE", ["donald-trump"], [])
    ]


def test_two_facts_in_one_clause_each_with_its_quote_and_actor() -> None:
    # "... closed after the Venezuelan leader refused": the REJECT starts at "after"; its
    # actor is the person the description names (role + country of the actor record)
    assert _roles("events", "after the Venezuelan leader refused to step down") == [
        ("REJECT", ["nicolas-maduro"], [])
    ]
    # the airspace closure is a sanction on the state its country adjective names
    assert _roles("sanctions", "he ordered Venezuelan airspace closed") == [
        ("airspace_closure", ["donald-trump"], ["venezuela"])
    ]


def test_a_conditional_offer_is_a_demand_of_the_condition() -> None:
    quote = "Maduro is willing to resign if his family receives immunity"
    assert _roles("demands", quote) == [("amnesty", ["nicolas-maduro"], [])]
    (demand,) = _by_quote("demands", quote)
    assert demand["citations"] == [
        {**_at(quote), "attribution": "on_record", "attributed_to": "an aide said"}
    ]


def test_a_request_that_continues_another_is_a_demand_and_cites_the_sanction_it_names() -> None:
    quote = "He also asked for the removal of the sanctions imposed on Cabello"
    assert _roles("demands", quote) == [("sanctions_relief", ["nicolas-maduro"], [])]
    assert _by_quote("events", quote) == []  # "also": the REQUEST event is the first one
    assert [c["record"] for c in OUT.corroborations if c["citation"]["quote"] == quote] == [
        "us-sanctions-cabello"  # named without its imposer: only a citation, never a record
    ]


def test_a_passive_agent_acts_and_a_year_dates_without_anchor() -> None:
    quote = "Cabello was sanctioned by the United States in 2020"
    assert _roles("sanctions", quote) == [
        ("sanctions_program", ["united-states"], ["diosdado-cabello"])
    ]
    (sanction,) = _by_quote("sanctions", quote)
    assert (sanction["date"], sanction["date_precision"], sanction["date_text"]) == (
        "2020-01-01",
        "year",
        "in 2020",
    )
    assert extract.find_date("in 2020", None) == extract.Resolved(
        dt.date(2020, 1, 1),
        "year",
        "in 2020",
        "'in 2020': the year 2020, dated 2020-01-01 (first day, precision year)",
    )


def test_a_call_with_someone_corroborates_and_keeps_the_date_of_the_passage() -> None:
    quote = "Trump held a phone call with Maduro on November 28"
    (proposal,) = [c for c in OUT.corroborations if c["citation"]["quote"] == quote]
    assert proposal == {
        "table": "events",
        "record": "trump-maduro-call",
        "citation": {**_at(quote), "attribution": "own"},
        "date": "2025-11-28",
        "date_precision": "day",
        "date_text": "on November 28",
        "date_resolution": "'on November 28' in an article published on Wednesday 2025-12-03: "
        "2025-11-28",
    }
    new = p.propose(SID, ARTICLE, PUBLISHED, ACTORS, [])
    assert [
        (e["type"], e["actors"], e["recipients"])
        for e in new.events
        if e["citations"][0]["quote"] == quote
    ] == [("CONSULT", ["donald-trump"], ["nicolas-maduro"])]


def test_a_nominal_agent_and_a_passive_threat_in_a_list() -> None:
    assert _roles("events", "U.S. pressure") == [("COERCE", ["united-states"], [])]
    assert _roles("events", "including threats by Trump to close the port") == [
        ("THREATEN", ["donald-trump"], [])
    ]


def test_an_open_question_and_a_clause_without_actor_propose_nothing() -> None:
    sentence = "It is unclear whether Maduro will accept talks with Trump"
    start = ARTICLE.index(sentence)
    assert not [
        r
        for table in ("events", "demands", "sanctions")
        for r in getattr(OUT, table)
        if start <= r["citations"][0]["char_start"] < start + len(sentence)
    ]
    assert _by_quote("events", "The talks come amid mounting U.S. pressure") == []


def test_cues_of_one_clause_and_objects_of_a_verb() -> None:
    sentence = "Trump rejected most of these requests during the call, and defends the strikes"
    found = cues.cues(sentence, 0, len(sentence))
    assert [(c.rule.kind, c.match.group()) for c in found] == [
        ("REJECT", "reject"),
        ("REQUEST", "requests"),
        ("CONSULT", "call"),
        ("DECLARE", "defend"),
        ("ASSAULT", "strike"),
    ]
    # the request and the call are what was rejected; "and" starts a new fact, whose object
    # (the strikes) is not a fact either
    assert [c.match.group() for c in cues.facts(sentence, found)] == ["reject", "defend"]


def test_unanchored_relative_dates_stay_null_with_the_reasoning() -> None:
    assert extract.find_date("on Friday", None) == extract.Resolved(
        None,
        None,
        "on Friday",
        "'on Friday' is relative, and the article prints no publication date or dateline "
        "to anchor it: left null",
    )
    assert extract.dateline(ARTICLE) is None  # "CARACAS, Dec 3 (Coastal Wire)": no year
    assert extract.dateline("CARACAS, December 3, 2025 (Coastal Wire) - Text.") == dt.date(
        2025, 12, 3
    )
    assert extract.dateline("News | By Staff December 2, 2025\n\nText.") == dt.date(2025, 12, 2)


def test_a_headline_proposes_nothing() -> None:
    title = "Maduro Asks Trump For Second Call As Deadline Nears"
    assert p.headline(title)
    assert not p.headline("Cabello was sanctioned by the United States in 2020.")
    end = len(title)
    assert not [
        r
        for table in ("events", "demands", "sanctions")
        for r in getattr(OUT, table)
        if r["citations"][0]["char_start"] < end
    ]


def test_counter_demands_are_the_occasion_and_what_continues_them_are_demands() -> None:
    # a plural "counter-demands" is the REQUEST event whose demands follow
    assert _roles("events", "Maduro presented a series of counter-demands") == [
        ("REQUEST", ["nicolas-maduro"], [])
    ]
    assert _by_quote("demands", "Maduro presented a series of counter-demands") == []
    # "These included ..., as well as ...": demands of that request, no REQUEST event
    for quote, category in (
        ("These included a request for immunity for his aides", "amnesty"),
        ("as well as a proposal to hold new elections", "political_transition"),
    ):
        assert _roles("demands", quote) == [(category, ["nicolas-maduro"], [])]
        assert _by_quote("events", quote) == []


def test_a_fact_told_before_and_a_circumstance_propose_nothing() -> None:
    start = ARTICLE.index("This request drew no reply")
    end = ARTICLE.index("Cabello sought safe passage")
    assert not [
        r
        for table in ("events", "demands", "sanctions")
        for r in getattr(OUT, table)
        if start <= r["citations"][0]["char_start"] < end
    ]
    sentence = "That deadline expired on Friday"  # the deadline was told before; the expiry is new
    out = p.propose(SID, "Trump rejected the offer. " + sentence + ".", PUBLISHED, ACTORS, [])
    assert [(e["type"], e["actors"], e["date"]) for e in out.events[1:]] == [
        ("OTHER", ["donald-trump"], "2025-11-28")
    ]


def test_a_sanction_event_corroborates_only_the_same_kind_of_sanction() -> None:
    indictment = p.Existing(
        "events",
        "us-indicts-cabello",
        {"type": "SANCTION", "actors": ["united-states"], "summary": "U.S. indicts Cabello."},
    )
    sentence = "The U.S. indicted Cabello on drug charges, the U.S. Justice Department said."
    text = "Cabello was sanctioned by the United States over drug charges."
    assert p.propose(SID, sentence, PUBLISHED, ACTORS, [indictment]).corroborations == []
    existing = [
        p.Existing(
            "events",
            "us-sanctions-cabello-2020",
            {**indictment.data, "summary": "U.S. sanctions on Cabello over drug charges."},
        )
    ]
    assert [
        c["record"] for c in p.propose(SID, text, PUBLISHED, ACTORS, existing).corroborations
    ] == ["us-sanctions-cabello-2020"]
    other = [
        p.Existing(
            "events",
            "us-indicts-cabello",
            {**indictment.data, "summary": "U.S. indicts Cabello over drug charges."},
        )
    ]
    assert p.propose(SID, text, PUBLISHED, ACTORS, other).corroborations == []


def test_clauses_keep_full_dates_and_thousands_and_a_country_adjective_targets_its_noun() -> None:
    sentence = "The U.S. sanctioned 12 Venezuelan officials on March 3, 2025, and 1,000 more."
    assert [sentence[a:b] for a, b in p.clauses(sentence)] == [
        "The U.S. sanctioned 12 Venezuelan officials on March 3, 2025",
        "1,000 more",
    ]
    out = p.propose(SID, sentence, PUBLISHED, ACTORS, [])
    assert [(e["type"], e["actors"], e["date"]) for e in out.events] == [
        ("SANCTION", ["united-states"], "2025-03-03")
    ]
    assert out.sanctions == []  # the officials are not the state Venezuela: no target named


def test_one_request_joined_by_along_with_is_two_demands() -> None:
    assert _roles("demands", "Cabello sought safe passage") == [
        ("safe_passage", ["diosdado-cabello"], [])
    ]
    assert _roles("demands", "an amnesty for himself and his aides") == [
        ("amnesty", ["diosdado-cabello"], [])
    ]
    assert _roles("events", "Cabello sought safe passage") == [
        ("REQUEST", ["diosdado-cabello"], [])
    ]


def test_a_demand_for_other_parties_is_not_a_citation_of_the_record() -> None:
    actors = [
        *ACTORS,
        ActorNames("maduro-family", (name_pattern("his family"),), "group"),
        ActorNames("maduro-allies", (name_pattern("his allies"),), "group"),
    ]
    family = p.Existing(
        "demands",
        "maduro-amnesty-family",
        {
            "by": ["nicolas-maduro"],
            "category": "amnesty",
            "text": "Full legal amnesty for himself and his family.",
        },
    )
    text = "Maduro asked for full legal amnesty for himself and his {}."
    for_family = p.propose(SID, text.format("family"), PUBLISHED, actors, [family])
    assert [c["record"] for c in for_family.corroborations] == ["maduro-amnesty-family"]
    for_allies = p.propose(SID, text.format("allies"), PUBLISHED, actors, [family])
    assert for_allies.corroborations == []
    assert [(d["category"], d["by"]) for d in for_allies.demands] == [
        ("amnesty", ["nicolas-maduro"])
    ]


def test_the_project_actors_carry_kind_country_and_descriptions() -> None:
    from vzcrisis.curate.names import actor_names, positions

    from tests.build import _workflow as w

    actors = {a.id: a for a in actor_names(w.REPO)}
    assert (actors["venezuela"].kind, actors["venezuela"].country) == ("state", "VEN")
    assert (actors["nicolas-maduro"].kind, actors["nicolas-maduro"].country) == ("person", "VEN")
    text = "Venezuela's embattled leader met the U.S. president"
    assert [(text[a:b], i) for a, b, i in positions(text, list(actors.values()))] == [
        ("Venezuela's embattled leader", "nicolas-maduro"),
        ("the U.S. president", "donald-trump"),
    ]


def test_a_fact_after_and_does_not_quote_the_and() -> None:
    sentence = "Maduro declined to step down and presented a series of counter-demands."
    out = p.propose(SID, sentence, PUBLISHED, ACTORS, [])
    assert [(e["type"], e["citations"][0]["quote"]) for e in out.events] == [
        ("REJECT", "Maduro declined to step down"),
        ("REQUEST", "presented a series of counter-demands"),
    ]
