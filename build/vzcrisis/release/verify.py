"""`vzcrisis verify`: a release directory against its manifest.

The check itself is the SDK's (``venezuela_crisis.format.manifest.problems``): the same one the
SDK runs before opening a release, so the two can never disagree. This module names it for the
publisher and hands it the files' hashes computed side by side.
"""

from __future__ import annotations

from pathlib import Path

from venezuela_crisis.format.manifest import problems, release_files, sha256_file

from .manifest import sha256_files


def verify_release(path: Path) -> list[str]:
    """Problems found in the release at `path` (missing, extra, resized or altered files, a bad
    manifest), one line each starting with the file; empty when the release is intact. Its
    files are hashed side by side first, then checked in the SDK's order."""
    hashes = sha256_files([path / rel for rel in release_files(path)]) if path.is_dir() else {}
    return problems(path, lambda p: hashes.get(p) or sha256_file(p))
