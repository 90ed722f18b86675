"""The landing page, the site-wide search and the release line of every page (plugin ``vz_home``).

* `Release`: what the site serves, read from the ``manifest.json`` next to the served database
  (a release directory holds both): version, date, the manifest's sha256 (which pins every byte
  of the release) and the citation line.
* `table_groups`: the tables a reader opens, grouped as records, evidence and sources (derived
  from ``catalog``: evidence tables are built from the others, sources are what evidence points
  at), without link tables and without empty tables.
* `questions`: question-style links into the canned queries and pages.
* `search`: one query over every full-text table (``sqlite.FTS_COLUMNS``), hits grouped by
  table, each linking to its record (a quote links to the record it supports and its article).

Nothing here knows Datasette: queries run through a `Run` callable (the plugin passes one that
executes on the served database), links are built by the templates from ``(table, id)``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from venezuela_crisis import catalog
from venezuela_crisis.errors import ReleaseError
from venezuela_crisis.format.manifest import MANIFEST, load_manifest, manifest_sha256

from .canned_queries import CLAIM_TABLES
from .sqlite import DB_FILE, FTS_COLUMNS, link_tables, single_references, singular

Run = Callable[[str, dict[str, Any]], Awaitable[list[dict[str, Any]]]]
"""Runs one SQL query with parameters on the served database; returns rows as dicts."""

SHORT_SHA = 12
"""Hex digits of the manifest sha256 shown in the footer."""


@dataclass(frozen=True)
class Release:
    """The release the site serves, from its ``manifest.json``."""

    version: str
    date: str | None
    manifest_sha256: str
    db_sha256: str | None
    """sha256 of the database file as listed in the manifest (the downloadable ``.db``)."""

    @property
    def short_sha(self) -> str:
        """The first `SHORT_SHA` hex digits of the manifest's sha256."""
        return self.manifest_sha256[:SHORT_SHA]

    def citation(self, title: str, license_name: str | None) -> str:
        """The line to cite: dataset, version, date, manifest sha256 (and the license)."""
        date = f", {self.date}" if self.date else ""
        out = f"{title}. Release {self.version}{date}. Manifest sha256 {self.manifest_sha256}."
        return f"{out} License: {license_name}." if license_name else out

    def pin(self) -> str:
        """The SDK call that opens exactly these bytes."""
        return (
            f'VenezuelaCrisis(version="{self.version}", manifest_sha256="{self.manifest_sha256}")'
        )


def read_release(db_path: str | Path | None) -> Release | None:
    """The release whose directory holds `db_path`; None when there is no readable manifest
    (e.g. a database built outside a release)."""
    if db_path is None:
        return None
    folder = Path(db_path).resolve().parent
    if not (folder / MANIFEST).is_file():
        return None
    try:
        manifest = load_manifest(folder)
    except ReleaseError:
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("version"), str):
        return None
    files = manifest.get("files") or {}
    db_entry = files.get(Path(db_path).name) or files.get(DB_FILE) or {}
    date = manifest.get("release_date")
    return Release(
        version=manifest["version"],
        date=str(date) if date else None,
        manifest_sha256=manifest_sha256(folder),
        db_sha256=db_entry.get("sha256") if isinstance(db_entry, dict) else None,
    )


# -- tables -------------------------------------------------------------------------------------

EVIDENCE_TABLES = tuple(s.name for s in catalog.TABLES if s.record is None)
"""Tables built from the others: the evidence (citations)."""

SOURCE_TABLES = tuple(
    dict.fromkeys(t for e in EVIDENCE_TABLES for t in single_references(e).values())
)
"""Tables the evidence points at: the articles."""

RECORD_TABLES = (
    *CLAIM_TABLES,
    *(
        s.name
        for s in catalog.TABLES
        if s.name not in (*CLAIM_TABLES, *EVIDENCE_TABLES, *SOURCE_TABLES)
    ),
)
"""Everything else: the claims first (timeline order), then actors and disputes."""

GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Records", "What happened, who did it, what was demanded or imposed, what is disputed.",
     RECORD_TABLES),
    ("Evidence", "Every verbatim quote behind a record, at exact offsets in its article.",
     EVIDENCE_TABLES),
    ("Sources", "The news articles, full text included, with their publisher and origin.",
     SOURCE_TABLES),
)  # fmt: skip
"""The landing page's table groups: heading, one line, tables."""

LINK_TABLE_NAMES = frozenset(link.name for link in link_tables())
"""Tables that only list ids (hidden in the metadata; reached from the records)."""


def table_groups(counts: dict[str, int | None]) -> list[dict[str, Any]]:
    """GROUPS with each table's title, description and row count; tables with no rows (or not
    in the database) are left out, and so is a group left empty."""
    out: list[dict[str, Any]] = []
    for heading, line, names in GROUPS:
        tables = [
            {
                "name": name,
                "title": catalog.SPECS[name].title,
                "description": catalog.SPECS[name].description,
                "count": counts[name],
            }
            for name in names
            if name in counts and counts[name] != 0
        ]
        if tables:
            out.append({"heading": heading, "line": line, "tables": tables})
    return out


# -- questions ----------------------------------------------------------------------------------


def _actor_lists() -> tuple[str, str, str]:
    """For demands: (link table, its record column, the role naming who made the demand)."""
    spec = catalog.SPECS["demands"]
    assert spec.timeline is not None
    (link,) = [k for k in link_tables() if k.table == spec.name and k.target == "actors"]
    return link.name, link.right, spec.timeline.actors[0]


async def top_demander(run: Run, name: str) -> str | None:
    """Id of the actor whose name contains `name` and who made the most demands."""
    link, right, role = _actor_lists()
    rows = await run(
        f"select l.[{right}] as id from [{link}] l join actors a on a.id = l.[{right}] "
        f"where l.role = :role and a.name like '%' || :name || '%' "
        f"group by l.[{right}] order by count(*) desc, l.[{right}] limit 1",
        {"role": role, "name": name},
    )
    return str(rows[0]["id"]) if rows else None


async def questions(run: Run, db_path: str) -> list[dict[str, str]]:
    """Question-style links: text, where it goes, what the reader finds there."""
    maduro = await top_demander(run, "Maduro")
    _, _, role = _actor_lists()
    demands = (
        f"{db_path}/demands?{role}__arraycontains={maduro}"
        if maduro
        else f"{db_path}/demands_by_actor"
    )
    return [
        {
            "text": "What did Maduro demand, and what happened?",
            "href": demands,
            "note": "each demand with its outcome and the event that answered it",
        },
        {
            "text": "Who demanded what of whom?",
            "href": f"{db_path}/demands_by_actor",
            "note": "every demand under the actor who made it",
        },
        {
            "text": "Where do the reports disagree?",
            "href": f"{db_path}/disputed_claims",
            "note": "each disputed point with every version and its quotes",
        },
        {
            "text": "What happened when?",
            "href": "/timeline",
            "note": "events, demands and sanctions in date order",
        },
        {
            "text": "Which claims rest on one origin only?",
            "href": f"{db_path}/single_origin_claims",
            "note": "claims whose quotes all trace back to one upstream report",
        },
        {
            "text": "Which articles is this built from?",
            "href": f"{db_path}/sources",
            "note": "the articles, with publisher, origin and full text",
        },
    ]


# -- search -------------------------------------------------------------------------------------

SEARCH_TABLES = tuple(t for _, _, names in GROUPS for t in names if t in FTS_COLUMNS)
"""Full-text tables in the order results are shown: records, evidence, sources."""

SEARCH_LIMIT = 20
"""Hits shown per table (the table page, searched, lists them all)."""

_OPEN, _CLOSE = "\x02", "\x03"
"""Markers of a match in a snippet (never in the data), turned into <mark> after escaping."""

SNIPPET_TOKENS = 24
"""Tokens around a match in a snippet."""


def fts_query(q: str) -> str:
    """A reader's words as an FTS5 query: each word (or "quoted phrase") must match, literally
    (Datasette's own ``_search`` quoting, so search page and table pages agree)."""
    if q.count('"') % 2:
        q += '"'
    bits = [b for b in re.split(r'("[^"]*"|\s+)', q) if b.strip() and b != '""']
    return " ".join(b if b.startswith('"') else '"' + b.replace('"', "") + '"' for b in bits)


def marked(snippet: str) -> Markup:
    """A snippet escaped, its matches in <mark>."""
    text = str(escape(snippet))
    return Markup(text.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


def _search_sql(table: str) -> str:
    spec = catalog.SPECS[table]
    fts = f"{table}_fts"
    extra = ", x.record_table, x.record_id, x.source_id" if table in EVIDENCE_TABLES else ""
    return (
        f"select x.id, x.[{spec.label}] as label, "
        f"snippet([{fts}], -1, '{_OPEN}', '{_CLOSE}', '…', {SNIPPET_TOKENS}) as snippet{extra} "
        f"from [{fts}] join [{table}] x on x.rowid = [{fts}].rowid "
        f"where [{fts}] match :q order by rank limit {SEARCH_LIMIT}"
    )


async def _labels(run: Run, table: str, ids: list[str]) -> dict[str, str]:
    if not ids or table not in catalog.SPECS:
        return {}
    params = {f"i{n}": i for n, i in enumerate(ids)}
    rows = await run(
        f"select id, [{catalog.SPECS[table].label}] as label from [{table}] "
        f"where id in ({', '.join(':' + k for k in params)})",
        params,
    )
    return {str(r["id"]): str(r["label"]) for r in rows}


def _strip(snippet: str) -> str:
    return snippet.replace(_OPEN, "").replace(_CLOSE, "")


async def search(run: Run, q: str) -> list[dict[str, Any]]:
    """Hits of `q` in every full-text table, grouped by table (empty groups left out)."""
    query = fts_query(q.strip())
    if not query:
        return []
    out: list[dict[str, Any]] = []
    for table in SEARCH_TABLES:
        fts = f"{table}_fts"
        (total,) = await run(
            f"select count(*) as n from [{fts}] where [{fts}] match :q", {"q": query}
        )
        if not total["n"]:
            continue
        rows = await run(_search_sql(table), {"q": query})
        spec = catalog.SPECS[table]
        label_is_text = FTS_COLUMNS[table] == (spec.label,)
        hits = []
        for r in rows:
            snippet = str(r["snippet"] or "")
            hit: dict[str, Any] = {
                "table": table,
                "id": r["id"],
                "label": marked(snippet) if label_is_text else r["label"],
                "snippet": None
                if label_is_text or _strip(snippet) == r["label"]
                else marked(snippet),
            }
            if table in EVIDENCE_TABLES:
                hit |= {k: r[k] for k in ("record_table", "record_id", "source_id")}
            hits.append(hit)
        await _name_evidence(run, hits)
        out.append(
            {
                "table": table,
                "title": spec.title,
                "singular": singular(table),
                "total": total["n"],
                "hits": hits,
            }
        )
    return out


async def _name_evidence(run: Run, hits: list[dict[str, Any]]) -> None:
    """Give each quote the label of the record it supports and of its article."""
    wanted: dict[str, list[str]] = {}
    for h in hits:
        if "record_table" in h:
            wanted.setdefault(h["record_table"], []).append(h["record_id"])
            for table in SOURCE_TABLES:
                wanted.setdefault(table, []).append(h["source_id"])
    labels = {t: await _labels(run, t, list(dict.fromkeys(ids))) for t, ids in wanted.items()}
    for h in hits:
        if "record_table" in h:
            h["record_label"] = labels[h["record_table"]].get(h["record_id"], h["record_id"])
            h["record_kind"] = singular(h["record_table"])
            (source_table,) = SOURCE_TABLES
            h["source_table"] = source_table
            h["source_label"] = labels[source_table].get(h["source_id"], h["source_id"])


# -- the database page --------------------------------------------------------------------------


def sql_example() -> str:
    """The database page's SQL box: dated claims of the first timeline table, newest first."""
    spec = catalog.TIMELINE_TABLES[0]
    assert spec.timeline is not None and spec.timeline.dated_by is None
    columns = dict.fromkeys(["id", "date", "date_precision", spec.timeline.kind, spec.text])
    return (
        f"select {', '.join(columns)} from {spec.name}\nwhere date is not null\norder by date desc"
    )
