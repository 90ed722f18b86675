"""Release and schema versions: ``X.Y.Z`` semver, no leading zeros (``01.0.0`` is refused)."""

from __future__ import annotations

import re

from ..errors import ReleaseError, UnknownVersionError

VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
"""An X.Y.Z version: three decimal numbers without leading zeros."""

LEVELS = ("patch", "minor", "major")
"""Bump levels, smallest first."""


def is_version(text: str) -> bool:
    """True when `text` is an X.Y.Z version (e.g. a release directory's name)."""
    return VERSION.match(text) is not None


def parse_version(version: str) -> tuple[int, int, int]:
    """(major, minor, patch) of an X.Y.Z version; UnknownVersionError otherwise."""
    match = VERSION.match(version) if isinstance(version, str) else None
    if match is None:
        raise UnknownVersionError(
            f"{version!r} is not a version: expected X.Y.Z without leading zeros, e.g. 1.0.0"
        )
    return int(match[1]), int(match[2]), int(match[3])


def bump_of(previous: str, version: str) -> str:
    """Which component `version` bumps relative to `previous`: major, minor or patch."""
    old, new = parse_version(previous), parse_version(version)
    if new[0] != old[0]:
        return "major"
    return "minor" if new[1] != old[1] else "patch"


def next_version(previous: str, bump: str) -> str:
    """The version after `previous` for a bump level."""
    major, minor, patch = parse_version(previous)
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def sdk_major() -> int:
    """The release major this SDK reads (its own major): every release N.x.y, and no other."""
    from .. import __version__

    return parse_version(__version__)[0]


def readable(version: str) -> bool:
    """True when this SDK reads release `version` (same major)."""
    return parse_version(version)[0] == sdk_major()


def check_readable(version: str, where: str) -> None:
    """Refuse a release whose major is not the one this SDK reads (naming both versions)."""
    if not readable(version):
        from .. import __version__

        major = parse_version(version)[0]
        raise ReleaseError(
            f"{where}: release {version} is major {major}; this SDK (venezuela-crisis "
            f"{__version__}) reads releases {sdk_major()}.x only; install venezuela-crisis "
            f"{major}.x to read it"
        )


def check_schema_majors(schema_versions: dict[str, str], ours: dict[str, str], where: str) -> None:
    """Refuse a release whose table schema has another major than this SDK's for that table."""
    for table, version in sorted(schema_versions.items()):
        mine = ours.get(table)
        if mine is not None and parse_version(version)[0] != parse_version(mine)[0]:
            raise ReleaseError(
                f"{where}: table {table} uses schema {version}, this SDK reads "
                f"{mine.split('.')[0]}.x; install a venezuela-crisis version that matches "
                "the release"
            )
