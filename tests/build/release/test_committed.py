"""Every committed release verifies against its manifest and rebuilds byte for byte.

The rebuild takes the inputs (seeds/, schema/) at the commit the manifest names (or the working
tree when the manifest names none) and is only attempted when their sha256 matches the
manifest's ``inputs.sha256``; otherwise it is skipped with the reason. It runs the code that built
the release (``builder.commit``, extracted from git and run in a subprocess), so later changes to
the pipeline never make an old release unreproducible; a release whose builder commit is unknown
is rebuilt with the current code.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from venezuela_crisis.format.manifest import read_manifest
from vzcrisis.release.build import build_release, existing_versions
from vzcrisis.release.manifest import CODE_ROOT, INPUT_DIRS, inputs_sha256
from vzcrisis.release.verify import verify_release

from tests.build import _release_project as H

ROOT = Path(__file__).resolve().parents[3]
VERSIONS = existing_versions(ROOT / "releases")


def _inputs_at(
    root: Path, commit: str, dest: Path, names: tuple[str, ...] = INPUT_DIRS
) -> str | None:
    """Extract `names` (default seeds/ and schema/) at `commit` into `dest`; None when done."""
    paths = [
        name
        for name in names
        if subprocess.run(
            ["git", "-C", str(root), "cat-file", "-e", f"{commit}:{name}"],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    ]
    done = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", commit, "--", *paths],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0 or not paths:
        return done.stderr.decode(errors="replace").strip() or "no inputs in that commit"
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(dest, filter="data")
    return None


def _without_commit(manifest: dict[str, Any]) -> dict[str, Any]:
    out = {**manifest, "inputs": {**manifest["inputs"], "commit": None}}
    out.pop("builder", None)
    return out


_REBUILD = """
import datetime as dt, sys
from pathlib import Path
try:
    from vzcrisis.release.build import build_release
except ImportError:  # a builder commit from before the rooms (build/vzcrisis/release.py)
    from vzcrisis.release import build_release
inputs, version, date, releases = sys.argv[1:5]
build_release(Path(inputs), version, release_date=dt.date.fromisoformat(date),
              releases_dir=Path(releases))
"""


def _rebuild(manifest: dict[str, Any], inputs: Path, releases: Path, code: Path) -> None:
    """Rebuild with the code of ``builder.commit`` (a subprocess), else with the current code."""
    version, date = manifest["version"], manifest["release_date"]
    commit = (manifest.get("builder") or {}).get("commit")
    if commit is None:
        build_release(
            inputs, version, release_date=dt.date.fromisoformat(date), releases_dir=releases
        )
        return
    failure = _inputs_at(CODE_ROOT, commit, code, ("build", "sdk"))
    assert failure is None, f"cannot read the builder code at {commit}: {failure}"
    path = f"{code / 'sdk'}:{code / 'build'}"
    done = subprocess.run(
        [sys.executable, "-c", _REBUILD, str(inputs), version, date, str(releases)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": path, "HOME": str(code)},
    )
    assert done.returncode == 0, f"rebuild with the code at {commit} failed:\n{done.stderr}"


def check_release(root: Path, version: str, tmp_path: Path) -> str | None:
    """Verify releases/`version` of `root` and rebuild it; returns why the rebuild was skipped."""
    release = root / "releases" / version
    assert verify_release(release) == [], f"releases/{version} does not match its manifest"
    manifest = read_manifest(release)
    commit = manifest["inputs"]["commit"]
    inputs = tmp_path / "inputs"
    inputs.mkdir(parents=True)
    if commit is not None:
        failure = _inputs_at(root, commit, inputs)
        if failure is not None:
            return f"cannot read the inputs at {commit}: {failure}"
    else:
        for name in INPUT_DIRS:
            if (root / name).is_dir():
                shutil.copytree(root / name, inputs / name)
    if inputs_sha256(inputs) != manifest["inputs"]["sha256"]:
        where = f"commit {commit}" if commit else "the working tree (no commit in the manifest)"
        return f"inputs at {where} differ from those of releases/{version}; no rebuild"
    releases = tmp_path / "releases"
    releases.mkdir()
    previous = manifest["previous_version"]
    if previous is not None:
        shutil.copytree(root / "releases" / previous, releases / previous)
    _rebuild(manifest, inputs, releases, tmp_path / "code")
    rebuilt = read_manifest(releases / version)
    differ = sorted(
        name for name, entry in manifest["files"].items() if rebuilt["files"].get(name) != entry
    )
    assert differ == [], f"rebuilding releases/{version} from its inputs changed {differ}"
    assert _without_commit(rebuilt) == _without_commit(manifest)
    return None


@pytest.mark.parametrize("version", VERSIONS or ["(none)"])
def test_committed_releases_verify(version: str, tmp_path: Path) -> None:
    if not VERSIONS:
        pytest.skip("no release committed under releases/ yet")
    reason = check_release(ROOT, version, tmp_path)
    if reason is not None:
        pytest.skip(reason)


def test_check_release_rebuilds_from_the_inputs_commit(tmp_path: Path) -> None:
    """The check above, on a throwaway git repository holding the mini fixture."""
    root = H.copy_project(tmp_path / "repo")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "seeds", "schema"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "inputs"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    build_release(root, "1.0.0")
    manifest = read_manifest(root / "releases" / "1.0.0")
    assert manifest["inputs"]["commit"] == head.stdout.strip()
    (root / "seeds" / "records" / "actors.yaml").write_text("changed later\n", encoding="utf-8")
    assert check_release(root, "1.0.0", tmp_path / "check") is None
    (root / "releases" / "1.0.0" / "CHANGES.md").write_text("edited\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="does not match its manifest"):
        check_release(root, "1.0.0", tmp_path / "again")
