"""`vzcrisis draft --evaluate`: drafts measured against the curated records, report in sync."""

from __future__ import annotations

import json
from pathlib import Path

from vzcrisis.curate import evaluate

from tests.build import _workflow as w

REPORT = w.REPO / "docs" / "draft-evaluation.md"


def test_committed_report_is_the_evaluation_of_the_seeds() -> None:
    report = evaluate.evaluate(w.REPO)
    assert report.articles == 5
    assert REPORT.read_text("utf-8") == evaluate.markdown(report), (
        "regenerate: vzcrisis draft --evaluate --report docs/draft-evaluation.md"
    )


def test_every_figure_of_the_readme_is_the_reports() -> None:
    report = evaluate.evaluate(w.REPO)
    readme = (w.REPO / "README.md").read_text("utf-8")
    for table, score in report.tables.items():
        figure = f"{table}: precision {score.precision:.0%}, recall {score.recall:.0%}"
        assert figure in readme, figure


def test_cli_prints_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    r = w.cli(w.REPO, "draft", "--evaluate", "--report", str(out))
    assert r.exit_code == 0, r.output
    assert r.stdout == out.read_text("utf-8") == REPORT.read_text("utf-8")
    r = w.cli(w.REPO, "draft", "--evaluate", "--json")
    data = json.loads(r.stdout)
    assert set(data["tables"]) == {"events", "demands", "sanctions"}


def test_matching_needs_kind_actor_and_an_overlapping_quote() -> None:
    gold = {
        "type": "REJECT",
        "actors": ["a"],
        "citations": [{"source": "s", "char_start": 10, "char_end": 20}],
    }
    drafted = {
        "type": "REJECT",
        "actors": ["a"],
        "citations": [{"source": "s", "char_start": 15, "char_end": 30}],
    }
    assert evaluate._matches("events", drafted, gold, "s")
    assert not evaluate._matches("events", {**drafted, "type": "THREATEN"}, gold, "s")
    assert not evaluate._matches("events", {**drafted, "actors": ["b"]}, gold, "s")
    far = {**drafted, "citations": [{"source": "s", "char_start": 20, "char_end": 30}]}
    assert not evaluate._matches("events", far, gold, "s")
    assert not evaluate._matches("events", drafted, gold, "other-source")
