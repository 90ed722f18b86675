"""Datasette plugin: article pages and record pages that tell the story, with their evidence.

Templates get (fixed, parameterised queries; no SQL in templates):

* ``vz_article(source_id)``: the article's headline, publisher, origin, date at its precision,
  URL, and its full text with every cited passage highlighted and anchored
  (`vzcrisis.site.articles.render_article`);
* ``vz_quotes(table, id, limit=None)``: the quotes supporting a record, each in its whole
  sentence with the quote highlighted, the article (publisher, title), origin, attribution and
  the link to the quote's anchor on the article page; ``vz_evidence(table, id)``: the first
  ``QUOTES_MAX`` of them with the counts of quotes and independent origins;
* ``vz_story(table, id)``: what a record page leads with: who demanded what of whom, in which
  event, and the answer; who did what to whom and when; a measure, by whom, on whom, its amount
  and status; the records pointing at it (``LIST_MAX`` per group, with a link to them all);
  and the rows of its link tables;
* ``vz_date``, ``vz_money``, ``vz_words``, ``vz_meaning``: words for readers.

Works on releases before 1.1.0 too: citations without ``attribution`` or ``context_start``
columns get none and a sentence computed from the text.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.app import Datasette
from datasette.utils import tilde_encode
from vzcrisis.site.articles import (
    Cite,
    anchor,
    attribution_text,
    context_bounds,
    context_html,
    date_shown,
    headline,
    meaning,
    money,
    render_article,
    words,
)
from vzcrisis.site.metadata import LABEL_COLUMNS
from vzcrisis.site.sqlite import DB_NAME, link_tables

OPTIONAL_CITATION_COLUMNS = ("attribution", "attributed_to", "context_start", "context_end")
"""Citation columns added in release 1.1.0 (null when the database predates them)."""

LIST_MAX = 100
"""Records listed per group on a record page (an actor in thousands of events links to them)."""

QUOTES_MAX = 200
"""Quotes shown in a record's evidence block; the citations table page has them all."""

OWN_ORIGIN = "the article itself"
"""How a reader is told the origin of an article's own writing (``<source id> (own writing)``)."""


class Pages:
    """Queries behind the article and record pages of one Datasette instance."""

    def __init__(self, datasette: Datasette) -> None:
        self.ds = datasette
        self._citation_columns: set[str] | None = None

    async def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        result = await self.ds.get_database(DB_NAME).execute(sql, params or {})
        return [dict(r) for r in result.rows]

    def href(self, table: str, record_id: str) -> str:
        return str(self.ds.urls.row(DB_NAME, table, tilde_encode(record_id)))

    async def _optional(self, alias: str) -> str:
        """Select list of the 1.1.0 citation columns (null where the database lacks them)."""
        if self._citation_columns is None:
            found = await self.ds.get_database(DB_NAME).table_columns("citations")
            self._citation_columns = set(found)
        return ", ".join(
            f"{alias}.{c}" if c in self._citation_columns else f"null as {c}"
            for c in OPTIONAL_CITATION_COLUMNS
        )

    async def labels(self, table: str, ids: list[str]) -> dict[str, str]:
        """id → readable label (the table's label column) for those of `ids` in `table`."""
        wanted = list(dict.fromkeys(ids))
        if not wanted or table not in LABEL_COLUMNS:
            return {}
        marks = ", ".join(f":p{i}" for i in range(len(wanted)))
        rows = await self.rows(
            f"select id, [{LABEL_COLUMNS[table]}] as label from [{table}] where id in ({marks})",
            {f"p{i}": v for i, v in enumerate(wanted)},
        )
        return {str(r["id"]): str(r["label"]) for r in rows}

    async def refs(self, table: str, ids: list[str]) -> list[dict[str, str]]:
        """Links to records of `table`, named by their labels, in the order given."""
        names = await self.labels(table, ids)
        return [
            {
                "table": table,
                "id": i,
                "label": names.get(i, i),
                "short": headline(None, names.get(i, i)),
                "href": self.href(table, i),
            }
            for i in ids
        ]

    # -- articles -----------------------------------------------------------------------
    async def article(self, source_id: str) -> dict[str, Any] | None:
        found = await self.rows("select * from sources where id = :id", {"id": source_id})
        if not found:
            return None
        src = found[0]
        text = str(src.get("text") or "")
        rows = await self.rows(
            "select c.id, c.char_start, c.char_end, c.record_table, c.record_id, "
            f"{await self._optional('c')} from citations c where c.source_id = :id "
            "order by c.char_start, c.char_end desc, c.id",
            {"id": source_id},
        )
        labels: dict[tuple[str, str], str] = {}
        for table in {r["record_table"] for r in rows}:
            ids = [r["record_id"] for r in rows if r["record_table"] == table]
            labels |= {(table, i): n for i, n in (await self.labels(table, ids)).items()}
        cites = [
            Cite(
                id=r["id"],
                start=r["char_start"],
                end=r["char_end"],
                record_table=r["record_table"],
                record_id=r["record_id"],
                record_label=labels.get((r["record_table"], r["record_id"]), r["record_id"]),
                attribution=r["attribution"],
                attributed_to=r["attributed_to"],
            )
            for r in rows
        ]
        records = {(c.record_table, c.record_id) for c in cites}
        rendered = render_article(text, cites, self.href, source_id)
        return {
            **src,
            "headline": headline(src.get("title"), text),
            "date": date_shown(src.get("published"), src.get("published_precision")),
            "body": rendered.body,
            "notes": rendered.notes,
            "n_passages": rendered.passages,
            "n_quotes": len(cites),
            "n_records": len(records),
            "n_characters": len(text),
        }

    # -- evidence -----------------------------------------------------------------------
    async def quotes(
        self, table: str, record_id: str, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The quotes supporting a record, each in its sentence (the first `limit`)."""
        optional = await self._optional("c")
        if "context_start" in (self._citation_columns or set()):
            context = (
                "case when c.context_start is null then s.text end as full_text, substr(s.text, "
                "c.context_start + 1, c.context_end - c.context_start) as sentence"
            )
        else:
            context = "s.text as full_text, null as sentence"
        rows = await self.rows(
            "select c.id, c.source_id, c.quote, c.char_start, c.char_end, c.origin, "
            f"{optional}, s.publisher, s.title, s.label as source, s.url, s.published, "
            "s.published_precision, substr(s.text, 1, 400) as opening, "
            f"{context} "
            "from citations c join sources s on s.id = c.source_id "
            "where c.record_table = :table and c.record_id = :id "
            "order by s.published is null, s.published, c.source_id, c.char_start, c.id"
            + ("" if limit is None else f" limit {int(limit)}"),
            {"table": table, "id": record_id},
        )
        return [self._quote(r) for r in rows]

    async def evidence(self, table: str, record_id: str) -> dict[str, Any]:
        """A record's evidence block: its first `QUOTES_MAX` quotes, how many quotes and
        independent origins it has in all, and the citations table page of them all."""
        counts = await self.rows(
            "select count(*) as quotes, count(distinct origin) as origins from citations "
            "where record_table = :table and record_id = :id",
            {"table": table, "id": record_id},
        )
        more = (
            self.ds.urls.table(DB_NAME, "citations")
            + "?"
            + urlencode({"record_table": table, "record_id": record_id})
        )
        return {
            **counts[0],
            "items": await self.quotes(table, record_id, QUOTES_MAX),
            "more": more if counts[0]["quotes"] > QUOTES_MAX else "",
        }

    def _quote(self, r: dict[str, Any]) -> dict[str, Any]:
        if r["sentence"] is not None:
            sentence = str(r["sentence"])
            start = r["char_start"] - r["context_start"]
        else:
            text = str(r["full_text"] or "")
            s, e = context_bounds(
                text, r["char_start"], r["char_end"], r["context_start"], r["context_end"]
            )
            sentence, start = text[s:e], r["char_start"] - s
        end = start + (r["char_end"] - r["char_start"])
        own = r["attribution"] == "own"
        mark = anchor(r["id"])
        return {
            "id": r["id"],
            "anchor": mark,
            "href": f"{self.href('sources', r['source_id'])}#{mark}",
            "source_href": self.href("sources", r["source_id"]),
            "source_id": r["source_id"],
            "quote": r["quote"],
            "context": context_html(sentence, start, end),
            "credit": attribution_text(r["attribution"], r["attributed_to"]),
            "origin": r["origin"],
            "origin_shown": OWN_ORIGIN if own else r["origin"],
            "publisher": r["publisher"],
            "title": r["title"],
            "source": r["source"],
            "headline": headline(r["title"], r["opening"]),
            "date": date_shown(r["published"], r["published_precision"]) if r["published"] else "",
            "url": r["url"],
        }

    # -- stories ------------------------------------------------------------------------
    async def linked(self, table: str, record_id: str) -> dict[str, list[dict[str, str]]]:
        """Role (the list field) → the records a row lists in its link tables, named."""
        out: dict[str, list[dict[str, str]]] = {}
        for link in link_tables():
            if link.table != table:
                continue
            rows = await self.rows(
                f"select [{link.right}] as id, role from [{link.name}] "
                f"where [{link.left}] = :id order by rowid",
                {"id": record_id},
            )
            for role in link.roles:
                ids = [r["id"] for r in rows if r["role"] == role]
                refs = await self.refs(link.target, ids)
                out[role] = [{**ref, "link_table": link.name, "role": role} for ref in refs]
        return out

    async def pointing(self, table: str, record_id: str) -> list[dict[str, Any]]:
        """Records whose link tables list this one: ``{table, role, records, total, more}``
        groups, at most `LIST_MAX` records each (``more``: the table page of them all)."""
        out: list[dict[str, Any]] = []
        for link in link_tables():
            if link.target != table:
                continue
            for role in link.roles:
                where = f"from [{link.name}] where role = :role and [{link.right}] = :id"
                params = {"role": role, "id": record_id}
                rows = await self.rows(
                    f"select [{link.left}] as id {where} order by [{link.left}] "
                    f"limit {LIST_MAX + 1}",
                    params,
                )
                if not rows:
                    continue
                total = len(rows)
                if total > LIST_MAX:
                    total = (await self.rows(f"select count(*) as n {where}", params))[0]["n"]
                records = await self.refs(link.table, [r["id"] for r in rows[:LIST_MAX]])
                more = (
                    self.ds.urls.table(DB_NAME, link.table)
                    + "?"
                    + urlencode({f"{role}__arraycontains": record_id})
                )
                out.append(
                    {
                        "table": link.table,
                        "role": role,
                        "records": records,
                        "total": total,
                        "more": more if total > LIST_MAX else "",
                    }
                )
        return out

    async def event(self, event_id: str | None) -> dict[str, Any] | None:
        """An event in brief: summary, date at its precision, type, who acted toward whom."""
        if not event_id:
            return None
        found = await self.rows("select * from events where id = :id", {"id": event_id})
        if not found:
            return None
        e = found[0]
        linked = await self.linked("events", event_id)
        return {
            **e,
            "href": self.href("events", event_id),
            "when": date_shown(e["date"], e["date_precision"]),
            "short": headline(None, e["summary"]),
            "type_meaning": meaning(e["type"]),
            "actors": linked.get("actors", []),
            "recipients": linked.get("recipients", []),
        }

    async def demands_where(self, column: str, value: str) -> list[dict[str, Any]]:
        rows = await self.rows(
            f"select id, text, status, category from demands where [{column}] = :v order by id",
            {"v": value},
        )
        for r in rows:
            r["href"] = self.href("demands", r["id"])
            r["by"] = (await self.linked("demands", r["id"])).get("by", [])
        return rows

    async def story(self, table: str, record_id: str) -> dict[str, Any]:
        found = await self.rows(f"select * from [{table}] where id = :id", {"id": record_id})
        row = found[0] if found else {}
        story: dict[str, Any] = {
            "table": table,
            "row": row,
            "roles": await self.linked(table, record_id),
            "pointing": await self.pointing(table, record_id),
        }
        story["links"] = [ref for refs in story["roles"].values() for ref in refs]
        if not row:
            return story
        if table == "demands":
            story["made_in"] = await self.event(row["made_in"])
            story["response"] = await self.event(row["response_event"])
            if story["response"] is not None:
                story["response"]["quotes"] = await self.quotes("events", row["response_event"])
        elif table == "events":
            story["when"] = date_shown(row["date"], row["date_precision"])
            story["ends"] = date_shown(row["end_date"], "day") if row["end_date"] else ""
            story["quantities"] = [q["text"] for q in json.loads(row["quantities"] or "[]")]
            story["demands_made"] = await self.demands_where("made_in", record_id)
            story["demands_answered"] = await self.demands_where("response_event", record_id)
            sanctions = await self.rows(
                "select id from sanctions where event = :id order by id", {"id": record_id}
            )
            story["sanctions"] = await self.refs("sanctions", [r["id"] for r in sanctions])
        elif table == "sanctions":
            story["when"] = date_shown(row["date"], row["date_precision"])
            story["amount"] = money(row["amount_usd"])
            story["event"] = await self.event(row["event"])
        elif table == "actors":
            story["titles"] = json.loads(row["roles"] or "[]")
            story["aliases"] = json.loads(row["aliases"] or "[]")
        return story


PAGES_ATTR = "_vz_article_pages"
"""Attribute of the Datasette instance holding its `Pages`."""


def _pages(datasette: Datasette) -> Pages:
    found: Pages | None = getattr(datasette, PAGES_ATTR, None)
    if found is None:
        found = Pages(datasette)
        setattr(datasette, PAGES_ATTR, found)
    return found


@hookimpl
def extra_template_vars(datasette: Datasette) -> dict[str, Any]:
    pages = _pages(datasette)
    return {
        "vz_article": pages.article,
        "vz_quotes": pages.quotes,
        "vz_evidence": pages.evidence,
        "vz_story": pages.story,
        "vz_date": date_shown,
        "vz_money": money,
        "vz_words": words,
        "vz_meaning": meaning,
    }
