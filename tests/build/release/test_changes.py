"""A second release: exact changes.json, the semver rule, atomicity under injected failures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner
from venezuela_crisis.errors import ReleaseError, ReleaseIntegrityError
from venezuela_crisis.models import TABLES
from vzcrisis.cli import app
from vzcrisis.release import build as release_module
from vzcrisis.release.build import build_release
from vzcrisis.release.verify import verify_release

from tests.build import _release_project as H

UNCHANGED_SCHEMA = {
    "added_fields": [],
    "changed_fields": [],
    "removed_fields": [],
    "previous_version": "1.1.0",  # both releases are built with the current schemas
    "version": "1.1.0",
}


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with release 1.0.0 built from the unmodified mini fixture."""
    root = H.copy_project(tmp_path_factory.mktemp("first") / "project")
    build_release(root, "1.0.0")
    return root


@pytest.fixture
def project(first: Path, tmp_path: Path) -> Path:
    """A fresh copy of the project with its 1.0.0 release (tests modify it)."""
    root = tmp_path / "project"
    shutil.copytree(first, root)
    return root


def _add_dispute(root: Path) -> None:
    """Accept the pending dispute, link the demand to it and reword the sanction."""

    def disputes(records: list[Any]) -> None:
        H.accept(H.by_id(records, "where-fishermen-detained"))

    def demands(records: list[Any]) -> None:
        H.by_id(records, "release-two-fishermen")["disputes"] = ["where-fishermen-detained"]

    def sanctions(records: list[Any]) -> None:
        H.by_id(records, "examplia-fishermen-reward")["description"] = (
            "A $1 million reward for information on the two detained fishermen."
        )

    H.edit_records(root, "disputes", disputes)
    H.edit_records(root, "demands", demands)
    H.edit_records(root, "sanctions", sanctions)


def _releases(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "releases").iterdir())


def test_second_release_changes_json(project: Path) -> None:
    _add_dispute(project)
    result = build_release(project, "1.1.0")
    assert result.bump == "minor" and result.previous_version == "1.0.0"
    release = project / "releases" / "1.1.0"
    changes = json.loads((release / "changes.json").read_text(encoding="utf-8"))
    empty = {"added": [], "changed": {}, "removed": []}
    assert changes == {
        "dataset": "venezuela-crisis",
        "version": "1.1.0",
        "previous_version": "1.0.0",
        "bump": "minor",
        "reasons": ["ids were added (citations: 1)", "ids were added (disputes: 1)"],
        "schemas": {table: UNCHANGED_SCHEMA for table in TABLES},
        "tables": {
            "actors": empty,
            "citations": {
                "added": ["where-fishermen-detained@src-e8564c96:408"],
                "changed": {},
                "removed": [],
            },
            "demands": {
                "added": [],
                "changed": {"release-two-fishermen": ["disputes", "review", "disputed"]},
                "removed": [],
            },
            "disputes": {"added": ["where-fishermen-detained"], "changed": {}, "removed": []},
            "events": empty,
            "sanctions": {
                "added": [],
                "changed": {"examplia-fishermen-reward": ["review", "description"]},
                "removed": [],
            },
            "sources": empty,
        },
    }
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_version"] == "1.0.0"
    assert manifest["release_date"] == "2025-12-05"
    demand = pq.read_table(release / "demands.parquet").to_pylist()[0]
    assert demand["disputed"] is True
    dispute = pq.read_table(release / "disputes.parquet").to_pylist()[0]
    assert (dispute["id"], dispute["disputed"], dispute["source_count"]) == (
        "where-fishermen-detained",
        True,
        1,
    )
    markdown = (release / "CHANGES.md").read_text(encoding="utf-8")
    assert "Compared with 1.0.0: a **minor** release." in markdown
    assert "- `release-two-fishermen`: disputes, review, disputed" in markdown
    assert verify_release(project / "releases" / "1.0.0") == []


def test_patch_refused_when_ids_were_added(project: Path) -> None:
    _add_dispute(project)
    with pytest.raises(ReleaseError) as info:
        build_release(project, "1.0.1")
    assert str(info.value) == (
        "1.0.1 is a patch release after 1.0.0 but ids were added (citations: 1); "
        "ids were added (disputes: 1); use 1.1.0"
    )
    assert _releases(project) == ["1.0.0"]


def test_major_refused_when_the_changes_are_minor(project: Path) -> None:
    _add_dispute(project)
    with pytest.raises(ReleaseError, match=r"only call for a minor release .*; use 1\.1\.0$"):
        build_release(project, "2.0.0")


def test_removed_ids_need_a_major_release(project: Path) -> None:
    def reject(records: list[Any]) -> None:
        review = H.by_id(records, "release-two-fishermen")["review"]
        review["status"] = "rejected"
        review["note"] = "Withdrawn in test."

    H.edit_records(project, "demands", reject)
    with pytest.raises(ReleaseError) as info:
        build_release(project, "1.1.0")
    # its citation row goes too, which alone would be a patch (a correction of its record)
    assert str(info.value) == (
        "1.1.0 is a minor release after 1.0.0 but ids were removed (demands: 1); use 2.0.0"
    )
    result = build_release(project, "2.0.0")
    assert result.bump == "major"
    assert result.changes["demands"] == {"added": 0, "removed": 1, "changed": 0}


def test_only_changed_records_is_a_patch(project: Path) -> None:
    def reword(records: list[Any]) -> None:
        H.by_id(records, "examplia")["roles"] = ["State offering the reward"]

    H.edit_records(project, "actors", reword)
    with pytest.raises(ReleaseError, match=r"use 1\.0\.1$"):
        build_release(project, "1.1.0")
    result = build_release(project, "1.0.1")
    assert result.bump == "patch"
    assert result.changes["actors"] == {"added": 0, "removed": 0, "changed": 1}


def test_new_field_is_a_minor_change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A column the previous release lacks (here: removed from its file) is a new field."""
    old = project / "releases" / "1.0.0"
    data = pq.read_table(old / "actors.parquet").drop_columns(["roles"])
    pq.write_table(data, old / "actors.parquet")
    monkeypatch.setattr(release_module, "verify_release", lambda path: [])
    with pytest.raises(ReleaseError, match=r"field actors\.roles was added; use 1\.1\.0$"):
        build_release(project, "1.0.1")


@pytest.mark.parametrize("where", ["write_tables", "build_sqlite", "datapackage"])
def test_injected_failure_leaves_nothing_behind(
    project: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    _add_dispute(project)
    real = getattr(release_module, where)
    calls: list[int] = []

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if True:
            raise OSError(f"injected failure in {where}")
        return real(*args, **kwargs)

    monkeypatch.setattr(release_module, where, failing)
    with pytest.raises(ReleaseError, match=r"injected failure in \w+; nothing was published$"):
        build_release(project, "1.1.0")
    assert _releases(project) == ["1.0.0"], "no partial or temporary directory is left"
    assert verify_release(project / "releases" / "1.0.0") == []
    monkeypatch.setattr(release_module, where, real)
    build_release(project, "1.1.0")
    assert _releases(project) == ["1.0.0", "1.1.0"]


def test_checksum_failure_before_rename_leaves_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_dispute(project)
    real = release_module.build_manifest

    def corrupt_after_manifest(directory: Path, **kwargs: Any) -> dict[str, Any]:
        manifest = real(directory, **kwargs)
        with (directory / "CHANGES.md").open("a", encoding="utf-8") as handle:
            handle.write("tampered\n")
        return manifest

    monkeypatch.setattr(release_module, "build_manifest", corrupt_after_manifest)
    with pytest.raises(ReleaseIntegrityError, match=r"CHANGES\.md: size is"):
        build_release(project, "1.1.0")
    assert _releases(project) == ["1.0.0"]


def test_tampered_previous_release_is_refused(project: Path) -> None:
    _add_dispute(project)
    path = project / "releases" / "1.0.0" / "CODEBOOK.md"
    path.write_text(path.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    with pytest.raises(ReleaseIntegrityError, match=r"previous release 1\.0\.0 does not verify"):
        build_release(project, "1.1.0")
    assert _releases(project) == ["1.0.0"]


def test_previous_is_the_newest_version_below(project: Path) -> None:
    _add_dispute(project)
    build_release(project, "1.1.0")
    old = project / "releases" / "1.0.0"
    assert pa.types.is_dictionary(pq.read_schema(old / "actors.parquet").field("kind").type)
    with pytest.raises(ReleaseError, match=r"releases/1\.1\.0 already exists"):
        build_release(project, "1.1.0")
    result = build_release(project, "1.1.1")
    assert result.previous_version == "1.1.0" and result.bump == "patch"


def test_concurrent_release_of_the_same_version_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process publishes 1.1.0 while this build runs: its directory is left alone."""
    _add_dispute(project)
    real = release_module.verify_release
    target = project / "releases" / "1.1.0"

    def other_writer_wins(path: Path) -> list[str]:
        if path.name.startswith(".tmp-") and not target.exists():
            target.mkdir()
            (target / "theirs.txt").write_text("published by someone else\n", encoding="utf-8")
        return real(path)

    monkeypatch.setattr(release_module, "verify_release", other_writer_wins)
    with pytest.raises(ReleaseError, match=r"cannot move the release into .*1\.1\.0"):
        build_release(project, "1.1.0")
    assert _releases(project) == ["1.0.0", "1.1.0"]
    assert [p.name for p in target.iterdir()] == ["theirs.txt"]


def test_cli_reports_a_failed_write_without_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_dispute(project)

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(release_module, "build_sqlite", disk_full)
    r = CliRunner().invoke(app, ["release", "--version", "1.1.0", "--root", str(project)])
    assert r.exit_code == 1, r.output
    assert r.output == (
        "error: writing releases/1.1.0 failed: [Errno 28] No space left on device; "
        "nothing was published\n"
    )
    assert _releases(project) == ["1.0.0"]
