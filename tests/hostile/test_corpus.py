"""Hostile inputs: every case gives its exact problem line(s), exit 1, no traceback, no write.

The cases are in ``_corpus.py``. For each, both `vzcrisis validate` and `vzcrisis release` run:
both print the same one-line problems, exit 1, and leave every byte of the project as it was
(no releases/ directory, no temporary file).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result
from vzcrisis.cli import app
from vzcrisis.records.load import record_files

from tests.hostile import _corpus as C

CASES = C.CASES
MINI, NOT_OFFSETS = C.MINI, C.NOT_OFFSETS
new_article, rehash = C.new_article, C.rehash


def snapshot(root: Path) -> dict[str, tuple[str, bytes | str | int]]:
    """Every entry under `root`: file bytes, symlink targets, other kinds (a FIFO is not read)."""
    out: dict[str, tuple[str, bytes | str | int]] = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = ("dir", path.stat().st_mode)
            elif path.is_file():
                out[rel] = ("file", path.read_bytes())
            else:
                out[rel] = ("other", path.stat().st_mode)
    return out


def invoke(project: Path, *args: str) -> Result:
    return CliRunner().invoke(app, [*args, "--root", str(project)])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    return root


def test_corpus_is_large_and_distinct() -> None:
    assert len(CASES) >= 40
    lines = [tuple(expected) for _, expected in CASES.values()]
    assert len(set(lines)) >= 40, "cases differ in what they report"


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input(project: Path, case: str) -> None:
    mutate, expected = CASES[case]
    mutate(project)
    before = snapshot(project)
    for command in (["validate"], ["release", "--version", "1.0.0"]):
        r = invoke(project, *command)
        assert r.exit_code == 1, (command, r.output)
        assert "Traceback" not in r.output
        assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
        assert r.output.splitlines() == expected, (command, r.output)
        assert snapshot(project) == before, f"{command} changed the project"
    assert not (project / "releases").exists()


def test_bom_and_crlf_record_files_load(project: Path) -> None:
    """Decision: a record file with a UTF-8 BOM and/or CRLF line ends loads like the plain one."""
    for path in record_files(project):
        data = path.read_bytes().replace(b"\n", b"\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + data if path.name < "e" else data)
    r = invoke(project, "validate")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("ok: 10 records"), r.output


def test_bom_in_an_article_counts_as_character_zero(project: Path) -> None:
    """Quotes are checked against the exact decoded text: a BOM is character 0 and shifts offsets.

    Every citation gets the hint; offsets that count the BOM validate.
    """
    new_article(lambda b: b"\xef\xbb\xbf" + b)(project)
    r = invoke(project, "validate")
    assert r.exit_code == 1, r.output
    lines = r.output.splitlines()
    assert len(lines) == 10, r.output
    hint = (
        "; the article starts with a byte-order mark (U+FEFF), which is character 0 of the "
        "decoded text: offsets count it"
    )
    assert all(line.endswith(hint) for line in lines), r.output
    assert lines[6] == NOT_OFFSETS + hint.removeprefix("; "), r.output
    for path in record_files(project):
        text = path.read_text(encoding="utf-8")
        for start in range(450, -1, -1):  # shift every offset by one, highest first
            for key in ("char_start", "char_end"):
                text = text.replace(f"{key}: {start}\n", f"{key}: {start + 1}\n")
        path.write_text(text, encoding="utf-8")
    rehash(project)
    r = invoke(project, "validate")
    assert r.exit_code == 0, r.output


def test_crlf_article_offsets_count_each_cr(project: Path) -> None:
    new_article(lambda b: b.replace(b"\n", b"\r\n"))(project)
    r = invoke(project, "validate")
    assert r.exit_code == 1, r.output
    assert NOT_OFFSETS + "the article has CR LF line ends: each CR counts as one character" in (
        r.output.splitlines()
    ), r.output
