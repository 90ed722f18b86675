"""CLI commands: synth (see the library module they call: vzcrisis.synth.corpus)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import JsonOption, RecordFormatOption, RootOption, print_json, run


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""

    @app.command("synth")
    def synth_command(
        records: Annotated[
            int, typer.Option("--records", help="Total number of curated records to generate.")
        ],
        out: Annotated[
            Path,
            typer.Option("--out", help="New (or empty) directory for the synthetic project."),
        ],
        seed: Annotated[
            int, typer.Option("--seed", help="Random seed; same seed, same bytes.")
        ] = 0,
        fmt: RecordFormatOption = "yaml",
        root: RootOption = Path("."),
        as_json: JsonOption = False,
    ) -> None:
        """Generate a deterministic, valid synthetic project (articles, records, schema/)."""
        from ..synth.corpus import synth

        result = run(
            lambda: synth(out, records, seed=seed, fmt=fmt, schema_dir=root / "schema")  # type: ignore[arg-type]
        )
        if as_json:
            print_json(result.as_dict())
            return
        counts = ", ".join(f"{n} {t}" for t, n in result.counts.items())
        typer.echo(
            f"wrote {result.records} records ({counts}) in {result.record_files} "
            f"{result.format} files and {result.articles} articles to {result.out}"
        )
