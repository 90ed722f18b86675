"""CLI commands over the SDK (venezuela_crisis.VenezuelaCrisis): query, demands, events, actors,
actor, resolve, sanctions, sources, citations, disputes, disputed, timeline, diff.

Each command opens a release (``--version``/``--path``; default: the newest in the project's
``releases/`` or bundled), calls one SDK method and prints it as a table, JSON or CSV
(``output``). The JSON output is exactly the SDK result (``model_dump(mode="json")`` of every
row). A filter taking several values takes them separated by commas (``--status
rejected,expired``). The SDK and pyarrow are imported when a command runs, not when the CLI
starts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import output
from .common import (
    OpenVersionOption,
    OutputFormatOption,
    PathOption,
    RootOption,
    SdkJsonOption,
    releases_dir,
    run,
)

if TYPE_CHECKING:
    from venezuela_crisis import VenezuelaCrisis

Actor = Annotated[
    str | None,
    typer.Option(help="Actor id, name or alias (e.g. Maduro); several: comma-separated."),
]
Date = Annotated[str | None, typer.Option(help="Date YYYY-MM-DD (inclusive).")]
Values = Annotated[
    str | None, typer.Option(help="One value or several, comma-separated (e.g. a,b).")
]
Disputed = Annotated[
    bool | None,
    typer.Option(
        "--disputed/--undisputed", help="Only records that are (not) a version in a dispute."
    ),
]
MinSources = Annotated[
    int | None, typer.Option("--min-sources", min=0, help="Cited by at least N articles.")
]
MinOrigins = Annotated[
    int | None,
    typer.Option("--min-origins", min=0, help="Backed by at least N independent origins."),
]
WideOption = Annotated[
    bool,
    typer.Option(
        "--wide", help="Table: every cell whole on one line, with actor ids (no 80-column fit)."
    ),
]


def _open(root: Path, version: str | None, path: str | None) -> VenezuelaCrisis:
    from venezuela_crisis import VenezuelaCrisis

    where = releases_dir(root) if path is None else None
    return run(lambda: VenezuelaCrisis(version, path=path, releases_dir=where))


def _show(
    root: Path,
    version: str | None,
    path: str | None,
    fmt: str,
    as_json: bool,
    call: Callable[[VenezuelaCrisis], Any],
    wide: bool = False,
) -> None:
    out = output.choose(fmt, as_json)
    with _open(root, version, path) as vc:
        result = run(lambda: call(vc))
        run(lambda: output.show(vc, result, out, wide))


def _split(value: str | None) -> list[str] | None:
    """A comma-separated option value as a list (None stays None)."""
    if value is None:
        return None
    items = [v.strip() for v in value.split(",")]
    return [v for v in items if v] or [value]


def query(
    sql: Annotated[str, typer.Argument(help="SQL over the views sources, actors, events, …")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Value bound to each ?, in order.")
    ] = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """Run read-only SQL on a release (DuckDB); values bind to ? placeholders via --param."""
    _show(root, version, path, fmt, as_json, lambda vc: vc.sql(sql, param or None), wide)


def demands(
    by: Actor = None,
    addressed_to: Actor = None,
    status: Values = None,
    category: Values = None,
    source: Annotated[str | None, typer.Option(help="Source id(s) the demand cites.")] = None,
    made_in: Annotated[str | None, typer.Option(help="Id of the event it was made in.")] = None,
    disputed: Disputed = None,
    min_sources: MinSources = None,
    min_origins: MinOrigins = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """Demands, e.g. --by Maduro --status rejected,expired --min-origins 2 (vc.demands)."""
    kwargs = _lists(by=by, addressed_to=addressed_to, status=status, category=category)
    kwargs |= _lists(source=source) | _given(made_in=made_in, disputed=disputed)
    kwargs |= _given(min_sources=min_sources, min_origins=min_origins)
    _show(root, version, path, fmt, as_json, lambda vc: vc.demands(**kwargs), wide)


def events(
    since: Date = None,
    until: Date = None,
    type: Annotated[
        str | None, typer.Option(help="PLOVER type(s), e.g. THREATEN or THREATEN,COERCE.")
    ] = None,
    actor: Actor = None,
    by: Actor = None,
    recipient: Actor = None,
    source: Annotated[str | None, typer.Option(help="Source id(s) the event cites.")] = None,
    disputed: Disputed = None,
    min_sources: MinSources = None,
    min_origins: MinOrigins = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """Events by date range, type and actor (vc.events)."""
    kwargs = _given(since=since, until=until, disputed=disputed)
    kwargs |= _lists(type=type, actor=actor, by=by, recipient=recipient, source=source)
    kwargs |= _given(min_sources=min_sources, min_origins=min_origins)
    _show(root, version, path, fmt, as_json, lambda vc: vc.events(**kwargs), wide)


def actors(
    name: Annotated[str | None, typer.Argument(help="Part of a name or alias.")] = None,
    kind: Values = None,
    country: Annotated[str | None, typer.Option(help="ISO alpha-3 code, e.g. VEN.")] = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """Actors whose name or alias contains NAME (vc.actors)."""
    kwargs = _given(name=name, country=country) | _lists(kind=kind)
    _show(root, version, path, fmt, as_json, lambda vc: vc.actors(**kwargs), wide)


def actor(
    name: Annotated[str, typer.Argument(help="Actor id, name or alias.")],
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """One actor by id, name or alias, with its evidence (vc.actor; --json for JSON)."""
    _show(root, version, path, fmt, as_json, lambda vc: vc.actor(name), wide)


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
    kind: Values = None,
    status: Values = None,
    since: Date = None,
    until: Date = None,
    source: Annotated[str | None, typer.Option(help="Source id(s) the measure cites.")] = None,
    disputed: Disputed = None,
    min_sources: MinSources = None,
    min_origins: MinOrigins = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """Sanctions and measures (vc.sanctions)."""
    kwargs = _lists(target=target, imposed_by=imposed_by, kind=kind, status=status)
    kwargs |= _lists(source=source) | _given(since=since, until=until, disputed=disputed)
    kwargs |= _given(min_sources=min_sources, min_origins=min_origins)
    _show(root, version, path, fmt, as_json, lambda vc: vc.sanctions(**kwargs), wide)


def sources(
    origin: Annotated[
        str | None, typer.Option(help="Upstream origin(s), e.g. Reuters or 'Reuters,Miami Herald'.")
    ] = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """Source articles (vc.sources)."""
    kwargs = _lists(origin=origin)
    _show(root, version, path, fmt, as_json, lambda vc: vc.sources(**kwargs), wide)


def citations(
    record_id: Annotated[str | None, typer.Argument(help="Id of any record.")] = None,
    source: Annotated[str | None, typer.Option(help="Source id(s).")] = None,
    table: Annotated[str | None, typer.Option(help="Table(s) of the cited records.")] = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """The quotes supporting a record, or citing a source (vc.citations)."""
    kwargs = _lists(source=source, table=table)
    _show(root, version, path, fmt, as_json, lambda vc: vc.citations(record_id, **kwargs), wide)


def disputes(
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """The points sources disagree on (vc.disputes)."""
    _show(root, version, path, fmt, as_json, lambda vc: vc.disputes(), wide)


def disputed(
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """Each disputed point with its versions side by side: their texts, evidence counts and
    quotes with origins (vc.disputed)."""
    _show(root, version, path, fmt, as_json, lambda vc: vc.disputed(), wide)


def timeline(
    actor: Actor = None,
    since: Date = None,
    until: Date = None,
    version: OpenVersionOption = None,
    path: PathOption = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """Events, demands and sanctions on one date axis (vc.timeline)."""
    kwargs = _lists(actor=actor) | _given(since=since, until=until)
    _show(root, version, path, fmt, as_json, lambda vc: vc.timeline(**kwargs), wide)


def diff(
    old: Annotated[str, typer.Argument(help="Older release version (or path/URL).")],
    new: Annotated[
        str | None, typer.Argument(help="Newer release (default: the newest this SDK reads).")
    ] = None,
    fmt: OutputFormatOption = "table",
    as_json: SdkJsonOption = False,
    wide: WideOption = False,
    root: RootOption = Path("."),
) -> None:
    """Ids added, removed and changed per table between two releases (vc.diff; either may be
    of another major: its files are compared, not queried)."""
    _show(root, None, None, fmt, as_json, lambda vc: vc.diff(old, new), wide)


def _given(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None}


def _lists(**kwargs: str | None) -> dict[str, Any]:
    """Options that take several comma-separated values, as lists for the SDK."""
    return {k: _split(v) for k, v in kwargs.items() if v is not None}


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
