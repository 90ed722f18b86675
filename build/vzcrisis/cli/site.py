"""CLI commands: serve, run (a release in Datasette) and datasette-metadata (vzcrisis.site).

``serve`` finds its release as the query commands do (``common.releases_dir``, then the
releases bundled with the package: ``venezuela_crisis.releases.locate``), so it works outside
the repository too, and checks that the port is free before starting Datasette. Datasette,
sqlite-utils and the release builder are imported inside the commands.
"""

from __future__ import annotations

import errno
import socket
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import typer

from .common import HostOption, PortOption, RootOption, ServeVersionOption, releases_dir, run

FIRST_VERSION = "1.0.0"

SDK_EXAMPLE = """from venezuela_crisis import VenezuelaCrisis
vc = VenezuelaCrisis()
print(vc.demands(by="Maduro"))"""


def port_problem(host: str, port: int) -> str | None:
    """Why Datasette could not listen on host:port (taken, not allowed), or None if it can."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use; choose another with --port"
            return f"cannot listen on {host}:{port}: {exc.strerror}"
    return None


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _check_port(host: str, port: int) -> None:
    """One line and exit code 1 when the port is taken, before Datasette starts."""
    problem = port_problem(host, port)
    if problem is not None:
        _fail(problem)


def _datasette(args: list[str]) -> None:
    """Run the datasette command line in this process."""
    from datasette.cli import cli

    cli.main(args=args, prog_name="datasette", standalone_mode=False)


def _serve(root: Path, version: str | None, host: str, port: int) -> None:
    """Serve the release `version` (newest when None) found as the query commands find it."""
    from venezuela_crisis.releases import locate, open_release

    from ..site.metadata import METADATA_FILE, write_metadata
    from ..site.serve import ServePlan
    from ..site.sqlite import DB_FILE

    _check_port(host, port)
    directory = run(lambda: locate(version, releases_dir(root)))
    # verified like the query commands; Datasette reads SQLite, so any major can be served
    release = run(lambda: open_release(directory, any_major=True))
    db = directory / DB_FILE
    if not db.is_file():
        _fail(f"{db}: missing; rebuild release {release.version} with `vzcrisis release`")
    plan = ServePlan(release.version, db, root / METADATA_FILE, host, port)
    with tempfile.TemporaryDirectory(prefix="vzcrisis-inspect-") as tmp:
        inspect_file = Path(tmp) / "inspect.json"
        if not plan.metadata.is_file():
            plan = replace(plan, metadata=write_metadata(Path(tmp)))
        _datasette(["inspect", str(plan.db), "--inspect-file", str(inspect_file)])
        print(f"Serving release {plan.version} from {directory} at {plan.url}", file=sys.stderr)
        _datasette(plan.args(inspect_file))


def serve(
    version: ServeVersionOption = None,
    port: PortOption = 8001,
    host: HostOption = "127.0.0.1",
    root: RootOption = Path("."),
) -> None:
    """Serve a release in Datasette (read-only, immutable) until interrupted: the newest in
    the project's releases/, else the newest bundled one (as the query commands)."""
    _serve(root, version, host, port)


def run_site(
    port: PortOption = 8001, host: HostOption = "127.0.0.1", root: RootOption = Path(".")
) -> None:
    """Build the first release if none exists, print an SDK example and the URL, then serve."""
    from ..release.build import build_release
    from ..site.serve import release_versions

    _check_port(host, port)
    if not release_versions(root):
        result = run(lambda: build_release(root, FIRST_VERSION))
        typer.echo(result.summary())
    typer.echo(f"\nSDK in three lines:\n\n{SDK_EXAMPLE}\n")
    typer.echo(f"Datasette: http://{host}:{port}/  (timeline: http://{host}:{port}/timeline)\n")
    _serve(root, None, host, port)


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
