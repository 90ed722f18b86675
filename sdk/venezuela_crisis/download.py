"""Download a release published at an http(s) URL into the user cache, verified, once.

``<url>/manifest.json`` is fetched first; every file it lists is streamed into a temporary
directory, checked for size and sha256 while it arrives, and the directory is renamed to
``$XDG_CACHE_HOME/venezuela-crisis/releases/<version>/`` only when all files are good. A URL whose
last segment is a version already in the cache opens without any network access.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .errors import ReleaseError, ReleaseIntegrityError
from .format.manifest import read_manifest, shape_problems
from .format.versions import is_version
from .releases import cache_dir, verify

TIMEOUT_S = 60.0
_CHUNK = 1 << 16


def is_url(text: str) -> bool:
    """True for an http:// or https:// address."""
    return text.startswith(("https://", "http://"))


def download_dir() -> Path:
    """Where downloaded releases are kept: ``<cache dir>/releases``."""
    return cache_dir() / "releases"


def fetch_release(url: str) -> Path:
    """Local, verified copy of the release at `url` (downloaded when not yet cached)."""
    base = url.rstrip("/")
    last = base.rsplit("/", 1)[-1]
    if is_version(last):
        cached: Path = download_dir() / last
        if (cached / "manifest.json").is_file():
            try:
                verify(cached, read_manifest(cached))
                return cached
            except ReleaseError:
                shutil.rmtree(cached, ignore_errors=True)
    manifest_bytes = _get(f"{base}/manifest.json")
    try:
        manifest: dict[str, Any] = json.loads(manifest_bytes)
    except ValueError as exc:
        raise ReleaseIntegrityError(f"{base}/manifest.json is not JSON: {exc}") from None
    problem = next(shape_problems(manifest), None)
    if problem is not None:
        raise ReleaseIntegrityError(f"{base}/{problem}")
    target: Path = download_dir() / str(manifest["version"])
    if (target / "manifest.json").is_file():
        try:
            verify(target, read_manifest(target))
            return target
        except ReleaseError:
            shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{manifest['version']}-"))
    try:
        for rel, meta in sorted(manifest["files"].items()):
            _download_file(f"{base}/{rel}", tmp / rel, meta)
        (tmp / "manifest.json").write_bytes(manifest_bytes)
        try:
            tmp.rename(target)
        except OSError:  # another process finished first; use its copy if it verifies
            verify(target, read_manifest(target))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _get(url: str) -> bytes:
    import urllib.request  # here, not at import: opening a local release needs no HTTP client

    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp:
            data: bytes = resp.read()
            return data
    except OSError as exc:  # urllib.error.URLError is one
        raise ReleaseError(f"cannot download {url}: {exc}; check the address and network") from None


def _download_file(url: str, dest: Path, meta: dict[str, Any]) -> None:
    import urllib.request

    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp, dest.open("wb") as out:
            while chunk := resp.read(_CHUNK):
                size += len(chunk)
                if size > meta["bytes"]:
                    break
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:  # urllib.error.URLError is one
        raise ReleaseError(f"cannot download {url}: {exc}; check the address and network") from None
    expected = str(meta["sha256"]).removeprefix("sha256:")
    if size != meta["bytes"] or digest.hexdigest() != expected:
        raise ReleaseIntegrityError(
            f"{url}: downloaded {size} bytes with sha256 {digest.hexdigest()}, manifest says "
            f"{meta['bytes']} bytes and {expected}; nothing was kept"
        )
