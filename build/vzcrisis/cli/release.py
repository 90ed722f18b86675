"""CLI commands: release (vzcrisis.release.build) and verify (vzcrisis.release.verify).

The library modules are imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    JobsOption,
    JsonOption,
    ReleaseDateOption,
    ReleaseVersionOption,
    RootOption,
    print_json,
    run,
)

PartitionOption = Annotated[
    list[str] | None,
    typer.Option(
        "--partition",
        help="Write TABLE as Hive partitions of its date, e.g. events=year,month (repeatable).",
    ),
]
ReleasePath = Annotated[
    Path,
    typer.Argument(help="Release directory, e.g. releases/1.0.0 (relative to --root)."),
]


def release(
    version: ReleaseVersionOption,
    date: ReleaseDateOption = None,
    root: RootOption = Path("."),
    as_json: JsonOption = False,
    partition: PartitionOption = None,
    jobs: JobsOption = None,
) -> None:
    """Validate, then build the immutable release releases/VERSION (Parquet, SQLite, docs)."""
    from ..release.build import build_release

    release_date = _parse_date(date)
    parts = _parse_partition(partition or [])
    result = run(
        lambda: build_release(
            root,
            version,
            release_date=release_date,
            show_progress=None,
            partition=parts,
            jobs=jobs,
        )
    )
    if as_json:
        print_json(result.to_dict())
    else:
        typer.echo(result.summary())


def verify(path: ReleasePath, root: RootOption = Path("."), as_json: JsonOption = False) -> None:
    """Check every file of a release against its manifest (size, sha256, no extra files)."""
    from ..release.verify import verify_release

    target = path if path.is_absolute() else root / path
    problems = run(lambda: verify_release(target))
    if as_json:
        print_json(problems)
    elif not problems:
        typer.echo(f"{path}: every file matches manifest.json")
    for problem in problems if not as_json else []:
        typer.echo(f"{path}/{problem}", err=True)
    if problems:
        raise typer.Exit(1)


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        typer.echo(f"--date: {value!r} is not a date YYYY-MM-DD", err=True)
        raise typer.Exit(1) from None


def _parse_partition(values: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for value in values:
        table, sep, keys = value.partition("=")
        if not sep or not table or not keys:
            raise typer.BadParameter(
                f"{value!r}: expected TABLE=KEY[,KEY], e.g. events=year,month",
                param_hint="--partition",
            )
        out[table.strip()] = tuple(k.strip() for k in keys.split(","))
    return out


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command()(release)
    app.command()(verify)
