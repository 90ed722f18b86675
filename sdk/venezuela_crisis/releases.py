"""Find a release directory and open it: manifest read, major checked, every file verified.

Where releases are looked for, in order:

1. ``releases_dir=`` (else the ``VENEZUELA_CRISIS_RELEASES`` environment variable), when given;
2. the releases bundled in the installed package (``venezuela_crisis/_releases/``), or in a
   source checkout the repository's ``releases/`` next to ``sdk/``.

A release is a directory named ``X.Y.Z`` holding ``manifest.json``. Without a version the
highest version this SDK reads (its own major) in the releases directory you name wins, else
the highest in the bundle; a pinned version is looked up in both (the directory first). The
format itself (layout, manifest, verification, versions) is ``venezuela_crisis.format``; this
module adds where to look and a cache of verified hashes:
sha256 per file, keyed by (path, inode, size, mtime_ns, ctime_ns), under the user cache
directory, so reopening an unchanged release reads no file twice. ctime cannot be set back by
``os.utime``, so a same-size edit whose mtime is restored is still re-hashed.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import SCHEMA_VERSIONS
from .errors import ReleaseIntegrityError, UnknownVersionError
from .format.layout import Layout
from .format.manifest import (
    MANIFEST,
    file_problems,
    manifest_sha256,
    read_manifest,
    sha256_file,
)
from .format.versions import (
    check_readable,
    check_schema_majors,
    is_version,
    parse_version,
    readable,
)

ENV_RELEASES = "VENEZUELA_CRISIS_RELEASES"


def cache_dir() -> Path:
    """The SDK's user cache directory: ``$XDG_CACHE_HOME/venezuela-crisis`` (~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "venezuela-crisis"


def bundled_dir() -> Path | None:
    """Releases shipped with the package; in a source checkout, the repository's releases/."""
    here = Path(__file__).resolve().parent
    packaged = here / "_releases"
    if packaged.is_dir():
        return packaged
    repo = here.parent.parent
    if (repo / "pyproject.toml").is_file() and (repo / "sdk").is_dir():
        return repo / "releases"
    return None


def search_dirs(releases_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Directories searched for releases, in priority order."""
    dirs: list[Path] = []
    explicit = releases_dir if releases_dir is not None else os.environ.get(ENV_RELEASES)
    if explicit:
        dirs.append(Path(explicit).expanduser())
    bundled = bundled_dir()
    if bundled is not None:
        dirs.append(bundled)
    return dirs


def available(dirs: Iterable[Path]) -> dict[str, Path]:
    """Every release version found in `dirs` -> its directory (first directory wins)."""
    found: dict[str, Path] = {}
    for d in dirs:
        if not d.is_dir():
            continue
        for child in d.iterdir():
            if is_version(child.name) and (child / MANIFEST).is_file():
                found.setdefault(child.name, child)
    return dict(sorted(found.items(), key=lambda kv: parse_version(kv[0])))


def locate(version: str | None, releases_dir: str | os.PathLike[str] | None = None) -> Path:
    """The directory of release `version` (newest when None); UnknownVersionError if absent."""
    dirs = search_dirs(releases_dir)
    found = available(dirs)
    where = ", ".join(str(d) for d in dirs) or "(no releases directory)"
    if version is None:
        ours = [v for v in found if readable(v)]
        explicit = [v for v in ours if found[v].parent == dirs[0]] if len(dirs) > 1 else []
        ours = explicit or ours  # a releases directory you name wins over the bundle
        if not ours:
            others = f" (only {', '.join(found)}, of another major)" if found else ""
            raise UnknownVersionError(
                f"no release this SDK reads found in {where}{others}; pass path=, "
                f"releases_dir= or set {ENV_RELEASES}"
            )
        return found[max(ours, key=parse_version)]
    parse_version(version)
    if version not in found:
        have = ", ".join(found) or "none"
        raise UnknownVersionError(f"release {version} not found in {where}; available: {have}")
    return found[version]


@dataclass(frozen=True)
class Release:
    """An opened, verified release directory."""

    path: Path
    manifest: dict[str, Any]
    layout: Layout

    @property
    def version(self) -> str:
        return str(self.manifest["version"])


class HashCache:
    """sha256 per file keyed by (path, inode, size, mtime_ns, ctime_ns), as JSON in the cache dir.

    Only an optimisation: an unreadable or unwritable cache is ignored.
    """

    def __init__(self, file: Path | None = None) -> None:
        self.file = file or cache_dir() / "verified-hashes.json"
        self._data: dict[str, str] = {}
        self._dirty = False
        try:
            loaded = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._data = {str(k): str(v) for k, v in loaded.items()}
        except (OSError, ValueError):
            pass

    def sha256(self, path: Path) -> str:
        """Hex sha256 of `path`, from the cache when the file is unchanged."""
        st = path.stat()
        key = f"{path.resolve()}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}"
        if key not in self._data:
            self._data[key] = sha256_file(path)
            self._dirty = True
        return self._data[key]

    def save(self) -> None:
        if not self._dirty:
            return
        # forget files that are gone, so the cache does not grow without bound
        self._data = {k: v for k, v in self._data.items() if Path(k.split("|")[0]).exists()}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".hashes-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self._data, fh)
            os.replace(tmp, self.file)
            self._dirty = False
        except OSError:
            pass


def verify(path: Path, manifest: dict[str, Any], cache: HashCache | None = None) -> None:
    """Raise ReleaseIntegrityError naming the first file that is missing, resized, altered or
    not listed (``format.manifest.file_problems``, what ``vzcrisis verify`` reports)."""
    cache = cache if cache is not None else HashCache()
    try:
        problem = next(file_problems(path, manifest, cache.sha256), None)
    finally:
        cache.save()
    if problem is not None:
        raise ReleaseIntegrityError(
            f"{path}/{problem}; the release was modified: restore or re-download it"
        )


def open_release(
    path: Path,
    *,
    verify_files: bool = True,
    pin_sha256: str | None = None,
    any_major: bool = False,
) -> Release:
    """Read and (by default) verify the release in directory `path`.

    `pin_sha256` pins the manifest itself (the root of trust): when given, manifest.json must
    have exactly that sha256, so a release whose files *and* manifest were rewritten is refused.
    A release of another major than this SDK's is refused, naming both versions (unless
    `any_major`: ``vc.diff`` compares the files of any release).
    """
    if not path.is_dir():
        raise UnknownVersionError(f"{path} is not a directory holding a release")
    if pin_sha256 is not None:
        actual = manifest_sha256(path) if (path / MANIFEST).is_file() else "(missing)"
        if actual != pin_sha256.removeprefix("sha256:"):
            raise ReleaseIntegrityError(
                f"{path / MANIFEST}: sha256 {actual} is not the pinned {pin_sha256}; "
                "this is not the release you pinned"
            )
    manifest = read_manifest(path)
    if not any_major:
        check_readable(manifest["version"], str(path / MANIFEST))
        versions = manifest.get("schema_versions") or {}
        check_schema_majors(dict(versions), SCHEMA_VERSIONS, str(path / MANIFEST))
    if verify_files:
        verify(path, manifest)
    layout = Layout.from_manifest(path, manifest)
    for entry in layout.tables.values():
        for file in entry.files:
            if not file.is_file():
                raise ReleaseIntegrityError(f"{file}: table file missing")
    return Release(path=path, manifest=manifest, layout=layout)
