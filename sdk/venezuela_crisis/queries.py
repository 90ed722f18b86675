"""SQL for the SDK's table methods: validated filter values bound as parameters, never formatted.

Only identifiers the SDK itself owns (table and field names from the data model) appear in the
SQL text; every value a user passes is checked here and bound with ``?``.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import literals
from .catalog import TABLE_NAMES, TIMELINE_TABLES, dating
from .errors import QueryError, shown

DateLike = str | dt.date
Many = str | Sequence[str]


def as_list(value: Many, name: str) -> list[str]:
    """One string or a sequence of strings as a list; QueryError for anything else."""
    items = [value] if isinstance(value, str) else list(value)
    if not items or not all(isinstance(v, str) and v for v in items):
        raise QueryError(
            f"{name}: expected a non-empty string or list of strings, got {shown(value)}"
        )
    return items


def as_enum(vocab: str, value: Many, name: str) -> list[str]:
    """Validated value(s) (case-insensitive) for filter `name` of vocabulary `vocab` (an enum
    of ``models.vocab``, e.g. "DemandStatus"; its values from the generated ``literals``, so
    filtering imports no model)."""
    values: tuple[str, ...] = typing.get_args(getattr(literals, f"{vocab}Value"))
    allowed = {v.casefold(): v for v in values}
    out = []
    for item in as_list(value, name):
        if item.casefold() not in allowed:
            raise QueryError(
                f"{name}={shown(item)} is not a valid {vocab}; use one of: " + ", ".join(values)
            )
        out.append(allowed[item.casefold()])
    return out


def as_date(value: DateLike, name: str) -> dt.date:
    """A date from a `datetime.date` or an ISO string (YYYY-MM-DD)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise QueryError(f"{name}={shown(value)} is not a date; use YYYY-MM-DD, e.g. '2025-11-21'")


def as_int(value: int, name: str) -> int:
    """A non-negative integer filter value."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise QueryError(f"{name}={shown(value)}: expected a non-negative integer")
    return value


@dataclass
class Where:
    """AND-ed conditions with their bound parameters, in order."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        if clause.count("?") != len(params):
            raise AssertionError(f"placeholders and params differ in {clause!r}")
        self.clauses.append(clause)
        self.params.extend(params)

    def any_of(self, column: str, values: list[str]) -> None:
        """`column` (a list of ids) shares at least one id with `values`."""
        self.add(f"list_has_any(t.{column}, ?::VARCHAR[])", values)

    def one_of(self, column: str, values: list[str]) -> None:
        """Scalar `column` equals one of `values`."""
        self.add(f"list_contains(?::VARCHAR[], t.{column})", values)

    def sql(self) -> str:
        return " where " + " and ".join(self.clauses) if self.clauses else ""


def quoted(name: str) -> str:
    """Quote an identifier taken from the data model."""
    return '"' + name.replace('"', '""') + '"'


CITATIONS_LIST = (
    "list({'source': c.source_id, 'quote': c.quote, 'char_start': c.char_start, "
    "'char_end': c.char_end, 'attribution': c.attribution, 'attributed_to': c.attributed_to, "
    "'origin': c.origin, 'publisher': s.publisher, 'title': s.title, "
    "'context_text': substring(s.text, c.context_start + 1, c.context_end - c.context_start), "
    "'context_start': c.context_start} order by c.source_id, c.char_start)"
)
"""A record's citations as the row model's ``citations`` field (``models.Evidence``), in (source
id, offset) order: each with its attribution and independent origin, the article's publisher
and title, and the sentence(s) around the quote (``substring`` counts characters, as the
offsets do)."""


def record_sql(table: str, fields: Sequence[str], where: Where, order: str = "t.id") -> str:
    """Rows of `table` with exactly the row model's `fields` (``columns.ROW_FIELDS``),
    `citations` rebuilt from citations.

    The plain query a person would write (``select … from demands t where … order by t.id``);
    citations come from a correlated subquery, which DuckDB runs as one join over the rows that
    passed the filter only (not an aggregate over the whole citations table). A record's
    citations come in (source id, char_start) order: the release keeps no other.
    """
    if table not in TABLE_NAMES:
        raise AssertionError(f"not a table: {table!r}")
    derived = [f for f in ("source_count", "origin_count", "disputed") if f in fields]
    plain = [f for f in fields if f not in derived and f != "citations"]
    plain.sort(key=lambda f: f != "id")  # id first, then the model's order, derived last
    cols = [f"t.{quoted(f)}" for f in plain + derived]
    if "citations" in fields:
        cols.append(
            f"coalesce((select {CITATIONS_LIST} from citations c "
            "left join sources s on s.id = c.source_id "
            f"where c.record_table = '{table}' and c.record_id = t.id), []) as citations"
        )
    return f"select {', '.join(cols)} from {table} t{where.sql()} order by {order}"


def cited_by_sources(table: str, where: Where, source_ids: list[str]) -> None:
    """Records of `table` citing any of `source_ids`."""
    where.add(
        "t.id in (select record_id from citations where record_table = ? "
        "and list_contains(?::VARCHAR[], source_id))",
        table,
        source_ids,
    )


def dated(where: Where, since: DateLike | None, until: DateLike | None, column: str) -> None:
    """Keep rows whose `column` date lies in [since, until] (undated rows drop out)."""
    if since is not None:
        where.add(f"{column} >= ?", as_date(since, "since"))
    if until is not None:
        where.add(f"{column} <= ?", as_date(until, "until"))
    if (
        since is not None
        and until is not None
        and as_date(since, "since") > as_date(until, "until")
    ):
        raise QueryError(f"since={shown(since)} is after until={shown(until)}")


def common(
    where: Where,
    table: str,
    source: Many | None,
    disputed: bool | None,
    min_sources: int | None,
    min_origins: int | None,
) -> None:
    """The filters every record table takes: citing `source` ids, `disputed`, corroboration."""
    if source is not None:
        cited_by_sources(table, where, as_list(source, "source"))
    if disputed is not None:
        if not isinstance(disputed, bool):
            raise QueryError(f"disputed={shown(disputed)}: expected True or False")
        where.add("t.disputed = ?", disputed)
    corroboration(where, min_sources, min_origins)


CONTEXT_SQL = (
    "select substring(s.text, c.context_start + 1, c.context_end - c.context_start) as text, "
    "c.char_start - c.context_start as start, c.char_end - c.context_start as end "
    "from citations c join sources s on s.id = c.source_id where c.id = ?"
)
"""A citation's sentence(s) and the quote's offsets in it (`VenezuelaCrisis.context`)."""


def corroboration(where: Where, min_sources: int | None, min_origins: int | None) -> None:
    """Keep rows cited by at least this many articles / distinct origins."""
    if min_sources is not None:
        where.add("t.source_count >= ?", as_int(min_sources, "min_sources"))
    if min_origins is not None:
        where.add("t.origin_count >= ?", as_int(min_origins, "min_origins"))


TIMELINE_COLUMNS = (
    't.date, t.date_precision, t."table", t.id, t.kind, t.text, t.actors, t.source_count, '
    "t.origin_count, t.disputed"
)


def timeline_union() -> str:
    """Every timeline table (``catalog.TIMELINE_TABLES``) on one date axis, as a subquery with
    a ``_rank`` column: same-day entries are listed in declaration order (events, demands,
    sanctions), then by id. A record ``dated_by`` an event takes that event's date."""
    parts = []
    for rank, spec in enumerate(TIMELINE_TABLES):
        assert spec.timeline is not None
        actors = ", ".join(f"r.{quoted(c)}" for c in spec.timeline.actors)
        source, join = dating(spec, "r", "d")
        parts.append(
            f"select {source}.date, {source}.date_precision, '{spec.name}' as \"table\", "
            f"r.id, r.{quoted(spec.timeline.kind)} as kind, r.{quoted(spec.text)} as text, "
            f"list_sort(list_distinct(flatten([{actors}]))) as actors, r.source_count, "
            f"r.origin_count, r.disputed, {rank} as _rank from {spec.name} r{join}"
        )
    return "(" + " union all by name ".join(parts) + ")"


TIMELINE_ORDER = "t.date nulls last, t._rank, t.id"
"""The timeline's order: undated entries last, same-day entries by table, then id (the site's
timeline uses the same order)."""
