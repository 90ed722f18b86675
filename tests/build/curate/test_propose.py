"""Clause-level proposals of `vzcrisis draft` on the new-article fixture, with exact values."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from vzcrisis.curate import propose as p
from vzcrisis.curate.names import ActorNames, descriptions, name_pattern

ARTICLE = (Path(__file__).parents[2] / "fixtures" / "drafts" / "article.txt").read_text("utf-8")
PUBLISHED = dt.date(2025, 12, 3)
MADURO = {
    "kind": "person",
    "country": "VEN",
    "roles": ["President of Venezuela", "Venezuelan leader"],
}
ACTORS = [
    ActorNames(
        aid,
        tuple(name_pattern(n) for n in names)
        + tuple((re.compile(d), False) for d in descriptions(record)),
        str(record.get("kind", "")),
        str(record.get("country", "")),
    )
    for aid, names, record in [
        ("nicolas-maduro", ["Nicolás Maduro", "Nicolas Maduro", "Maduro"], MADURO),
        ("donald-trump", ["Donald Trump", "Trump"], {"kind": "person"}),
        ("united-states", ["United States", "U.S."], {"kind": "state", "country": "USA"}),
        ("venezuela", ["Venezuela"], {"kind": "state", "country": "VEN"}),
        ("diosdado-cabello", ["Diosdado Cabello", "Cabello"], {"kind": "person"}),
        ("reporters", ["Reporters"], {"kind": "group"}),
    ]
]
EXISTING = [
    p.Existing(
        "demands",
        "maduro-second-call",
        {
            "by": ["nicolas-maduro"],
            "addressed_to": ["donald-trump"],
            "category": "dialogue",
            "text": "Another (a second) phone call with Trump.",
            "citations": [{"quote": "requested a second call"}],
        },
    ),
    p.Existing(
        "sanctions",
        "reward-maduro-50m",
        {
            "kind": "reward",
            "imposed_by": ["united-states"],
            "targets": ["nicolas-maduro"],
            "amount_usd": 50_000_000,
            "description": "Reward for information leading to Maduro's arrest.",
        },
    ),
    p.Existing(
        "events",
        "trump-maduro-call",
        {
            "type": "CONSULT",
            "actors": ["donald-trump", "nicolas-maduro"],
            "summary": "Phone call between Trump and Maduro.",
            "date": dt.date(2025, 11, 28),
        },
    ),
    p.Existing(
        "sanctions",
        "us-sanctions-cabello",
        {
            "kind": "sanctions_program",
            "imposed_by": ["united-states"],
            "targets": ["diosdado-cabello"],
            "description": "U.S. sanctions imposed on Cabello.",
        },
    ),
]
SID = "src-fixture"


def _at(quote: str) -> dict[str, object]:
    start = ARTICLE.index(quote)
    return {"source": SID, "quote": quote, "char_start": start, "char_end": start + len(quote)}


def _proposals() -> p.Proposals:
    return p.propose(SID, ARTICLE, PUBLISHED, ACTORS, EXISTING)


GIL = "Foreign Minister Yván Gil rejected Trump's demand that Maduro leave the country"
REWARD = (
    "The United States raised its reward for information leading to Maduro's arrest to "
    "$15 million last year"
)
LAST_YEAR = {
    "date": "2024-01-01",
    "date_precision": "year",
    "date_text": "last year",
    "date_resolution": "'last year' in an article published on Wednesday 2025-12-03: the year "
    "2024, dated 2024-01-01 (first day, precision year)",
}
STATEMENT = {
    "attribution": "on_record",
    "attributed_to": "the State Department said in a statement",
}


def test_event_roles_clause_quote_date_and_attribution() -> None:
    events = _proposals().events
    assert [(e["id"], e["type"], e["actors"], e["recipients"]) for e in events[:1]] == [
        ("draft-fixture-01b", "REQUEST", ["nicolas-maduro"], ["donald-trump"])
    ]
    demand = "Trump's demand that Maduro leave the country"
    on_record = {"attribution": "on_record", "attributed_to": "he told reporters in Caracas"}
    assert events[1:4] == [
        {
            "id": "draft-fixture-02",
            "type": "REJECT",
            "actors": ["yvan-gil"],  # not `reporters`, not Maduro (named after the demand)
            "recipients": ["donald-trump"],
            "summary": "DRAFT: " + GIL,
            "date": "2025-12-01",
            "date_precision": "day",
            "date_text": "On Monday",
            "date_resolution": "'On Monday' in an article published on Wednesday 2025-12-03: "
            "2025-12-01",
            "citations": [
                {
                    **_at(GIL),
                    "attribution": "on_record",
                    "attributed_to": "he told reporters in Caracas",
                }
            ],
            "review": {"status": "pending"},
        },
        {  # "X's demand that ..." inside what Gil rejected is a fact of its own
            "id": "draft-fixture-03b",
            "type": "REQUEST",
            "actors": ["donald-trump"],
            "recipients": ["nicolas-maduro"],
            "summary": "DRAFT: " + demand,
            "citations": [{**_at(demand), **on_record}],
            "review": {"status": "pending"},
        },
        {
            "id": "draft-fixture-04b",
            "type": "SANCTION",
            "actors": ["united-states"],
            "recipients": ["nicolas-maduro"],
            "summary": "DRAFT: " + REWARD,
            **LAST_YEAR,
            "citations": [{**_at(REWARD), **STATEMENT}],
            "review": {"status": "pending"},
        },
    ]


def test_sanction_with_amount_not_merged_with_a_different_amount() -> None:
    assert _proposals().sanctions[:1] == [
        {
            "id": "draft-fixture-04a",
            "kind": "reward",
            "imposed_by": ["united-states"],
            "targets": ["nicolas-maduro"],
            "status": "active",
            "description": "DRAFT: " + REWARD,
            **LAST_YEAR,
            "amount_usd": 15_000_000,
            "citations": [{**_at(REWARD), **STATEMENT}],
            "review": {"status": "pending"},
        }
    ]


def test_new_actor_is_a_pending_actor_record_with_its_role() -> None:
    assert _proposals().actors == [
        {
            "id": "yvan-gil",
            "name": "Yván Gil",
            "aliases": ["Gil"],
            "kind": "person",
            "roles": ["Foreign Minister"],
            "citations": [{**_at("Foreign Minister Yván Gil"), "attribution": "own"}],
            "review": {"status": "pending"},
        }
    ]


def test_a_request_already_recorded_is_a_citation_to_add_not_a_duplicate() -> None:
    out = _proposals()
    quote = "Venezuelan President Nicolás Maduro asked Donald Trump for a second call"
    citation = {
        **_at(quote),
        "attribution": "upstream",
        "attributed_to": "according to two sources familiar with the matter",
    }
    assert out.corroborations[0] == {
        "table": "demands",
        "record": "maduro-second-call",
        "citation": citation,
    }
    # the REQUEST event is drafted: no existing event to corroborate
    assert "maduro-second-call" not in [d["id"] for d in out.demands]
    assert [d["category"] for d in out.demands if d["by"] == ["nicolas-maduro"]] == [
        "amnesty",  # (not the second call: a citation to add)
        "sanctions_relief",
        "amnesty",
        "political_transition",
    ]


def test_request_without_an_existing_record_is_a_demand_with_its_category() -> None:
    out = p.propose(SID, ARTICLE, PUBLISHED, ACTORS, [])
    assert [(d["id"], d["by"], d["addressed_to"], d["category"]) for d in out.demands] == [
        ("draft-fixture-01a", ["nicolas-maduro"], ["donald-trump"], "dialogue"),
        ("draft-fixture-03a", ["donald-trump"], ["nicolas-maduro"], "departure"),
        ("draft-fixture-05a", ["donald-trump"], ["nicolas-maduro"], "departure"),
        ("draft-fixture-09a", ["nicolas-maduro"], [], "amnesty"),
        ("draft-fixture-10a", ["nicolas-maduro"], [], "sanctions_relief"),
        ("draft-fixture-16", ["nicolas-maduro"], [], "amnesty"),
        ("draft-fixture-17", ["nicolas-maduro"], [], "political_transition"),
        ("draft-fixture-18a", ["diosdado-cabello"], [], "safe_passage"),
        ("draft-fixture-19", ["diosdado-cabello"], [], "amnesty"),
    ]
    assert out.corroborations == []


def test_no_actor_no_proposal_and_quantities_on_events() -> None:
    text = "Cabello said 12 officers were killed by U.S. forces. More than 75 people were killed."
    out = p.propose(SID, text, PUBLISHED, ACTORS, [])
    # the agent of a passive is after "by"; a passive without one proposes nothing
    assert [(e["type"], e["actors"], e["recipients"], e.get("quantities")) for e in out.events] == [
        (
            "ASSAULT",
            ["united-states"],
            [],
            [{"value": 12, "unit": "officers", "qualifier": "exactly", "text": "12 officers"}],
        )
    ]


def test_a_list_of_requests_is_one_demand_per_item() -> None:
    text = (
        "Maduro sought safe passage for himself, full legal amnesty for his family, the lifting "
        "of all U.S. sanctions, and the closure of a court case. He also asked Trump for talks."
    )
    out = p.propose(SID, text, PUBLISHED, ACTORS, [])
    assert [(d["category"], d["by"], d["citations"][0]["quote"]) for d in out.demands] == [
        ("safe_passage", ["nicolas-maduro"], "Maduro sought safe passage for himself"),
        ("amnesty", ["nicolas-maduro"], "full legal amnesty for his family"),
        ("sanctions_relief", ["nicolas-maduro"], "the lifting of all U.S. sanctions"),
        ("legal_case_closure", ["nicolas-maduro"], "the closure of a court case"),
        ("dialogue", ["nicolas-maduro"], "He also asked Trump for talks"),  # He: Maduro
    ]
    assert [(s["kind"], s["imposed_by"]) for s in out.sanctions] == [
        ("sanctions_program", ["united-states"])
    ]
    assert out.demands[-1]["addressed_to"] == ["donald-trump"]


def test_a_conditional_coercion_is_a_threat() -> None:
    text = "Trump said the U.S. would close the airspace if Maduro stayed."
    (event,) = p.propose(SID, text, PUBLISHED, ACTORS, []).events
    assert (event["type"], event["actors"]) == ("THREATEN", ["donald-trump"])


def test_list_items_joined_by_and_and_credited_names_are_not_actors() -> None:
    actors = [*ACTORS, ActorNames("reuters", (name_pattern("Reuters"),))]
    text = (
        "Two sources told Reuters that Maduro sought amnesty, the lifting of U.S. sanctions "
        "and the closure of a court case."
    )
    out = p.propose(SID, text, PUBLISHED, actors, [])
    assert [(d["category"], d["by"], d["citations"][0]["quote"]) for d in out.demands] == [
        ("amnesty", ["nicolas-maduro"], "Two sources told Reuters that Maduro sought amnesty"),
        ("sanctions_relief", ["nicolas-maduro"], "the lifting of U.S. sanctions"),
        ("legal_case_closure", ["nicolas-maduro"], "the closure of a court case"),
    ]
    assert out.demands[0]["citations"][0]["attribution"] == "upstream"
    assert out.demands[0]["citations"][0]["attributed_to"] == "Two sources told Reuters"
