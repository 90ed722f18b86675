"""Shared CLI plumbing: the --root option, error-to-exit-code mapping, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from venezuela_crisis.errors import InputError, VenezuelaCrisisError

T = TypeVar("T")

RootOption = Annotated[
    Path,
    typer.Option(
        "--root", help="Project directory (holds seeds/, schema/, releases/).", file_okay=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the library result as JSON.")]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        min=1,
        help="Worker processes checking record files (default: the CPUs for big projects, "
        "else 1). The result does not depend on it.",
    ),
]


def run(fn: Callable[[], T]) -> T:
    """Call a library function; print its problems one per line and exit 1 on a known error."""
    try:
        return fn()
    except InputError as exc:
        for line in exc.problems:
            typer.echo(line, err=True)
        raise typer.Exit(1) from None
    except VenezuelaCrisisError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def print_json(data: Any) -> None:
    """Print data as stable, indented JSON (what --json promises)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str))
    sys.stdout.write("\n")
