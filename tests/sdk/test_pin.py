"""Pinning a release by the sha256 of its manifest (the root of trust)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from venezuela_crisis import ReleaseIntegrityError, VenezuelaCrisis

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "releases" / "1.0.0"


def test_pinned_manifest_opens_and_reports_its_hash() -> None:
    digest = hashlib.sha256((RELEASE / "manifest.json").read_bytes()).hexdigest()
    with VenezuelaCrisis(path=RELEASE, manifest_sha256=digest) as vc:
        assert vc.manifest_sha256 == digest
        assert vc.version == "1.0.0"
    with VenezuelaCrisis(path=RELEASE, manifest_sha256=f"sha256:{digest}") as vc:
        assert vc.tables["demands"] == 14


def test_rewritten_file_and_manifest_are_refused_when_pinned(tmp_path: Path) -> None:
    """Someone rewrites a file AND its manifest entry: plain verification passes, the pin fails."""
    pinned = hashlib.sha256((RELEASE / "manifest.json").read_bytes()).hexdigest()
    copy = tmp_path / "1.0.0"
    shutil.copytree(RELEASE, copy)
    changes = copy / "CHANGES.md"
    changes.write_text("rewritten\n", encoding="utf-8")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["CHANGES.md"] = {
        "bytes": changes.stat().st_size,
        "sha256": hashlib.sha256(changes.read_bytes()).hexdigest(),
    }
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with VenezuelaCrisis(path=copy):
        pass  # consistent with its own manifest
    with pytest.raises(ReleaseIntegrityError, match="is not the pinned"):
        VenezuelaCrisis(path=copy, manifest_sha256=pinned)
