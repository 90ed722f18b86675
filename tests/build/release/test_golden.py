"""A release's bytes do not depend on how it is built: golden hashes of today's output.

``golden.json`` holds the sha256 of every file of releases built from small synthetic corpora
by the per-record release path (commit f8354b0, before the columnar release): JSON Lines and
YAML corpora, Hive partitions, and row groups smaller than the tables (so the multi-row-group
path is exercised at test size). Every file must stay byte-identical, except two that this test
leaves to others: ``manifest.json`` is compared without ``builder.commit`` (null when the
checkout has uncommitted changes) and without the SQLite database's entry, and the SQLite
database itself, whose bytes ``site/sqlite.py`` owns (pinned by the site tests).
The committed release 1.1.0 is rebuilt from its inputs with the current code too.

Regenerate the expected values (only when the release format changes on purpose) with the code
to pin first on the path: ``python tests/build/release/test_golden.py --write``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from vzcrisis.release import table_files
from vzcrisis.release.build import build_release
from vzcrisis.synth.corpus import synth

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = Path(__file__).with_name("golden.json")
DB = "venezuela-crisis.db"
PARTS = {"events": ("year", "month"), "sanctions": ("year",)}
CASES: dict[str, tuple[str, int, dict[str, tuple[str, ...]], int]] = {
    # name: (format, records, partition, row group)
    "jsonl-3000": ("jsonl", 3000, {}, table_files.ROW_GROUP),
    "jsonl-3000-partitioned": ("jsonl", 3000, PARTS, table_files.ROW_GROUP),
    "jsonl-3000-rowgroup-500": ("jsonl", 3000, {}, 500),
    "jsonl-3000-rowgroup-500-partitioned": ("jsonl", 3000, PARTS, 500),
    "yaml-300": ("yaml", 300, {}, table_files.ROW_GROUP),
}
SEED = 1


def file_hashes(release: Path) -> dict[str, str]:
    """sha256 of every file of `release`; the manifest's without what legitimately differs."""
    out: dict[str, str] = {}
    for path in sorted(release.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(release).as_posix()
        data = path.read_bytes()
        if rel == "manifest.json":
            manifest = json.loads(data)
            manifest["builder"]["commit"] = None
            manifest["inputs"]["commit"] = None
            del manifest["files"][DB]
            data = json.dumps(manifest, sort_keys=True).encode()
        out[rel] = hashlib.sha256(data).hexdigest()
    return out


def build_case(name: str, corpora: Path, out: Path, monkeypatch: Any) -> dict[str, str]:
    """Build the release of case `name` (corpora are cached in `corpora`); its file hashes."""
    fmt, records, partition, row_group = CASES[name]
    project = corpora / f"{fmt}-{records}"
    if not project.exists():
        synth(project, records, seed=SEED, fmt=fmt, schema_dir=ROOT / "schema")  # type: ignore[arg-type]
    monkeypatch.setattr(table_files, "ROW_GROUP", row_group)
    build_release(project, "1.0.0", releases_dir=out, partition=partition)
    return file_hashes(out / "1.0.0")


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpora")


@pytest.mark.parametrize("name", list(CASES))
def test_release_bytes_unchanged(
    name: str, corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    got = build_case(name, corpora, tmp_path / "releases", monkeypatch)
    assert sorted(got) == sorted(expected)
    differ = sorted(rel for rel in got if rel != DB and got[rel] != expected[rel])
    assert differ == []


def test_committed_release_rebuilds_with_this_code(tmp_path: Path) -> None:
    """releases/1.1.0 from its inputs (at the commit its manifest names), current code."""
    manifest = json.loads((ROOT / "releases/1.1.0/manifest.json").read_text(encoding="utf-8"))
    done = subprocess.run(
        ["git", "-C", str(ROOT), "archive", manifest["inputs"]["commit"], "seeds", "schema"],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"inputs of 1.1.0 not in git here: {done.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(tmp_path / "inputs", filter="data")
    shutil.copytree(ROOT / "releases/1.0.0", tmp_path / "releases/1.0.0")
    date = dt.date.fromisoformat(manifest["release_date"])
    releases = tmp_path / "releases"
    build_release(tmp_path / "inputs", "1.1.0", release_date=date, releases_dir=releases)
    rebuilt = json.loads((tmp_path / "releases/1.1.0/manifest.json").read_text(encoding="utf-8"))
    differ = sorted(
        rel
        for rel, entry in manifest["files"].items()
        if rel != DB and rebuilt["files"].get(rel) != entry
    )
    assert differ == []
    assert sorted(rebuilt["files"]) == sorted(manifest["files"])


def _write(work: Path) -> None:
    class Patch:
        def setattr(self, obj: Any, name: str, value: Any) -> None:
            setattr(obj, name, value)

    original = table_files.ROW_GROUP
    golden: dict[str, dict[str, str]] = {}
    for name in CASES:
        golden[name] = build_case(name, work / "corpora", work / name, Patch())
        table_files.ROW_GROUP = original
    GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        _write(Path(scratch))
