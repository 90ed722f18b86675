"""vzcrisis verify: a flipped byte, a truncated file, an extra or missing file are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner
from vzcrisis.cli import app
from vzcrisis.release.build import build_release
from vzcrisis.release.verify import verify_release

from tests.build import _release_project as H


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = H.copy_project(tmp_path_factory.mktemp("verify") / "project")
    build_release(root, "1.0.0")
    return root / "releases" / "1.0.0"


@pytest.fixture
def release(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "1.0.0"
    shutil.copytree(pristine, copy)
    return copy


def test_intact_release_has_no_problems(release: Path) -> None:
    assert verify_release(release) == []


def test_flipped_byte(release: Path) -> None:
    path = release / "events.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    problems = verify_release(release)
    assert len(problems) == 1, problems
    assert problems[0].startswith("events.parquet: sha256 is "), problems


def test_truncated_file(release: Path) -> None:
    path = release / "venezuela-crisis.db"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[:-100])
    assert verify_release(release) == [
        f"venezuela-crisis.db: size is {size - 100} bytes, manifest says {size}"
    ]


def test_extra_file(release: Path) -> None:
    (release / "notes.txt").write_text("not part of the release\n", encoding="utf-8")
    assert verify_release(release) == ["notes.txt: extra file, not listed in manifest.json"]


def test_missing_file(release: Path) -> None:
    (release / "CODEBOOK.md").unlink()
    assert verify_release(release) == ["CODEBOOK.md: missing (listed in manifest.json)"]


def test_missing_manifest(release: Path) -> None:
    (release / "manifest.json").unlink()
    assert verify_release(release) == ["manifest.json: missing; every release directory has one"]


def test_cli_names_the_file_and_exits_1(release: Path) -> None:
    (release / "changes.json").write_text("{}\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["verify", str(release)])
    assert r.exit_code == 1, r.output
    assert f"{release}/changes.json: size is 3 bytes, manifest says " in r.output
