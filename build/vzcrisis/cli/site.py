"""CLI commands: serve, run (vzcrisis.site.serve) and datasette-metadata (vzcrisis.site.metadata).

Datasette, sqlite-utils and the release builder are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import typer

from .common import HostOption, PortOption, RootOption, ServeVersionOption, run

FIRST_VERSION = "1.0.0"

SDK_EXAMPLE = """from venezuela_crisis import VenezuelaCrisis
vc = VenezuelaCrisis()
print(vc.demands(by="Maduro"))"""


def serve(
    version: ServeVersionOption = None,
    port: PortOption = 8001,
    host: HostOption = "127.0.0.1",
    root: RootOption = Path("."),
) -> None:
    """Serve a release in Datasette (read-only, immutable) until interrupted."""
    from ..site.serve import serve_release

    run(lambda: serve_release(root, version, host, port))


def run_site(
    port: PortOption = 8001, host: HostOption = "127.0.0.1", root: RootOption = Path(".")
) -> None:
    """Build the first release if none exists, print an SDK example and the URL, then serve."""
    from ..release.build import build_release
    from ..site.serve import release_versions, serve_release

    if not release_versions(root):
        result = run(lambda: build_release(root, FIRST_VERSION))
        typer.echo(result.summary())
    typer.echo(f"\nSDK in three lines:\n\n{SDK_EXAMPLE}\n")
    typer.echo(f"Datasette: http://{host}:{port}/  (timeline: http://{host}:{port}/timeline)\n")
    run(lambda: serve_release(root, None, host, port))


def datasette_metadata(root: RootOption = Path(".")) -> None:
    """Write datasette-metadata.json from the data model (descriptions, facets, queries)."""
    from ..site.metadata import write_metadata

    path = run(lambda: write_metadata(root))
    typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command()(serve)
    app.command("run")(run_site)
    app.command("datasette-metadata")(datasette_metadata)
