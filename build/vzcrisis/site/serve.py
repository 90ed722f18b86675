"""Serve a release's SQLite database in Datasette, with our metadata, templates and plugin.

Datasette runs in immutable mode (``-i``, the database given once) so counts are cached and the
file hash is published; ``datasette inspect`` writes the counts to a temporary inspect file first.
Settings (documented in ``SETTINGS``):

* ``sql_time_limit_ms 1000`` and ``max_returned_rows 1000``: arbitrary SQL stays cheap.
* ``allow_download on``: the database page offers the ``.db`` file. It is the very file
  published in the versioned release (same sha256), so nothing new is exposed.
* ``truncate_cells_html 400``: long article texts do not swamp table pages (row pages and JSON
  keep everything).
* ``suggest_facets off``: Datasette would run one to three queries per column (``group by``,
  ``json_type``, ``date``) on every table page to suggest facets -- ~60 queries, 800 ms of the
  1 s an events page took at 100k records. Our plugin lists the facets worth a click instead
  (``browsing.MORE_FACETS``), computed only when clicked.
* ``facet_time_limit_ms 200`` (Datasette's default, pinned): at a million records every default
  facet of an unfiltered page counts an index or a link table (90 ms at most over 1.2 million
  citations). A filtered or searched page counts its default facets from columns held in
  memory after one query listing its rows (``facet_columns``: ~20 ms for 100,000 hits at 1M
  records); only that query, or a facet counted by SQL, can time out: the page names the facet
  and a narrower filter shows it, where a higher limit would slow every such page. On a page
  with a search alone or filtered by values alone, that query also gives the page its count
  and rows (the ``vz_search`` plugin), so it runs first, within ``sql_time_limit_ms`` like the
  row query it replaces.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from venezuela_crisis.errors import ReleaseError, UnknownVersionError
from venezuela_crisis.releases import available

from .metadata import METADATA_FILE, write_metadata
from .sqlite import DB_FILE

DATASETTE_DIR = Path(__file__).resolve().parent / "datasette"
TEMPLATES = DATASETTE_DIR / "templates"
PLUGINS = DATASETTE_DIR / "plugins"

SETTINGS: dict[str, str] = {
    "sql_time_limit_ms": "1000",
    "max_returned_rows": "1000",
    "allow_download": "on",
    "truncate_cells_html": "400",
    "suggest_facets": "off",
    "facet_time_limit_ms": "200",
}
"""Datasette settings passed with ``--setting NAME VALUE`` (see the module docstring)."""


@dataclass(frozen=True)
class ServePlan:
    """What `serve_release` runs: the database, metadata and the Datasette arguments."""

    version: str
    db: Path
    metadata: Path
    """The project's ``datasette-metadata.json``; generated into a temporary file if absent."""
    host: str
    port: int

    def args(self, inspect_file: Path) -> list[str]:
        """Arguments of ``datasette serve`` (without the program name)."""
        out = ["serve", "-i", str(self.db), "-m", str(self.metadata)]
        out += ["--template-dir", str(TEMPLATES), "--plugins-dir", str(PLUGINS)]
        out += ["--inspect-file", str(inspect_file)]
        for name, value in SETTINGS.items():
            out += ["--setting", name, value]
        return [*out, "--host", self.host, "--port", str(self.port)]

    @property
    def url(self) -> str:
        """Where the site answers."""
        return f"http://{self.host}:{self.port}/"


def release_versions(root: Path) -> list[str]:
    """Versions under ``releases/`` (X.Y.Z directories with a manifest), oldest first."""
    return list(available([root / "releases"]))


def plan_serve(
    root: Path, version: str | None = None, host: str = "127.0.0.1", port: int = 8001
) -> ServePlan:
    """Find the release database and the metadata; raise a clear error when missing."""
    versions = release_versions(root)
    if version is None:
        if not versions:
            raise UnknownVersionError(
                f"no release under {root / 'releases'}; build one with `vzcrisis release`"
            )
        version = versions[-1]
    elif version not in versions:
        known = ", ".join(versions) or "none"
        raise UnknownVersionError(f"release {version} not found (known: {known})")
    db = root / "releases" / version / DB_FILE
    if not db.is_file():
        raise ReleaseError(f"{db}: missing; rebuild release {version} with `vzcrisis release`")
    return ServePlan(version, db, root / METADATA_FILE, host, port)


def _datasette(args: list[str]) -> None:
    """Run the datasette command line in this process (exit code 0 or raise)."""
    from datasette.cli import cli

    cli.main(args=args, prog_name="datasette", standalone_mode=False)


def serve_release(
    root: Path, version: str | None = None, host: str = "127.0.0.1", port: int = 8001
) -> None:
    """Serve a release (the newest unless `version` is given) until interrupted."""
    plan = plan_serve(root, version, host, port)
    with tempfile.TemporaryDirectory(prefix="vzcrisis-inspect-") as tmp:
        inspect_file = Path(tmp) / "inspect.json"
        if not plan.metadata.is_file():
            plan = replace(plan, metadata=write_metadata(Path(tmp)))
        _datasette(["inspect", str(plan.db), "--inspect-file", str(inspect_file)])
        print(f"Serving release {plan.version} at {plan.url}", file=sys.stderr, flush=True)
        _datasette(plan.args(inspect_file))
