"""Every SDK method and filter on the fixture release 1.0.0, with exact expected ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from venezuela_crisis import (
    AmbiguousActorError,
    QueryError,
    UnknownActorError,
    VenezuelaCrisis,
)
from venezuela_crisis.models import Actor, Citation, Demand, Evidence

A, B, C = "src-e5853327", "src-8825015e", "src-26ae095a"  # Reuters, Reuters relay, Miami Herald
MADURO_DEMANDS = [
    "delcy-interim-government",
    "maduro-amnesty-family",
    "maduro-sanctions-relief",
    "safe-passage-family",
    "safe-passage-maduro-only",
]


def test_what_is_open(vc: VenezuelaCrisis, releases_dir: Path) -> None:
    assert vc.version == "1.0.0"
    assert vc.path == releases_dir / "1.0.0"
    assert vc.tables == {
        "sources": 3,
        "actors": 6,
        "events": 5,
        "demands": 6,
        "sanctions": 2,
        "disputes": 1,
        "citations": 26,
    }
    assert vc.manifest["version"] == "1.0.0"
    assert repr(vc) == f"VenezuelaCrisis(version='1.0.0', path='{releases_dir / '1.0.0'}')"


@pytest.mark.parametrize("name", ["Maduro", "maduro", "Nicolás Maduro", "Nicolas Maduro"])
def test_demands_by_maduro_any_spelling(vc: VenezuelaCrisis, name: str) -> None:
    demands = vc.demands(by=name)
    assert demands.ids == MADURO_DEMANDS, demands
    assert all(type(d) is Demand and d.citations for d in demands)
    assert vc.demands(by=name) == vc.demands(by="nicolas-maduro")


def test_demand_citations_and_sources(vc: VenezuelaCrisis) -> None:
    (relief,) = vc.demands(by="Maduro", category="sanctions_relief")
    # records of schema 1.0.0: no attribution, so the independent origin is the source's
    assert relief.citations == [
        Evidence(
            source=B,
            quote="Maduro asked for the lifting of US sanctions",
            char_start=29,
            char_end=73,
            attribution=None,
            attributed_to=None,
            origin="Reuters",
            publisher="Daily Two",
            title=None,
            context_text="Daily Two, Dec 1 (Reuters) - Maduro asked for the lifting of US "
            "sanctions, the report said.",
            context_start=0,
        ),
        Evidence(
            source=A,
            quote="Maduro also asked for the lifting of US sanctions",
            char_start=226,
            char_end=275,
            attribution=None,
            attributed_to=None,
            origin="Reuters",
            publisher="Wire One",
            title=None,
            context_text="Maduro also asked for the lifting of US sanctions.",
            context_start=226,
        ),
    ]
    assert [str(c.context()) for c in relief.citations] == [
        "Daily Two, Dec 1 (Reuters) - [Maduro asked for the lifting of US sanctions], the "
        "report said.",
        "[Maduro also asked for the lifting of US sanctions].",
    ]
    assert relief.sources == [B, A]
    assert (relief.source_count, relief.origin_count, relief.disputed) == (2, 1, False)


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        ({"by": "Trump"}, ["trump-maduro-leave"]),
        ({"by": "Trump", "status": "expired", "category": "departure"}, ["trump-maduro-leave"]),
        ({"by": "Maduro", "status": "rejected"}, ["maduro-amnesty-family"]),
        ({"by": "Trump", "status": "rejected"}, []),
        ({"category": "amnesty"}, ["maduro-amnesty-family"]),
        ({"category": "SAFE_PASSAGE"}, ["safe-passage-family", "safe-passage-maduro-only"]),
        ({"status": ["rejected", "expired"]}, ["maduro-amnesty-family", "trump-maduro-leave"]),
        ({"addressed_to": "United States"}, ["maduro-sanctions-relief"]),
        ({"addressed_to": "US"}, ["maduro-sanctions-relief"]),
        ({"addressed_to": "maduro"}, ["trump-maduro-leave"]),
        ({"by": ["Trump", "US"]}, ["trump-maduro-leave"]),
        ({"source": B}, ["maduro-sanctions-relief"]),
        ({"source": C}, ["safe-passage-maduro-only", "trump-maduro-leave"]),
        ({"made_in": "trump-maduro-call-2025-11-21"}, ["maduro-amnesty-family"]),
        ({"disputed": True}, ["safe-passage-family", "safe-passage-maduro-only"]),
        ({"min_sources": 2}, ["maduro-sanctions-relief"]),
        ({"min_origins": 2}, []),
    ],
)
def test_demand_filters(vc: VenezuelaCrisis, filters: dict[str, Any], ids: list[str]) -> None:
    assert vc.demands(**filters).ids == ids


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (
            {},
            [
                "trump-maduro-call-2025-11-21",
                "trump-rejects-amnesty-2025-11-21",
                "trump-ultimatum-2025-11-24",
                "airspace-closed-2025-11-29",
                "maduro-no-surrender",
            ],
        ),
        (
            {"since": "2025-11-21", "until": "2025-11-30", "type": "THREATEN", "actor": "Trump"},
            ["trump-ultimatum-2025-11-24"],
        ),
        ({"since": "2025-11-22"}, ["trump-ultimatum-2025-11-24", "airspace-closed-2025-11-29"]),
        (
            {"until": "2025-11-21"},
            ["trump-maduro-call-2025-11-21", "trump-rejects-amnesty-2025-11-21"],
        ),
        (
            {"actor": "Maduro"},
            [
                "trump-maduro-call-2025-11-21",
                "trump-rejects-amnesty-2025-11-21",
                "trump-ultimatum-2025-11-24",
                "maduro-no-surrender",
            ],
        ),
        ({"by": "Maduro"}, ["trump-maduro-call-2025-11-21", "maduro-no-surrender"]),
        (
            {"recipient": "Maduro"},
            ["trump-rejects-amnesty-2025-11-21", "trump-ultimatum-2025-11-24"],
        ),
        ({"type": "reject"}, ["trump-rejects-amnesty-2025-11-21"]),
        ({"type": ["COERCE", "DECLARE"]}, ["airspace-closed-2025-11-29", "maduro-no-surrender"]),
        ({"source": B}, ["trump-rejects-amnesty-2025-11-21"]),
        ({"min_sources": 2}, ["trump-rejects-amnesty-2025-11-21"]),
    ],
)
def test_event_filters(vc: VenezuelaCrisis, filters: dict[str, Any], ids: list[str]) -> None:
    assert vc.events(**filters).ids == ids


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        ({}, ["venezuela-airspace-closure", "us-reward-maduro"]),
        ({"target": "Maduro"}, ["venezuela-airspace-closure", "us-reward-maduro"]),
        (
            {"target": "Maduro", "imposed_by": "United States", "kind": "reward"},
            ["us-reward-maduro"],
        ),
        ({"imposed_by": "Trump"}, ["venezuela-airspace-closure"]),
        ({"status": "active", "since": "2025-11-01"}, ["venezuela-airspace-closure"]),
        ({"target": "Trump"}, []),
        ({"kind": "indictment"}, []),
    ],
)
def test_sanction_filters(vc: VenezuelaCrisis, filters: dict[str, Any], ids: list[str]) -> None:
    assert vc.sanctions(**filters).ids == ids


def test_reward_amount(vc: VenezuelaCrisis) -> None:
    assert vc.sanctions(kind="reward")[0].amount_usd == 50_000_000


def test_sources_and_actors(vc: VenezuelaCrisis) -> None:
    assert vc.sources().ids == [C, B, A]
    assert vc.sources(origin="Reuters").ids == [B, A]
    assert vc.sources(origin="miami herald").ids == [C]
    assert vc.sources(origin="AP").ids == []
    assert vc.actors(name="delcy").ids == ["delcy-rodriguez"]
    assert vc.actors(name="rodriguez").ids == ["delcy-rodriguez", "jorge-rodriguez"]
    assert vc.actors(kind="person").ids == [
        "delcy-rodriguez",
        "donald-trump",
        "jorge-rodriguez",
        "nicolas-maduro",
    ]
    assert vc.actors(country="usa").ids == ["donald-trump", "united-states"]
    maduro = vc.actor("Nicolás Maduro")
    assert type(maduro) is Actor
    assert (maduro.id, maduro.aliases) == ("nicolas-maduro", ["Nicolas Maduro", "Maduro"])
    assert vc.actor("nicolas maduro") == vc.actor("maduro") == maduro


def test_resolve_explains(vc: VenezuelaCrisis) -> None:
    assert str(vc.resolve("maduro")) == (
        "'maduro' equals the alias 'Maduro' of Nicolás Maduro (nicolas-maduro)"
    )
    assert vc.resolve("Maduro's family").id == "maduro-family"


def test_unknown_and_ambiguous_actor(vc: VenezuelaCrisis) -> None:
    with pytest.raises(UnknownActorError, match=r"closest: Nicolás Maduro \(nicolas-maduro\)"):
        vc.demands(by="Nicolas Madura")
    with pytest.raises(AmbiguousActorError, match=r"Delcy Rodríguez .* Jorge Rodríguez"):
        vc.events(actor="Rodriguez")


def test_citations(vc: VenezuelaCrisis) -> None:
    cites = vc.citations("maduro-sanctions-relief")
    assert cites.ids == [f"maduro-sanctions-relief@{B}:29", f"maduro-sanctions-relief@{A}:226"]
    assert all(type(c) is Citation for c in cites)
    assert [c.origin for c in cites] == ["Reuters", "Reuters"]
    assert vc.citations(source=B).ids == [
        f"maduro-sanctions-relief@{B}:29",
        f"{B}@{B}:17",
        f"trump-rejects-amnesty-2025-11-21@{B}:92",
    ]
    assert vc.citations("safe-passage-scope", table="disputes").ids == [
        f"safe-passage-scope@{C}:157",
        f"safe-passage-scope@{A}:557",
    ]
    assert len(vc.citations()) == 26
    with pytest.raises(QueryError, match=r"no record with id 'nope' in release 1\.0\.0"):
        vc.citations("nope")


def test_record_by_id(vc: VenezuelaCrisis) -> None:
    assert vc.record("us-reward-maduro") == vc.sanctions(kind="reward")[0]
    assert vc.record(A) == vc.sources(origin="Reuters")[1]


def test_timeline(vc: VenezuelaCrisis) -> None:
    entries = vc.timeline(actor="Maduro")
    assert [(str(e.date), e.table, e.id) for e in entries] == [
        ("2025-11-21", "events", "trump-maduro-call-2025-11-21"),
        ("2025-11-21", "events", "trump-rejects-amnesty-2025-11-21"),
        ("2025-11-21", "demands", "maduro-amnesty-family"),
        ("2025-11-24", "events", "trump-ultimatum-2025-11-24"),
        ("2025-11-24", "demands", "trump-maduro-leave"),
        ("2025-11-29", "sanctions", "venezuela-airspace-closure"),
        ("None", "events", "maduro-no-surrender"),
        ("None", "demands", "delcy-interim-government"),
        ("None", "demands", "maduro-sanctions-relief"),
        ("None", "demands", "safe-passage-family"),
        ("None", "demands", "safe-passage-maduro-only"),
        ("None", "sanctions", "us-reward-maduro"),
    ]
    assert entries[0].actors == ["donald-trump", "nicolas-maduro"]
    assert entries[2].kind == "amnesty"
    assert len(vc.timeline()) == 13
    assert vc.timeline(since="2025-11-24", until="2025-11-29").ids == [
        "trump-ultimatum-2025-11-24",
        "trump-maduro-leave",
        "airspace-closed-2025-11-29",
        "venezuela-airspace-closure",
    ]


def test_disputed(vc: VenezuelaCrisis) -> None:
    (point,) = vc.disputed()
    assert (point.id, point.question) == ("safe-passage-scope", "Who would the safe passage cover?")
    assert [v.id for v in point.versions] == ["safe-passage-family", "safe-passage-maduro-only"]
    assert [v.sources for v in point.versions] == [[A], [C]]
    assert all(type(v) is Demand for v in point.versions)
    assert point.dispute.sources == [C, A]
    assert vc.disputes().ids == ["safe-passage-scope"]
    table = vc.disputed().to_arrow()
    assert table.column("id").to_pylist() == ["safe-passage-scope"]


def test_sql_escape_hatch(vc: VenezuelaCrisis) -> None:
    table = vc.sql("select id from demands where status = ? order by id", ["rejected"])
    assert table.column("id").to_pylist() == ["maduro-amnesty-family"]
    named = vc.sql("select count(*) as n from citations where source_id = $s", {"s": C})
    assert named.column("n").to_pylist() == [6]
    with pytest.raises(QueryError, match="query failed"):
        vc.sql("select * from no_such_table")


def test_diff(vc: VenezuelaCrisis, releases_dir: Path) -> None:
    diff = vc.diff("1.0.0", "2.0.0")
    assert (diff.old, diff.new) == ("1.0.0", "2.0.0")
    demands = diff.tables["demands"]
    assert demands.added == ["trump-maduro-resign"]
    assert demands.removed == ["delcy-interim-government"]
    assert demands.changed == ["maduro-sanctions-relief"]
    assert demands.fields == {"maduro-sanctions-relief": ["review", "status"]}
    assert diff.tables["citations"].added == [f"trump-maduro-resign@{C}:23"]
    assert diff.tables["citations"].removed == [f"delcy-interim-government@{A}:375"]
    for table in ("sources", "actors", "events", "sanctions", "disputes"):
        assert diff.tables[table].model_dump() == {
            "added": [],
            "removed": [],
            "changed": [],
            "fields": {},
        }
    assert vc.diff("1.0.0").unchanged
    assert vc.diff(str(releases_dir / "2.0.0")).tables["demands"] == demands.model_copy(
        update={"added": demands.removed, "removed": demands.added}
    )


def test_newest_release_by_default(releases_dir: Path) -> None:
    with VenezuelaCrisis(releases_dir=releases_dir) as newest:
        assert newest.version == "1.0.0", "2.0.0 is another major"
