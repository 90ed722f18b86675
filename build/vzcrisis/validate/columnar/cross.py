"""The checks across records as joins: references, quotes at offsets, dates.

``marked`` returns the records (of files checked in columns, first with their id and valid on
their own) that may fail one of ``cross_checks.check_references``, ``check_quotes`` or
``check_date``; those records go through the Python checks, which word the problems. Each query
mirrors one of those functions:

- references: every id in a field the model marks ``x-references`` (and each citation's
  source) is the first record with that id, in the right table; an accepted record references
  only accepted records (a target invalid on its own is not held against it); an unknown id
  counts only when every file loaded (`complete`);
- quotes: no two citations of a record share (source, char_start); the quote is the article's
  text at its offsets (``substring`` counts code points, like Python's slicing; the text is
  held in chunks so a citation reads only the chunks it spans: ``ArticleTexts.chunks``, which
  cuts them without copying);
- dates: a record's date is not after the end of the publication period of every valid source
  it cites (an approximate publication date bounds nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa
from venezuela_crisis.models import CURATED_TABLES, TABLES, SourceRecord
from venezuela_crisis.models.base import references

from ...records.nodes import lit, model_node, q
from ...records.texts import ArticleTexts


def _records(table: str, fields: list[str]) -> str:
    """SQL: `fields` of the rows of `table` that pass 2 checks (first with their id, valid on
    their own). Only the columns a check reads: a CTE read twice is materialised whole."""
    wanted = ", ".join(f"t.{q(name)}" for name in ["_file", "_line", *fields])
    return (
        f"SELECT {wanted}, f.status AS _effective FROM {q(table)} t JOIN _ids f ON NOT f.py "
        "AND f.path = t._file AND f.seq = t._line AND f.rn = 1 AND f.status IS NOT NULL"
    )


def _reference_query(table: str, complete: bool) -> str | None:
    model = TABLES[table].record
    assert model is not None
    fields = references(model)
    targets = []
    kinds = dict(model_node(table).properties)
    for name, target in fields.items():
        value = q(name) if kinds[name].kind == "array" else f"[{q(name)}]"
        targets.append(
            f"SELECT _file, _line, _effective, unnest({value}) AS ref, "
            f"{lit(target)} AS target FROM r"
        )
    targets.append(
        "SELECT _file, _line, _effective, unnest(citations).source AS ref, "
        "'sources' AS target FROM r"
    )
    unknown = "g.id IS NULL" if complete else "false"
    return (
        f"WITH r AS ({_records(table, [*fields, 'citations'])}), "
        f"refs AS ({' UNION ALL '.join(targets)}) "
        "SELECT DISTINCT x._file, x._line FROM refs x LEFT JOIN _ids g ON g.id = x.ref "
        f"AND g.rn = 1 WHERE x.ref IS NOT NULL AND ({unknown} OR g.tbl <> x.target OR "
        "(x._effective = 'accepted' AND g.status IS NOT NULL AND g.status <> 'accepted'))"
    )


CHUNK = 256
"""Article texts are held as chunks of this many code points: a quote is cut from the chunks it
spans (``substring`` walks a string from its start, so a whole article per citation was the
cost of the check)."""


def _slice(chunks: str, start: str, end: str) -> str:
    """SQL: ``text[start:end]`` (Python slicing) of the text held as `chunks`."""
    first, last = f"({start} // {CHUNK})", f"(({end} - 1) // {CHUNK})"
    piece = f"array_to_string(list_slice({chunks}, {first} + 1, {last} + 1), '')"
    return f"substring({piece}, {start} - {first} * {CHUNK} + 1, {end} - {start})"


def _quote_query(table: str) -> str:
    cites = "SELECT _file, _line, unnest(citations) AS c FROM r"
    return (
        f"WITH r AS ({_records(table, ['citations'])}), c AS ({cites}) "
        "SELECT DISTINCT _file, _line FROM ("
        "SELECT _file, _line FROM c GROUP BY _file, _line, c.source, c.char_start "
        "HAVING count(*) > 1 UNION ALL "
        "SELECT _file, _line FROM c JOIN _texts t ON t.source = c.c.source "
        f"WHERE {_slice('t.chunks', 'c.c.char_start', 'c.c.char_end')} "
        "IS DISTINCT FROM c.c.quote)"
    )


def _date_query(table: str) -> str:
    bound = (
        "CASE s.precision WHEN 'week' THEN s.published + 6 WHEN 'month' THEN "
        "last_day(s.published) WHEN 'year' THEN make_date(year(s.published), 12, 31) "
        "WHEN 'approximate' THEN NULL ELSE s.published END"
    )
    return (
        f"WITH r AS ({_records(table, ['date', 'citations'])}), c AS (SELECT DISTINCT _file, "
        "_line, date, "
        "unnest(citations).source AS sid FROM r WHERE date IS NOT NULL) "
        f"SELECT _file, _line FROM c JOIN _sources s ON s.id = c.sid "
        "WHERE s.published IS NOT NULL GROUP BY _file, _line, date "
        f"HAVING NOT bool_or(s.precision = 'approximate') AND date > max({bound})"
    )


def marked(
    con: Any, texts: ArticleTexts, sources: Mapping[str, SourceRecord], complete: bool
) -> list[tuple[str, int, str]]:
    """(file, line, JSON text) of every record a check across records may refuse."""
    con.register("_texts", texts.chunks(CHUNK))
    valid = sorted(sources)
    published = [sources[s].published for s in valid]
    precision = [str(sources[s].published_precision or "") or None for s in valid]
    con.register(
        "_sources",
        pa.table(
            {
                "id": valid,
                "published": pa.array(published, pa.date32()),
                "precision": pa.array(precision, pa.string()),
            }
        ),
    )
    try:
        out: set[tuple[str, int, str]] = set()
        for table in CURATED_TABLES:
            queries = [_reference_query(table, complete), _quote_query(table)]
            if "date" in TABLES[table].record.model_fields:  # type: ignore[union-attr]
                queries.append(_date_query(table))
            found = set()
            for query in queries:
                if query is not None:
                    found.update(con.sql(query).fetchall())
            if found:
                con.register(
                    "_found", pa.table({"f": [f for f, _ in found], "l": [n for _, n in found]})
                )
                out.update(
                    con.sql(
                        f"SELECT _file, _line, _json FROM {q(table)} SEMI JOIN _found "
                        "ON f = _file AND l = _line"
                    ).fetchall()
                )
                con.unregister("_found")
        return sorted(out)
    finally:
        con.unregister("_texts")
        con.unregister("_sources")
