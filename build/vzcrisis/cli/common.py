"""Shared CLI plumbing: every option more than one command takes, error-to-exit-code mapping,
JSON output.

An option whose meaning (and help) differs between commands has one alias per meaning, e.g.
``--version`` of a new release, of the release to serve and of the release to query.
"""

from __future__ import annotations

import json
import re
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
SdkJsonOption = Annotated[
    bool, typer.Option("--json", help="Same as --format json: the SDK result.")
]
OutputFormatOption = Annotated[
    str, typer.Option("--format", help="Output: table (default), json or csv.")
]
RecordFormatOption = Annotated[
    str, typer.Option("--format", help="Record file format: yaml, or jsonl (bulk input).")
]
ReleaseVersionOption = Annotated[
    str,
    typer.Option(
        "--version",
        help="Semver X.Y.Z of the new release; must agree with the changes since the previous.",
    ),
]
ServeVersionOption = Annotated[
    str | None, typer.Option("--version", help="Release X.Y.Z to serve (default: the newest).")
]
OpenVersionOption = Annotated[
    str | None, typer.Option("--version", help="Release version X.Y.Z to open (default: newest).")
]
PathOption = Annotated[
    str | None, typer.Option("--path", help="A release directory or an https:// URL of one.")
]
ReleaseDateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="Release date YYYY-MM-DD (default: the latest review date among released records).",
    ),
]
DecisionDateOption = Annotated[
    str | None, typer.Option("--date", help="Decision date YYYY-MM-DD (default: today).")
]
PortOption = Annotated[int, typer.Option("--port", help="Port to listen on.")]
HostOption = Annotated[
    str, typer.Option("--host", help="Interface to bind (default: this machine only).")
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        min=1,
        help="Worker processes checking record files (default: the CPUs for big projects, "
        "else 1). The result does not depend on it.",
    ),
]


def releases_dir(root: Path) -> Path | None:
    """The project's ``releases/`` when it exists: searched before the bundled releases (the
    query commands and ``serve`` find releases the same way, ``venezuela_crisis.releases``)."""
    releases = root / "releases"
    return releases if releases.is_dir() else None


CLI_HINTS: tuple[tuple[str, str], ...] = (
    ("see vc.actors() for every actor", "list every actor with `vzcrisis actors`"),
    ("(see vc.citations(record_id))", "(list them with `vzcrisis citations RECORD_ID`)"),
    (
        "pass path=, releases_dir= or set VENEZUELA_CRISIS_RELEASES",
        "pass --path, --root PROJECT (with a releases/ directory) or set VENEZUELA_CRISIS_RELEASES",
    ),
)
"""SDK hints in error messages and the CLI's words for them."""

_KEYWORD = re.compile(r"(^|is after )([a-z]+(?:_[a-z]+)*)=")
"""A filter named as a Python keyword argument where the SDK's messages name one: at the start
(``since='x' is not a date``) and in ``since=… is after until=…``; never inside SQL text."""


def for_cli(message: str) -> str:
    """An SDK error message in the CLI's words: its hints name commands and options, not
    Python calls (``since='x'`` -> ``--since 'x'``, ``vc.actors()`` -> ``vzcrisis actors``)."""
    for sdk, cli in CLI_HINTS:
        message = message.replace(sdk, cli)
    return _KEYWORD.sub(lambda m: m.group(1) + "--" + m.group(2).replace("_", "-") + " ", message)


def run(fn: Callable[[], T]) -> T:
    """Call a library function; print its problems one per line and exit 1 on a known error
    (messages in the CLI's words, `for_cli`)."""
    try:
        return fn()
    except InputError as exc:
        for line in exc.problems:
            typer.echo(line, err=True)
        raise typer.Exit(1) from None
    except VenezuelaCrisisError as exc:
        typer.echo(f"error: {for_cli(str(exc))}", err=True)
        raise typer.Exit(1) from None


def print_json(data: Any) -> None:
    """Print data as stable, indented JSON (what --json promises)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str))
    sys.stdout.write("\n")
