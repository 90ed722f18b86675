"""CLI commands: validate (vzcrisis.validate.project) and schemas (vzcrisis.records.schemas).

Library modules are imported inside the commands, so `vzcrisis --help` and `vzcrisis validate`
do not load sqlite-utils, pyarrow or DuckDB.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer

from .common import JobsOption, JsonOption, RootOption, print_json, run


def validate(
    root: RootOption = Path("."), as_json: JsonOption = False, jobs: JobsOption = None
) -> None:
    """Check every curated record; print all problems (one line each) or a one-line summary."""
    from ..progress import Progress
    from ..validate.project import scan_project

    def check() -> tuple[Any, list[Any]]:
        progress = Progress.create()
        if progress is None:
            return scan_project(root, jobs=jobs)
        with progress:
            return scan_project(root, progress=progress, jobs=jobs)

    project, problems = run(check)
    if as_json:
        print_json([asdict(p) for p in problems] if problems else project.summary())
    else:
        for problem in problems:
            typer.echo(str(problem), err=True)
        if not problems:
            typer.echo(project.summary_line())
    if problems:
        raise typer.Exit(1)


def schemas(root: RootOption = Path("."), as_json: JsonOption = False) -> None:
    """Write the files derived from the models: each curated table's JSON Schema, the hash
    registry, and the SDK's columns.py and literals.py (under sdk/venezuela_crisis/).

    Refuses to change a published version or to publish a breaking change without a major bump.
    """
    from ..records.schemas import write_model_files

    result = run(lambda: write_model_files(root))
    if as_json:
        print_json(result.as_dict())
        return
    for path in result.written:
        typer.echo(f"wrote {path}")
    typer.echo(f"{len(result.written)} written, {len(result.unchanged)} unchanged")


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command()(validate)
    app.command()(schemas)
