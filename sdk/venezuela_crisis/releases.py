"""Find a release directory, read its manifest and verify every file against it.

Where releases are looked for, in order:

1. ``releases_dir=`` (else the ``VENEZUELA_CRISIS_RELEASES`` environment variable), when given;
2. the releases bundled in the installed package (``venezuela_crisis/_releases/``), or in a
   source checkout the repository's ``releases/`` next to ``sdk/``.

A release is a directory named ``X.Y.Z`` holding ``manifest.json``. Without a version the highest
semver found wins (a releases directory wins a tie with the bundle). Verified sha256 hashes are
cached per file, keyed by (path, inode, size, mtime_ns, ctime_ns), under the user cache
directory, so reopening an unchanged release reads no file twice. ctime cannot be set back by
``os.utime``, so a same-size edit whose mtime is restored is still re-hashed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import SCHEMA_VERSIONS
from .errors import ReleaseError, ReleaseIntegrityError, UnknownVersionError

ENV_RELEASES = "VENEZUELA_CRISIS_RELEASES"
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_CHUNK = 1 << 20


def semver_key(version: str) -> tuple[int, int, int]:
    """Sort key of an ``X.Y.Z`` version string."""
    match = SEMVER.match(version)
    if match is None:
        raise UnknownVersionError(f"{version!r} is not a release version (expected X.Y.Z)")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


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
            if SEMVER.match(child.name) and (child / "manifest.json").is_file():
                found.setdefault(child.name, child)
    return dict(sorted(found.items(), key=lambda kv: semver_key(kv[0])))


def locate(version: str | None, releases_dir: str | os.PathLike[str] | None = None) -> Path:
    """The directory of release `version` (newest when None); UnknownVersionError if absent."""
    dirs = search_dirs(releases_dir)
    found = available(dirs)
    where = ", ".join(str(d) for d in dirs) or "(no releases directory)"
    if version is None:
        if not found:
            raise UnknownVersionError(
                f"no release found in {where}; pass path=, releases_dir= or set {ENV_RELEASES}"
            )
        return found[max(found, key=semver_key)]
    semver_key(version)
    if version not in found:
        have = ", ".join(found) or "none"
        raise UnknownVersionError(f"release {version} not found in {where}; available: {have}")
    return found[version]


@dataclass(frozen=True)
class Release:
    """An opened, verified release directory."""

    path: Path
    manifest: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    def table_path(self, table: str) -> Path:
        """Local path of a table's Parquet file, checked to stay inside the release."""
        entry = self.manifest["tables"].get(table)
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise ReleaseIntegrityError(f"{self.path}/manifest.json: no path for table {table!r}")
        return safe_join(self.path, entry["path"])

    def table_files(self, table: str) -> list[Path]:
        """Local paths of a table's Parquet files: the file, or every Hive partition file."""
        entry = self.manifest["tables"].get(table)
        parts = entry.get("files") if isinstance(entry, dict) else None
        if parts is None:
            return [self.table_path(table)]
        if not isinstance(parts, list) or not parts or not all(isinstance(p, str) for p in parts):
            raise ReleaseIntegrityError(f"{self.path}/manifest.json: bad files for table {table!r}")
        return [safe_join(self.path, rel) for rel in parts]

    def partition_keys(self, table: str) -> list[str]:
        """Hive partition keys of a partitioned table (empty when the table is one file)."""
        entry = self.manifest["tables"].get(table)
        spec = entry.get("partitioning") if isinstance(entry, dict) else None
        keys = spec.get("keys") if isinstance(spec, dict) else None
        if not isinstance(keys, list) or not all(
            isinstance(k, str) and k.isidentifier() for k in keys
        ):
            return []
        return list(keys)


def safe_join(root: Path, relpath: str) -> Path:
    """`root / relpath`, refusing absolute paths and any path that leaves `root`."""
    rel = Path(relpath)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ReleaseIntegrityError(f"manifest lists an unsafe path {relpath!r}")
    return root / rel


def read_manifest(path: Path) -> dict[str, Any]:
    """Parse and shape-check ``manifest.json`` of the release in `path`."""
    file = path / "manifest.json"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnknownVersionError(f"{path} is not a release: it has no manifest.json") from None
    except (OSError, ValueError) as exc:
        raise ReleaseIntegrityError(f"{file}: unreadable manifest: {exc}") from None
    check_manifest_shape(data, str(file))
    return data  # type: ignore[no-any-return]


def check_manifest_shape(data: Any, where: str) -> None:
    """Raise ReleaseIntegrityError unless `data` looks like a release manifest we can read."""
    if not isinstance(data, dict):
        raise ReleaseIntegrityError(f"{where}: manifest is not a JSON object")
    for key, kind in (("version", str), ("tables", dict), ("files", dict)):
        if not isinstance(data.get(key), kind):
            raise ReleaseIntegrityError(f"{where}: manifest field {key!r} missing or malformed")
    semver_key(data["version"])
    for rel, meta in data["files"].items():
        safe_join(Path("."), rel)
        if not (
            isinstance(meta, dict)
            and isinstance(meta.get("bytes"), int)
            and isinstance(meta.get("sha256"), str)
        ):
            raise ReleaseIntegrityError(f"{where}: files[{rel!r}] needs bytes and sha256")
    missing = [t for t in SCHEMA_VERSIONS if t not in data["tables"]]
    if missing:
        raise ReleaseIntegrityError(f"{where}: manifest has no table(s) {', '.join(missing)}")
    for table, version in (data.get("schema_versions") or {}).items():
        ours = SCHEMA_VERSIONS.get(table)
        if ours is not None and semver_key(version)[0] != semver_key(ours)[0]:
            raise ReleaseError(
                f"{where}: table {table} uses schema {version}, this SDK reads "
                f"{ours.split('.')[0]}.x; install a venezuela-crisis version "
                "that matches the release"
            )


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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

    @staticmethod
    def _key(path: Path, st: os.stat_result) -> str:
        return f"{path.resolve()}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}"

    def sha256(self, path: Path, st: os.stat_result) -> str:
        key = self._key(path, st)
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
    """Check every manifest file's size and sha256, and that no unlisted file is present.

    Raises ReleaseIntegrityError naming the first bad file.
    """
    cache = cache if cache is not None else HashCache()
    files: dict[str, dict[str, Any]] = manifest["files"]
    try:
        for rel, meta in sorted(files.items()):
            file = safe_join(path, rel)
            try:
                st = file.stat()
            except FileNotFoundError:
                raise ReleaseIntegrityError(
                    f"{file}: listed in manifest.json but missing; re-download the release"
                ) from None
            if st.st_size != meta["bytes"]:
                raise ReleaseIntegrityError(
                    f"{file}: {st.st_size} bytes, manifest says {meta['bytes']}; the file was "
                    "modified or truncated; restore the published release"
                )
            actual = cache.sha256(file, st)
            if actual != meta["sha256"].removeprefix("sha256:"):
                raise ReleaseIntegrityError(
                    f"{file}: sha256 {actual} does not match manifest {meta['sha256']}; the file "
                    "was modified; restore the published release"
                )
        listed = {Path(rel) for rel in files} | {Path("manifest.json")}
        for extra in sorted(path.rglob("*")):
            # hidden files count too: `vzcrisis verify` and the SDK must agree on every release
            if extra.is_file() and extra.relative_to(path) not in listed:
                raise ReleaseIntegrityError(
                    f"{extra}: not listed in manifest.json; remove it or restore the release"
                )
    finally:
        cache.save()


def manifest_sha256(path: Path) -> str:
    """Hex sha256 of the release's manifest.json: one hash that pins every file of the release."""
    return sha256_file(path / "manifest.json")


def open_release(
    path: Path, *, verify_files: bool = True, pin_sha256: str | None = None
) -> Release:
    """Read and (by default) verify the release in directory `path`.

    `pin_sha256` pins the manifest itself (the root of trust): when given, manifest.json must
    have exactly that sha256, so a release whose files *and* manifest were rewritten is refused.
    """
    if not path.is_dir():
        raise UnknownVersionError(f"{path} is not a directory holding a release")
    if pin_sha256 is not None:
        actual = manifest_sha256(path) if (path / "manifest.json").is_file() else "(missing)"
        if actual != pin_sha256.removeprefix("sha256:"):
            raise ReleaseIntegrityError(
                f"{path / 'manifest.json'}: sha256 {actual} is not the pinned {pin_sha256}; "
                "this is not the release you pinned"
            )
    manifest = read_manifest(path)
    if verify_files:
        verify(path, manifest)
    release = Release(path=path, manifest=manifest)
    for table in SCHEMA_VERSIONS:
        for file in release.table_files(table):
            if not file.is_file():
                raise ReleaseIntegrityError(f"{file}: table file missing")
    return release
