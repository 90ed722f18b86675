"""The release's transform in DuckDB (``vzcrisis.release.transform``, ``.sentences``): the checks
of the released rows as joins, with the per-record path's problem lines, and sentence bounds
equal to ``format.evidence.sentence_bounds``."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from venezuela_crisis.format.evidence import sentence_bounds
from vzcrisis.records.columns import Columns, read_columns
from vzcrisis.records.load import content_hash, read_record_file, to_plain
from vzcrisis.records.texts import articles
from vzcrisis.release import sentences, transform
from vzcrisis.release.build import build_release
from vzcrisis.release.sentences import context_bounds
from vzcrisis.validate.project import scan_project

from tests.build import _release_project as H

ROOT = Path(__file__).resolve().parents[3]
ARTICLES = ROOT / "seeds" / "articles"
TRICKY = (
    'The U.S. said no.\n\n  "Leave now!" he said.  Mr. Smith left at 5 p.m. on Nov. 3.\n'
    "She asked: why?) Then (quietly.) left…  Gen. Padrino López said “enough.” End?!\u00a0Wait... "
    "no.\u2003Yes.\x1cA. B. Co.\tSept. 5 éMr. X. 3.5 U.S.A.\nLast word. _Mr. Go. 3Mr. Go. "
    "xMr. Go. (Gen. Go. —Sr. Go. ÄA. Go. ٣A. Go. Nos. 4 etc.\nCo.) Go. MR. Go. vs. Go. I. Go."
)


@pytest.fixture
def mini(tmp_path: Path) -> Iterator[tuple[Columns, dict[str, str]]]:
    root = H.copy_project(tmp_path / "project")
    project, problems = scan_project(root, keep_columns=True)
    assert problems == [] and project.columns is not None
    try:
        yield project.columns, project.texts
    finally:
        project.columns.close()


def test_a_clean_project_has_no_problem(mini: tuple[Columns, dict[str, str]]) -> None:
    columns, texts = mini
    transform.prepare(columns.con, columns.tables, articles(texts))
    assert transform.problems(columns.con) == []


def test_references_to_rows_left_out(mini: tuple[Columns, dict[str, str]]) -> None:
    """Rows the validator would refuse, put straight into the tables: each is a problem line
    (the same words as the per-record path, ``derive.check_references``)."""
    columns, texts = mini
    con = columns.con
    con.execute("DELETE FROM events WHERE id = 'testland-rejects-2025-12-02'")
    con.execute(
        "UPDATE demands SET citations = list_transform(citations, lambda c: struct_pack("
        "source := 'src-00000000', quote := c.quote, char_start := c.char_start, "
        "char_end := c.char_end, attribution := c.attribution, attributed_to := c.attributed_to)) "
        "WHERE id = 'release-two-fishermen'"
    )
    con.execute("INSERT INTO actors SELECT * FROM actors WHERE id = 'examplia'")
    transform.prepare(con, columns.tables, articles(texts))
    starts = con.sql(
        "SELECT c.char_start FROM (SELECT unnest(citations) AS c FROM demands "
        "WHERE id = 'release-two-fishermen')"
    ).fetchall()
    cites = con.sql(
        "SELECT DISTINCT id FROM _citations WHERE record_id = 'examplia' ORDER BY id"
    ).fetchall()
    assert starts and cites
    assert transform.problems(con) == [
        *(
            f"citations: release-two-fishermen@src-00000000:{start}: source_id: "
            "'src-00000000' is not a released source"
            for (start,) in starts
        ),
        "demands: release-two-fishermen: response_event: 'testland-rejects-2025-12-02' is not "
        "a released events row (missing, or not accepted yet)",
        "actors: examplia: id: duplicate id in the release",
        *(f"citations: {cid}: id: duplicate id in the release" for (cid,) in cites),
    ]


def _bounds(texts: dict[str, str], quotes: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    spans = pa.table(
        {
            "source_id": [q[0] for q in quotes],
            "char_start": [q[1] for q in quotes],
            "char_end": [q[2] for q in quotes],
        }
    )
    found = context_bounds(texts, spans)
    starts = found.column("context_start").to_pylist()
    ends = found.column("context_end").to_pylist()
    return list(zip(starts, ends, strict=True))


@pytest.mark.parametrize("decide", ["numpy", "pattern"])
def test_sentence_bounds_equal_the_sdk_rule(decide: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pair of offsets tried on the seed articles and a text full of traps (abbreviations,
    closing quotes and brackets, line breaks, runs of spaces); abbreviations decided with numpy
    from the pattern's words, or by the pattern itself (its fallback)."""
    if decide == "pattern":
        monkeypatch.setattr(sentences, "_WORDS", None)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))}
    texts["tricky"] = TRICKY
    rng = random.Random(17)
    quotes = [("tricky", a, b) for a in range(len(TRICKY)) for b in range(a + 1, len(TRICKY) + 1)]
    for sid, text in texts.items():
        for _ in range(2000 if sid != "tricky" else 0):
            start = rng.randrange(len(text))
            quotes.append((sid, start, rng.randrange(start + 1, len(text) + 1)))
    expected = [sentence_bounds(texts[sid], a, b) for sid, a, b in quotes]
    assert _bounds(texts, quotes) == expected


def test_a_source_without_text_has_no_bounds() -> None:
    spans = pa.table(
        {"source_id": ["src-1", "src-2", "src-1"], "char_start": [5, 5, 0], "char_end": [8, 8, 3]}
    )
    found = context_bounds({"src-1": "One. Two."}, spans)
    assert found.column("context_start").to_pylist() == [5, None, 0]
    assert found.column("context_end").to_pylist() == [9, None, 4]
    assert context_bounds({}, spans).column("context_end").to_pylist() == [None] * 3


def test_records_the_compiled_reader_leaves_are_released(tmp_path: Path) -> None:
    """A valid JSON Lines file the compiled reader does not read (``,]`` inside a string) goes
    through the loader into the release, with the same values as any other record."""
    root = H.copy_project(tmp_path / "project")
    path = root / "seeds" / "records" / "actors.yaml"
    parsed, problems = read_record_file(path, root)
    assert parsed is not None and problems == []
    records = []
    for raw in parsed.records:
        data = to_plain(raw.data)
        if data["id"] == "examplia":
            data["roles"] = ["a state [of the exercise, ]"]
            data["review"]["content_hash"] = content_hash(data, plain=True)
        records.append(json.dumps(data, ensure_ascii=False))
    header = json.dumps({"schema_version": parsed.schema_version, "table": "actors"})
    (root / "seeds" / "records" / "actors.jsonl").write_text(
        "\n".join([header, *records]) + "\n", encoding="utf-8"
    )
    path.unlink()
    columns = read_columns(root)
    columns.close()
    assert columns.unread == [root / "seeds" / "records" / "actors.jsonl"]
    build_release(root, "1.0.0")
    actors = pq.read_table(root / "releases" / "1.0.0" / "actors.parquet").to_pylist()
    assert [a["roles"] for a in actors if a["id"] == "examplia"] == [
        ["a state [of the exercise, ]"]
    ]
    assert [a["id"] for a in actors] == ["ana-perez-prueba", "examplia", "testland-government"]
