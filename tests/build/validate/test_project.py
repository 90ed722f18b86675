"""`vzcrisis validate`: the mini fixture is valid; each small mutation gives exact problem lines."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result
from venezuela_crisis.errors import InputError
from venezuela_crisis.models import ReviewStatus
from vzcrisis.cli import app
from vzcrisis.records.load import record_files
from vzcrisis.validate.project import load_project, validate_project

from tests.hostile._corpus import (  # the shared project mutations
    ARTICLE,
    SRC,
    SRCS,
    A,
    D,
    E,
    Q,
    S,
    edit,
    rehash,
    remove_article,
    symlink_outside,
)

ROOT = Path(__file__).resolve().parents[3]
MINI = ROOT / "tests" / "fixtures" / "mini"
MINI_SUMMARY = (
    "ok: 10 records (sources 1, actors 4, events 2, demands 1, sanctions 1, disputes 1); "
    "pending 1, accepted 8, rejected 1"
)


def make_project(tmp_path: Path) -> Path:
    """A fresh copy of the mini project (its schema/ symlink is copied as real files)."""
    project = tmp_path / "project"
    shutil.copytree(MINI, project)
    return project


def invoke(project: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["validate", "--root", str(project), *args])


def append(rel: str, text: str) -> Callable[[Path], None]:
    def mutate(project: Path) -> None:
        with (project / rel).open("a", encoding="utf-8") as fh:
            fh.write(text)

    return mutate


def write_file(rel: str, text: str) -> Callable[[Path], None]:
    def mutate(project: Path) -> None:
        (project / rel).write_text(text, encoding="utf-8")

    return mutate


def change_article(data: bytes, *, update_records: bool) -> Callable[[Path], None]:
    """Replace the article bytes; optionally record the new sha256 (and so the new source id)."""

    def mutate(project: Path) -> None:
        (project / ARTICLE).write_bytes(data)
        if update_records:
            digest = hashlib.sha256(data).hexdigest()
            for path in record_files(project):
                text = path.read_text(encoding="utf-8")
                text = text.replace(
                    "e8564c967a3dc8eaac6e7f89e822deded2d12320c4cbd05eccdc142cefbf6be9", digest
                )
                path.write_text(text.replace(SRC, f"src-{digest[:8]}"), encoding="utf-8")
            rehash(project)

    return mutate


def rename_source(project: Path) -> None:
    for path in record_files(project):
        path.write_text(path.read_text("utf-8").replace(SRC, "src-00000000"), encoding="utf-8")
    rehash(project)


DISPUTE = """  - id: where-fishermen-detained
    question: Copy.
    summary: Copy.
    citations:
      - {source: src-e8564c96, quote: "detained at sea or in port", char_start: 408, char_end: 434}
    review: {status: pending}
"""
EVENT_QUOTE = (
    'quote: "Ana Pérez Prueba demanded on Monday"\n        char_start: 118\n        char_end: 153'
)

CASES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "yaml syntax": (
        append(Q, "  - id: [unclosed\n"),
        [f"{Q}:14: -: -: invalid YAML: expected ',' or ']', but got '<stream end>'"],
    ),
    "unknown top-level key": (
        edit(D, "table: demands\n", "table: demands\nowner: me\n"),
        [f"{D}:3: -: owner: unknown top-level key"],
    ),
    "unknown table": (
        edit(Q, "table: disputes", "table: quarrels"),
        [
            f"{Q}:2: -: table: unknown table 'quarrels'; one of: sources, actors, events, "
            "demands, sanctions, disputes"
        ],
    ),
    "unknown schema version": (
        edit(Q, 'schema_version: "1.0.0"', 'schema_version: "9.9.9"'),
        [
            f"{Q}:1: -: schema_version: schema version '9.9.9' of disputes is not published "
            "(no schema/disputes/9.9.9.json; published: 1.0.0, 1.1.0)"
        ],
    ),
    "schema type error": (
        edit(S, "amount_usd: 1000000", "amount_usd: lots"),
        [
            f"{S}:10: examplia-fishermen-reward: amount_usd: "
            'expected integer or null, got string "lots"'
        ],
    ),
    "missing required field": (
        edit(D, "    category: other\n", ""),
        [f"{D}:4: release-two-fishermen: category: required field is missing"],
    ),
    "unknown field": (
        edit(D, "    status: rejected\n", "    status: rejected\n    urgency: high\n"),
        [
            f"{D}:11: release-two-fishermen: urgency: "
            "unknown field (not in schema/demands/1.0.0.json)"
        ],
    ),
    "bad enum": (
        edit(A, "kind: state", "kind: nation"),
        [
            f"{A}:18: examplia: kind: 'nation' is not one of: person, government, state, "
            "organization, armed_group, media, group"
        ],
    ),
    "impossible date (quoted)": (
        edit(E, "date: 2025-12-01", 'date: "2025-02-30"'),
        [f"{E}:9: examplia-demand-2025-12-01: date: '2025-02-30' is not a valid date (YYYY-MM-DD)"],
    ),
    "impossible date (YAML)": (
        edit(E, "date: 2025-12-01", "date: 2025-02-30"),
        [f"{E}:9: -: -: invalid YAML: invalid date '2025-02-30' (day is out of range for month)"],
    ),
    "nested field error has its own line": (
        edit(E, "char_end: 153", "char_end: -1"),
        [f"{E}:17: examplia-demand-2025-12-01: citations[0].char_end: -1 is below the minimum 1"],
    ),
    "model validator: end before start": (
        edit(E, "date_text: on Tuesday\n", "date_text: on Tuesday\n    end_date: 2025-11-01\n"),
        [
            f"{E}:27: testland-rejects-2025-12-02: end_date: "
            "end_date 2025-11-01 is before date 2025-12-02"
        ],
    ),
    "model validator: offsets vs quote length": (
        edit(E, "char_end: 153", "char_end: 154"),
        [
            f"{E}:17: examplia-demand-2025-12-01: citations[0].char_end: "
            "char_end - char_start = 36 but the quote has 35 characters"
        ],
    ),
    "decided review without reviewer": (
        edit(Q, "review: {status: pending}", "review: {status: rejected}"),
        [
            f"{Q}:12: where-fishermen-detained: review: "
            "a decided review needs both `reviewer` and `date`"
        ],
    ),
    "duplicate id within a file": (
        append(Q, DISPUTE),
        [
            f"{Q}:13: where-fishermen-detained: id: duplicate id: already used at {Q}:4; "
            "ids are unique across the dataset"
        ],
    ),
    "duplicate id across files": (
        write_file(
            "seeds/records/zz-more.yaml",
            'schema_version: "1.0.0"\ntable: disputes\nrecords:\n' + DISPUTE,
        ),
        [
            "seeds/records/zz-more.yaml:4: where-fishermen-detained: id: duplicate id: "
            f"already used at {Q}:4; ids are unique across the dataset"
        ],
    ),
    "dangling reference": (
        edit(D, "by: [ana-perez-prueba]", "by: [nobody-at-all]", accept=True),
        [
            f"{D}:5: release-two-fishermen: by[0]: "
            "unknown actors id 'nobody-at-all': no record has this id"
        ],
    ),
    "reference to the wrong table": (
        edit(S, "imposed_by: [examplia]", "imposed_by: [release-two-fishermen]", accept=True),
        [
            f"{S}:6: examplia-fishermen-reward: imposed_by[0]: "
            "'release-two-fishermen' is a demands record, not one of actors"
        ],
    ),
    "accepted references a non-accepted record": (
        edit(
            D,
            "    status: rejected\n",
            "    status: rejected\n    disputes: [where-fishermen-detained]\n",
            accept=True,
        ),
        [
            f"{D}:11: release-two-fishermen: disputes[0]: accepted record references "
            "'where-fishermen-detained' (disputes), which is pending; accept that record first"
        ],
    ),
    "quote off by one": (
        edit(
            E,
            "char_start: 118\n        char_end: 153",
            "char_start: 119\n        char_end: 154",
            accept=True,
        ),
        [
            f"{E}:16: examplia-demand-2025-12-01: citations[0].char_start: "
            "quote found at 118-153, not 119-154"
        ],
    ),
    "quote not in source": (
        edit(E, "demanded on Monday", "demanded on Sunday", accept=True),
        [
            f"{E}:15: examplia-demand-2025-12-01: citations[0].quote: "
            f"quote is not in {SRC} (seeds/articles text)"
        ],
    ),
    "source checksum mismatch": (
        change_article(b"FIXTURE WIRE\nEdited.\n", update_records=False),
        [
            f"{SRCS}:12: {SRC}: sha256: {ARTICLE} has sha256 "
            "bcea3dce80658e4820b1dde907a302ed115d67c45042eb512e6aa1a2a48ec792, not the recorded "
            "one; article bytes never change (restore the file, or add the new text as a new "
            "source)"
        ],
    ),
    "missing source file": (remove_article, [f"{SRCS}:11: {SRC}: file: {ARTICLE} does not exist"]),
    "path traversal in file": (
        edit(SRCS, "file: fixture_wire.txt", "file: ../../secret.txt"),
        [
            f"{SRCS}:11: {SRC}: file: '../../secret.txt' does not match the pattern "
            r"^[A-Za-z0-9_.-]+\.txt$"
        ],
    ),
    "symlink escaping seeds/articles": (
        symlink_outside,
        [f"{SRCS}:11: {SRC}: file: 'fixture_wire.txt' resolves outside seeds/articles/"],
    ),
    "non-UTF-8 source": (
        change_article("FIXTURE WIRE\nCaf\xe9\n".encode("latin-1"), update_records=True),
        [
            f"{SRCS}:11: src-289e738b: file: {ARTICLE} is not UTF-8 "
            "(invalid continuation byte at byte 16)"
        ],
    ),
    "source id not derived from sha256": (
        rename_source,
        [
            f"{SRCS}:5: src-00000000: id: a source id is 'src-' + the first 8 hex digits of its "
            f"sha256: '{SRC}'"
        ],
    ),
    "stale content_hash": (
        edit(D, "text: Release two detained fishermen.", "text: Free two fishermen."),
        [
            f"{D}:17: release-two-fishermen: review.content_hash: "
            "changed since it was accepted; re-review it"
        ],
    ),
    "accepted without content_hash": (
        edit(
            Q,
            "review: {status: pending}",
            "review: {status: accepted, reviewer: x, date: 2025-12-04}",
        ),
        [
            f"{Q}:12: where-fishermen-detained: review.content_hash: "
            "accepted without a content_hash; re-review it"
        ],
    ),
    "date after every citing source": (
        edit(E, "date: 2025-12-01", "date: 2025-12-10", accept=True),
        [
            f"{E}:9: examplia-demand-2025-12-01: date: date 2025-12-10 is after the publication "
            f"of every citing source (latest: {SRC}, 2025-12-03)"
        ],
    ),
}


def test_mini_fixture_is_valid() -> None:
    r = invoke(MINI)
    assert r.exit_code == 0, r.output
    assert r.output == MINI_SUMMARY + "\n"


def test_mini_summary_as_json() -> None:
    r = invoke(MINI, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {
        "records": {
            "sources": 1,
            "actors": 4,
            "events": 2,
            "demands": 1,
            "sanctions": 1,
            "disputes": 1,
        },
        "review": {"pending": 1, "accepted": 8, "rejected": 1},
        "articles": 1,
    }


@pytest.mark.parametrize("case", list(CASES))
def test_broken_project(tmp_path: Path, case: str) -> None:
    mutate, expected = CASES[case]
    project = make_project(tmp_path)
    mutate(project)
    r = invoke(project)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert r.output.splitlines() == expected, r.output


def test_all_problems_in_one_run_sorted_by_path_and_line(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    edit(S, "amount_usd: 1000000", "amount_usd: -5")(project)
    edit(A, "kind: state", "kind: nation")(project)
    edit(A, "kind: person", "kind: human")(project)
    r = invoke(project)
    assert r.exit_code == 1, r.output
    assert [line.split(": ")[0] for line in r.output.splitlines()] == [
        f"{A}:7",
        f"{A}:18",
        f"{S}:10",
    ], r.output


def test_problems_as_json(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    edit(A, "kind: state", "kind: nation")(project)
    r = invoke(project, "--json")
    assert r.exit_code == 1, r.output
    assert json.loads(r.output) == [
        {
            "path": A,
            "line": 18,
            "record_id": "examplia",
            "field": "kind",
            "message": "'nation' is not one of: person, government, state, organization, "
            "armed_group, media, group",
        }
    ]


def test_load_project_api() -> None:
    project, problems = load_project(MINI)
    assert problems == []
    assert project.root == MINI
    assert list(project.texts) == [SRC]
    assert project.texts[SRC].startswith("FIXTURE WIRE\nCARACAS")
    assert [m.id for m in project.accepted("actors")] == [
        "ana-perez-prueba",
        "examplia",
        "testland-government",
    ]
    assert [(r.raw.id, r.status) for r in project.records["actors"]][-1] == (
        "two-fishermen",
        ReviewStatus.rejected,
    )
    assert project.accepted("disputes") == []
    assert [r.status for r in project.records["disputes"]] == [ReviewStatus.pending]


def test_stale_accepted_record_counts_as_pending(tmp_path: Path) -> None:
    project_dir = make_project(tmp_path)
    edit(D, "text: Release two detained fishermen.", "text: Free two fishermen.")(project_dir)
    project, problems = load_project(project_dir)
    assert [p.field for p in problems] == ["review.content_hash"]
    assert project.accepted("demands") == []
    assert [r.status for r in project.records["demands"]] == [ReviewStatus.pending]
    with pytest.raises(InputError) as info:
        validate_project(project_dir)
    assert info.value.problems == [str(problems[0])]


def test_validate_project_returns_the_project() -> None:
    project = validate_project(MINI)
    assert project.summary_line() == MINI_SUMMARY


def test_committed_records_validate() -> None:
    """The real curated data validates (fails until the curator has finished the records)."""
    r = invoke(ROOT)
    assert r.exit_code == 0, r.output
    assert r.output.startswith("ok: "), r.output
    assert not r.output.startswith("ok: 0 records"), r.output


def test_not_a_project_root(tmp_path: Path) -> None:
    r = invoke(tmp_path)
    assert r.exit_code == 1, r.output
    assert r.output == (
        f"{tmp_path}/seeds/records:0: -: -: no such directory: not a project root "
        "(run in one or pass --root DIR)\n"
    )
