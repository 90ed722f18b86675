"""The hostile-input corpus: each case mutates a copy of tests/fixtures/mini (or drops in a
whole record file from tests/hostile/cases/) and lists the exact problem lines expected.

Loaded by tests/hostile/test_corpus.py with importlib (test modules are not a package).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from vzcrisis.records.load import MAX_FILE_BYTES, content_hash, read_record_file, record_files

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"
CASES_DIR = Path(__file__).resolve().parent / "cases"
SRC = "src-e8564c96"
SHA = "e8564c967a3dc8eaac6e7f89e822deded2d12320c4cbd05eccdc142cefbf6be9"
ARTICLE = "seeds/articles/fixture_wire.txt"
A, D, E = "seeds/records/actors.yaml", "seeds/records/demands.yaml", "seeds/records/events.yaml"
S, Q = "seeds/records/sanctions.yaml", "seeds/records/disputes.yaml"
SRCS = "seeds/records/sources.yaml"
Mutation = Callable[[Path], None]


# -- mutations ------------------------------------------------------------------------------
def rehash(project: Path) -> None:
    """Re-accept every accepted record (new content_hash) so only the mutation is reported."""
    for path in record_files(project):
        parsed, _ = read_record_file(path, project)
        if parsed is None:
            continue
        text = path.read_text(encoding="utf-8")
        for raw in parsed.records:
            old = raw.data.get("review", {}).get("content_hash")
            if isinstance(old, str):
                text = text.replace(old, content_hash(raw.data))
        path.write_text(text, encoding="utf-8")


def edit(rel: str, old: str, new: str, *, accept: bool = False) -> Mutation:
    """Replace exactly one occurrence of `old` (text) in a project file."""

    def mutate(project: Path) -> None:
        text = (project / rel).read_text(encoding="utf-8")
        assert text.count(old) == 1, (rel, old)
        (project / rel).write_text(text.replace(old, new), encoding="utf-8")
        if accept:
            rehash(project)

    return mutate


def raw_bytes(rel: str, change: Callable[[bytes], bytes]) -> Mutation:
    def mutate(project: Path) -> None:
        (project / rel).write_bytes(change((project / rel).read_bytes()))

    return mutate


def write(rel: str, text: str) -> Mutation:
    def mutate(project: Path) -> None:
        (project / rel).write_text(text, encoding="utf-8")

    return mutate


def case_file(name: str) -> Mutation:
    return lambda project: shutil.copyfile(CASES_DIR / name, project / Q)


def new_article(change: Callable[[bytes], bytes]) -> Mutation:
    """New article bytes, recorded as curators would (new sha256, new source id, re-accepted)."""

    def mutate(project: Path) -> None:
        data = change((project / ARTICLE).read_bytes())
        (project / ARTICLE).write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        for path in record_files(project):
            text = path.read_text(encoding="utf-8").replace(SHA, digest)
            path.write_text(text.replace(SRC, f"src-{digest[:8]}"), encoding="utf-8")
        rehash(project)

    return mutate


def sparse_record_file(project: Path) -> None:
    with (project / "seeds/records/zz-huge.yaml").open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written to disk


def symlink_outside(project: Path) -> None:
    outside = project.parent / "outside.txt"
    outside.write_bytes((project / ARTICLE).read_bytes())
    (project / ARTICLE).unlink()
    (project / ARTICLE).symlink_to(outside)


def fifo_article(project: Path) -> None:
    (project / ARTICLE).unlink()
    os.mkfifo(project / ARTICLE)  # reading it would block forever


def remove_article(project: Path) -> None:
    (project / ARTICLE).unlink()


def crlf_with_error(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n").replace(b"status: pending", b"status: maybe")


DISPUTE = """  - id: where-fishermen-detained
    question: Copy.
    summary: Copy.
    citations:
      - {source: src-e8564c96, quote: "detained at sea or in port", char_start: 408, char_end: 434}
    review: {status: pending}
"""
QUESTION = "question: Were the fishermen detained at sea or in port?"
QUOTE_118 = 'quote: "Ana Pérez Prueba demanded on Monday"\n        char_start: 118'
BAD_STATUS = (
    f"{Q}:12: where-fishermen-detained: review.status: "
    "'maybe' is not one of: pending, accepted, rejected"
)
REFERENCE = "unknown actors id 'nobody-at-all': no record has this id"
EX = "examplia-demand-2025-12-01"
TAGS = "is not allowed; use plain values"
ANCHORS = "YAML anchors and aliases are not allowed in record files; write values out"
NOT_OFFSETS = f"{E}:16: {EX}: citations[0].char_start: quote found at 119-154, not 118-153; "
SCHEMA = "unknown field (not in schema/disputes/1.0.0.json)"

CASES: dict[str, tuple[Mutation, list[str]]] = {
    "same passage cited twice": (
        edit(
            E,
            "        char_end: 153\n",
            "        char_end: 153\n      - source: src-e8564c96\n"
            '        quote: "Ana Pérez Prueba demanded on Monday"\n'
            "        char_start: 118\n        char_end: 153\n",
            accept=True,
        ),
        [
            f"{E}:20: {EX}: citations[1].char_start: cites src-e8564c96 at 118 again (as "
            f"citations[0]); cite each passage once: its citation id is {EX}@src-e8564c96:118"
        ],
    ),
    # -- the file itself --------------------------------------------------------------------
    "yaml syntax error": (
        edit(Q, "  - id: where", "  - id: [where"),
        [f"{Q}:5: -: -: invalid YAML: expected ',' or ']', but got ':'"],
    ),
    "tab indentation": (
        edit(Q, "    summary:", "\tsummary:"),
        [f"{Q}:6: -: -: invalid YAML: found character '\\t' that cannot start any token"],
    ),
    "duplicate key": (
        edit(Q, "    summary:", "    question: again\n    summary:"),
        [
            f'{Q}:6: -: -: invalid YAML: found duplicate key "question" with value "again" '
            '(original value: "Were the fishermen detained at sea or in port?")'
        ],
    ),
    "two YAML documents": (
        raw_bytes(Q, lambda b: b + b"---\nfoo: 1\n"),
        [
            f"{Q}:13: -: -: invalid YAML: expected a single document in the stream, "
            "but found another document"
        ],
    ),
    "empty file": (
        write(Q, ""),
        [f"{Q}:1: -: -: expected a mapping with schema_version, table, records"],
    ),
    "top-level list": (
        write(Q, "- a\n- b\n"),
        [f"{Q}:1: -: -: expected a mapping with schema_version, table, records"],
    ),
    "records is null": (
        edit(Q, "records:\n", "records: null\nignored:\n"),
        [f"{Q}:4: -: ignored: unknown top-level key"],
    ),
    "records not a list": (
        raw_bytes(Q, lambda b: b.split(b"records:")[0] + b"records: {a: 1}\n"),
        [f"{Q}:3: -: records: must be a list"],
    ),
    "schema_version not a string": (
        edit(Q, 'schema_version: "1.0.0"', "schema_version: 1.0"),
        [f"{Q}:1: -: schema_version: schema_version and table must be strings"],
    ),
    "unknown schema version": (
        edit(Q, 'schema_version: "1.0.0"', 'schema_version: "2.0.0"'),
        [
            f"{Q}:1: -: schema_version: schema version '2.0.0' of disputes is not published "
            "(no schema/disputes/2.0.0.json; published: 1.0.0, 1.1.0)"
        ],
    ),
    "schema version with path traversal": (
        edit(Q, 'schema_version: "1.0.0"', 'schema_version: "../../../etc/passwd"'),
        [
            f"{Q}:1: -: schema_version: schema version '../../../etc/passwd' of disputes is not "
            "published (no schema/disputes/../../../etc/passwd.json; published: 1.0.0, 1.1.0)"
        ],
    ),
    "NUL byte": (
        raw_bytes(Q, lambda b: b.replace(b"Were", b"W\x00ere")),
        [
            f"{Q}:5: -: -: invalid YAML: character U+0000 is not allowed in YAML "
            "(special characters are not allowed)"
        ],
    ),
    "record file not UTF-8": (
        raw_bytes(Q, lambda b: b.replace(b"Were", b"W\xe9re")),
        [f"{Q}:1: -: -: not UTF-8 text (invalid continuation byte at byte 97)"],
    ),
    "BOM record file keeps line numbers": (
        raw_bytes(Q, lambda b: b"\xef\xbb\xbf" + b.replace(b"status: pending", b"status: maybe")),
        [BAD_STATUS],
    ),
    "CRLF record file keeps line numbers": (raw_bytes(Q, crlf_with_error), [BAD_STATUS]),
    "BOM and CRLF record file": (
        raw_bytes(Q, lambda b: b"\xef\xbb\xbf" + crlf_with_error(b)),
        [BAD_STATUS],
    ),
    "very large file": (
        sparse_record_file,
        [
            f"seeds/records/zz-huge.yaml:1: -: -: file is {MAX_FILE_BYTES + 1} bytes, "
            f"over the {MAX_FILE_BYTES} limit"
        ],
    ),
    "deep nesting": (
        write(Q, "x: " + "[" * 200 + "]" * 200 + "\n"),
        [f"{Q}:1: -: -: nested more than 20 levels deep"],
    ),
    "deep nesting past the recursion limit": (
        write(Q, "x: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        [f"{Q}:1: -: -: nested more than 20 levels deep"],
    ),
    "billion laughs": (case_file("billion_laughs.yaml"), [f"{Q}:4: -: -: {ANCHORS}"]),
    "merge key through an alias": (case_file("merge_key.yaml"), [f"{Q}:4: -: -: {ANCHORS}"]),
    "python object tag": (
        case_file("python_object.yaml"),
        [f"{Q}:6: -: -: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' {TAGS}"],
    ),
    "custom include tag": (
        case_file("include_tag.yaml"),
        [f"{Q}:4: -: -: YAML tag '!include' {TAGS}"],
    ),
    "binary tag": (
        edit(Q, "    summary: ", "    summary: !!binary aGVsbG8=\n    x: "),
        [f"{Q}:6: -: -: YAML tag 'tag:yaml.org,2002:binary' {TAGS}"],
    ),
    # -- fields -----------------------------------------------------------------------------
    "impossible date (YAML)": (
        edit(E, "date: 2025-12-01", "date: 2025-02-30"),
        [f"{E}:9: -: -: invalid YAML: invalid date '2025-02-30' (day is out of range for month)"],
    ),
    "impossible date (quoted)": (
        edit(E, "date: 2025-12-01", 'date: "2025-02-30"'),
        [f"{E}:9: {EX}: date: '2025-02-30' is not a valid date (YYYY-MM-DD)"],
    ),
    "wrong type": (
        edit(S, "amount_usd: 1000000", "amount_usd: [1000000]"),
        [f"{S}:10: examplia-fishermen-reward: amount_usd: expected integer or null, got list"],
    ),
    "fractional number for an integer": (
        # 118.0 is accepted as 118 by both the JSON Schema and the model; 118.5 by neither
        edit(E, "char_start: 118", "char_start: 118.5"),
        [f"{E}:16: {EX}: citations[0].char_start: expected integer, got number 118.5"],
    ),
    "boolean for an integer": (
        edit(E, "char_start: 118", "char_start: true"),
        [f"{E}:16: {EX}: citations[0].char_start: expected integer, got boolean true"],
    ),
    "infinity for an integer": (
        edit(E, "char_start: 118", "char_start: .inf"),
        [f"{E}:16: {EX}: citations[0].char_start: expected integer, got number Infinity"],
    ),
    "unknown field": (
        edit(Q, "    summary:", "    owner: me\n    summary:"),
        [f"{Q}:6: where-fishermen-detained: owner: {SCHEMA}"],
    ),
    "unknown nested field": (
        edit(Q, "        char_end: 434", "        char_end: 434\n        page: 2"),
        [f"{Q}:12: where-fishermen-detained: citations[0].page: {SCHEMA}"],
    ),
    "unknown enum value": (
        edit(S, "status: active", "status: ACTIVE"),
        [
            f"{S}:8: examplia-fishermen-reward: status: "
            "'ACTIVE' is not one of: active, lifted, proposed, expired, unknown"
        ],
    ),
    "missing required field": (
        edit(
            Q, "    summary: The article says sources disagree; no version is attributed yet.\n", ""
        ),
        [f"{Q}:4: where-fishermen-detained: summary: required field is missing"],
    ),
    "id with spaces and uppercase": (
        edit(Q, "id: where-fishermen-detained", "id: Where Fishermen"),
        [
            f"{Q}:4: Where Fishermen: id: 'Where Fishermen' does not match the pattern "
            "^[a-z0-9]+(?:-[a-z0-9]+)*$"
        ],
    ),
    "negative amount": (
        edit(S, "amount_usd: 1000000", "amount_usd: -5"),
        [f"{S}:10: examplia-fishermen-reward: amount_usd: -5 is below the minimum 0"],
    ),
    "absurd amount": (
        edit(S, "amount_usd: 1000000", "amount_usd: 10000000000000000000000"),
        [
            f"{S}:10: examplia-fishermen-reward: amount_usd: 10000000000000000000000 is above "
            "the maximum 100000000000"
        ],
    ),
    "text over its length limit": (
        edit(Q, QUESTION, "question: " + "x" * 501),
        [
            f"{Q}:5: where-fishermen-detained: question: "
            "is 501 characters long, over the limit of 500"
        ],
    ),
    "end before start": (
        edit(E, "date_text: on Tuesday\n", "date_text: on Tuesday\n    end_date: 2025-11-01\n"),
        [
            f"{E}:27: testland-rejects-2025-12-02: end_date: "
            "end_date 2025-11-01 is before date 2025-12-02"
        ],
    ),
    "date without precision": (
        edit(
            E, "    date_precision: day\n    date_text: on Monday\n", "    date_text: on Monday\n"
        ),
        [f"{E}:9: {EX}: date: `date` and `date_precision` go together: give both or neither"],
    ),
    "date after the source's publication": (
        edit(E, "date: 2025-12-01", "date: 2025-12-10", accept=True),
        [
            f"{E}:9: {EX}: date: date 2025-12-10 is after the publication of every citing "
            f"source (latest: {SRC}, 2025-12-03)"
        ],
    ),
    "right-to-left override": (
        edit(Q, "Were the", "Were \u202ethe"),
        [
            f"{Q}:5: where-fishermen-detained: question: contains U+202E RIGHT-TO-LEFT OVERRIDE "
            "(a bidi control: it reorders how the text around it is displayed) at character 5; "
            "remove it"
        ],
    ),
    "terminal escape in text": (
        edit(Q, QUESTION, 'question: "Were \\e[31mthe"'),
        [
            f"{Q}:5: where-fishermen-detained: question: contains U+001B (a control character) "
            "at character 5; remove it"
        ],
    ),
    "NUL escape in text": (
        edit(Q, QUESTION, 'question: "Were\\0 the"'),
        [
            f"{Q}:5: where-fishermen-detained: question: contains U+0000 (a control character) "
            "at character 4; remove it"
        ],
    ),
    "lone surrogate": (
        edit(Q, QUESTION, 'question: "Were \\ud800 the"'),
        [
            f"{Q}:5: where-fishermen-detained: question: contains U+D800 (a lone surrogate, "
            "not a character) at character 5; remove it"
        ],
    ),
    "line separator in a name": (
        edit(A, "name: Examplia\n", 'name: "Exam\\Lplia"\n'),
        [
            f"{A}:17: examplia: name: contains U+2028 LINE SEPARATOR (a line or paragraph "
            "separator) at character 4; remove it"
        ],
    ),
    "control characters in an id stay on one line": (
        edit(Q, "id: where-fishermen-detained", 'id: "x\\e[2J\\nrm"'),
        [
            f"{Q}:4: x\\x1b[2J\\x0arm: id: 'x\\x1b[2J\\nrm' does not match the pattern "
            "^[a-z0-9]+(?:-[a-z0-9]+)*$"
        ],
    ),
    # -- across records and files ------------------------------------------------------------
    "duplicate id within a file": (
        raw_bytes(Q, lambda b: b + DISPUTE.encode()),
        [
            f"{Q}:13: where-fishermen-detained: id: duplicate id: already used at {Q}:4; "
            "ids are unique across the dataset"
        ],
    ),
    "duplicate id across files": (
        write(
            "seeds/records/zz.yaml",
            'schema_version: "1.0.0"\ntable: disputes\nrecords:\n' + DISPUTE,
        ),
        [
            "seeds/records/zz.yaml:4: where-fishermen-detained: id: duplicate id: already used "
            f"at {Q}:4; ids are unique across the dataset"
        ],
    ),
    "dangling reference": (
        edit(D, "by: [ana-perez-prueba]", "by: [nobody-at-all]", accept=True),
        [f"{D}:5: release-two-fishermen: by[0]: {REFERENCE}"],
    ),
    "quote not in source": (
        edit(E, "demanded on Monday", "demanded on Sunday", accept=True),
        [f"{E}:15: {EX}: citations[0].quote: quote is not in {SRC} (seeds/articles text)"],
    ),
    "offsets off by one": (
        edit(
            E,
            "char_start: 118\n        char_end: 153",
            "char_start: 119\n        char_end: 154",
            accept=True,
        ),
        [f"{E}:16: {EX}: citations[0].char_start: quote found at 118-153, not 119-154"],
    ),
    "quote matches only after normalising": (
        edit(E, "Ana Pérez Prueba demanded", "Ana Pérez Prueba\u00a0demanded", accept=True),
        [
            f"{E}:15: {EX}: citations[0].quote: quote is not in {SRC} (seeds/articles text); "
            "it matches 118-153 only after normalising quotes, dashes and spaces: copy the exact "
            "characters, 'Ana Pérez Prueba demanded on Monday'"
        ],
    ),
    "source text changed after citation": (
        raw_bytes(ARTICLE, lambda b: b.replace(b"Monday", b"Sunday")),
        [
            f"{SRCS}:12: {SRC}: sha256: {ARTICLE} has sha256 "
            "eac9b95b8a633f793fccea54627f56f9a2331ae88b98f0058ec40cf9aff47cae, not the recorded "
            "one; article bytes never change (restore the file, or add the new text as a new "
            "source)"
        ],
    ),
    "missing source file": (remove_article, [f"{SRCS}:11: {SRC}: file: {ARTICLE} does not exist"]),
    "source file not UTF-8": (
        new_article(lambda b: b.replace("Pérez".encode(), "Pérez".encode("latin-1"))),
        [
            f"{SRCS}:11: src-6141f9c3: file: {ARTICLE} is not UTF-8 "
            "(invalid continuation byte at byte 123)"
        ],
    ),
    "path traversal in the source file": (
        edit(SRCS, "file: fixture_wire.txt", "file: ../../etc/passwd"),
        [
            f"{SRCS}:11: {SRC}: file: '../../etc/passwd' does not match the pattern "
            r"^[A-Za-z0-9_.-]+\.txt$"
        ],
    ),
    "absolute source file path": (
        edit(SRCS, "file: fixture_wire.txt", "file: /etc/passwd.txt"),
        [
            f"{SRCS}:11: {SRC}: file: '/etc/passwd.txt' does not match the pattern "
            r"^[A-Za-z0-9_.-]+\.txt$"
        ],
    ),
    "symlink out of seeds/articles": (
        symlink_outside,
        [f"{SRCS}:11: {SRC}: file: 'fixture_wire.txt' resolves outside seeds/articles/"],
    ),
    "article is a FIFO": (
        fifo_article,
        [f"{SRCS}:11: {SRC}: file: {ARTICLE} is not a regular file"],
    ),
}
