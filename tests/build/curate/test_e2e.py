"""add-source -> draft -> cite -> (curator edits) -> review -> validate, end to end."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ruamel.yaml import YAML
from vzcrisis.curate.status import project_status

from tests.build import _workflow as w


def _curate(drafts: Path, old_summary_start: str, summary: str, extra: str = "") -> None:
    """What a curator does to one draft: rewrite the DRAFT summary, add fields or citations."""
    text = drafts.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.startswith(old_summary_start)]
    lines[index] = f'    summary: "{summary}"\n' + extra
    drafts.write_text("".join(lines), encoding="utf-8")


def test_new_article_end_to_end(tmp_path: Path) -> None:
    root = w.new_project(tmp_path / "p")
    r = w.add_article(root)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"added {w.ARTICLE_ID}: seeds/articles/000_3e507cd0943ca4c5.txt")
    r = w.cli(root, "draft", w.ARTICLE_ID)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        f"5 draft events in seeds/records/drafts-{w.ARTICLE_ID}.yaml (all pending)",
        "  draft-3e507cd0-01: REJECT tomas-ruiz -> harbor-council",
        "  draft-3e507cd0-02: THREATEN harbor-council",
        "  draft-3e507cd0-03: THREATEN tomas-ruiz",
        "  draft-3e507cd0-04b: REQUEST tomas-ruiz",
        "  draft-3e507cd0-05b: REQUEST tomas-ruiz",
        f"2 draft demands in seeds/records/drafts-{w.ARTICLE_ID}-demands.yaml (all pending)",
        "  draft-3e507cd0-04a: amnesty tomas-ruiz",
        "  draft-3e507cd0-05a: dialogue tomas-ruiz",
    ]
    r = w.cli(root, "cite", w.ARTICLE_ID, 'Ruiz called the threat "a bluff"')
    assert r.exit_code == 0, r.output
    drafts = w.records_file(root, f"drafts-{w.ARTICLE_ID}.yaml")
    # the draft already quotes the narrowest clause, exactly as `cite` finds it
    assert textwrap.indent(r.stdout, "      ") in drafts.read_text("utf-8")
    # ... and proposes the attribution the curator used to type
    assert (
        "        attribution: upstream\n        attributed_to: the Coastal Wire reported\n"
        in drafts.read_text("utf-8")
    )
    _curate(
        drafts,
        '    summary: "DRAFT: Governor Tomás Ruiz',
        "Governor Tomás Ruiz rejected the Harbor Council's deadline to reopen the port.",
    )
    _curate(drafts, '    summary: "DRAFT: Ruiz called', "Ruiz called the council's threat a bluff.")
    demands = w.records_file(root, f"drafts-{w.ARTICLE_ID}-demands.yaml")
    text = demands.read_text("utf-8")
    old = "    text: 'DRAFT: Tomas Ruiz demanded amnesty for striking dock workers'\n"
    assert old in text
    demands.write_text(text.replace(old, "    text: Amnesty for striking dock workers.\n"), "utf-8")
    sources = w.records_file(root, "sources.yaml")
    w.attribute(sources, 103, "upstream", "the Coastal Wire reported")
    r = w.cli(root, "validate")
    assert r.exit_code == 0, r.output
    before = drafts.read_text("utf-8").splitlines()

    # sources, 3 actors; events 01 (accept), 02 (reject), 03 (accept), 04b, 05b (skip);
    # demands 04a (accept), 05a (skip)
    keys = "a\na\na\na\na\nr\nthe quote is a conditional threat, not an event\na\ns\ns\na\ns\n"
    r = w.cli(root, "review", *w.REVIEW, input=keys)
    assert r.exit_code == 0, r.output
    assert "accepted 7, rejected 1, skipped 3, not written 0, left 0" in r.stdout, r.stdout
    r = w.cli(root, "validate")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == (
        "ok: 11 records (sources 1, actors 3, events 5, demands 2, sanctions 0, disputes 0); "
        "pending 3, accepted 7, rejected 1"
    )
    after = drafts.read_text("utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 3, changed  # the three decided events: only their review lines
    assert all(a == "    review: {status: pending}" for a, _ in changed), changed
    assert all(b.startswith("    review: {status: ") for _, b in changed), changed
    events = YAML(typ="safe").load(drafts.read_text("utf-8"))["records"]
    assert [(e["id"], e["review"]["status"]) for e in events] == [
        ("draft-3e507cd0-01", "accepted"),
        ("draft-3e507cd0-02", "rejected"),
        ("draft-3e507cd0-03", "accepted"),
        ("draft-3e507cd0-04b", "pending"),
        ("draft-3e507cd0-05b", "pending"),
    ]
    assert events[2]["citations"][0]["quote"] == "Ruiz called the threat \u201ca bluff\u201d"
    status = project_status(root)
    assert status["tables"]["events"] == {"accepted": 2, "pending": 2, "rejected": 1, "invalid": 0}
    assert status["tables"]["demands"] == {"accepted": 1, "pending": 1, "rejected": 0, "invalid": 0}
    assert status["problems"] == 0


def test_seed_article_re_added_end_to_end(tmp_path: Path) -> None:
    root = w.new_project(tmp_path / "p", actors="seed_actors.yaml")
    r = w.cli(root, "add-source", str(w.SEED_ARTICLE), "--origin", "Miami Herald")
    assert r.exit_code == 0, r.output
    copied = root / "seeds" / "articles" / "000_053c2b2bdf39b3fe.txt"
    assert copied.read_bytes() == w.SEED_ARTICLE.read_bytes()
    sources = YAML(typ="safe").load(w.records_file(root, "sources.yaml").read_text("utf-8"))
    (source,) = sources["records"]
    assert source["id"] == w.SEED_ID
    assert source["citations"][0]["quote"] == (
        "Sources close to the situation revealed to the Miami Herald that Trump delivered a "
        "\u201cblunt message\u201d to Maduro amidst a four-month pressure campaign against the "
        "Venezuelan regime."
    )
    assert "publisher" not in source and "published" not in source

    r = w.cli(root, "draft", w.SEED_ID, "--json")
    assert r.exit_code == 0, r.output
    r = w.cli(root, "cite", w.SEED_ID, '"closed in its entirety,"', "--json")
    assert r.exit_code == 0, r.output
    assert '"char_start": 1537' in r.stdout and '"char_end": 1562' in r.stdout
    drafts = w.records_file(root, f"drafts-{w.SEED_ID}.yaml")
    _curate(
        drafts,
        '    summary: "DRAFT: Maduro is said to have requested',
        "Maduro reportedly requested a second call with Trump.",
    )
    sources_file = w.records_file(root, "sources.yaml")
    w.attribute(sources_file, 529, "upstream", "Sources close to the situation revealed to")
    # the draft proposes the hedge inside its quote as the attribution
    assert "        attribution: upstream\n        attributed_to: is said to\n" in (
        drafts.read_text("utf-8")
    )
    events = YAML(typ="safe").load(drafts.read_text("utf-8"))["records"]
    (curated,) = [i for i, e in enumerate(events) if e["summary"].startswith("Maduro reportedly")]
    # the source, two actors, skip the events before the curated one, accept it; quit
    keys = "a\na\na\n" + "s\n" * curated + "a\nq\n"
    r = w.cli(root, "review", *w.REVIEW, input=keys)
    assert r.exit_code == 0, r.output
    assert "accepted 4, rejected 0" in r.stdout, r.stdout
    r = w.cli(root, "validate")
    assert r.exit_code == 0, r.output
    status = project_status(root)
    assert status["tables"]["events"]["accepted"] == 1
    assert status["tables"]["sources"]["accepted"] == 1
    assert status["single_origin"][0] == "donald-trump"
    assert events[curated]["id"] in status["single_origin"]
