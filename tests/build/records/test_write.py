"""records.write: a decision changes only the decided record's lines, whatever the file's layout."""

from __future__ import annotations

from pathlib import Path

from vzcrisis.records import write
from vzcrisis.records.load import to_plain

LAYOUT = """\
# header comment
schema_version: '1.0.0'   # single quotes kept
table: actors
records:
- id: first
  name: A long plain scalar
    that wraps onto a second line
  kind: person
  citations:
  - {source: src-00000000, quote: "x", char_start: 0, char_end: 1}
  review:
    status: pending

# comment between records


- id: second   # trailing comment
  name: "Second"
  kind: person
  citations:
  - source: src-00000000
    quote: 'x'
    char_start: 0
    char_end: 1
  review: {status: pending}
- id: third
  name: Third
  kind: person
  citations: [{source: src-00000000, quote: x, char_start: 0, char_end: 1}]
  review: {status: pending}"""


def _decide(path: Path, index: int) -> str:
    doc = write.load_document(path)
    review = doc.records[index]["review"]
    write.update_mapping(review, {"status": "rejected", "note": "why: because"}, ["status", "note"])
    write.save(doc, index)
    return path.read_text("utf-8")


def test_only_the_decided_record_changes(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    for index, old, new in [
        (
            1,
            "  review: {status: pending}\n- id: third",
            "  review: {status: rejected, note: 'why: because'}\n- id: third",
        ),
        (
            2,
            "  review: {status: pending}",
            "  review: {status: rejected, note: 'why: because'}\n",
        ),
        (
            0,
            "  review:\n    status: pending\n",
            "  review:\n    status: rejected\n    note: 'why: because'\n",
        ),
    ]:
        path.write_text(LAYOUT, encoding="utf-8")
        last = LAYOUT[: LAYOUT.rindex(old)] + new
        expected = last if index == 2 else LAYOUT.replace(old, new, 1)
        assert _decide(path, index) == expected, index


def test_end_of_line_comment_stays_and_trailing_comment_moves_down(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(LAYOUT.replace("status: pending\n", "status: pending  # eol\n", 1), "utf-8")
    text = _decide(path, 0)
    assert "  review:\n    status: rejected # eol\n    note: 'why: because'\n\n# comment" in text


def test_appending_keeps_the_file_and_parses(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(LAYOUT, encoding="utf-8")
    doc = write.load_document(path)
    doc.records.append({"id": "fourth", "review": {"status": "pending"}})
    write.save(doc, 3)
    text = path.read_text("utf-8")
    assert text.startswith(LAYOUT + "\n"), text
    reloaded = write.load_document(path)
    assert to_plain(reloaded.records[3]) == {"id": "fourth", "review": {"status": "pending"}}
    assert not [p for p in tmp_path.iterdir() if p.name != "actors.yaml"]
