"""The timeline page (/timeline) and its export: who acted toward whom, filtered on the server.

The rows are ``canned_queries.timeline_sql`` (the SDK's order: date, then events before the
demands made in them and before sanctions, then id; undated last), wrapped in filters:

* ``actor``: an actor id or exact name (case-insensitive), among everyone the record involves
  (``catalog.Timeline.actors``: events' actors and recipients, demands' by and addressed_to,
  sanctions' imposed_by and targets), read from the link tables by index;
* ``table``: events, demands or sanctions; ``kind``: the event type, demand category or
  sanction kind;
* ``since`` / ``until``: ISO dates, inclusive (a week or month is dated by its first day).

Each row names who acted (the first actor column) and toward whom (the second), in the order
the record lists them. The same SQL is the canned query ``timeline_filtered`` (names joined
with '; ' for CSV and JSON) and the page (ids and names, as JSON, for links).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from venezuela_crisis import catalog
from venezuela_crisis.catalog import TableSpec

from .canned_queries import timeline_sql
from .home import Run
from .sqlite import link_tables

PARAMS = ("actor", "table", "kind", "since", "until")
"""Query-string parameters of the page, and parameters of the canned query."""

QUERY_NAME = "timeline_filtered"
"""The canned query behind the page's CSV and JSON links."""

PAGE_LIMIT = 1000
"""Entries shown per section (dated, undated); the filters narrow a longer timeline."""

NAMES_SEPARATOR = "; "


def _actor_link(spec: TableSpec) -> tuple[str, str, str]:
    """(link table, record column, actor column) listing the actors of a timeline table."""
    (link,) = [k for k in link_tables() if k.table == spec.name and k.target == "actors"]
    return link.name, link.left, link.right


def _people(spec: TableSpec, role: str, as_json: bool) -> str:
    """Scalar subquery: the actors a record of `spec` lists under `role`, in list order."""
    link, left, right = _actor_link(spec)
    agg = (
        "json_group_array(json_array(id, name))"
        if as_json
        else f"group_concat(name, '{NAMES_SEPARATOR}')"
    )
    return (
        f"(select {agg} from (select a.id, a.name from [{link}] l join actors a on "
        f"a.id = l.[{right}] where l.[{left}] = t.id and l.role = '{role}' order by l.rowid))"
    )


def _per_table(parts: dict[str, str]) -> str:
    """A CASE on the row's table choosing one expression per timeline table."""
    whens = " ".join(f"when '{name}' then {sql}" for name, sql in parts.items())
    return f"case t.record_table {whens} end"


def _involves() -> str:
    """Condition: the row's record involves the actor ``:actor`` (id or exact name)."""
    parts = {}
    for spec in catalog.TIMELINE_TABLES:
        assert spec.timeline is not None
        link, left, right = _actor_link(spec)
        roles = ", ".join(f"'{r}'" for r in spec.timeline.actors)
        parts[spec.name] = (
            f"exists (select 1 from [{link}] l join actors a on a.id = l.[{right}] "
            f"where l.[{left}] = t.id and l.role in ({roles}) "
            "and (a.id = :actor or lower(a.name) = lower(:actor)))"
        )
    return _per_table(parts)


def filtered_sql(as_json: bool = False, section: str | None = None) -> str:
    """The timeline with its filters (every parameter of `PARAMS`; '' means no filter).

    `as_json`: who/toward as JSON lists of [id, name] (the page) rather than names joined by
    '; ' (the export). `section`: 'dated' or 'undated' keeps only those rows."""
    who: dict[str, str] = {}
    toward: dict[str, str] = {}
    for spec in catalog.TIMELINE_TABLES:
        assert spec.timeline is not None
        acting, receiving = spec.timeline.actors[:2]
        who[spec.name] = _people(spec, acting, as_json)
        toward[spec.name] = _people(spec, receiving, as_json)
    where = [
        "(:table = '' or t.record_table = :table)",
        "(:kind = '' or t.kind = :kind)",
        "(:since = '' or t.date >= :since)",
        "(:until = '' or t.date <= :until)",
        f"(:actor = '' or {_involves()})",
    ]
    if section is not None:
        where.append("t.date is not null" if section == "dated" else "t.date is null")
    return (
        "select t.date, t.date_shown, t.record_table, t.kind, t.id, "
        f"{_per_table(who)} as who, {_per_table(toward)} as toward, t.what, "
        "t.source_count, t.origin_count, t.disputed "
        f"from ({timeline_sql()}) t where {' and '.join(where)}"
    )


def canned_query() -> dict[str, Any]:
    """The canned query ``timeline_filtered`` (registered by the ``vz_home`` plugin)."""
    return {
        "title": "Timeline, filtered: who acted toward whom",
        "description": "The timeline with who acted and toward whom. Every parameter is "
        "optional: actor (an id or a full name), table (events, demands or sanctions), kind "
        "(event type, demand category or sanction kind), since and until (YYYY-MM-DD, "
        "inclusive). Also as a page: /timeline.",
        "sql": filtered_sql(),
        "params": list(PARAMS),
        "hide_sql": True,
    }


def filters(args: Mapping[str, Any]) -> dict[str, str]:
    """The page's filters from its query string (every one of `PARAMS`, '' when absent)."""
    out = {}
    for name in PARAMS:
        value = args.get(name)
        out[name] = str(value).strip() if value else ""
    return out


def query_string(chosen: Mapping[str, str], **extra: str) -> str:
    """The non-empty filters (then `extra`) as a query string, without the '?'."""
    return urlencode([*((k, v) for k, v in chosen.items() if v), *extra.items()])


def _people_list(value: Any) -> list[dict[str, str]]:
    if not value:
        return []
    return [{"id": str(i), "name": str(n)} for i, n in json.loads(value)]


async def _options(run: Run) -> dict[str, Any]:
    """The choices of the filter form: actors on the timeline, tables, kinds per table."""
    actors: dict[str, str] = {}
    kinds: list[dict[str, Any]] = []
    for spec in catalog.TIMELINE_TABLES:
        assert spec.timeline is not None
        link, _, right = _actor_link(spec)
        roles = {f"r{n}": r for n, r in enumerate(spec.timeline.actors)}
        rows = await run(  # one probe of the link table's (role, actor) index per actor
            f"select a.id, a.name from actors a where exists (select 1 from [{link}] l "
            f"where l.role in ({', '.join(':' + k for k in roles)}) and l.[{right}] = a.id)",
            roles,
        )
        actors |= {str(r["id"]): str(r["name"]) for r in rows}
        column = spec.timeline.kind
        rows = await run(
            f"select [{column}] as kind, count(*) as n from [{spec.name}] "
            f"group by [{column}] order by [{column}]",
            {},
        )
        kinds.append(
            {
                "table": spec.name,
                "title": spec.title,
                "kinds": [{"value": r["kind"], "count": r["n"]} for r in rows],
            }
        )
    return {
        "actors": sorted(({"id": i, "name": n} for i, n in actors.items()), key=_by_name),
        "tables": [{"name": s.name, "title": s.title} for s in catalog.TIMELINE_TABLES],
        "kinds": kinds,
    }


def _by_name(actor: dict[str, str]) -> tuple[str, str]:
    return actor["name"].casefold(), actor["id"]


async def timeline_page(run: Run, args: Mapping[str, Any], db_path: str) -> dict[str, Any]:
    """Everything the timeline page shows: filters, options, dated and undated entries (each
    with who and toward whom), and the export links with the same filters."""
    chosen = filters(args)
    sections: dict[str, list[dict[str, Any]]] = {}
    truncated: dict[str, bool] = {}
    for section in ("dated", "undated"):
        rows = await run(
            f"{filtered_sql(as_json=True, section=section)} limit {PAGE_LIMIT + 1}", chosen
        )
        truncated[section] = len(rows) > PAGE_LIMIT
        entries = []
        previous = None
        for r in rows[:PAGE_LIMIT]:
            entry = dict(r)
            entry["who"] = _people_list(r["who"])
            entry["toward"] = _people_list(r["toward"])
            entry["same_day"] = r["date"] is not None and r["date_shown"] == previous
            previous = r["date_shown"]
            entries.append(entry)
        sections[section] = entries
    export = f"{db_path}/{QUERY_NAME}"
    return {
        "filters": chosen,
        "active": any(chosen.values()),
        "options": await _options(run),
        "dated": sections["dated"],
        "undated": sections["undated"],
        "truncated": truncated,
        "limit": PAGE_LIMIT,
        "csv": f"{export}.csv?{query_string(chosen, _size='max')}",
        "json": f"{export}.json?{query_string(chosen, _shape='array', _size='max')}",
    }
