"""add-source, cite, draft and status through the CLI; bad input gets one line and no change."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from venezuela_crisis.catalog import SCHEMA_VERSIONS
from vzcrisis.curate.status import project_status

from tests.build import _workflow as w


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = w.new_project(tmp_path / "p")
    r = w.add_article(root)
    assert r.exit_code == 0, r.output
    return root


def test_add_source_copies_bytes_and_appends_pending_record(project: Path) -> None:
    data = w.ARTICLE.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    article = project / "seeds" / "articles" / f"000_{sha[:16]}.txt"
    assert article.read_bytes() == data
    doc = YAML(typ="safe").load(w.records_file(project, "sources.yaml").read_text("utf-8"))
    assert doc["table"] == "sources"
    assert doc["schema_version"] == SCHEMA_VERSIONS["sources"] == "1.1.0"
    (record,) = doc["records"]
    text = data.decode("utf-8")
    quote = (
        "PUERTO CLARO, Dec. 3 (Coastal Wire) \u2014 Governor Tom\u00e1s Ruiz on Tuesday rejected a "
        "deadline set by the Harbor Council to reopen the port within 48\u00a0hours, the Coastal "
        "Wire reported."
    )
    start = text.index(quote)
    assert record == {
        "id": w.ARTICLE_ID,
        "publisher": "Harbor Ledger",
        "published": dt.date(2025, 12, 4),
        "published_precision": "day",
        "language": "en",
        "file": article.name,
        "sha256": sha,
        "origin": "Coastal Wire",
        "citations": [
            {
                "source": w.ARTICLE_ID,
                "quote": quote,
                "char_start": start,
                "char_end": start + len(quote),
            }
        ],
        "review": {"status": "pending"},
    }


def test_second_article_gets_next_number_and_keeps_the_file(project: Path) -> None:
    before = w.records_file(project, "sources.yaml").read_text("utf-8")
    r = w.cli(project, "add-source", str(w.SEED_ARTICLE), "--origin", "Miami Herald", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert (out["id"], out["file"]) == (w.SEED_ID, "001_053c2b2bdf39b3fe.txt")
    after = w.records_file(project, "sources.yaml").read_text("utf-8")
    assert after.startswith(before), "the first record and the header must stay byte-identical"
    assert "  - id: src-053c2b2b\n" in after[len(before) :]
    assert '"Sources close to the situation revealed to the Miami Herald' in after


def test_cite_prints_ready_yaml_and_json(project: Path) -> None:
    r = w.cli(project, "cite", w.ARTICLE_ID, 'would "close the airspace over the bay"')
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        f"- source: {w.ARTICLE_ID}\n"
        '  quote: "would \u201cclose the airspace over the bay\u201d"\n'
        "  char_start: 328\n"
        "  char_end: 367\n"
    )
    assert "typographic variant" in r.stderr
    r = w.cli(project, "cite", w.ARTICLE_ID, "within 48 hours", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {
        "source": w.ARTICLE_ID,
        "quote": "within 48\u00a0hours",
        "char_start": 237,
        "char_end": 252,
    }


def test_draft_proposes_pending_events_and_demands_with_citations(project: Path) -> None:
    r = w.cli(project, "draft", w.ARTICLE_ID, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["file"] == f"seeds/records/drafts-{w.ARTICLE_ID}.yaml"
    assert out["files"] == {
        "events": f"seeds/records/drafts-{w.ARTICLE_ID}.yaml",
        "demands": f"seeds/records/drafts-{w.ARTICLE_ID}-demands.yaml",
    }
    got = [(d["id"], d["type"], d["actors"], d["recipients"]) for d in out["records"]]
    assert got == [
        ("draft-3e507cd0-01", "REJECT", ["tomas-ruiz"], ["harbor-council"]),
        ("draft-3e507cd0-02", "THREATEN", ["harbor-council"], []),
        ("draft-3e507cd0-03", "THREATEN", ["tomas-ruiz"], []),
        ("draft-3e507cd0-04b", "REQUEST", ["tomas-ruiz"], []),
        ("draft-3e507cd0-05b", "REQUEST", ["tomas-ruiz"], []),
    ]
    assert [(d["id"], d["category"], d["text"]) for d in out["tables"]["demands"]] == [
        (
            "draft-3e507cd0-04a",
            "amnesty",
            "DRAFT: Tomas Ruiz demanded amnesty for striking dock workers",
        ),
        ("draft-3e507cd0-05a", "dialogue", "DRAFT: asked for talks in Santa Rosa"),
    ]
    text = w.ARTICLE.read_text("utf-8")
    for d in out["records"] + out["tables"]["demands"]:
        (c,) = d["citations"]
        assert text[c["char_start"] : c["char_end"]] == c["quote"]
        assert d.get("summary", d.get("text")) == "DRAFT: " + " ".join(c["quote"].split())
        assert d["review"] == {"status": "pending"}
    written = (project / out["file"]).read_text("utf-8")
    assert written.count("# TODO: check the type, roles") == 5, written
    status = project_status(project)
    assert status["tables"]["events"] == {"accepted": 0, "pending": 5, "rejected": 0, "invalid": 0}
    assert status["tables"]["demands"] == {"accepted": 0, "pending": 2, "rejected": 0, "invalid": 0}
    r = w.cli(project, "validate")
    assert r.exit_code == 0, r.output


def test_status_json_equals_library_result(project: Path) -> None:
    r = w.cli(project, "status", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data == project_status(project)
    assert data["tables"]["sources"] == {"accepted": 0, "pending": 1, "rejected": 0, "invalid": 0}
    assert data["tables"]["actors"]["pending"] == 3
    assert data["single_origin"] == ["ana-belen-ortiz", "harbor-council", "tomas-ruiz"]
    r = w.cli(project, "status")
    assert r.exit_code == 0, r.output
    assert "cited by only one origin: ana-belen-ortiz, harbor-council, tomas-ruiz" in r.stdout


def _bad_inputs(tmp: Path) -> list[tuple[list[str], str]]:
    latin1 = tmp / "latin1.txt"
    latin1.write_bytes("Caf\u00e9 con Maduro.".encode("latin-1"))
    return [
        (["cite", "src-00000000", "Ruiz"], "unknown source id 'src-00000000'"),
        (["draft", "src-00000000"], "unknown source id 'src-00000000'"),
        (["review", "--source", "src-00000000", *w.REVIEW], "--source 'src-00000000'"),
        (["cite", w.ARTICLE_ID, "Ruiz resigned"], f"{w.ARTICLE_ID}: quote not found:"),
        (["cite", w.ARTICLE_ID, '"We will wait."'], "occurs 2 times"),
        (
            ["add-source", str(w.ARTICLE), "--origin", "X"],
            f"already in the project as source {w.ARTICLE_ID} (file 000_3e507cd0943ca4c5.txt",
        ),
        (["add-source", str(tmp / "missing.txt"), "--origin", "X"], "cannot read file"),
        (["add-source", str(tmp), "--origin", "X"], "cannot read file"),
        (["add-source", str(latin1), "--origin", "X"], "not UTF-8 text"),
        (
            ["add-source", str(w.SEED_ARTICLE), "--origin", "X", "--published", "4 Dec"],
            "not a date",
        ),
        (["review", "--date", "yesterday", "--reviewer", "x"], "--date 'yesterday'"),
    ]


def test_bad_input_one_line_exit_1_nothing_written(project: Path, tmp_path: Path) -> None:
    assert w.cli(project, "draft", w.ARTICLE_ID).exit_code == 0
    cases = [*_bad_inputs(tmp_path), (["draft", w.ARTICLE_ID], "already exists")]
    before = w.snapshot(project)
    for args, expected in cases:
        r = w.cli(project, *args)
        assert r.exit_code == 1, (args, r.output)
        assert r.stdout == "", (args, r.output)
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and expected in lines[0], (args, r.stderr)
        assert "Traceback" not in r.output
        assert w.snapshot(project) == before, args
