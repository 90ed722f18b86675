"""The site as `vzcrisis serve` runs it, in process: a release database with our metadata,
templates and plugins (Datasette's own test client, no server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasette.app import Datasette
from vzcrisis.site.metadata import build_metadata
from vzcrisis.site.serve import PLUGINS, TEMPLATES


def site(db: Path, **settings: Any) -> Datasette:
    """Datasette over `db` (immutable) with the generated metadata, templates and plugins."""
    return Datasette(
        immutables=[str(db)],
        metadata=build_metadata(),
        template_dir=str(TEMPLATES),
        plugins_dir=str(PLUGINS),
        settings=settings or None,
    )


def sample_site(folder: Path) -> Datasette:
    """The site over the small sample release (``_datasette_sample``), written into `folder`."""
    from vzcrisis.site.sqlite import DB_FILE, build_sqlite

    from tests.build import _datasette_sample

    _datasette_sample.write_sample_release(folder)
    build_sqlite(folder, folder / DB_FILE)
    return site(folder / DB_FILE)
