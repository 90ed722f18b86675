"""The release manifest: what a release holds, where it came from, and every file's checksum.

``manifest.json`` is written last, after every other file of the release, and lists each of them
(except itself) with its size and sha256. ``inputs`` pins what the release was built from: the
git commit of the last change to ``seeds/`` and ``schema/`` (null when they have uncommitted
changes or the project is not in git) and a deterministic sha256 over those input files.
``builder`` pins the code that built it: the package version and the git commit of the last change
to the pipeline's code (``build/``, ``sdk/``, ``pyproject.toml``, ``uv.lock``) in the checkout it
ran from, null when that code had uncommitted changes or was not a git checkout (an installed
wheel). With both commits, anyone can rebuild a release byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from venezuela_crisis import __version__
from venezuela_crisis.format.arrow import DATASET
from venezuela_crisis.format.manifest import release_files, sha256_file

if TYPE_CHECKING:
    from .table_files import TableFiles

INPUT_DIRS = ("seeds", "schema")
"""Directories whose files are the inputs of a release."""
CODE_PATHS = ("build", "sdk", "pyproject.toml", "uv.lock")
"""Paths (relative to the code checkout) whose files are the code that builds a release."""
CODE_ROOT = Path(__file__).resolve().parents[3]
"""The checkout this pipeline runs from (in an installed wheel: site-packages, not git)."""


def dump_json(data: Any) -> str:
    """Stable JSON text: sorted keys, indent 2, UTF-8 characters kept, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json(path: Path, data: Any) -> None:
    """Write `dump_json(data)` to `path`, streamed (no whole-file string in memory)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        json.dump(data, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.write("\n")


HASH_THREADS = 2
"""Files hashed side by side (``hashlib`` lets go of the GIL while it hashes)."""


def sha256_files(paths: Sequence[Path]) -> dict[Path, str]:
    """`sha256_file` of every path, hashed side by side."""
    with ThreadPoolExecutor(HASH_THREADS) as pool:
        return dict(zip(paths, pool.map(sha256_file, paths), strict=True))


def file_entries(directory: Path) -> dict[str, dict[str, Any]]:
    """``{relpath: {"bytes": N, "sha256": hex}}`` for every file of a release but the manifest."""
    files = release_files(directory)
    hashes = sha256_files([directory / rel for rel in files])
    return {
        rel: {"bytes": (directory / rel).stat().st_size, "sha256": hashes[directory / rel]}
        for rel in files
    }


def input_files(root: Path) -> list[str]:
    """Relative POSIX paths of the input files (under seeds/ and schema/), sorted.

    Hidden files and directories (``.gitkeep``, editor droppings) are not inputs.
    """
    out: list[str] = []
    for name in INPUT_DIRS:
        directory = root / name
        if not directory.is_dir():
            continue
        for path in directory.rglob("*"):
            rel = path.relative_to(root)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                out.append(rel.as_posix())
    return sorted(out)


def inputs_sha256(root: Path) -> str:
    """Deterministic sha256 over the input files: one ``relpath NUL sha256 LF`` line per file."""
    digest = hashlib.sha256()
    files = input_files(root)
    hashes = sha256_files([root / rel for rel in files])
    for rel in files:
        digest.update(f"{rel}\0{hashes[root / rel]}\n".encode())
    return digest.hexdigest()


def inputs_commit(root: Path) -> str | None:
    """Commit of the last change to seeds/ and schema/, or None when they are not clean in git."""
    return clean_commit(root, INPUT_DIRS)


def builder_commit(code_root: Path = CODE_ROOT) -> str | None:
    """Commit of the last change to the pipeline's code, or None when not clean in git."""
    if not (code_root / "build" / "vzcrisis").is_dir():
        return None
    return clean_commit(code_root, CODE_PATHS)


def clean_commit(root: Path, names: tuple[str, ...]) -> str | None:
    """Commit of the last change to `names` under `root`, or None when they are not clean in git."""
    paths = [name for name in names if (root / name).exists()]
    if not paths:
        return None
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *paths)
    if status is None or status.strip():
        return None
    commit = _git(root, "log", "-1", "--format=%H", "--", *paths)
    if commit is None or not commit.strip():
        return None
    return commit.strip()


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def build_manifest(
    directory: Path,
    *,
    root: Path,
    version: str,
    release_date: str,
    previous_version: str | None,
    schema_versions: dict[str, str],
    table_rows: dict[str, int] | None = None,
    layout: Mapping[str, TableFiles] | None = None,
) -> dict[str, Any]:
    """The manifest of the release being built in `directory` (every other file already written).

    `layout` (where each table was written) or, for one file per table, `table_rows`."""
    tables = (
        {table: files.manifest_entry() for table, files in layout.items()}
        if layout is not None
        else {t: {"path": f"{t}.parquet", "rows": n} for t, n in (table_rows or {}).items()}
    )
    return {
        "dataset": DATASET,
        "version": version,
        "release_date": release_date,
        "previous_version": previous_version,
        "inputs": {"commit": inputs_commit(root), "sha256": inputs_sha256(root)},
        "builder": {"name": "vzcrisis", "version": __version__, "commit": builder_commit()},
        "schema_versions": dict(schema_versions),
        "tables": tables,
        "files": file_entries(directory),
    }
