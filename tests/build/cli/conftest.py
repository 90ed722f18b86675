"""Shared by the CLI tests: the SDK's cache of verified hashes stays out of the user's home, and
no releases directory from the environment leaks in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        mp.delenv("VENEZUELA_CRISIS_RELEASES", raising=False)
        yield
