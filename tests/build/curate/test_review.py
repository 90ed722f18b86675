"""`vzcrisis review` through its terminal interface; decisions round-trip into the YAML."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from vzcrisis.curate.status import project_status
from vzcrisis.records import write
from vzcrisis.records.load import content_hash

from tests.build import _workflow as w


def _hash_of(path: Path, record_id: str) -> str:
    doc = YAML(typ="safe").load(path.read_text("utf-8"))
    (record,) = [r for r in doc["records"] if r["id"] == record_id]
    return content_hash(record)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = w.new_project(tmp_path / "p")
    r = w.add_article(root)
    assert r.exit_code == 0, r.output
    # schema 1.1.0: an accepted source says how it credits its origin citation
    w.attribute(w.records_file(root, "sources.yaml"), 103, "upstream", "the Coastal Wire reported")
    r = w.cli(root, "review", "--table", "sources", *w.REVIEW, input="a\n")
    assert r.exit_code == 0, r.output
    return root


def test_review_writes_decisions_and_keeps_everything_else(project: Path) -> None:
    actors = w.records_file(project, "actors.yaml")
    before = actors.read_text("utf-8")
    others = {k: v for k, v in w.snapshot(project).items() if not k.endswith("actors.yaml")}
    hashes = {i: _hash_of(actors, i) for i in ("tomas-ruiz", "harbor-council")}
    r = w.cli(
        project,
        "review",
        "--table",
        "actors",
        *w.REVIEW,
        input="a\nr\nbecause the quote names no council chair\nq\n",
    )
    assert r.exit_code == 0, r.output
    assert ">>>Governor Tomás Ruiz<<<" in r.stdout, r.stdout
    assert "PUERTO CLARO, Dec. 3 (Coastal Wire) — >>>Governor" in r.stdout, r.stdout
    assert "same passage also cited by: sources/src-3e507cd0 (accepted)" in r.stdout
    assert "accepted 1, rejected 1, skipped 0, not written 0, left 1" in r.stdout
    expected = before.replace(
        "    review: {status: pending}\n",
        "    review: {status: accepted, reviewer: tester, date: 2025-12-05, content_hash: "
        f"{hashes['tomas-ruiz']}}}\n",
        1,
    ).replace(
        "    review: {status: pending}\n",
        "    review: {status: rejected, reviewer: tester, date: 2025-12-05, note: because the "
        f"quote names no council chair, content_hash: {hashes['harbor-council']}}}\n",
        1,
    )
    assert actors.read_text("utf-8") == expected
    assert "review: {status: pending}  # not yet checked\n" in expected
    assert {k: v for k, v in w.snapshot(project).items() if not k.endswith("actors.yaml")} == (
        others
    )
    r = w.cli(project, "validate")
    assert r.exit_code == 0, r.output


def test_end_of_input_quits_and_keeps_decisions(project: Path) -> None:
    r = w.cli(project, "review", "--table", "actors", *w.REVIEW, input="a\n")
    assert r.exit_code == 0, r.output
    assert "accepted 1, rejected 0, skipped 0, not written 0, left 2" in r.stdout
    assert project_status(project)["tables"]["actors"]["accepted"] == 1


def test_reject_asks_again_for_an_empty_note_and_bad_keys(project: Path) -> None:
    r = w.cli(project, "review", "--table", "actors", *w.REVIEW, input="x\nr\n\nwrong name\nq\n")
    assert r.exit_code == 0, r.output
    assert "type one of [a]ccept / [r]eject / [s]kip / [q]uit" in r.stdout
    assert r.stdout.count("Note (why rejected)") == 2, r.stdout
    text = w.records_file(project, "actors.yaml").read_text("utf-8")
    assert "note: wrong name, content_hash:" in text


def test_accept_is_refused_until_references_are_accepted(tmp_path: Path) -> None:
    root = w.new_project(tmp_path / "p")
    assert w.add_article(root).exit_code == 0
    before = w.snapshot(root)
    r = w.cli(root, "review", "--table", "actors", *w.REVIEW, input="a\ns\nq\n")
    assert r.exit_code == 0, r.output
    assert "cannot accept yet: citations.source: src-3e507cd0 is pending; accept it first" in (
        r.stdout
    )
    assert "accepted 0, rejected 0, skipped 1" in r.stdout
    assert w.snapshot(root) == before


def test_edited_accepted_record_is_stale_until_reviewed_again(project: Path) -> None:
    actors = w.records_file(project, "actors.yaml")
    r = w.cli(project, "review", "--table", "actors", *w.REVIEW, input="a\na\na\n")
    assert r.exit_code == 0, r.output
    assert w.cli(project, "validate").exit_code == 0
    actors.write_text(
        actors.read_text("utf-8").replace("roles: [Governor]", "roles: [Governor, Admiral]"),
        encoding="utf-8",
    )
    data = project_status(project)
    assert data["stale"] == ["tomas-ruiz"]
    assert data["tables"]["actors"] == {"accepted": 2, "pending": 1, "rejected": 0, "invalid": 0}
    r = w.cli(project, "status")
    assert "stale (accepted, changed since; counted pending): tomas-ruiz" in r.stdout, r.stdout
    assert json.loads(w.cli(project, "status", "--json").stdout)["stale"] == ["tomas-ruiz"]
    r = w.cli(project, "validate")
    assert r.exit_code == 1, r.output
    line = (
        "seeds/records/actors.yaml:16: tomas-ruiz: review.content_hash: changed since it was "
        "accepted; re-review it"
    )
    assert r.stderr.splitlines() == [line], r.stderr
    r = w.cli(project, "review", *w.REVIEW, input="a\n")
    assert "actors: tomas-ruiz (seeds/records/actors.yaml:6; accepted, changed since: stale)" in (
        r.stdout
    )
    assert w.cli(project, "validate").exit_code == 0
    assert project_status(project)["stale"] == []


def test_no_reviewer_is_one_line(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_SYSTEM", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    r = w.cli(project, "review", input="a\n")
    assert r.exit_code == 1, r.output
    assert r.stderr == "no reviewer: pass --reviewer NAME or set `git config user.name`\n"


def test_failed_write_leaves_the_file_intact(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actors = w.records_file(project, "actors.yaml")
    before = actors.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(write.os, "replace", crash)
    with pytest.raises(OSError):
        doc = write.load_document(actors)
        doc.records[0]["review"]["status"] = "rejected"
        write.save(doc, 0)
    assert actors.read_bytes() == before
    assert sorted(p.name for p in actors.parent.iterdir()) == ["actors.yaml", "sources.yaml"]


DISPUTE = f"""\
schema_version: "1.0.0"
table: disputes
records:
  - id: who-waits
    question: Who said they would wait?
    summary: The article quotes the same words from both sides.
    citations:
      - {{source: {w.ARTICLE_ID}, quote: "Ortiz said", char_start: 557, char_end: 567}}
    review: {{status: pending}}
"""
VERSIONS = f"""\
schema_version: "1.0.0"
table: events
records:
  - id: ortiz-will-wait
    type: DECLARE
    actors: [ana-belen-ortiz]
    summary: Ortiz said the council would wait.
    disputes: [who-waits]
    citations:
      - {{source: {w.ARTICLE_ID}, quote: "Ortiz said", char_start: 557, char_end: 567}}
    review: {{status: pending}}
  - id: governor-will-wait
    type: DECLARE
    actors: [tomas-ruiz]
    summary: The governor's office said it would wait.
    disputes: [who-waits]
    citations:
      - {{source: {w.ARTICLE_ID}, quote: "A spokesman", char_start: 585, char_end: 596}}
    review: {{status: pending}}
"""


def test_review_shows_the_other_versions_of_a_dispute(project: Path) -> None:
    w.records_file(project, "disputes.yaml").write_text(DISPUTE, encoding="utf-8")
    w.records_file(project, "events.yaml").write_text(VERSIONS, encoding="utf-8")
    r = w.cli(project, "validate")
    assert r.exit_code == 0, r.output
    r = w.cli(project, "review", "--table", "events", *w.REVIEW, input="s\nq\n")
    assert r.exit_code == 0, r.output
    assert "dispute who-waits: Who said they would wait?" in r.stdout, r.stdout
    assert f'  differs: governor-will-wait (Coastal Wire, {w.ARTICLE_ID}): "A spokesman"' in (
        r.stdout
    )
    assert "same passage also cited by: disputes/who-waits (pending)" in r.stdout
    assert project_status(project)["disputed"] == {
        "who-waits": ["governor-will-wait", "ortiz-will-wait"]
    }


def test_a_citation_without_attribution_blocks_acceptance_from_schema_1_1_0() -> None:
    from venezuela_crisis.models import ReviewStatus
    from vzcrisis.curate.review import Evidence, Item, blockers
    from vzcrisis.records.load import RawRecord

    cites = [
        {"source": "src-aaaa0001", "quote": "x", "char_start": 0, "char_end": 1},
        {"source": "src-aaaa0001", "quote": "y", "char_start": 2, "char_end": 3,
         "attribution": "own"},
    ]  # fmt: skip
    evidence = Evidence({}, {}, [], {"src-aaaa0001": ReviewStatus.accepted})
    for version, expected in [
        ("1.1.0", ["citations[0].attribution: say how the article credits the passage "
                   "(upstream, on_record or own) before accepting"]),
        ("1.0.0", []),
    ]:  # fmt: skip
        raw = RawRecord("events.yaml", 1, "events", version, {"id": "e", "citations": cites})
        item = Item(raw, Path("events.yaml"), "sha256:x", stale=False, problems=[])
        assert blockers(item, evidence) == expected, version
