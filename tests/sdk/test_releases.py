"""Locating releases, verifying them against the manifest, and the verified-hash cache."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from venezuela_crisis import ReleaseIntegrityError, UnknownVersionError, VenezuelaCrisis
from venezuela_crisis import releases as rel
from venezuela_crisis.errors import ReleaseError
from venezuela_crisis.format.versions import parse_version


def test_semver_order_and_available(releases_dir: Path, tmp_path: Path) -> None:
    assert sorted(["1.10.0", "1.9.0", "2.0.0"], key=parse_version) == ["1.9.0", "1.10.0", "2.0.0"]
    (tmp_path / "0.9.0").mkdir()  # no manifest: not a release
    (tmp_path / "notes").mkdir()
    shutil.copytree(releases_dir / "1.0.0", tmp_path / "1.10.0")
    found = rel.available([tmp_path, releases_dir])
    assert list(found) == ["1.0.0", "1.10.0", "2.0.0"]
    assert found["1.10.0"] == tmp_path / "1.10.0"


def test_unknown_version_lists_available(releases_dir: Path) -> None:
    with pytest.raises(UnknownVersionError) as exc:
        VenezuelaCrisis("9.9.9", releases_dir=releases_dir)
    assert "release 9.9.9 not found in " in str(exc.value)
    assert str(exc.value).endswith("available: 1.0.0, 1.1.0, 2.0.0"), exc.value  # + bundle
    with pytest.raises(UnknownVersionError, match=r"is not a version: expected X\.Y\.Z"):
        VenezuelaCrisis("latest", releases_dir=releases_dir)


def test_env_var_releases_dir(releases_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VENEZUELA_CRISIS_RELEASES", str(releases_dir))
    with VenezuelaCrisis("1.0.0") as vc:
        assert vc.path == releases_dir / "1.0.0"
    with VenezuelaCrisis() as vc:
        assert vc.version == "1.0.0", "the newest release of this SDK's major (not 2.0.0)"


def test_other_major_is_a_clear_error_naming_both(releases_dir: Path) -> None:
    with pytest.raises(ReleaseError) as exc:
        VenezuelaCrisis("2.0.0", releases_dir=releases_dir)
    assert str(exc.value).endswith(
        "release 2.0.0 is major 2; this SDK (venezuela-crisis 1.0.0) reads releases 1.x only; "
        "install venezuela-crisis 2.x to read it"
    )


def test_path_and_version_must_agree(releases_dir: Path) -> None:
    with VenezuelaCrisis(path=releases_dir / "1.0.0") as vc:
        assert vc.version == "1.0.0"
    with pytest.raises(UnknownVersionError, match=re.escape("holds release 1.0.0, not 2.0.0")):
        VenezuelaCrisis("2.0.0", path=releases_dir / "1.0.0")
    with pytest.raises(UnknownVersionError, match="is not a directory holding a release"):
        VenezuelaCrisis(path=releases_dir / "nope")


def test_bundled_dir_in_source_checkout(root: Path) -> None:
    assert rel.bundled_dir() == root / "releases"


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_tampered_byte_is_refused(release_copy: Path) -> None:
    with VenezuelaCrisis(path=release_copy):  # fine before tampering (and now cached)
        pass
    _flip_byte(release_copy / "demands.parquet")
    with pytest.raises(ReleaseIntegrityError) as exc:
        VenezuelaCrisis(path=release_copy)
    assert str(exc.value).startswith(f"{release_copy / 'demands.parquet'}: sha256 is ")
    assert str(exc.value).endswith("; the release was modified: restore or re-download it")


def test_truncated_missing_and_extra_files(release_copy: Path) -> None:
    codebook = release_copy / "CODEBOOK.md"
    codebook.write_bytes(codebook.read_bytes()[:-1])
    with pytest.raises(
        ReleaseIntegrityError, match=r"CODEBOOK\.md: size is \d+ bytes, manifest says"
    ):
        VenezuelaCrisis(path=release_copy)
    codebook.unlink()
    with pytest.raises(
        ReleaseIntegrityError, match=re.escape("CODEBOOK.md: missing (listed in manifest.json)")
    ):
        VenezuelaCrisis(path=release_copy)


def test_extra_file_is_refused(release_copy: Path) -> None:
    (release_copy / "extra.parquet").write_bytes(b"PAR1")
    with pytest.raises(
        ReleaseIntegrityError, match=r"extra\.parquet: extra file, not listed in manifest"
    ):
        VenezuelaCrisis(path=release_copy)


def test_unsafe_manifest_path_is_refused(release_copy: Path) -> None:
    manifest = json.loads((release_copy / "manifest.json").read_text())
    manifest["files"]["../outside.txt"] = {"bytes": 1, "sha256": "0" * 64}
    (release_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ReleaseIntegrityError, match=re.escape("unsafe path '../outside.txt'")):
        VenezuelaCrisis(path=release_copy)


def test_newer_schema_major_is_refused(release_copy: Path) -> None:
    manifest = json.loads((release_copy / "manifest.json").read_text())
    manifest["schema_versions"]["demands"] = "2.0.0"
    (release_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(
        ReleaseError, match=r"table demands uses schema 2\.0\.0, this SDK reads 1\.x"
    ):
        VenezuelaCrisis(path=release_copy)


def test_no_verify_skips_checksums(release_copy: Path) -> None:
    _flip_byte(release_copy / "CODEBOOK.md")
    with VenezuelaCrisis(path=release_copy, verify=False) as vc:
        assert vc.version == "1.0.0"


def test_hash_cache_makes_reopening_cheap(
    release_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    hashed: list[str] = []
    real = rel.sha256_file

    def counting(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(rel, "sha256_file", counting)
    VenezuelaCrisis(path=release_copy).close()
    files = json.loads((release_copy / "manifest.json").read_text())["files"]
    assert sorted(hashed) == sorted(files)
    assert (tmp_path / "cache" / "venezuela-crisis" / "verified-hashes.json").is_file()
    hashed.clear()
    VenezuelaCrisis(path=release_copy).close()
    assert hashed == []
    # a rewrite (new mtime) is hashed again, and caught
    _flip_byte(release_copy / "events.parquet")
    with pytest.raises(ReleaseIntegrityError, match=r"events\.parquet: sha256"):
        VenezuelaCrisis(path=release_copy)
    assert hashed == ["events.parquet"]


def test_unwritable_cache_is_ignored(
    release_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with VenezuelaCrisis(path=release_copy) as vc:
        assert vc.version == "1.0.0"


def test_release_directory_is_not_written(releases_dir: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (releases_dir / "1.0.0").iterdir()}
    VenezuelaCrisis(path=releases_dir / "1.0.0").close()
    after = {p: p.stat().st_mtime_ns for p in (releases_dir / "1.0.0").iterdir()}
    assert before == after
    assert not any(name.startswith(".") for name in os.listdir(releases_dir / "1.0.0"))
