"""Fixtures shared by the site tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from vzcrisis.release.build import build_release
from vzcrisis.site.sqlite import DB_FILE
from vzcrisis.synth.corpus import synth

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def synth_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-record synthetic corpus (lists of actors, sanctions, disputes), released by the
    real builder; built once per session, read only."""
    project = tmp_path_factory.mktemp("synth") / "project"
    synth(project, 2000, seed=0, fmt="jsonl", schema_dir=ROOT / "schema")
    build_release(project, "1.0.0")
    return project / "releases" / "1.0.0" / DB_FILE
