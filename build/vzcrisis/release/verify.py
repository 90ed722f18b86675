"""Verify a release directory against its manifest: every file present, right size and sha256.

``verify_release(path)`` returns one line per problem (empty when the release is intact); each
line starts with the file it is about.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from .manifest import MANIFEST, read_manifest, release_files, sha256_file


def verify_release(path: Path) -> list[str]:
    """Problems found in the release at `path`: missing, extra, resized or altered files."""
    if not path.is_dir():
        return [f"{path}: not a release directory (no such directory)"]
    try:
        manifest = read_manifest(path)
    except FileNotFoundError:
        return [f"{MANIFEST}: missing; every release directory has one"]
    except (OSError, ValueError) as exc:
        return [f"{MANIFEST}: unreadable or not valid JSON ({exc})"]
    files = manifest.get("files")
    if not isinstance(files, dict):
        return [f"{MANIFEST}: has no `files` mapping"]
    problems: list[str] = []
    for rel in sorted(files):
        problems.extend(_check_file(path, rel, files[rel]))
    for rel in release_files(path):
        if rel not in files:
            problems.append(f"{rel}: extra file, not listed in {MANIFEST}")
    problems.extend(_check_tables(manifest, files))
    return problems


def _check_file(path: Path, rel: str, entry: Any) -> list[str]:
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or rel == MANIFEST:
        return [f"{rel}: not a valid path inside the release"]
    if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
        return [f"{rel}: manifest entry lacks `bytes` or `sha256`"]
    target = path / rel
    if not target.is_file():
        return [f"{rel}: missing (listed in {MANIFEST})"]
    size = target.stat().st_size
    if size != entry.get("bytes"):
        return [f"{rel}: size is {size} bytes, manifest says {entry.get('bytes')}"]
    actual = sha256_file(target)
    if actual != entry["sha256"]:
        return [f"{rel}: sha256 is {actual}, manifest says {entry['sha256']}"]
    return []


def _check_tables(manifest: dict[str, Any], files: dict[str, Any]) -> list[str]:
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        return [f"{MANIFEST}: has no `tables` mapping"]
    problems: list[str] = []
    for table, entry in sorted(tables.items()):
        table_path = entry.get("path") if isinstance(entry, dict) else None
        parts = entry.get("files") if isinstance(entry, dict) else None
        if parts is None:
            if not isinstance(table_path, str) or table_path not in files:
                problems.append(f"{MANIFEST}: table {table!r} points to {table_path!r}, not a file")
            continue
        if not isinstance(parts, list) or not parts or not isinstance(table_path, str):
            problems.append(f"{MANIFEST}: table {table!r} lists no partition files")
            continue
        listed = sorted(f for f in files if f.startswith(f"{table_path}/"))
        if sorted(parts) != listed or not all(str(p).endswith(".parquet") for p in parts):
            problems.append(
                f"{MANIFEST}: table {table!r}: partition files {parts} differ from the files "
                f"under {table_path}/ ({listed})"
            )
    return problems
