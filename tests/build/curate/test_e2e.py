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
    assert r.stdout.splitlines()[0] == (
        f"4 draft records in seeds/records/drafts-{w.ARTICLE_ID}.yaml (all pending)"
    )
    r = w.cli(root, "cite", w.ARTICLE_ID, 'Ruiz called the threat "a bluff"')
    assert r.exit_code == 0, r.output
    citation = textwrap.indent(r.stdout, "      ")
    drafts = w.records_file(root, f"drafts-{w.ARTICLE_ID}.yaml")
    _curate(
        drafts,
        '    summary: "DRAFT: PUERTO CLARO',
        "Governor Tomás Ruiz rejected the Harbor Council's deadline to reopen the port.",
        "    recipients: [harbor-council]\n",
    )
    _curate(drafts, '    summary: "DRAFT: Ruiz called', "Ruiz called the council's threat a bluff.")
    # the curator swaps the draft's whole-sentence citation for the narrower quote from `cite`
    # (same passage start: a record cites each passage once, its citation id is record@src:start)
    lines = drafts.read_text("utf-8").splitlines(keepends=True)
    at = lines.index("        char_start: 392\n")
    assert lines[at + 1] == "        char_end: 425\n", lines[at - 2 : at + 2]
    lines[at - 2 : at + 2] = [citation]
    drafts.write_text("".join(lines), encoding="utf-8")
    # schema 1.1.0: the curator says how the article credits each passage to be accepted
    sources = w.records_file(root, "sources.yaml")
    w.attribute(sources, 103, "upstream", "the Coastal Wire reported")
    w.attribute(drafts, 103, "upstream", "the Coastal Wire reported")
    w.attribute(drafts, 392, "on_record")
    r = w.cli(root, "validate")
    assert r.exit_code == 0, r.output
    before = drafts.read_text("utf-8").splitlines()

    # sources, 3 actors, then events 01 (accept), 02 (reject), 03 (accept), 04 (skip)
    keys = "a\na\na\na\na\nr\nthe quote is a conditional threat, not an event\na\ns\n"
    r = w.cli(root, "review", *w.REVIEW, input=keys)
    assert r.exit_code == 0, r.output
    assert "accepted 6, rejected 1, skipped 1, not written 0, left 0" in r.stdout, r.stdout
    r = w.cli(root, "validate")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == (
        "ok: 8 records (sources 1, actors 3, events 4, demands 0, sanctions 0, disputes 0); "
        "pending 1, accepted 6, rejected 1"
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
        ("draft-3e507cd0-04", "pending"),
    ]
    assert events[2]["citations"][0]["quote"] == "Ruiz called the threat \u201ca bluff\u201d"
    status = project_status(root)
    assert status["tables"]["events"] == {"accepted": 2, "pending": 1, "rejected": 1, "invalid": 0}
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
        '    summary: "DRAFT: In a recent phone call',
        "Trump reportedly gave Maduro an ultimatum to relinquish power immediately.",
        "    recipients: [nicolas-maduro]\n",
    )
    sources_file = w.records_file(root, "sources.yaml")
    w.attribute(sources_file, 529, "upstream", "Sources close to the situation revealed to")
    w.attribute(drafts, 0, "upstream", "reportedly")
    keys = "a\na\na\na\nq\n"  # the source, two actors, the curated draft; then quit
    r = w.cli(root, "review", *w.REVIEW, input=keys)
    assert r.exit_code == 0, r.output
    assert "accepted 4, rejected 0" in r.stdout, r.stdout
    r = w.cli(root, "validate")
    assert r.exit_code == 0, r.output
    status = project_status(root)
    assert status["tables"]["events"]["accepted"] == 1
    assert status["tables"]["sources"]["accepted"] == 1
    assert status["single_origin"][:2] == ["donald-trump", "draft-053c2b2b-01"]
