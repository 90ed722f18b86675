"""The SQLite database's bytes are pinned: a faster builder must write the very file the builder of
2026-11-30 wrote from the same Parquet files (a release's database is part of its contract).

Each case first pins its input (the sha256 of every Parquet file): when the input changes, the
test says so instead of blaming the SQLite builder.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from venezuela_crisis.models import TABLES
from vzcrisis.release.build import build_release
from vzcrisis.site.sqlite import build_sqlite
from vzcrisis.synth.corpus import synth

from tests.build import _datasette_sample as SAMPLE

SAMPLE_PARQUET = {
    "sources": "4da40e9031663bdb5038a026935253d381e106a7e523126bcf05219495a349de",
    "actors": "b5f386182dd8337797425d808ca558c33bae400ceed702e68d74319f4f16fe92",
    "events": "9be428d223cfca303e7ceed177e81c175732e0972476dbb00801c31d3d7ed060",
    "demands": "6db57f4f62d4b05f0ae17ad81bfe2d080bcad3b5ccae5e520dbb57e09bd7ec0f",
    "sanctions": "e5cb0808573df62c64848d2169e07a18d3a79179d89c2c80aa77e812e927a51a",
    "disputes": "9ee6cc3e350b1e229383ef9e26fbd4e528100bff11dc2eb99fce36665fa337db",
    "citations": "116f7e0c6209ece106483d2135bb489643d75d5b83124a17de6d349b45751f0d",
}
SAMPLE_DB = "5ec60708ef1e22a47bbaf27897fe78fceb028cc83bcd7bb07cbbe8ac7ff14f30"

SYNTH_PARQUET = {
    "sources": "0342781c7f09d241affc6d72e9d29a9e71a4ba39d9ee434253a4158975e3d164",
    "actors": "ade68626fc77f6756d959d0d9667fcb6ba5a4d420bf750e848b219dcca3f8fc4",
    "events": "a273595ee6e28d70de7ea2f80d1f0d9ceae49d0c3a5ddc049a7facf8aa22029d",
    "demands": "579834a07cea71e4d53f0307d7cca8e7026264fd47d1845b8290a0544fc431a2",
    "sanctions": "eef903588bbd57b904511614f5ac97f351b35da8e621933dbcfc236397f92fdf",
    "disputes": "5f83e608e2daa2e1c3807cd19139a9d46b694e7886bcde13446858676784136f",
    "citations": "4c12c5cb025694b107e430b37ff2a71d62a688fc7f6ce0f9114253d626290e21",
}
SYNTH_DB = "02feb0498da38653962fb486278403caa290c5dca822e7ce301c45e26cec42b7"
"""`vzcrisis synth --records 500 --seed 0 --format jsonl`, released as 1.0.0."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_input(release: Path, expected: dict[str, str]) -> None:
    got = {t: _sha256(release / f"{t}.parquet") for t in TABLES}
    changed = sorted(t for t in TABLES if got[t] != expected[t])
    assert not changed, f"the Parquet input changed ({', '.join(changed)}), not the SQLite builder"


def test_sample_release_gives_the_pinned_database(tmp_path: Path) -> None:
    SAMPLE.write_sample_release(tmp_path)
    _assert_input(tmp_path, SAMPLE_PARQUET)
    build_sqlite(tmp_path, tmp_path / "out.db")
    assert _sha256(tmp_path / "out.db") == SAMPLE_DB


def test_synthetic_release_gives_the_pinned_database(tmp_path: Path, root: Path) -> None:
    project = tmp_path / "project"
    synth(project, 500, seed=0, fmt="jsonl", schema_dir=root / "schema")
    build_release(project, "1.0.0")
    release = project / "releases" / "1.0.0"
    _assert_input(release, SYNTH_PARQUET)
    build_sqlite(release, tmp_path / "out.db")
    assert _sha256(tmp_path / "out.db") == SYNTH_DB
    assert _sha256(release / "venezuela-crisis.db") == SYNTH_DB
