"""Fixtures shared by the site tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.plugins import pm
from vzcrisis.release.build import build_release
from vzcrisis.site.metadata import build_metadata
from vzcrisis.site.serve import PLUGINS
from vzcrisis.site.sqlite import DB_FILE
from vzcrisis.synth.corpus import synth

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def synth_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-record synthetic corpus (lists of actors, sanctions, disputes), released by the
    real builder; built once per session, read only."""
    project = tmp_path_factory.mktemp("synth") / "project"
    synth(project, 2000, seed=0, fmt="jsonl", schema_dir=ROOT / "schema")
    build_release(project, "1.0.0")
    return project / "releases" / "1.0.0" / DB_FILE


@contextmanager
def plain_datasette(db: Path, **settings: Any) -> Iterator[Datasette]:
    """Datasette over `db` with the generated metadata and none of our plugins: Datasette
    registers a ``--plugins-dir`` plugin for the whole process, so an instance made after
    `tests.build._site.site` would run them too. They are left out while the block runs
    (its requests), then registered again."""
    ours = [p for p in pm.get_plugins() if str(getattr(p, "__file__", "")).startswith(str(PLUGINS))]
    for plugin in ours:
        pm.unregister(plugin)
    try:
        yield Datasette(immutables=[str(db)], metadata=build_metadata(), settings=settings or None)
    finally:
        for plugin in ours:
            pm.register(plugin)


@pytest.fixture
def plain() -> Callable[..., AbstractContextManager[Datasette]]:
    """`plain_datasette`: compare a page with Datasette's own, our plugins left out."""
    return plain_datasette
