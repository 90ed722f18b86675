"""How the query commands print: a table (the default), JSON (exactly the SDK result) or CSV.

Tables fit the terminal (80 columns when it cannot be measured): cells wrap at word
boundaries and are cut with "…" past three lines, a record's long text prints under it, actor
columns show names; ``--wide`` prints every cell whole, on one line, with actor ids. CSV is the
SDK's flat table (``Results.to_flat``, ``venezuela_crisis.flat``). The SDK's display modules
are imported when a command prints.
"""

from __future__ import annotations

import shutil
import sys
from typing import TYPE_CHECKING, Any, Literal

import typer

from .common import print_json

if TYPE_CHECKING:
    from venezuela_crisis import Results, VenezuelaCrisis

Format = Literal["table", "json", "csv"]


def terminal_width() -> int:
    """Columns of the terminal (``$COLUMNS`` first); 80 when unknown."""
    return shutil.get_terminal_size((80, 24)).columns


def choose(fmt: str, as_json: bool) -> Format:
    """The output format from ``--format`` and ``--json``; exit 1 for an unknown one."""
    if as_json:
        return "json"
    if fmt not in ("table", "json", "csv"):
        typer.echo(f"--format: {fmt!r} is not one of table, json, csv", err=True)
        raise typer.Exit(1)
    return fmt  # type: ignore[return-value]


def show(vc: VenezuelaCrisis, result: Any, out: Format, wide: bool) -> None:
    """Print any SDK result: Results, a pyarrow Table, one row, a diff, an actor match."""
    import dataclasses

    import pyarrow as pa
    from pydantic import BaseModel
    from venezuela_crisis import Results
    from venezuela_crisis.views import ReleaseDiff

    if isinstance(result, Results):
        results(vc, result, out, wide)
    elif isinstance(result, pa.Table):
        sql_table(result, out, wide)
    elif isinstance(result, ReleaseDiff):
        diff(result, out, wide)
    elif isinstance(result, BaseModel):
        one_row(vc, result, out, wide)
    else:  # a dataclass (ActorMatch)
        data = dataclasses.asdict(result)
        print_json(data) if out == "json" else typer.echo(str(result))


def _echo(lines: list[str]) -> None:
    sys.stdout.write("\n".join(lines) + "\n")


def results(vc: VenezuelaCrisis, rows: Results[Any], out: Format, wide: bool) -> None:
    """A query's rows: every row as a table, the SDK's JSON, or the flat CSV."""
    from venezuela_crisis import display

    if out == "json":
        print_json(rows.to_dicts())
        return
    if out == "csv":
        rows.to_csv(sys.stdout)
        return
    names = vc.actor_names
    if rows.model.__name__ == "DisputedPoint":
        disputed(rows, names, wide)
        return
    width = None if wide else terminal_width()
    lines = [display.title(rows)]
    if len(rows):
        lines += display.results_table(rows, names, width, with_ids=wide)
    _echo(lines)


def disputed(points: Results[Any], names: dict[str, str], wide: bool) -> None:
    """Each disputed point with its versions side by side: text, counts, quotes and origins."""
    from venezuela_crisis import card, display

    width = max(terminal_width(), 160) if wide else terminal_width()
    lines = [display.title(points)]
    for point in points:
        lines += ["", *card.side_by_side(point, names, width).splitlines()]
    _echo(lines)


def sql_table(table: Any, out: Format, wide: bool) -> None:
    """A `vc.sql` result: its own columns, cells flattened (lists joined, ISO dates)."""
    from venezuela_crisis import display, flat

    rows = table.to_pylist()
    if out == "json":
        print_json(rows)
        return
    data = flat.flat_dicts(rows, list(table.column_names))
    if out == "csv":
        data.write_csv(sys.stdout)
        return
    n = len(data.rows)
    width = None if wide else terminal_width()
    lines = [f"{n} row{'s' if n != 1 else ''}"]
    ids = [i for i, c in enumerate(data.columns) if c == "id" or c.endswith("_id")]
    _echo(lines + display.text_table(data.columns, data.rows, width, keep=ids, whole=ids))


def one_row(vc: VenezuelaCrisis, row: Any, out: Format, wide: bool) -> None:
    """One record (``vzcrisis actor``): its facts as a field/value table, then its quotes."""
    from venezuela_crisis import Results, card, display

    if out == "json":
        print_json(row.model_dump(mode="json"))
        return
    if out == "csv":
        one = Results([row], model=type(row), version=vc.version, names=lambda: vc.actor_names)
        one.to_csv(sys.stdout)
        return
    width = None if wide else terminal_width()
    pairs = [["id", str(getattr(row, "id", ""))], *map(list, card.facts(row, vc.actor_names))]
    if hasattr(row, "origin_count"):
        pairs += [["sources", str(row.source_count)], ["origins", str(row.origin_count)]]
    if getattr(row, "disputes", None):
        pairs.append(["disputes", ", ".join(row.disputes)])
    lines = [
        card.heading(row),
        *display.text_table(["field", "value"], pairs, width, max_lines=None),
    ]
    found = card.quotes(row)
    if found:
        lines.append(f"quotes ({len(found)})")
    room = (width or 10_000) - 4
    for quote, by in found:
        lines += ["  " + x for x in display.wrap(f"“{quote}”", room)]
        lines += ["    " + x for x in display.wrap(by, room - 2)]
    _echo(lines)


def diff(result: Any, out: Format, wide: bool) -> None:
    """A release diff: per table, the ids added, removed and changed (with what changed)."""
    from venezuela_crisis import display, flat

    if out == "json":
        print_json(result.model_dump(mode="json"))
        return
    rows = []
    for table, d in result.tables.items():
        rows += [[table, "added", i, ""] for i in d.added]
        rows += [[table, "removed", i, ""] for i in d.removed]
        rows += [[table, "changed", i, flat.JOIN.join(d.fields.get(i, []))] for i in d.changed]
    data = flat.FlatTable(["table", "change", "id", "fields"], rows)
    if out == "csv":
        data.write_csv(sys.stdout)
        return
    width = None if wide else terminal_width()
    head = f"{result.old} -> {result.new}: {len(rows)} change{'s' if len(rows) != 1 else ''}"
    _echo([head, *display.text_table(data.columns, data.rows, width, keep=[2])])
