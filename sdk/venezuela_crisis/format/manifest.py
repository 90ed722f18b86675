"""``manifest.json``: what a release holds, and the check that its files are exactly those.

Every release directory has one ``manifest.json``, written last, listing every other file with
its size and sha256 (``files``), each table's file or partition files (``tables``), the schema
version of each table (``schema_versions``) and the release ``version``. One hash, the sha256 of
``manifest.json`` itself, therefore pins every byte of a release.

``problems`` is the one verification of a release against its manifest: ``vzcrisis verify``
prints every line, the SDK refuses to open a release on the first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ReleaseIntegrityError, UnknownVersionError
from .versions import parse_version

MANIFEST = "manifest.json"
"""File name of the manifest in a release directory."""

_CHUNK = 1 << 20

Hasher = Callable[[Path], str]
"""Hex sha256 of a file (``sha256_file``, or a cached equivalent)."""


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_sha256(path: Path) -> str:
    """Hex sha256 of the release's manifest.json: one hash that pins every file of the release."""
    return sha256_file(path / MANIFEST)


def load_manifest(path: Path) -> Any:
    """The parsed manifest.json of the release directory `path`, not yet shape-checked.

    UnknownVersionError when there is none; ReleaseIntegrityError when it is not JSON.
    """
    file = path / MANIFEST
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnknownVersionError(f"{path} is not a release: it has no {MANIFEST}") from None
    except (OSError, ValueError) as exc:
        raise ReleaseIntegrityError(f"{file}: unreadable or not valid JSON ({exc})") from None


def read_manifest(path: Path) -> dict[str, Any]:
    """Parse and shape-check the manifest of the release in directory `path`."""
    data = load_manifest(path)
    problem = next(shape_problems(data), None)
    if problem is not None:
        raise ReleaseIntegrityError(f"{path}/{problem}")
    return data  # type: ignore[no-any-return]


def safe_relpath(rel: str) -> bool:
    """True when `rel` is a relative path that stays inside the release directory."""
    pure = PurePosixPath(rel)
    return bool(rel) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in rel


def shape_problems(data: Any) -> Iterator[str]:
    """One line per way `data` is not a manifest this SDK can read."""
    if not isinstance(data, dict):
        yield f"{MANIFEST}: not a JSON object"
        return
    for key, kind in (("version", str), ("tables", dict), ("files", dict)):
        if not isinstance(data.get(key), kind):
            yield f"{MANIFEST}: field {key!r} missing or malformed"
            return
    try:
        parse_version(data["version"])
    except UnknownVersionError as exc:
        yield f"{MANIFEST}: {exc}"
    for rel, meta in sorted(data["files"].items()):
        if not safe_relpath(rel) or rel == MANIFEST:
            yield f"{MANIFEST}: lists an unsafe path {rel!r}"
        elif not (
            isinstance(meta, dict)
            and isinstance(meta.get("bytes"), int)
            and isinstance(meta.get("sha256"), str)
        ):
            yield f"{rel}: manifest entry lacks `bytes` or `sha256`"
    yield from _table_problems(data["tables"], data["files"])


def _table_problems(tables: dict[str, Any], files: dict[str, Any]) -> Iterator[str]:
    for table, entry in sorted(tables.items()):
        path = entry.get("path") if isinstance(entry, dict) else None
        parts = entry.get("files") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not safe_relpath(path):
            yield f"{MANIFEST}: table {table!r} points to {path!r}, not a file"
        elif parts is None:
            if path not in files:
                yield f"{MANIFEST}: table {table!r} points to {path!r}, not a file"
        elif not isinstance(parts, list) or not parts:
            yield f"{MANIFEST}: table {table!r} lists no partition files"
        else:
            listed = sorted(f for f in files if f.startswith(f"{path}/"))
            if sorted(map(str, parts)) != listed or not all(
                str(p).endswith(".parquet") for p in parts
            ):
                yield (
                    f"{MANIFEST}: table {table!r}: partition files {parts} differ from the "
                    f"files under {path}/ ({listed})"
                )


def file_problems(
    path: Path, manifest: dict[str, Any], sha256: Hasher = sha256_file
) -> Iterator[str]:
    """One line per file that is missing, resized, altered or not listed (hidden files too)."""
    files: dict[str, dict[str, Any]] = manifest["files"]
    for rel, meta in sorted(files.items()):
        target = path / rel
        if not target.is_file():
            yield f"{rel}: missing (listed in {MANIFEST})"
            continue
        size = target.stat().st_size
        if size != meta["bytes"]:
            yield f"{rel}: size is {size} bytes, manifest says {meta['bytes']}"
            continue
        actual = sha256(target)
        if actual != meta["sha256"].removeprefix("sha256:"):
            yield f"{rel}: sha256 is {actual}, manifest says {meta['sha256']}"
    for rel in release_files(path):
        if rel not in files:
            yield f"{rel}: extra file, not listed in {MANIFEST}"


def release_files(directory: Path) -> list[str]:
    """Every file under `directory` except the manifest, as sorted POSIX relative paths."""
    return sorted(
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and p.relative_to(directory).as_posix() != MANIFEST
    )


def problems(path: Path, sha256: Hasher = sha256_file) -> list[str]:
    """Every problem of the release directory `path` against its manifest (empty: intact).

    Each line starts with the file it is about (relative to `path`).
    """
    if not path.is_dir():
        return [f"{path}: not a release directory (no such directory)"]
    try:
        data = load_manifest(path)
    except UnknownVersionError:
        return [f"{MANIFEST}: missing; every release directory has one"]
    except ReleaseIntegrityError as exc:
        return [f"{MANIFEST}: {str(exc).split(': ', 1)[1]}"]
    shape = list(shape_problems(data))
    if shape:
        return shape
    return list(file_problems(path, data, sha256))
