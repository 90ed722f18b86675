"""`vzcrisis draft` on the new-article fixture writes every kind of proposal, all pending, and
nothing drafted is released until accepted."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from vzcrisis.records.load import content_hash
from vzcrisis.release.build import build_release

from tests.build import _workflow as w

FIXTURE = w.REPO / "tests" / "fixtures" / "drafts" / "article.txt"
ACTORS = """schema_version: "1.1.0"
table: actors
records:
  - id: nicolas-maduro
    name: Nicolás Maduro
    aliases: [Nicolas Maduro, Maduro]
    kind: person
    citations:
      - {{source: src-053c2b2b, quote: Maduro, char_start: {maduro},
          char_end: {maduro_end}, attribution: own}}
    review: {{status: pending}}
  - id: donald-trump
    name: Donald Trump
    aliases: [Trump]
    kind: person
    citations:
      - {{source: src-053c2b2b, quote: Trump, char_start: {trump},
          char_end: {trump_end}, attribution: own}}
    review: {{status: pending}}
  - id: united-states
    name: United States
    aliases: [U.S.]
    kind: state
    citations:
      - {{source: src-053c2b2b, quote: Trump, char_start: {trump},
          char_end: {trump_end}, attribution: own}}
    review: {{status: pending}}
"""
SEED_TEXT = w.SEED_ARTICLE.read_text("utf-8")
_AT = {"maduro": SEED_TEXT.index("Maduro"), "trump": SEED_TEXT.index("Trump")}
ACTORS = ACTORS.format(**_AT, maduro_end=_AT["maduro"] + 6, trump_end=_AT["trump"] + 5)
DEMANDS = """schema_version: "1.1.0"
table: demands
records:
  - id: maduro-second-call
    # a comment the review must keep
    by: [nicolas-maduro]
    addressed_to: [donald-trump]
    category: dialogue
    text: Another (a second) phone call with Trump.
    status: pending
    citations:
      - source: src-053c2b2b
        quote: "requested a second call"
        char_start: 1472
        char_end: 1495
    review: {status: pending}
"""

_CALL = SEED_TEXT.index("phone call")
EVENTS = f"""schema_version: "1.1.0"
table: events
records:
  - id: trump-maduro-call
    type: CONSULT
    actors: [donald-trump, nicolas-maduro]
    summary: Phone call between Trump and Maduro.
    date: 2025-11-28
    date_precision: day
    citations:
      - {{source: src-053c2b2b, quote: phone call, char_start: {_CALL},
          char_end: {_CALL + 10}, attribution: own}}
    review: {{status: pending}}
"""


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, str]:
    root = w.new_project(tmp_path / "p")
    r = w.cli(root, "add-source", str(w.SEED_ARTICLE), "--origin", "Miami Herald")
    assert r.exit_code == 0, r.output
    w.records_file(root, "actors.yaml").write_text(ACTORS, "utf-8")
    w.records_file(root, "demands.yaml").write_text(DEMANDS, "utf-8")
    w.records_file(root, "events.yaml").write_text(EVENTS, "utf-8")
    r = w.cli(
        root, "add-source", str(FIXTURE), "--origin", "Coastal Wire", "--published", "2025-12-03"
    )
    assert r.exit_code == 0, r.output
    sid = r.stdout.split()[1].rstrip(":")
    return root, sid


def test_draft_writes_each_table_and_the_citations_to_add(project: tuple[Path, str]) -> None:
    root, sid = project
    r = w.cli(root, "draft", sid, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    short = sid.removeprefix("src-")
    assert out["files"] == {
        "actors": f"seeds/records/drafts-{sid}-actors.yaml",
        "events": f"seeds/records/drafts-{sid}.yaml",
        "demands": f"seeds/records/drafts-{sid}-demands.yaml",
        "sanctions": f"seeds/records/drafts-{sid}-sanctions.yaml",
    }
    assert out["citations_file"] == f"seeds/drafts/citations-{sid}.yaml"
    assert [(a["id"], a["roles"]) for a in out["tables"]["actors"]] == [
        ("yvan-gil", ["Foreign Minister"]),
        ("diosdado-cabello", ["Interior Minister"]),  # not an actor of this project
    ]
    assert [(e["id"], e["type"]) for e in out["tables"]["events"]] == [
        (f"draft-{short}-01b", "REQUEST"),
        (f"draft-{short}-02", "REJECT"),
        (f"draft-{short}-03b", "REQUEST"),
        (f"draft-{short}-04b", "SANCTION"),
        (f"draft-{short}-05b", "THREATEN"),
        (f"draft-{short}-06", "OTHER"),
        (f"draft-{short}-07b", "COERCE"),
        (f"draft-{short}-08", "REJECT"),
        (f"draft-{short}-09b", "REQUEST"),
        (f"draft-{short}-11b", "SANCTION"),
        (f"draft-{short}-13", "COERCE"),
        (f"draft-{short}-14", "THREATEN"),
        (f"draft-{short}-15", "REQUEST"),
        (f"draft-{short}-18b", "REQUEST"),
    ]
    assert [(d["id"], d["category"]) for d in out["tables"]["demands"]] == [
        (f"draft-{short}-03a", "departure"),
        (f"draft-{short}-05a", "departure"),
        (f"draft-{short}-09a", "amnesty"),
        (f"draft-{short}-10a", "sanctions_relief"),
        (f"draft-{short}-16", "amnesty"),
        (f"draft-{short}-17", "political_transition"),
        (f"draft-{short}-18a", "safe_passage"),
        (f"draft-{short}-19", "amnesty"),
    ]
    assert [(s["kind"], s.get("amount_usd")) for s in out["tables"]["sanctions"]] == [
        ("reward", 15_000_000),
        ("sanctions_program", None),
    ]
    assert [(c["table"], c["record"], c.get("date")) for c in out["citations"]] == [
        ("demands", "maduro-second-call", None),
        ("events", "trump-maduro-call", "2025-11-28"),  # the passage's date, to compare
    ]
    safe = YAML(typ="safe")
    (event,) = [
        e
        for e in safe.load(w.records_file(root, f"drafts-{sid}.yaml").read_text("utf-8"))["records"]
        if e["id"] == f"draft-{short}-02"
    ]
    assert (event["date"], event["date_precision"], event["date_text"]) == (
        dt.date(2025, 12, 1),
        "day",
        "On Monday",
    )
    proposals = safe.load((root / out["citations_file"]).read_text("utf-8"))["proposals"]
    assert proposals[0]["review"] == {"status": "pending"}
    r = w.cli(root, "validate")
    assert r.exit_code == 0, r.output


def test_nothing_drafted_is_released_until_accepted(
    project: tuple[Path, str], tmp_path: Path
) -> None:
    root, sid = project
    assert w.cli(root, "draft", sid).exit_code == 0
    # accept the sources and the curated actors only; every draft stays pending
    w.attribute(w.records_file(root, "sources.yaml"), 529, "upstream", "Sources close to")
    sources = YAML(typ="safe").load(w.records_file(root, "sources.yaml").read_text("utf-8"))
    fixture_start = sources["records"][1]["citations"][0]["char_start"]
    w.attribute(w.records_file(root, "sources.yaml"), fixture_start, "own")
    for table in ("sources", "actors"):
        r = w.cli(root, "review", "--table", table, *w.REVIEW, input="a\na\na\n")
        assert r.exit_code == 0, r.output
    result = build_release(
        root, "0.1.0", releases_dir=tmp_path / "releases", release_date=dt.date(2025, 12, 5)
    )
    assert result.tables["events"] == 0
    assert result.tables["sanctions"] == 0
    assert result.tables["demands"] == 0
    assert result.tables["actors"] == 3


def test_review_shows_a_corroboration_and_accepting_appends_the_citation(
    project: tuple[Path, str],
) -> None:
    root, sid = project
    assert w.cli(root, "draft", sid).exit_code == 0
    demands = w.records_file(root, "demands.yaml")
    before = demands.read_text("utf-8")
    # the demand itself (pending) and the 8 drafted demands are skipped; then the citation
    # proposal is accepted
    r = w.cli(root, "review", "--table", "demands", *w.REVIEW, input="s\n" * 9 + "a\n")
    assert r.exit_code == 0, r.output
    quote = "Venezuelan President Nicolás Maduro asked Donald Trump for a second call"
    start = FIXTURE.read_text("utf-8").index(quote)
    assert "accepting: demands/maduro-second-call is added in the next release" in r.stdout
    assert "citation for demands: maduro-second-call" in r.stdout
    assert "record (seeds/records/demands.yaml:4): Another (a second) phone call with Trump." in (
        r.stdout
    )
    assert (
        f"proposed citation: {sid} {start}-{start + len(quote)}, attribution upstream "
        '("according to two sources familiar with the matter")'
    ) in r.stdout
    assert f">>>{quote}<<<" in r.stdout  # the quote in its paragraph
    assert (
        "accepting: appends citation 2 to seeds/records/demands.yaml (maduro-second-call); "
        "the record is still pending"
    ) in r.stdout
    assert "accepted 1, rejected 0, skipped 9" in r.stdout, r.stdout
    after = demands.read_text("utf-8")
    assert after.startswith(before.rstrip("\n").removesuffix("    review: {status: pending}"))
    assert "    # a comment the review must keep\n" in after
    (record,) = YAML(typ="safe").load(after)["records"]
    assert record["citations"][1] == {
        "source": sid,
        "quote": quote,
        "char_start": start,
        "char_end": start + len(quote),
        "attribution": "upstream",
        "attributed_to": "according to two sources familiar with the matter",
    }
    proposals = YAML(typ="safe").load(
        (root / "seeds" / "drafts" / f"citations-{sid}.yaml").read_text("utf-8")
    )["proposals"]
    assert proposals[0]["review"] == {
        "status": "accepted",
        "reviewer": "tester",
        "date": dt.date(2025, 12, 5),
    }
    assert w.cli(root, "validate").exit_code == 0
    # decided: review has nothing more to offer for it
    r = w.cli(root, "review", "--table", "demands", *w.REVIEW, input="q\n")
    assert "citation for demands" not in r.stdout


def test_review_shows_the_date_a_corroborating_passage_gives(project: tuple[Path, str]) -> None:
    root, sid = project
    assert w.cli(root, "draft", sid).exit_code == 0
    r = w.cli(root, "review", "--table", "events", *w.REVIEW, input="s\n" * 15 + "q\n")
    assert r.exit_code == 0, r.output
    assert "citation for events: trump-maduro-call" in r.stdout
    assert "the passage gives: date 2025-11-28 (record: 2025-11-28)" in r.stdout


def test_draft_is_deterministic(project: tuple[Path, str]) -> None:
    root, sid = project
    assert w.cli(root, "draft", sid).exit_code == 0
    written = sorted((root / "seeds").rglob(f"*{sid}*.yaml"))
    first = {path: path.read_bytes() for path in written}
    for path in written:
        path.unlink()
    assert w.cli(root, "draft", sid).exit_code == 0
    assert {path: path.read_bytes() for path in written} == first


@pytest.mark.parametrize("edited", [False, True])
def test_accepting_a_citation_re_stamps_an_accepted_record_unless_changed_since(
    project: tuple[Path, str], edited: bool
) -> None:
    root, sid = project
    demands = w.records_file(root, "demands.yaml")
    yaml = YAML(typ="safe")
    text = demands.read_text("utf-8").replace(
        "        char_end: 1495\n", "        char_end: 1495\n        attribution: own\n"
    )
    (record,) = yaml.load(text)["records"]
    stamp = (
        "{status: accepted, reviewer: curator, date: 2025-12-04, "
        f"content_hash: {content_hash(record)}}}"
    )
    text = text.replace("review: {status: pending}", f"review: {stamp}")
    if edited:  # changed by hand after it was accepted: pending again, until reviewed
        text = text.replace("Another (a second) phone call", "A second phone call")
    demands.write_text(text, "utf-8")
    assert w.cli(root, "draft", sid).exit_code == 0
    skips = 9 if edited else 8  # the drafted demands (and the changed record)
    r = w.cli(root, "review", "--table", "demands", *w.REVIEW, input="s\n" * skips + "a\n")
    assert r.exit_code == 0, r.output
    after = (
        "still pending (changed since it was accepted: review it again)"
        if edited
        else ("re-stamped accepted by you")
    )
    assert f"(maduro-second-call); the record is {after}" in r.stdout
    (saved,) = yaml.load(demands.read_text("utf-8"))["records"]
    assert len(saved["citations"]) == 2
    if edited:  # its review is kept: the hand edit still needs a review
        assert saved["review"]["content_hash"] == content_hash(record)
        assert saved["review"]["reviewer"] == "curator"
    else:
        assert saved["review"] == {
            "status": "accepted",
            "reviewer": "tester",
            "date": dt.date(2025, 12, 5),
            "content_hash": content_hash(saved),
        }
