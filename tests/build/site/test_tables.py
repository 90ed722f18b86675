"""Table pages, cells, spreadsheet exports and canned queries on the published release 1.1.0.

In-process Datasette over releases/1.1.0/venezuela-crisis.db as it is, with the metadata the
code generates, our templates and plugins. Expected values are read off the 1.1.0 records.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from markupsafe import Markup
from vzcrisis.site import cells
from vzcrisis.site.canned_queries import canned_queries
from vzcrisis.site.metadata import LABEL_COLUMNS, build_metadata
from vzcrisis.site.serve import TEMPLATES
from vzcrisis.site.sheet import BOM, rows_html
from vzcrisis.site.sqlite import DB_FILE, DB_NAME

from tests._committed import MADURO_DEMANDS
from tests.build._site import site

ROOT = Path(__file__).resolve().parents[3]
DB = ROOT / "releases" / "1.1.0" / DB_FILE
TEMPLATE_DIR = Path(TEMPLATES)


def _datasette(**settings: Any) -> Datasette:
    return site(DB, **settings)


@pytest.fixture(scope="module")
def ds() -> Datasette:
    return _datasette()


async def _get(ds: Datasette, path: str) -> Any:
    r = await ds.client.get(f"/{DB_NAME}/{path}")
    assert r.status_code == 200, (path, r.text[:500])
    return r


async def _rows(ds: Datasette, path: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (await _get(ds, path)).json()
    return rows


def _cells(html: str, column: str) -> list[str]:
    """The inner HTML of every body cell of `column` on a table or query page."""
    return re.findall(rf'<td class="col-{column}(?: [^"]*)?">(.*?)</td>', html, re.S)


def _header(html: str) -> list[str]:
    """The columns of a table page's table, in order."""
    head = html.split('<table class="rows-and-columns', 1)[1].split("</thead>", 1)[0]
    return re.findall(r'data-column="([^"]+)"', head)


def _csv(body: str) -> list[dict[str, str]]:
    assert body.startswith(BOM)
    return list(csv.DictReader(io.StringIO(body[len(BOM) :])))


# --- canned queries -------------------------------------------------------------------------


async def test_demands_by_actor_lists_each_demand_once(ds: Datasette) -> None:
    rows = await _rows(ds, "demands_by_actor.json?_shape=array&_size=max")
    assert [(r["actor"], r["demand"]) for r in rows] == [
        ("Donald Trump", "trump-leave-now"),
        ("Donald Trump", "trump-leave-within-week"),
        ("Donald Trump", "trump-resign-immediately"),
        ("Gustavo Petro", "petro-cartagena-talks"),
        ("Nicolás Maduro", "maduro-amnesty-allies"),
        ("Nicolás Maduro", "maduro-amnesty-family"),
        ("Nicolás Maduro", "maduro-drop-icc-case"),
        ("Nicolás Maduro", "maduro-keep-armed-forces"),
        ("Nicolás Maduro", "maduro-rodriguez-interim-government"),
        ("Nicolás Maduro", "maduro-safe-passage"),
        ("Nicolás Maduro", "maduro-lift-us-sanctions"),
        ("Nicolás Maduro", "maduro-sanctions-relief-officials"),
        ("Nicolás Maduro; Maduro government", "maduro-second-call"),
        ("Wall Street Journal editorial board", "wsj-keep-pressure"),
    ]
    (call,) = [r for r in rows if r["demand"] == "maduro-second-call"]
    assert call["actor_id"] == "nicolas-maduro; maduro-government"
    (family,) = [r for r in rows if r["demand"] == "maduro-amnesty-family"]
    assert (family["status"], family["response_event"], family["disputed"]) == (
        "partly_rejected",
        "trump-rejects-most-demands",
        1,
    )


@pytest.mark.parametrize(
    ("args", "actors", "demands", "count"),
    [
        (
            "actor=Maduro",
            ["nicolas-maduro"],
            MADURO_DEMANDS,
            24,
        ),  # an alias, not "Maduro government"
        ("actor=maduro", ["nicolas-maduro"], MADURO_DEMANDS, 24),  # in any case
        ("actor=nicolas-maduro", ["nicolas-maduro"], MADURO_DEMANDS, 24),  # the id
        ("actor=Nicolás+Maduro", ["nicolas-maduro"], MADURO_DEMANDS, 24),  # the full name
        ("actor=+Maduro+government+", ["maduro-government"], ["maduro-second-call"], 3),
        ("actor=caracas", ["maduro-government"], ["maduro-second-call"], 3),  # an alias
        ("actor=Maduro&partial=yes", ["maduro-government", "nicolas-maduro"], MADURO_DEMANDS, 27),
        ("actor=Madur", [], [], 0),  # part of a name only with partial
        ("actor=", [], [], 0),  # nothing typed: nothing, not everyone
    ],
)
async def test_actor_demands_matches_the_actor_exactly_unless_partial(
    ds: Datasette, args: str, actors: list[str], demands: list[str], count: int
) -> None:
    rows = await _rows(ds, f"actor_demands.json?_shape=array&_size=max&{args}")
    assert len(rows) == count
    assert sorted({r["actor_id"] for r in rows}) == actors
    assert sorted({r["demand"] for r in rows}) == demands


async def test_actor_demands_quotes_of_the_second_call(ds: Datasette) -> None:
    rows = await _rows(ds, "actor_demands.json?_shape=array&actor=Maduro+government")
    assert [(r["quote"], r["source_id"], r["origin"]) for r in rows] == [
        ("requested a second call", "src-053c2b2b", "Miami Herald"),
        ("this request reportedly received no response", "src-053c2b2b", "Miami Herald"),
        ("requested another call with Trump", "src-61c42525", "src-61c42525 (own writing)"),
    ]


def test_canned_query_results_are_plain_values() -> None:
    """No canned query returns a JSON list: several ids or names are joined with '; '."""
    conn = sqlite3.connect(DB)
    queries = canned_queries(LABEL_COLUMNS)
    params = {"actor": "Maduro", "partial": "yes", "record_id": "maduro-amnesty-family"}
    checked = 0
    for name, query in queries.items():
        for row in conn.execute(query["sql"], params):
            checked += 1
            assert not any(isinstance(v, str) and v.startswith('["') for v in row), name
        assert query["hide_sql"] is True
    assert checked > 100


# --- cells ----------------------------------------------------------------------------------


def test_cell_formats() -> None:
    assert cells.shown_date("2013-01-01", "year") == "2013"
    assert cells.shown_date("2025-11-01", "month") == "2025-11"
    assert cells.shown_date("2025-11-24", "week") == "week of 2025-11-24"
    assert cells.shown_date("2025-09-01", "approximate") == "approx. 2025-09-01"
    assert cells.shown_date("2025-11-21", "day") == "2025-11-21"
    assert cells.dollars(50_000_000) == "$50,000,000"
    assert (cells.yes_no(1), cells.yes_no(0), cells.yes_no(2)) == ("yes", "no", None)
    assert cells.short("a b c", 90) == "a b c"
    assert cells.short("word " * 30, 20) == "word word word word…"
    assert cells.split_ids("nicolas-maduro; maduro-government") == [
        "nicolas-maduro",
        "maduro-government",
    ]


def test_column_kinds_come_from_the_models() -> None:
    assert sorted(cells.AMOUNTS) == [("sanctions", "amount_usd")]
    assert cells.PRECISIONS == {
        ("sources", "published"): "published_precision",
        ("events", "date"): "date_precision",
        ("sanctions", "date"): "date_precision",
    }
    assert {c for _, c in cells.BOOLEANS} == {"disputed"}
    assert cells.LIST_TARGETS[("demands", "by")] == "actors"
    assert cells.LIST_TARGETS[("sanctions", "imposed_by")] == "actors"
    assert cells.HIDDEN["sources"] == ("review", "published_precision", "file", "sha256")
    assert cells.HIDDEN["events"] == ("review", "date_precision", "date_resolution")
    assert cells.CURATION["events"] == ("review",)


async def test_table_cells_read_as_words(ds: Datasette) -> None:
    sanction = (await _get(ds, "sanctions?id=reward-maduro-50m")).text
    assert _cells(sanction, "amount_usd") == ["$50,000,000"]
    assert _cells(sanction, "disputed") == ["no"]
    assert _cells(sanction, "targets") == [
        '<a href="/venezuela-crisis/actors/nicolas-maduro">Nicolás Maduro</a>'
    ]
    assert _cells(sanction, "imposed_by") == [
        '<a href="/venezuela-crisis/actors/trump-administration">Trump administration</a>'
    ]
    event = (await _get(ds, "events?id=maduro-assumes-office-2013")).text
    assert _cells(event, "date") == ['<span class="vz-date">2013</span>']
    week = (await _get(ds, "events?id=trump-ultimatum-one-week")).text
    assert _cells(week, "quantities") == ["one week"]
    assert _cells(week, "disputed") == ["yes"]
    assert _cells(week, "disputes") == [
        '<a href="/venezuela-crisis/disputes/trump-deadline">How long did Trump give Maduro to '
        'leave?</a>, <a href="/venezuela-crisis/disputes/safe-passage-coverage">Whom would the '
        "safe passage Trump offered Maduro cover?</a>"
    ]
    actor = (await _get(ds, "actors?id=nicolas-maduro")).text
    assert _cells(actor, "aliases") == ["Nicolas Maduro; Maduro"]
    citation = (await _get(ds, "citations?id=amnesty-beneficiaries@src-053c2b2b:1160")).text
    assert _cells(citation, "record_id") == [
        '<a href="/venezuela-crisis/disputes/amnesty-beneficiaries">amnesty-beneficiaries</a>'
    ]


async def test_boolean_facets_read_yes_no(ds: Datasette) -> None:
    html = (await _get(ds, "demands")).text
    assert (
        '<li><a href="http://localhost/venezuela-crisis/demands?disputed=0">no</a> 7</li>' in html
    )
    assert (
        '<li><a href="http://localhost/venezuela-crisis/demands?disputed=1">yes</a> 7</li>' in html
    )


async def test_every_list_column_shows_linked_names(ds: Datasette) -> None:
    """Every list of ids of every table reads as names linked to their rows; [] as a blank."""
    conn = sqlite3.connect(DB)
    for (table, column), target in cells.LIST_TARGETS.items():
        row = conn.execute(
            f"select id, [{column}] from [{table}] where [{column}] != '[]' limit 1"
        ).fetchone()
        if row is None:
            continue
        rid, ids = row
        first = json.loads(ids)[0]
        label = conn.execute(
            f"select [{LABEL_COLUMNS[target]}] from [{target}] where id = ?", [first]
        ).fetchone()[0]
        html = (await _get(ds, f"{table}?id={rid}&_vz_cols=all")).text
        (cell,) = _cells(html, column)
        assert cell.startswith(f'<a href="/venezuela-crisis/{target}/{first}"'), (table, column)
        assert f">{cells.short(label)}</a>".replace("'", "&#39;") in cell, (table, column)
    html = (await _get(ds, "demands?id=maduro-second-call&_vz_cols=all")).text
    assert _cells(html, "sanctions") == ["&nbsp;"]


# --- table pages ----------------------------------------------------------------------------


async def test_table_page_folds_the_codebook_and_hides_review_columns(ds: Datasette) -> None:
    html = (await _get(ds, "demands")).text
    folded = html.split('<details class="vz-codebook">', 1)[1].split("</details>", 1)[0]
    assert "<summary>What each column means (codebook: 15 columns)</summary>" in folded
    assert '<dl class="column-descriptions">' in folded and "<dt>review</dt>" in folded
    assert html.count('<dl class="column-descriptions">') == 1
    assert _header(html) == [
        "id",
        "text",
        "by",
        "addressed_to",
        "beneficiaries",
        "category",
        "made_in",
        "status",
        "response_event",
        "sanctions",
        "source_count",
        "origin_count",
        "disputed",
        "disputes",
    ]
    assert "Not shown: review (on each record's page)." in html
    assert 'href="/venezuela-crisis/demands?_vz_cols=all">Show all columns</a>' in html
    everything = (await _get(ds, "demands?_vz_cols=all")).text
    assert "review" in _header(everything)
    assert "Hide review, notes and empty columns" in everything
    sources = _header((await _get(ds, "sources")).text)
    assert not {"review", "sha256", "file", "published_precision"} & set(sources)


async def test_sanctions_lead_with_their_description_and_drop_empty_columns(
    ds: Datasette,
) -> None:
    html = (await _get(ds, "sanctions")).text
    assert _header(html) == [
        "id",
        "description",
        "date",
        "date_text",
        "kind",
        "imposed_by",
        "targets",
        "status",
        "amount_usd",
        "event",
        "source_count",
        "origin_count",
        "disputed",
    ]
    assert (
        "Not shown: date_precision, date_resolution, review (on each record's page); "
        "end_date, end_date_text, disputes (empty on this page)."
    ) in html


async def test_dated_rows_come_before_undated_ones(ds: Datasette) -> None:
    """Datasette 0.65 sorts ascending with nulls first: the default sort of a nullable date
    is descending, so dated records lead and undated ones end the page."""
    meta = build_metadata()["databases"][DB_NAME]["tables"]
    assert meta["events"]["sort_desc"] == "date" and "sort" not in meta["events"]
    assert meta["sanctions"]["sort_desc"] == "date"
    events = await _rows(ds, "events.json?_shape=array&_size=max")
    dates = [e["date"] for e in events]
    assert dates[:2] == ["2025-12-01", "2025-11-29"]
    assert dates.index(None) == 13 and set(dates[13:]) == {None}
    sanctions = await _rows(ds, "sanctions.json?_shape=array")
    assert sanctions[0]["id"] == "venezuela-airspace-closure"
    html = (await _get(ds, "events")).text
    assert "36 rows sorted by date descending" in html


def test_every_table_has_the_readable_table_template() -> None:
    for table in sorted(cells.TABLES_AND_LINKS):
        path = TEMPLATE_DIR / f"table-venezuela-crisis-{table}.html"
        assert path.read_text() == '{% extends "_vz_table.html" %}\n', table


# --- query results --------------------------------------------------------------------------


async def test_query_results_link_ids(ds: Datasette) -> None:
    html = (await _get(ds, "demands_by_actor")).text
    assert (
        '<a href="/venezuela-crisis/actors/nicolas-maduro">Nicolás Maduro</a>; '
        '<a href="/venezuela-crisis/actors/maduro-government">Maduro government</a>'
    ) in _cells(html, "actor")
    assert '<a href="/venezuela-crisis/demands/maduro-second-call">maduro-second-call</a>' in (
        _cells(html, "demand")
    )
    assert (
        '<a href="/venezuela-crisis/events/trump-rejects-most-demands">'
        "trump-rejects-most-demands</a>"
    ) in _cells(html, "response_event")
    assert set(_cells(html, "disputed")) == {"yes", "no"}
    evidence = (await _get(ds, "evidence?record_id=maduro-second-call")).text
    assert _cells(evidence, "citation")[0] == (
        '<a href="/venezuela-crisis/citations/maduro-second-call~40src-053c2b2b~3A1472">'
        "maduro-second-call@src-053c2b2b:1472</a>"
    )
    assert _cells(evidence, "source")[0] == (
        '<a href="/venezuela-crisis/sources/src-053c2b2b">'
        "Untitled Miami Herald article (src-053c2b2b)</a>"
    )
    single = (await _get(ds, "single_origin_claims")).text
    assert _cells(single, "id")[0] == (
        '<a href="/venezuela-crisis/demands/maduro-amnesty-allies">maduro-amnesty-allies</a>'
    )
    disputed = (await _get(ds, "disputed_claims")).text
    assert _cells(disputed, "dispute")[0] == (
        '<a href="/venezuela-crisis/disputes/amnesty-beneficiaries">amnesty-beneficiaries</a>'
    )
    assert _cells(disputed, "version")[0] == (
        '<a href="/venezuela-crisis/demands/maduro-amnesty-allies">maduro-amnesty-allies</a>'
    )
    timeline = (await _get(ds, "timeline")).text
    assert _cells(timeline, "id")[0] == (
        '<a href="/venezuela-crisis/events/maduro-assumes-office-2013">'
        "maduro-assumes-office-2013</a>"
    )


async def test_quotes_are_never_cut() -> None:
    """Datasette cuts cells at ``truncate_cells_html``; quotes and evidence stay whole."""
    ds = _datasette(truncate_cells_html=30)
    quote = "a request for global amnesty from prosecution for himself and his allies"
    evidence = (await _get(ds, "evidence?record_id=maduro-amnesty-allies")).text
    assert _cells(evidence, "quote") == [quote]
    assert _cells(evidence, "source") != []
    disputed = (await _get(ds, "disputed_claims")).text
    assert _cells(disputed, "evidence")[1] == (
        "“if he and his family received full legal amnesty” (Reuters)<br>"
        "“total amnesty for himself and his family” (Reuters)<br>"
        "“full legal amnesty for himself and his family” (Reuters)"
    )
    assert _cells(disputed, "claim")[1] == "Full legal amnesty for Maduro …"  # not a quote: cut
    mine = (await _get(ds, "actor_demands?actor=Maduro")).text
    assert f'<td class="col-quote">{quote}</td>' in mine


# --- spreadsheet export ---------------------------------------------------------------------


async def test_spreadsheet_export_of_demands_has_names_not_json(ds: Datasette) -> None:
    html = (await _get(ds, "demands")).text
    assert 'href="/venezuela-crisis/demands.spreadsheet?_labels=on">CSV for spreadsheets</a>' in (
        html
    )
    r = await _get(ds, "demands.spreadsheet?_labels=on")
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == (
        'attachment; filename="venezuela-crisis-demands.csv"'
    )
    assert '["' not in r.text and "review" not in r.text
    rows = _csv(r.text)
    assert len(rows) == 14
    assert list(rows[0])[:5] == ["id", "by", "by_label", "addressed_to", "addressed_to_label"]
    (call,) = [r for r in rows if r["id"] == "maduro-second-call"]
    assert call["by"] == "nicolas-maduro; maduro-government"
    assert call["by_label"] == "Nicolás Maduro; Maduro government"
    assert call["addressed_to_label"] == "Donald Trump"
    assert call["made_in"] == "maduro-requests-second-call"
    assert call["made_in_label"].startswith("Maduro (the Miami Herald's account")
    assert (call["sanctions"], call["sanctions_label"], call["disputed"]) == ("", "", "no")
    (family,) = [r for r in rows if r["id"] == "maduro-amnesty-family"]
    assert family["beneficiaries_label"] == "Nicolás Maduro; Maduro's family"
    assert family["disputes_label"] == "Whom would the amnesty Maduro asked for cover?"


async def test_spreadsheet_exports_every_row_and_plain_lists(ds: Datasette) -> None:
    citations = _csv((await _get(ds, "citations.spreadsheet?_size=10")).text)
    assert len(citations) == 283
    assert len({c["id"] for c in citations}) == 283
    events = _csv((await _get(ds, "events.spreadsheet")).text)
    (week,) = [e for e in events if e["id"] == "trump-ultimatum-one-week"]
    assert (week["date"], week["date_precision"], week["quantities"]) == (
        "2025-11-21",
        "day",
        "one week",
    )
    assert week["actors_label"] == "Donald Trump"
    sanctions = _csv((await _get(ds, "sanctions.spreadsheet")).text)
    (reward,) = [s for s in sanctions if s["id"] == "reward-maduro-50m"]
    assert reward["amount_usd"] == "50000000"  # a number a spreadsheet can sum
    sources = _csv((await _get(ds, "sources.spreadsheet")).text)
    assert not {"review", "sha256", "file"} & set(sources[0])
    everything = _csv((await _get(ds, "sources.spreadsheet?_vz_cols=all")).text)
    assert {"review", "sha256", "file"} <= set(everything[0])


async def test_spreadsheet_export_of_canned_queries(ds: Datasette) -> None:
    html = (await _get(ds, "demands_by_actor")).text
    assert 'href="/venezuela-crisis/demands_by_actor.spreadsheet">spreadsheet</a>' in html
    r = await _get(ds, "demands_by_actor.spreadsheet")
    assert '["' not in r.text
    rows = _csv(r.text)
    assert [r["demand"] for r in rows].count("maduro-second-call") == 1
    (call,) = [r for r in rows if r["demand"] == "maduro-second-call"]
    assert (call["actor"], call["actor_id"], call["disputed"]) == (
        "Nicolás Maduro; Maduro government",
        "nicolas-maduro; maduro-government",
        "no",
    )
    evidence = _csv((await _get(ds, "disputed_claims.spreadsheet")).text)
    assert evidence[1]["evidence"].split("\n") == [
        "“if he and his family received full legal amnesty” (Reuters)",
        "“total amnesty for himself and his family” (Reuters)",
        "“full legal amnesty for himself and his family” (Reuters)",
    ]


class _Row:
    """A row as Datasette 0.65 hands it to the table template (``.cells``)."""

    def __init__(self, cells: list[dict[str, Any]]) -> None:
        self.cells = cells


def test_rows_are_written_as_datasettes_table_template_writes_them() -> None:
    """The picked cells in order, ``col-<column> type-<type>``, the lead marked, text escaped and
    Markup kept (what the Jinja loop it replaces wrote)."""
    row = _Row(
        [
            {"column": "id", "value": Markup('<a href="/x">x</a>'), "value_type": "pk"},
            {"column": "review", "value": "{}", "value_type": "str"},
            {"column": "text", "value": "Tom & <Jerry>", "value_type": "str"},
            {"column": "my col", "value": 3, "value_type": "int"},
        ]
    )
    html = rows_html([row, row], [0, 2, 3], "text")
    one = (
        '<tr><td class="col-id type-pk"><a href="/x">x</a></td>'
        '<td class="col-text type-str vz-lead-col">Tom &amp; &lt;Jerry&gt;</td>'
        '<td class="col-my-col-ad025c type-int">3</td></tr>\n'
    )
    assert isinstance(html, Markup) and html == one * 2
