"""Canned queries for journalists: questions answered without writing SQL.

SQL strings use single quotes only (double-quoted strings break on some SQLite builds). Queries
that span tables are generated from the link tables, so a new list-valued reference shows up
without editing this file. Results are plain values a spreadsheet reads (several ids or names
joined with "; ", never a JSON list); the site links ids by their column names (``demand``,
``dispute``, ``source_id``, ``id`` next to ``record_table``, ``actor`` next to ``actor_id``: see
``cells.query_links``). The SQL is folded on the query page (``hide_sql``), one click away.
"""

from __future__ import annotations

from typing import Any

from venezuela_crisis.catalog import TIMELINE_TABLES, dating

from .sqlite import link_tables

CLAIM_TABLES = tuple(spec.name for spec in TIMELINE_TABLES)
"""Tables whose rows are claims about what happened (each with derived corroboration counts)."""

ACTOR = "lower(trim(:actor))"
"""The actor the reader typed, for an ASCII-case-insensitive comparison (SQLite's ``lower``)."""

ACTOR_MATCH = (
    f"(lower(a.id) = {ACTOR} or lower(a.name) = {ACTOR} or exists (select 1 from "
    f"json_each(a.aliases) where lower(value) = {ACTOR}) or (:partial not in ('', '0', 'no', "
    f"'off') and {ACTOR} != '' and (a.name like '%' || trim(:actor) || '%' or exists (select 1 "
    "from json_each(a.aliases) where value like '%' || trim(:actor) || '%'))))"
)
"""The actor named exactly by id, name or alias (ASCII letters in any case): 'Maduro' is
Nicolás Maduro (an alias), not the Maduro government. With ``partial`` set (``yes``), also every
actor whose name or an alias contains the text (``like``)."""

DATE_SHOWN = (
    "case {p} when 'day' then {d} when 'week' then 'week of ' || {d} "
    "when 'month' then 'month of ' || substr({d}, 1, 7) when 'year' then 'year ' || "
    "substr({d}, 1, 4) when 'approximate' then 'approx. ' || {d} else 'undated' end"
)
"""A date as a reader should see it: with its precision spelled out."""


def date_shown(date: str, precision: str) -> str:
    """SQL expression showing `date` with its precision ('week of 2025-11-24')."""
    return DATE_SHOWN.format(d=date, p=precision)


def _evidence(table: str, alias: str) -> str:
    """Every quote of a record with its origin, one per line: “quote” (origin)."""
    return (
        "(select group_concat('“' || c.quote || '” (' || c.origin || ')', char(10)) "
        f"from citations c where c.record_table = '{table}' and c.record_id = {alias}.id)"
    )


def _by_actors(column: str) -> str:
    """The `column` (``name`` or ``id``) of a demand's actors, in the order of ``d.by``, joined
    with "; " (``cells.SEPARATOR``)."""
    value = "a.name" if column == "name" else "j.value"
    return (
        f"(select group_concat(x, '; ') from (select {value} as x from json_each(d.by) j "
        "join actors a on a.id = j.value order by j.key))"
    )


def _disputes_sql(labels: dict[str, str]) -> str:
    parts = [
        f"select d.id as dispute, d.question, '{link.table}' as record_table, "
        f"x.id as version, x.[{labels[link.table]}] as claim, "
        f"{_evidence(link.table, 'x')} as evidence "
        f"from disputes d join [{link.name}] l on l.{link.right} = d.id "
        f"join [{link.table}] x on x.id = l.{link.left}"
        for link in link_tables()
        if link.target == "disputes"
    ]
    return "\nunion all\n".join(parts) + "\norder by dispute, record_table, version"


def _single_origin_sql(labels: dict[str, str]) -> str:
    parts = [
        f"select '{t}' as record_table, x.id, x.[{labels[t]}] as claim, x.source_count, "
        "(select group_concat(distinct c.origin) from citations c "
        f"where c.record_table = '{t}' and c.record_id = x.id) as origin "
        f"from [{t}] x where x.origin_count = 1"
        for t in CLAIM_TABLES
    ]
    return "\nunion all\n".join(parts) + "\norder by record_table, id"


def timeline_sql() -> str:
    """Every timeline table (``catalog.TIMELINE_TABLES``) in date order, in the SDK's order
    (``vc.timeline``): undated last, same-day entries by table in declaration order (events,
    demands, sanctions), then id. A demand takes the date of the event it was made in."""
    parts = [
        f"select {d}.date, {date_shown(f'{d}.date', f'{d}.date_precision')} as date_shown, "
        f"'{spec.name}' as record_table, x.[{spec.timeline.kind}] as kind, x.id, "
        f"x.[{spec.text}] as what, x.source_count, x.origin_count, x.disputed, "
        f"{rank} as rank from [{spec.name}] x{join}"
        for rank, spec in enumerate(TIMELINE_TABLES)
        if spec.timeline is not None
        for d, join in [dating(spec, "x", "e")]
    ]
    return (
        "select date, date_shown, record_table, kind, id, what, source_count, origin_count, "
        f"disputed from ({' union all '.join(parts)}) order by date is null, date, rank, id"
    )


def canned_queries(labels: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Datasette canned queries; `labels` maps each table to its readable column."""
    return {
        "demands_by_actor": {
            "title": "Demands by actor, with their outcome",
            "description": "Every demand once, under the actor who made it (a demand made "
            "jointly lists its actors together): what was asked, the reported outcome and the "
            "event that answered it. Open a demand for its quotes.",
            "sql": f"select {_by_actors('name')} as actor,\n{_by_actors('id')} as actor_id,\n"
            "d.id as demand, d.category, d.text, d.status, d.response_event,\n"
            "r.summary as response, d.source_count, d.origin_count, d.disputed\n"
            "from demands d left join events r on r.id = d.response_event\n"
            "order by actor, d.category, d.id",
            "hide_sql": True,
        },
        "actor_demands": {
            "title": "Everything an actor demanded, with quotes",
            "description": "Type an actor's id, full name or an alias, in any case (e.g. "
            "Maduro, nicolas-maduro or Trump): that actor only. To match part of names and "
            "aliases (every actor containing 'Maduro'), set partial to yes. One row per quote "
            "supporting each demand the actor made, with the article and its origin.",
            "sql": "select a.name as actor, a.id as actor_id, d.id as demand, d.text, d.status,\n"
            "c.quote, s.label as source, c.source_id, c.origin\n"
            "from actors a\n"
            "join demand_actors da on da.actor_id = a.id and da.role = 'by'\n"
            "join demands d on d.id = da.demand_id\n"
            "join citations c on c.record_table = 'demands' and c.record_id = d.id\n"
            f"join sources s on s.id = c.source_id\nwhere {ACTOR_MATCH}\n"
            "order by a.name, d.id, c.id",
            "params": ["actor", "partial"],
            "hide_sql": True,
        },
        "disputed_claims": {
            "title": "Claims where sources disagree, side by side",
            "description": "Each point in dispute with every version of it, the quotes behind "
            "each version and their origins. No version is picked as the truth.",
            "sql": _disputes_sql(labels),
            "hide_sql": True,
        },
        "single_origin_claims": {
            "title": "Claims backed by only one independent origin",
            "description": "Events, demands and sanctions whose quotes all trace back to one "
            "upstream report (however many articles relay it): handle with care.",
            "sql": _single_origin_sql(labels),
            "hide_sql": True,
        },
        "timeline": {
            "title": "Timeline of events, demands and sanctions",
            "description": "Everything dated, in date order, with the precision of each date "
            "('week of', 'month of', 'approx.'). Demands take the date of the event they were "
            "made in. Also as a page: /timeline.",
            "sql": timeline_sql(),
            "hide_sql": True,
        },
        "evidence": {
            "title": "Evidence for a record",
            "description": "Type a record id (e.g. a demand id). Every verbatim quote that "
            "supports it, with the article, publisher, origin and exact offsets.",
            "sql": "select c.quote, s.label as source, s.publisher, c.origin, s.url, "
            "c.char_start, c.char_end, c.id as citation, c.source_id from citations c "
            "join sources s on s.id = c.source_id where c.record_id = :record_id "
            "order by s.published is null, s.published, c.id",
            "params": ["record_id"],
            "hide_sql": True,
        },
    }
