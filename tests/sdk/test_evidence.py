"""The committed release 1.1.0's evidence, checked through the SDK against the documented rules.

Every citation says how its article credits the passage; each record's `origin_count` is
recomputed from the released citations and sources by the rule (format.evidence); every quote
sits at its offsets in the released article text, whose sha256 is the source's; every
record's evidence shows the quote in its sentence; reader-facing texts name no file numbers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pytest
from venezuela_crisis import VenezuelaCrisis
from venezuela_crisis.catalog import CURATED_TABLE_NAMES, TIMELINE_TABLES
from venezuela_crisis.format.evidence import independent_origin

VERSION = "1.1.0"


@pytest.fixture(scope="module")
def vc() -> Iterator[VenezuelaCrisis]:
    with VenezuelaCrisis(VERSION) as client:
        yield client


def test_every_citation_has_an_attribution(vc: VenezuelaCrisis) -> None:
    counts = {
        r["attribution"]: r["n"]
        for r in vc.sql("select attribution, count(*) as n from citations group by 1").to_pylist()
    }
    assert set(counts) == {"upstream", "on_record", "own"}, counts
    assert sum(counts.values()) == 283
    own_credited = "select count(*) as n from citations where attribution = 'own' and "
    assert vc.sql(own_credited + "attributed_to is not null").to_pylist() == [{"n": 0}]


def test_origin_count_follows_the_documented_rule(vc: VenezuelaCrisis) -> None:
    origins = {r["id"]: r["origin"] for r in vc.sql("select id, origin from sources").to_pylist()}
    cites = vc.sql(
        "select record_table, record_id, source_id, attribution, origin from citations"
    ).to_pylist()
    expected: dict[tuple[str, str], set[str]] = {}
    for c in cites:
        derived = independent_origin(c["attribution"], c["source_id"], origins[c["source_id"]])
        assert c["origin"] == derived, c
        expected.setdefault((c["record_table"], c["record_id"]), set()).add(derived)
    checked = 0
    for table in CURATED_TABLE_NAMES:
        if table == "sources":
            continue
        for row in vc.sql(f"select id, origin_count from {table}").to_pylist():
            assert row["origin_count"] == len(expected[(table, row["id"])]), (table, row["id"])
            checked += 1
    assert checked == 100


def test_every_quote_sits_at_its_offsets_in_the_released_text(vc: VenezuelaCrisis) -> None:
    sources = vc.sql("select id, sha256, text from sources").to_pylist()
    texts = {s["id"]: s["text"] for s in sources}
    for s in sources:
        assert hashlib.sha256(s["text"].encode("utf-8")).hexdigest() == s["sha256"], s["id"]
    cites = vc.sql("select id, source_id, quote, char_start, char_end from citations").to_pylist()
    assert len(cites) == 283
    for c in cites:
        assert texts[c["source_id"]][c["char_start"] : c["char_end"]] == c["quote"], c["id"]


def test_evidence_shows_each_quote_in_its_sentence(vc: VenezuelaCrisis) -> None:
    reward = vc.sanctions(kind="reward")
    shown = 0
    for row in [*reward, *vc.demands(), *vc.events()]:
        for evidence in row.citations:
            context = evidence.context()
            assert context is not None
            assert context.text[context.start : context.end] == evidence.quote
            assert evidence.origin and evidence.attribution is not None
            shown += 1
    assert shown > 100
    first = vc.citations("maduro-amnesty-family")[0]
    context = vc.context(first.id)
    assert context is not None and context.text[context.start : context.end] == first.quote


def test_reader_facing_texts_name_no_file_numbers(vc: VenezuelaCrisis) -> None:
    pattern = re.compile(r"\b00[0-4]\b|^OTHER \(")
    fields = {"events": ["summary", "date_resolution"], "demands": ["text"]}
    fields |= {"sanctions": ["description", "date_resolution"], "disputes": ["question", "summary"]}
    for table, names in fields.items():
        for row in vc.sql(f"select id, {', '.join(names)} from {table}").to_pylist():
            for name in names:
                assert not pattern.search(row[name] or ""), (table, row["id"], name)
    assert [s.name for s in TIMELINE_TABLES] == ["events", "demands", "sanctions"]
