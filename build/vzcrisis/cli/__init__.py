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

for _module in (validate, release, query, site, synth, curate):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
