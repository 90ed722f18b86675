"""Faults: a release or a review killed at random points loses nothing; tampering is refused.

* ``vzcrisis release`` SIGKILLed at random moments (fixed seed): afterwards the new release is
  either complete (it verifies) or absent, a leftover ``releases/.tmp-*`` is never taken for a
  release, the next run succeeds, and the previous release still verifies.
* ``vzcrisis review`` SIGKILLed while writing decisions: every record file still parses and every
  record is either as before or as the uninterrupted run wrote it.
* A flipped byte, a truncated file or an added file: ``vzcrisis verify`` exits 1 naming the file
  and the SDK refuses to open the release.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from venezuela_crisis import VenezuelaCrisis
from venezuela_crisis.errors import ReleaseIntegrityError
from venezuela_crisis.releases import available
from vzcrisis.cli import app
from vzcrisis.records.load import read_record_file, record_files
from vzcrisis.release.build import build_release, existing_versions
from vzcrisis.release.verify import verify_release

from tests.build import _release_project as H

VZCRISIS = Path(sys.executable).with_name("vzcrisis")
SEED = 20251203
KILLS = 5


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's verified-hash cache lives in this test's directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project with release 1.0.0 and one reworded actor (so 1.0.1 is due)."""
    root = H.copy_project(tmp_path_factory.mktemp("faults") / "project")
    build_release(root, "1.0.0")

    def reword(records: list[Any]) -> None:
        H.by_id(records, "examplia")["roles"] = ["State offering the reward"]

    H.edit_records(root, "actors", reword)
    return root


def _copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest


def _kill_when(
    args: list[str], ready: Callable[[], bool], delay: float, stdin: bytes = b""
) -> int | None:
    """Start `args`; once `ready()` holds, wait `delay` seconds and SIGKILL it.

    Returns its exit code when it finished before the kill.
    """
    proc = subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    assert proc.stdin is not None
    try:
        proc.stdin.write(stdin)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    deadline = time.monotonic() + 60
    while proc.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(0.002)
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None


def _timed_from(args: list[str], ready: Callable[[], bool], stdin: bytes = b"") -> float:
    """Seconds from `ready()` first holding to the end of an uninterrupted run."""
    proc = subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stdin is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    while proc.poll() is None and not ready():
        time.sleep(0.002)
    start = time.monotonic()
    code = proc.wait()
    assert code == 0, proc.stderr.read().decode() if proc.stderr else code
    return time.monotonic() - start


# -- release killed ---------------------------------------------------------------------------
@pytest.mark.slow
def test_release_killed_at_random_points_leaves_all_or_nothing(
    released: Path, tmp_path: Path
) -> None:
    args = [str(VZCRISIS), "release", "--version", "1.0.1", "--root"]
    timing = _copy(released, tmp_path / "timing")
    writing = _timed_from([*args, str(timing)], _writing(timing / "releases"))
    rng = random.Random(SEED)
    outcomes = []
    for trial in range(KILLS):
        root = _copy(released, tmp_path / f"trial-{trial}")
        releases = root / "releases"
        delay = rng.uniform(0, 1.2 * writing)  # from the temporary directory's creation
        code = _kill_when([*args, str(root)], _writing(releases), delay)
        new = releases / "1.0.1"
        outcomes.append("done" if code == 0 else ("complete" if new.exists() else "none"))
        assert verify_release(releases / "1.0.0") == [], "the previous release is intact"
        if new.exists():
            assert verify_release(new) == [], f"trial {trial}: a half release was published"
        leftovers = sorted(p.name for p in releases.glob(".tmp-*"))
        assert existing_versions(releases) == ["1.0.0", "1.0.1"][: 2 if new.exists() else 1]
        assert list(available([releases])) == existing_versions(releases), leftovers
        if not new.exists():
            result = build_release(root, "1.0.1")  # the next run is not disturbed by leftovers
            assert result.previous_version == "1.0.0"
            assert verify_release(new) == []
        with VenezuelaCrisis("1.0.1", releases_dir=releases) as vc:
            assert vc.actor("examplia").roles == ["State offering the reward"]
    assert "none" in outcomes, f"no kill landed before the rename: {outcomes}"


def _writing(releases: Path) -> Callable[[], bool]:
    return lambda: any(releases.glob(".tmp-*")) or (releases / "1.0.1").exists()


def test_next_release_removes_what_a_killed_build_left(released: Path, tmp_path: Path) -> None:
    """Scratch directories of a dead build (its pid is in the name) are removed by the next
    build; those of a live process, or without a pid, are kept."""
    root = _copy(released, tmp_path / "project")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(dead.stdout)
    releases = root / "releases"
    stale = [
        scratch / f"vzcrisis-spool-{pid}-abc",
        scratch / f"vzcrisis-columns-{pid}-abc",
        releases / f".tmp-{pid}-1.0.1-xyz",
    ]
    kept = [
        scratch / f"vzcrisis-columns-{os.getpid()}-abc",
        scratch / "vzcrisis-columns-abc",
        releases / ".tmp-1.0.1-old",
    ]
    for path in [*stale, *kept]:
        (path / "sub").mkdir(parents=True)
        (path / "sub" / "part.parquet").write_bytes(b"x")
    env = {**os.environ, "TMPDIR": str(scratch)}
    done = subprocess.run(
        [str(VZCRISIS), "release", "--version", "1.0.1", "--root", str(root)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert [p.exists() for p in stale] == [False, False, False]
    assert [p.exists() for p in kept] == [True, True, True]
    # its own scratch directory is gone
    assert sorted(p.name for p in scratch.iterdir()) == sorted([kept[0].name, kept[1].name])
    assert verify_release(releases / "1.0.1") == []


# -- review killed ----------------------------------------------------------------------------
def _pending_project(root: Path) -> Path:
    """The mini project with three records back to pending (three decisions to write)."""
    for table, ids in (("actors", ["two-fishermen"]), ("disputes", ["where-fishermen-detained"])):

        def unreview(records: list[Any], ids: list[str] = ids) -> None:
            for record in records:
                if record["id"] in ids:
                    record["review"] = {"status": "pending"}

        H.edit_records(root, table, unreview)
    return root


def _written(root: Path) -> Callable[[], bool]:
    """True once any record file has been replaced (a decision was written)."""
    before = {p: p.stat().st_mtime_ns for p in record_files(root)}
    return lambda: any(p.stat().st_mtime_ns != t for p, t in before.items() if p.exists())


def _records(root: Path) -> dict[str, tuple[str, int, dict[str, Any]]]:
    """Every record by id: (file, position, data); every file must parse without problems."""
    out: dict[str, tuple[str, int, dict[str, Any]]] = {}
    for path in record_files(root):
        parsed, problems = read_record_file(path, root)
        assert parsed is not None and not problems, (path.name, [str(p) for p in problems])
        for i, raw in enumerate(parsed.records):
            out[raw.id] = (path.name, i, raw.data)
    return out


@pytest.mark.slow
def test_review_killed_mid_write_never_truncates_a_file(tmp_path: Path) -> None:
    base = _pending_project(H.copy_project(tmp_path / "base"))
    args = [str(VZCRISIS), "review", "--reviewer", "fixture", "--date", "2025-12-06", "--root"]
    answers = b"a\nr\nnot in the article\na\n" * 3
    after = _copy(base, tmp_path / "full")
    deciding = _timed_from([*args, str(after)], _written(after), answers)
    old, new = _records(base), _records(after)
    assert old != new, "the uninterrupted review wrote decisions"
    rng = random.Random(SEED)
    for trial in range(KILLS):
        root = _copy(base, tmp_path / f"trial-{trial}")
        delay = rng.uniform(0, 1.2 * deciding)  # from the first decision written
        _kill_when([*args, str(root)], _written(root), delay, answers)
        now = _records(root)
        assert now.keys() == old.keys()
        for record_id, state in now.items():
            assert state in (old[record_id], new[record_id]), (trial, record_id)
        stray = [p.name for p in (root / "seeds" / "records").iterdir() if p.suffix != ".yaml"]
        assert all(name.endswith(".tmp") for name in stray), stray


# -- tampering --------------------------------------------------------------------------------
def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-10])


TAMPER: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "flipped byte": ("events.parquet", _flip, "events.parquet: sha256 is "),
    "truncated": ("venezuela-crisis.db", _truncate, "venezuela-crisis.db: size is "),
    "added file": (
        "notes.txt",
        lambda p: p.write_text("x\n"),
        "notes.txt: extra file, not listed in manifest.json",
    ),
    "truncated manifest": (
        "manifest.json",
        _truncate,
        "manifest.json: unreadable or not valid JSON",
    ),
}


@pytest.fixture
def release_copy(released: Path, tmp_path: Path) -> Iterator[Path]:
    copy = _copy(released / "releases" / "1.0.0", tmp_path / "1.0.0")
    os.chmod(copy, 0o755)
    yield copy


@pytest.mark.parametrize("case", list(TAMPER))
def test_tampered_release_is_refused(release_copy: Path, case: str) -> None:
    name, tamper, message = TAMPER[case]
    with VenezuelaCrisis(path=release_copy) as vc:  # verified once: the hash cache is warm
        assert vc.version == "1.0.0"
    tamper(release_copy / name)
    r = CliRunner().invoke(app, ["verify", str(release_copy)])
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert f"{release_copy}/{message}" in r.output, r.output
    with pytest.raises((ReleaseIntegrityError, ValueError)) as info:
        VenezuelaCrisis(path=release_copy)
    assert name in str(info.value), str(info.value)


def test_same_size_edit_with_restored_mtime_is_refused_by_the_sdk(release_copy: Path) -> None:
    with VenezuelaCrisis(path=release_copy):
        pass
    target = release_copy / "events.parquet"
    st = target.stat()
    _flip(target)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert verify_release(release_copy) != []
    with pytest.raises(ReleaseIntegrityError):
        VenezuelaCrisis(path=release_copy)


def test_added_hidden_file_is_refused_by_the_sdk(release_copy: Path) -> None:
    (release_copy / ".hidden").write_text("x\n")
    assert verify_release(release_copy) == [".hidden: extra file, not listed in manifest.json"]
    with pytest.raises(ReleaseIntegrityError):
        VenezuelaCrisis(path=release_copy)
