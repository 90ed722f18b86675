"""The `vzcrisis` command line: thin typer commands over library functions.

Each module in this package owns one command group and exposes ``register(app)``. Commands
call one library function and map library errors to exit codes via ``common.run``.
"""

from __future__ import annotations

import typer

from . import curate, query, release, site, synth, validate

app = typer.Typer(
    name="vzcrisis",
    help="Curate, validate, release, query and serve the venezuela-crisis dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def version_text() -> str:
    """The package version and the release bundled with it (the newest this SDK reads)."""
    from venezuela_crisis import __version__
    from venezuela_crisis.format.versions import readable
    from venezuela_crisis.releases import available, bundled_dir

    bundle = bundled_dir()
    found = [v for v in available([bundle]) if readable(v)] if bundle is not None else []
    release = found[-1] if found else "none"
    return f"venezuela-crisis {__version__} (bundled release {release})"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(version_text())
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        callback=_print_version,
        help="Print the package version and the bundled release, then exit.",
    ),
) -> None:
    """Curate, validate, release, query and serve the venezuela-crisis dataset."""


for _module in (validate, release, query, site, synth, curate):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
