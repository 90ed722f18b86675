"""Accepted records -> released rows and citations rows in DuckDB SQL, no Python object per record.

The input is one DuckDB relation per curated table with a typed column per field of the record
model (``records.columns``: what validation read). ``prepare`` creates, in the connection:

* ``_released_sources`` (``id``, ``origin``) of the accepted sources, and ``_texts`` (``id``,
  ``text``: the articles validation read, an Arrow table DuckDB scans in place);
* ``_citations``: one row per quote of an accepted record of any table whose source is
  released: ``id`` = ``record@source:start``, the record's table and id, the quote's fields, its
  independent origin (``format.evidence.independent_origin``: ``<source> (own writing)`` for an
  ``own`` passage, else the source's origin) and its sentence bounds (``sentences``);
* ``_derived``: per record, ``source_count`` (distinct citing articles) and ``origin_count``
  (distinct independent origins) of its released citations.

``released_sql(table)`` is then the SELECT of a released table's rows, columns in the order of
the explicit Arrow schema (``format.arrow.columns``), record fields with the model's defaults
(``[]`` for an absent list), ``sources.text``, and ``disputed`` (a dispute, or a version in one).
Types are loose where Arrow's cast must decide (vocabularies stay strings): ``table_files``
casts each row group to the explicit schema, as the per-record path did, so the files are the
same bytes.

``problems`` words what must hold of the released rows, as joins: every reference points to a
released row (an accepted record of the referenced table), every citation's source is released,
ids are unique per table. Validation already refuses all of these (an accepted record may only
reference accepted ones); the release checks them again, with the lines of the per-record path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pyarrow as pa
from venezuela_crisis.format.arrow import EXCLUDED_FIELDS, column_default, columns
from venezuela_crisis.format.evidence import OWN_SUFFIX
from venezuela_crisis.models import CURATED_TABLES, TABLES
from venezuela_crisis.models.base import Derived, references

from ..records.columns import STEP_MEMORY
from ..records.texts import ArticleTexts
from .sentences import context_bounds

MEMORY_LIMIT = STEP_MEMORY
"""DuckDB's memory for the release, beside the article texts and one row group of the largest
table in Arrow."""
ACCEPTED = "_valid AND _status = 'accepted'"
"""Records the release takes: valid (the first with its id) and accepted (``records.columns``)."""


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def accepted_view(table: str) -> str:
    """Name of the view of `table`'s accepted records (created by ``prepare``)."""
    return q(f"_accepted_{table}")


def prepare(con: duckdb.DuckDBPyConnection, inputs: Mapping[str, str], texts: ArticleTexts) -> None:
    """Create the views and tables the released rows are selected from (module docstring).

    `inputs`: curated table -> relation holding its records (typed columns of the model);
    `texts`: the articles validation read, scanned in place where sources.parquet is written
    (``forget_texts`` after that)."""
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = {lit(MEMORY_LIMIT)}")
    for table in CURATED_TABLES:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {accepted_view(table)} AS "
            f"SELECT * FROM {q(inputs[table])} WHERE {ACCEPTED}"
        )
    # tables in the connection's own database: on disk for records.columns (bounded memory)
    con.execute(
        "CREATE OR REPLACE TABLE _released_sources AS "
        f"SELECT id, origin FROM {accepted_view('sources')}"
    )
    con.register("_texts", texts.table)
    quotes = " UNION ALL ".join(
        f"SELECT {lit(table)} AS record_table, id AS record_id, _file, _line, "
        f"unnest(citations) AS c FROM {accepted_view(table)}"
        for table in CURATED_TABLES
    )
    con.execute(
        "CREATE OR REPLACE TABLE _quotes AS SELECT record_id || '@' || c.source || ':' || "
        "CAST(c.char_start AS VARCHAR) AS id, record_table, record_id, c.source AS source_id, "
        "c.quote AS quote, c.char_start AS char_start, c.char_end AS char_end, "
        "c.attribution AS attribution, c.attributed_to AS attributed_to, _file, _line "
        f"FROM ({quotes})"
    )
    spans = con.sql(
        "SELECT DISTINCT source_id, char_start, char_end FROM _quotes "
        "WHERE source_id IN (SELECT id FROM _released_sources)"
    ).to_arrow_table()
    con.execute(
        "CREATE OR REPLACE TABLE _context (source_id VARCHAR, char_start BIGINT, "
        "char_end BIGINT, context_start BIGINT, context_end BIGINT)"
    )
    _insert(con, "_context", context_bounds(texts, spans))
    del spans
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _cited AS SELECT q.*, CASE WHEN q.attribution = 'own' "
        f"THEN q.source_id || {lit(OWN_SUFFIX)} ELSE s.origin END AS origin FROM _quotes q "
        "JOIN _released_sources s ON q.source_id = s.id"
    )
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _citations AS SELECT c.*, x.context_start, x.context_end "
        "FROM _cited c LEFT JOIN _context x USING (source_id, char_start, char_end)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE _derived AS SELECT record_table, record_id, "
        "count(DISTINCT source_id) AS source_count, count(DISTINCT origin) AS origin_count "
        "FROM _cited GROUP BY record_table, record_id"
    )


def forget_texts(con: duckdb.DuckDBPyConnection) -> None:
    """The article texts are no longer needed (sources.parquet is written)."""
    con.unregister("_texts")


def _insert(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    con.register("_batch_arrow", data)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _batch_arrow")
    finally:
        con.unregister("_batch_arrow")


def released_sql(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The SELECT of `table`'s released rows (any order; ``prepare`` first)."""
    if table == "citations":
        return f"SELECT {', '.join(q(c) for c in columns(table))} FROM _citations"
    view = accepted_view(table)
    types = _types(con, view)
    items: list[str] = []
    for name in columns(table):
        if name in Derived.model_fields:
            items.append(_derived(table, name))
        elif name == "text" and table == "sources":
            items.append("t.text AS text")
        else:
            items.append(_with_default(table, name, types[name]))
    joins = ""
    if issubclass(TABLES[table].row, Derived):
        # ids are unique among released rows (``problems`` stops the release otherwise)
        joins = f" LEFT JOIN _derived d ON d.record_table = {lit(table)} AND d.record_id = r.id"
    if table == "sources":
        joins += " LEFT JOIN _texts t ON t.id = r.id"
    return f"SELECT {', '.join(items)} FROM {view} r{joins}"


def _types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Column -> DuckDB type of `relation`."""
    rel = con.sql(f"SELECT * FROM {relation}")
    return {name: str(kind) for name, kind in zip(rel.columns, rel.types, strict=True)}


def _derived(table: str, name: str) -> str:
    if name == "disputed":
        flag = "TRUE" if table == "disputes" else "coalesce(len(r.disputes), 0) > 0"
        return f"{flag} AS disputed"
    return f"coalesce(d.{q(name)}, 0) AS {q(name)}"


def _with_default(table: str, name: str, sql_type: str) -> str:
    default = column_default(table, name)
    if default is None:
        return f"r.{q(name)}"
    return f"coalesce(r.{q(name)}, {_literal(default, sql_type)}) AS {q(name)}"


def _literal(value: Any, sql_type: str) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return lit(value)
    if value == []:
        return f"CAST([] AS {sql_type})"
    raise TypeError(f"no SQL literal for the default {value!r}")


def problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What must hold of the released rows (module docstring), one line per problem, in file
    and line order of the records, then the duplicate ids."""
    found: list[tuple[str, int, int, str]] = []
    for table in CURATED_TABLES:
        types = _types(con, accepted_view(table))
        for order, (field, target) in enumerate(sorted(references(TABLES[table].row).items())):
            if field in EXCLUDED_FIELDS:
                continue
            values = f"unnest(r.{q(field)})" if types[field].endswith("[]") else f"r.{q(field)}"
            sql = (
                f"SELECT r.id, r._file, r._line, v FROM (SELECT id, _file, _line, {values} AS v "
                f"FROM {accepted_view(table)} r) r WHERE v IS NOT NULL AND v NOT IN "
                f"(SELECT id FROM {accepted_view(target)}) ORDER BY r._file, r._line"
            )
            for rid, path, line, ref in con.sql(sql).fetchall():
                message = (
                    f"{table}: {rid}: {field}: {ref!r} is not a released {target} row "
                    "(missing, or not accepted yet)"
                )
                found.append((str(path), int(line), order + 1, message))
    unreleased = (
        "SELECT id, source_id, _file, _line FROM _quotes WHERE source_id NOT IN "
        "(SELECT id FROM _released_sources)"
    )
    for cid, source, path, line in con.sql(unreleased).fetchall():
        message = f"citations: {cid}: source_id: {source!r} is not a released source"
        found.append((str(path), int(line), 0, message))
    lines = [message for *_, message in sorted(found)]
    for table in TABLES:
        relation = "_citations" if table == "citations" else accepted_view(table)
        dup = f"SELECT id FROM {relation} GROUP BY id HAVING count(*) > 1 ORDER BY id"
        duplicates = con.sql(dup).fetchall()
        lines += [f"{table}: {rid}: id: duplicate id in the release" for (rid,) in duplicates]
    return lines
