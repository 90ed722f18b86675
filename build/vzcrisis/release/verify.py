"""`vzcrisis verify`: a release directory against its manifest.

The check itself is the SDK's (``venezuela_crisis.format.manifest.problems``): the same one the
SDK runs before opening a release, so the two can never disagree. This module only names it
for the publisher.
"""

from __future__ import annotations

from pathlib import Path

from venezuela_crisis.format.manifest import problems


def verify_release(path: Path) -> list[str]:
    """Problems found in the release at `path` (missing, extra, resized or altered files, a bad
    manifest), one line each starting with the file; empty when the release is intact."""
    return problems(path)
