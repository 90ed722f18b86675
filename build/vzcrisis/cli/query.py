"""CLI commands over the SDK (venezuela_crisis.VenezuelaCrisis): query, demands, events, actors,
actor, resolve, sanctions, sources, citations, disputes, disputed, timeline, diff.

Each command opens a release (``--version``/``--path``; default: the newest in the project's
``releases/`` or bundled), calls one SDK method and prints it as a table, JSON or CSV. The JSON
output is exactly the SDK result (``model_dump(mode="json")`` of every row). The SDK, pyarrow
and rich are imported when a command runs, not when the CLI starts.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from .common import (
    OpenVersionOption,
    OutputFormatOption,
    PathOption,
    RootOption,
    SdkJsonOption,
    print_json,
    run,
)

if TYPE_CHECKING:
    from venezuela_crisis import Results, VenezuelaCrisis

Format = Literal["table", "json", "csv"]

Actor = Annotated[str | None, typer.Option(help="Actor id, name or alias (e.g. Maduro).")]
Date = Annotated[str | None, typer.Option(help="Date YYYY-MM-DD (inclusive).")]
Text = Annotated[str | None, typer.Option(help="Filter value (see the SDK method).")]


def _open(root: Path, version: str | None, path: str | None) -> VenezuelaCrisis:
    from venezuela_crisis import VenezuelaCrisis

    releases = root / "releases"
    releases_dir = releases if path is None and releases.is_dir() else None
    return run(lambda: VenezuelaCrisis(version, path=path, releases_dir=releases_dir))


def _format(fmt: str, as_json: bool) -> Format:
    if as_json:
        return "json"
    if fmt not in ("table", "json", "csv"):
        typer.echo(f"--format: {fmt!r} is not one of table, json, csv", err=True)
        raise typer.Exit(1)
    return fmt  # type: ignore[return-value]


def _show(
    root: Path,
    version: str | None,
    path: str | None,
    fmt: str,
    as_json: bool,
    call: Callable[[VenezuelaCrisis], Any],
) -> None:
    import pyarrow as pa
    from pydantic import BaseModel
    from venezuela_crisis import Results

    out = _format(fmt, as_json)
    with _open(root, version, path) as vc:
        result = run(lambda: call(vc))
        if isinstance(result, Results):
            _print_results(result, out)
        elif isinstance(result, pa.Table):
            _print_rows(result.to_pylist(), list(result.column_names), out, "")
        elif isinstance(result, BaseModel):
            data = result.model_dump(mode="json")
            if out == "table":
                fields = [{"field": k, "value": v} for k, v in data.items()]
                _print_rows(fields, ["field", "value"], out, type(result).__name__)
            else:
                _print_rows([data], None, out, "", single=True)
        else:  # a dataclass (ActorMatch)
            data = dataclasses.asdict(result)
            print_json(data) if out == "json" else typer.echo(str(result))


def _print_results(results: Results[Any], out: Format) -> None:
    from rich.console import Console
    from rich.table import Table
    from venezuela_crisis.results import cell, preview_columns

    rows = results.to_dicts()
    if out == "table":
        cols = preview_columns(results.model)
        table = Table(title=repr(results).splitlines()[0], show_lines=False)
        for col in cols:
            table.add_column(col, overflow="fold")
        for row in results:
            table.add_row(*(cell(getattr(row, c, None), 80) for c in cols))
        Console(soft_wrap=False).print(table)
    else:
        _print_rows(rows, None, out, "")


def _print_rows(
    rows: list[dict[str, Any]],
    columns: list[str] | None,
    out: Format,
    title: str,
    single: bool = False,
) -> None:
    from rich.console import Console
    from rich.table import Table

    if out == "json":
        print_json(rows[0] if single else rows)
        return
    columns = columns or (list(rows[0]) if rows else [])
    if out == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(row.get(c)) for c in columns])
        return
    table = Table(title=title or f"{len(rows)} rows")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(_text(row.get(c)) for c in columns))
    Console(soft_wrap=False).print(table)


def _text(value: Any) -> str:
    if isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, dict) for v in value)
    ):
        return json.dumps(value, ensure_ascii=False, default=str)
    from venezuela_crisis.results import cell

    return cell(value, 200)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def query(
    sql: Annotated[str, typer.Argument(help="SQL over the views sources, actors, events, …")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Value bound to each ?, in order.")
    ] = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Run SQL on a release (DuckDB); values bind to ? placeholders via --param."""
    _show(root, version, path, fmt, as_json, lambda vc: vc.sql(sql, param or None))


def demands(
    by: Actor = None,
    addressed_to: Actor = None,
    status: Text = None,
    category: Text = None,
    source: Annotated[str | None, typer.Option(help="Source id the demand cites.")] = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Demands, e.g. --by Maduro --status rejected (vc.demands)."""
    kwargs = _given(by=by, addressed_to=addressed_to, status=status, category=category)
    kwargs |= _given(source=source)
    _show(root, version, path, fmt, as_json, lambda vc: vc.demands(**kwargs))


def events(
    since: Date = None,
    until: Date = None,
    type: Annotated[str | None, typer.Option(help="PLOVER type, e.g. THREATEN.")] = None,
    actor: Actor = None,
    by: Actor = None,
    recipient: Actor = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Events by date range, type and actor (vc.events)."""
    kwargs = _given(since=since, until=until, type=type, actor=actor, by=by, recipient=recipient)
    _show(root, version, path, fmt, as_json, lambda vc: vc.events(**kwargs))


def actors(
    name: Annotated[str | None, typer.Argument(help="Part of a name or alias.")] = None,
    kind: Text = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Actors whose name or alias contains NAME (vc.actors)."""
    kwargs = _given(name=name, kind=kind)
    _show(root, version, path, fmt, as_json, lambda vc: vc.actors(**kwargs))


def actor(
    name: Annotated[str, typer.Argument(help="Actor id, name or alias.")],
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "json",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """One actor by id, name or alias (vc.actor)."""
    _show(root, version, path, fmt, as_json, lambda vc: vc.actor(name))


def resolve(
    name: Annotated[str, typer.Argument(help="Actor id, name or alias.")],
    version: OpenVersionOption = None,
    path: PathOption = None,
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Explain which actor a name matches and why (vc.resolve)."""
    _show(root, version, path, "table", as_json, lambda vc: vc.resolve(name))


def sanctions(
    target: Actor = None,
    imposed_by: Actor = None,
    kind: Text = None,
    status: Text = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Sanctions and measures (vc.sanctions)."""
    kwargs = _given(target=target, imposed_by=imposed_by, kind=kind, status=status)
    _show(root, version, path, fmt, as_json, lambda vc: vc.sanctions(**kwargs))


def sources(
    origin: Annotated[str | None, typer.Option(help="Upstream origin, e.g. Reuters.")] = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Source articles (vc.sources)."""
    kwargs = _given(origin=origin)
    _show(root, version, path, fmt, as_json, lambda vc: vc.sources(**kwargs))


def citations(
    record_id: Annotated[str | None, typer.Argument(help="Id of any record.")] = None,
    source: Annotated[str | None, typer.Option(help="Source id.")] = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """The quotes supporting a record, or citing a source (vc.citations)."""
    kwargs = _given(source=source)
    _show(root, version, path, fmt, as_json, lambda vc: vc.citations(record_id, **kwargs))


def disputes(
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """The points sources disagree on (vc.disputes)."""
    _show(root, version, path, fmt, as_json, lambda vc: vc.disputes())


def disputed(
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Each disputed point with every version and its citations (vc.disputed)."""
    _show(root, version, path, fmt, as_json, lambda vc: vc.disputed())


def timeline(
    actor: Actor = None,
    since: Date = None,
    until: Date = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Events, demands and sanctions on one date axis (vc.timeline)."""
    kwargs = _given(actor=actor, since=since, until=until)
    _show(root, version, path, fmt, as_json, lambda vc: vc.timeline(**kwargs))


def diff(
    old: Annotated[str, typer.Argument(help="Older release version (or path/URL).")],
    new: Annotated[
        str | None, typer.Argument(help="Newer release (default: the newest this SDK reads).")
    ] = None,
    fmt: OutputFormatOption = "json",
    as_json: SdkJsonOption = False,
    root: RootOption = Path("."),
) -> None:
    """Ids added, removed and changed per table between two releases (vc.diff; either may be
    of another major: its files are compared, not queried)."""
    _show(root, None, None, fmt, as_json, lambda vc: vc.diff(old, new))


def _given(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None}


COMMANDS: tuple[Callable[..., None], ...] = (
    query,
    demands,
    events,
    actors,
    actor,
    resolve,
    sanctions,
    sources,
    citations,
    disputes,
    disputed,
    timeline,
    diff,
)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    for command in COMMANDS:
        app.command()(command)
