"""`vzcrisis review` walks the origin `draft` suggests for a source: the suggestion, its
evidence, the source record's origin before -> after; accept sets it (comments kept), reject
marks the suggestion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from vzcrisis.records.load import content_hash

from tests.build import _workflow as w

ARTICLES = w.REPO / "seeds" / "articles"
RELAY = "src-556babef"  # seed 002, a Reuters relay, added first
NEW = "src-61c42525"  # seed 000, added with its origin still to confirm
REVIEW = ["review", "--table", "sources", "--source", NEW, *w.REVIEW]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = w.new_project(tmp_path / "p", actors="seed_actors.yaml")
    for name, source_origin in (("002", "Reuters"), ("000", "to confirm")):
        (path,) = ARTICLES.glob(f"{name}_*.txt")
        r = w.cli(root, "add-source", str(path), "--origin", source_origin)
        assert r.exit_code == 0, r.output
    sources = w.records_file(root, "sources.yaml")
    text = sources.read_text("utf-8").replace(
        "    origin: to confirm\n",
        "    # the curator's comment above the origin\n    origin: to confirm  # until review\n",
    )
    sources.write_text(text, "utf-8")
    assert w.cli(root, "draft", NEW).exit_code == 0
    return root


def _origin(root: Path) -> dict[str, object]:
    path = root / "seeds" / "drafts" / f"citations-{NEW}.yaml"
    stored: dict[str, object] = YAML(typ="safe").load(path.read_text("utf-8"))["origin"]
    return stored


def test_review_shows_the_suggestion_and_accepting_sets_the_origin(root: Path) -> None:
    sources = w.records_file(root, "sources.yaml")
    before = sources.read_text("utf-8")
    r = w.cli(root, *REVIEW, input="s\na\n")  # skip the source record, accept its origin
    assert r.exit_code == 0, r.output
    shown = r.stdout.split(f"── 1/1 origin of source {NEW} (citations-{NEW}.yaml)\n")[1]
    assert shown.splitlines()[:8] == [
        "suggested origin: Reuters",
        f"evidence: 8% of its 5-word phrases are also in {RELAY} (origin: Reuters)",
        "  longest reused passage (9 words):",
        "  Venezuela’s President Nicolas Maduro is running out of options for a negotiated exit "
        "from power after a short >>>call with U.S. President Donald Trump on November 21<<<, "
        "sources familiar with the discussion said.",
        "the article names Reuters:",
        "  >>>He also requested sanctions relief for more than 100 Venezuelan officials accused "
        "by the U.S. of human rights violations, corruption, or drug trafficking, reports "
        "Reuters.<<<",
        f"  the record's citations support its origin and none names it yet: cite this sentence "
        f"(vzcrisis cite {NEW} ...)",
        f'accepting: sets origin of {NEW} (seeds/records/sources.yaml:22): "to confirm" -> '
        '"Reuters"; the record is still pending',
    ]
    assert f"accepted: origin of {NEW} is Reuters" in r.stdout
    assert "accepted 1, rejected 0, skipped 1, not written 0, left 0" in r.stdout
    # only the origin's value changed: both comments kept, the pending record stays pending
    assert sources.read_text("utf-8") == before.replace(
        "    origin: to confirm  # until review\n", "    origin: Reuters     # until review\n"
    )  # (the end-of-line comment keeps its column)
    assert "    # the curator's comment above the origin\n" in before
    assert _origin(root)["review"] == {
        "status": "accepted",
        "reviewer": "tester",
        "date": dt.date(2025, 12, 5),
    }
    # decided: nothing more to review for it
    r = w.cli(root, *REVIEW, input="s\n")
    assert "origin of source" not in r.stdout


def test_accepting_the_origin_of_an_accepted_source_re_stamps_it(root: Path) -> None:
    sources = w.records_file(root, "sources.yaml")
    w.attribute(sources, 0, "own")  # the citation add-source chose for the new source
    r = w.cli(root, *REVIEW, input="a\na\n")  # accept the source record, then its origin
    assert r.exit_code == 0, r.output
    # shown after the record was accepted in the same walk
    assert '"to confirm" -> "Reuters"; the record is re-stamped accepted by you' in r.stdout
    assert "accepted 2, rejected 0, skipped 0" in r.stdout
    (_, record) = YAML(typ="safe").load(sources.read_text("utf-8"))["records"]
    assert record["origin"] == "Reuters"
    assert record["review"] == {
        "status": "accepted",
        "reviewer": "tester",
        "date": dt.date(2025, 12, 5),
        "content_hash": content_hash(record),
    }
    # the new hash is the one validate checks (the fixture actors cite a source not added here)
    assert "sources.yaml" not in w.cli(root, "validate").output


def test_the_accepted_source_is_re_stamped_a_changed_one_stays_pending(root: Path) -> None:
    sources = w.records_file(root, "sources.yaml")
    w.attribute(sources, 0, "own")
    assert w.cli(root, "review", "--table", "sources", *w.REVIEW, input="s\na\nq\n").exit_code == 0
    r = w.cli(root, *REVIEW, input="s\n")  # the source is accepted now: shown as re-stamped
    assert (
        f'accepting: sets origin of {NEW} (seeds/records/sources.yaml:22): "to confirm" -> '
        '"Reuters"; the record is re-stamped accepted by you'
    ) in r.stdout
    # changed by hand since it was accepted: the edit does not accept the unreviewed change
    text = sources.read_text("utf-8")
    sources.write_text(text.replace("    language: en\n", "    language: es\n", 2), "utf-8")
    stale_review = text.split("\n")[-2]
    r = w.cli(root, *REVIEW, input="s\na\n")
    assert r.exit_code == 0, r.output
    assert (
        '"to confirm" -> "Reuters"; the record is still pending (changed since it was '
        "accepted: review it again)"
    ) in r.stdout
    after = sources.read_text("utf-8")
    assert after.split("\n")[-2] == stale_review  # not re-stamped
    assert "    origin: Reuters     # until review\n" in after


def test_rejecting_marks_the_suggestion_and_changes_no_record(root: Path) -> None:
    before = w.snapshot(root)
    r = w.cli(root, *REVIEW, input="s\nr\n")
    assert r.exit_code == 0, r.output
    assert f"rejected: origin suggestion for {NEW}" in r.stdout
    after = w.snapshot(root)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {f"seeds/drafts/citations-{NEW}.yaml"}
    assert _origin(root) == {
        "suggested": "Reuters",
        "shares_wording_with": RELAY,
        "overlap": 0.08,
        "review": {"status": "rejected", "reviewer": "tester", "date": dt.date(2025, 12, 5)},
    }


def test_other_tables_do_not_show_origins(root: Path) -> None:
    r = w.cli(root, "review", "--table", "events", "--source", NEW, *w.REVIEW, input="q\n" * 40)
    assert "origin of source" not in r.stdout
