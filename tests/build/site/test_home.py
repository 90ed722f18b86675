"""Landing page, site-wide search, timeline page, release footer and 404 (plugin ``vz_home``).

In-process Datasette on the committed release 1.1.0 (its bytes, its manifest next to it), and on
the small sample database, which is not a release (no manifest).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from datasette.app import Datasette
from venezuela_crisis.catalog import TIMELINE_TABLES
from vzcrisis.site.canned_queries import timeline_sql
from vzcrisis.site.home import SEARCH_TABLES, fts_query, read_release
from vzcrisis.site.metadata import build_metadata
from vzcrisis.site.sqlite import DB_FILE, link_tables

from tests._committed import MADURO_DEMANDS
from tests.build._site import sample_site, site

DB = "venezuela-crisis"
ROOT = Path(__file__).resolve().parents[3]
RELEASE = ROOT / "releases" / "1.1.0"
MANIFEST_SHA256 = "49981003024de4b41afc9f41960b351f019f2e5b685b4dd6aa81d265b40f19dd"
DB_SHA256 = "418623b79d80e3f5a9641461779d2f206adf84a0ae4d8b75f3844497eba8a60f"
FOOTER = (
    "Release <strong>1.1.0</strong> of 2026-11-30\n"
    f'  &middot; manifest sha256 <code title="{MANIFEST_SHA256}">49981003024d</code>\n'
    '  &middot; <a href="/#cite">How to cite</a>'
)

NOV_21 = [
    "events-maduro-states-terms-2025-11-21",
    "events-trump-maduro-call-2025-11-21",
    "events-trump-rejects-all-demands",
    "events-trump-rejects-most-demands",
    "events-trump-ultimatum-leave-now",
    "events-trump-ultimatum-one-week",
    "demands-maduro-amnesty-allies",
    "demands-maduro-amnesty-family",
    "demands-maduro-drop-icc-case",
    "demands-maduro-keep-armed-forces",
    "demands-maduro-lift-us-sanctions",
    "demands-maduro-rodriguez-interim-government",
    "demands-maduro-safe-passage",
    "demands-maduro-sanctions-relief-officials",
    "demands-trump-leave-now",
    "demands-trump-leave-within-week",
    "demands-trump-resign-immediately",
]
"""The timeline's 21 November in the SDK's order (``timeline_sql``): the events of the day by
id, then the demands made in them. The data has no time of day: Maduro stating his terms during
the call sorts before the call itself by id."""


def _datasette(db: Path) -> Datasette:
    return site(db)


@pytest.fixture(scope="module")
def real() -> Datasette:
    return _datasette(RELEASE / DB_FILE)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    return sample_site(tmp_path_factory.mktemp("sample-home"))


async def _html(ds: Datasette, path: str, status: int = 200) -> str:
    r = await ds.client.get(path)
    assert r.status_code == status, (path, r.text[:500])
    return str(r.text)


async def _json(ds: Datasette, path: str) -> Any:
    r = await ds.client.get(path)
    assert r.status_code == 200, (path, r.text[:500])
    return r.json()


def _entries(html: str) -> list[str]:
    """Ids of the timeline page's lines (``<table>-<id>``), in page order."""
    return re.findall(r'<tr class="vz-entry[^"]*" id="([^"]+)">', html)


def _sections(html: str) -> tuple[list[str], list[str]]:
    """The timeline page's dated and undated lines."""
    dated, _, undated = html.partition('<h2 id="undated">Undated</h2>')
    assert undated, "the undated section is missing"
    return _entries(dated), _entries(undated)


def _involving(actor: str) -> tuple[list[str], list[str]]:
    """The timeline lines whose record lists `actor` in its actor columns, read from the JSON
    lists of the tables (not the link tables the page reads), in the timeline's order."""
    conn = sqlite3.connect(RELEASE / DB_FILE)
    try:
        wanted = set()
        for spec in TIMELINE_TABLES:
            assert spec.timeline is not None
            for column in spec.timeline.actors:
                sql = (
                    f"select x.id from [{spec.name}] x, json_each(x.[{column}]) j where j.value = ?"
                )
                wanted |= {f"{spec.name}-{i}" for (i,) in conn.execute(sql, [actor])}
        rows = conn.execute(timeline_sql()).fetchall()
    finally:
        conn.close()
    dated = [f"{r[2]}-{r[4]}" for r in rows if r[0] is not None]
    undated = [f"{r[2]}-{r[4]}" for r in rows if r[0] is None]
    return [i for i in dated if i in wanted], [i for i in undated if i in wanted]


# -- release --------------------------------------------------------------------------------


def test_the_release_is_read_from_the_manifest_next_to_the_database() -> None:
    assert hashlib.sha256((RELEASE / "manifest.json").read_bytes()).hexdigest() == MANIFEST_SHA256
    release = read_release(RELEASE / DB_FILE)
    assert release is not None
    assert (release.version, release.date, release.manifest_sha256, release.db_sha256) == (
        "1.1.0",
        "2026-11-30",
        MANIFEST_SHA256,
        DB_SHA256,
    )
    assert release.short_sha == "49981003024d"
    assert read_release(ROOT / "no-such-dir" / DB_FILE) is None


async def test_landing_page_says_which_release_and_how_to_cite_it(real: Datasette) -> None:
    page = await _html(real, "/")
    assert "<h1>Venezuela crisis 2025: a cited dataset</h1>" in page
    assert "An open, cited dataset about the 2025 US–Venezuela crisis" in page
    assert '<h2 id="cite">The release, and how to cite it</h2>' in page
    assert "This site serves release <strong>1.1.0</strong>, published 2026-11-30." in page
    assert f'<p class="vz-hash">manifest sha256 {MANIFEST_SHA256}</p>' in page
    assert (
        '<p class="vz-citation">Venezuela crisis 2025: a cited dataset. Release 1.1.0, '
        f"2026-11-30. Manifest sha256 {MANIFEST_SHA256}. License: CC-BY-4.0.</p>"
    ) in page
    assert (
        "<code>VenezuelaCrisis(version=&#34;1.1.0&#34;, "
        f"manifest_sha256=&#34;{MANIFEST_SHA256}&#34;)</code>"
    ) in page
    assert f'sha256 <span class="vz-hash">{DB_SHA256}</span>' in page
    assert '(<a href="/venezuela-crisis.db">download</a>)' in page


QUESTIONS = {
    "What did Maduro demand, and what happened?": "/venezuela-crisis/demands"
    "?by__arraycontains=nicolas-maduro",
    "Who demanded what of whom?": "/venezuela-crisis/demands_by_actor",
    "Where do the reports disagree?": "/venezuela-crisis/disputed_claims",
    "What happened when?": "/timeline",
    "Which claims rest on one origin only?": "/venezuela-crisis/single_origin_claims",
    "Which articles is this built from?": "/venezuela-crisis/sources",
}


async def test_landing_page_asks_questions_that_lead_to_answers(real: Datasette) -> None:
    page = await _html(real, "/")
    links = re.findall(r'<li><a href="([^"]+)">([^<]+\?)</a>', page)
    assert [(text, href) for href, text in links] == list(QUESTIONS.items())
    for href in QUESTIONS.values():
        await _html(real, href)
    maduro = await _json(real, f"/{DB}/demands.json?_shape=array&by__arraycontains=nicolas-maduro")
    assert sorted(d["id"] for d in maduro) == MADURO_DEMANDS
    assert {d["status"] for d in maduro} == {"partly_rejected", "unknown", "expired", "pending"}
    for query in ("disputed_claims", "single_origin_claims"):
        assert await _json(real, f"/{DB}/{query}.json?_shape=array&_size=max"), query


async def test_landing_page_groups_tables_without_link_or_empty_tables(real: Datasette) -> None:
    page = (await _html(real, "/")).split('<div class="vz-groups">')[1].split("</div>")[0]
    groups = re.findall(r"<h3>(\w+)</h3>", page)
    assert groups == ["Records", "Evidence", "Sources"]
    tables = re.findall(r'<li><a href="/venezuela-crisis/(\w+)">([^<]+)</a>\s*<span', page)
    assert tables == [
        ("events", "Events"),
        ("demands", "Demands"),
        ("sanctions", "Sanctions and measures"),
        ("actors", "Actors"),
        ("disputes", "Disputes"),
        ("citations", "Citations"),
        ("sources", "Sources"),
    ]
    assert '<span class="vz-count">(283 rows)</span>' in page
    for link in link_tables():
        assert f'/venezuela-crisis/{link.name}"' not in page, link.name
    meta = build_metadata()["databases"][DB]["tables"]
    links = {link.name for link in link_tables()}
    assert {name for name, table in meta.items() if table.get("hidden")} == links


async def test_one_search_box_finds_amnesty_in_quotes_and_article_texts(real: Datasette) -> None:
    home = await _html(real, "/")
    assert '<form class="vz-search" action="/search" method="get" role="search">' in home
    page = await _html(real, "/search?q=amnesty")
    assert (
        '<a href="#in-demands">2 in demands</a>, <a href="#in-disputes">1 in disputes</a>, '
        '<a href="#in-citations">6 in citations</a>, <a href="#in-sources">4 in sources</a>.'
    ) in page
    quotes = page.split('id="in-citations"')[1].split("</section>")[0]
    assert (
        '<blockquote class="vz-snippet"><a class="vz-in-article" '
        'href="/venezuela-crisis/sources/src-556babef#c-maduro-amnesty-family_src-556babef_967">'
        "“if he and his family received full legal <mark>amnesty</mark>”</a></blockquote>\n"
        '        <p class="vz-cite">supports the demand\n'
        '          <a href="/venezuela-crisis/demands/maduro-amnesty-family">Full legal amnesty '
        "for Maduro and his family.</a>\n"
        '          &middot; in <a href="/venezuela-crisis/sources/src-556babef'
        '#c-maduro-amnesty-family_src-556babef_967">Maduro Running '
        "Out of Options as Trump Rejects Demands in Secret Call (Curaçao Chronicle, "
        "2025-12-02)</a>"
    ) in quotes
    articles = page.split('id="in-sources"')[1].split("</section>")[0]
    assert '<a href="/venezuela-crisis/sources/src-556babef">' in articles
    assert (
        '<div class="vz-snippet">…According to three of the sources, Maduro told Trump he was '
        "willing to leave Venezuela if he and his family received full legal <mark>amnesty</mark>…"
        "</div>"
    ) in articles
    assert articles.count("<li>") == 4
    demands = page.split('id="in-demands"')[1].split("</section>")[0]
    assert (
        '<a href="/venezuela-crisis/demands/maduro-amnesty-family">Full legal '
        "<mark>amnesty</mark> for Maduro and his family.</a>"
    ) in demands


async def test_search_covers_actor_aliases_and_escapes_the_query(real: Datasette) -> None:
    assert SEARCH_TABLES == (
        "events",
        "demands",
        "sanctions",
        "actors",
        "disputes",
        "citations",
        "sources",
    )
    page = await _html(real, "/search?q=Suns")
    actors = page.split('id="in-actors"')[1].split("</section>")[0]
    assert (
        '<a href="/venezuela-crisis/actors/cartel-de-los-soles">Cartel de los Soles</a>' in actors
    )
    assert "Cartel of the <mark>Suns</mark>" in actors
    odd = await _html(real, "/search?q=%3Cscript%3E+%22safe")
    assert "<script>" not in odd.split("<h1>Search</h1>")[1].split("<footer")[0]
    assert 'value="&lt;script&gt; &#34;safe"' in odd
    nothing = await _html(real, "/search?q=zzzqqq")
    assert "<p>Nothing matches <strong>zzzqqq</strong>.</p>" in nothing
    assert fts_query('amnesty "safe passage" a"b') == '"amnesty" "safe passage" "a" "b"'


# -- timeline ------------------------------------------------------------------------------


async def test_timeline_21_november_in_the_sdk_order_with_who_and_whom(real: Datasette) -> None:
    page = await _html(real, "/timeline")
    dated, _ = _sections(page)
    rows = await _json(real, f"/{DB}/timeline.json?_shape=array&_size=max")
    day = [f"{r['record_table']}-{r['id']}" for r in rows if r["date"] == "2025-11-21"]
    assert day == NOV_21
    assert [e for e in dated if e in NOV_21] == NOV_21
    call = NOV_21.index("events-trump-maduro-call-2025-11-21")
    assert all(call < i for i, e in enumerate(NOV_21) if e.startswith("demands-"))
    a = '<a href="/venezuela-crisis/actors/{}">{}</a>'
    trump, maduro = (
        a.format("donald-trump", "Donald Trump"),
        a.format("nicolas-maduro", "Nicolás Maduro"),
    )
    arrow = '<span class="vz-arrow"> → </span>'
    line = page.split('id="events-trump-maduro-call-2025-11-21">')[1].split("</tr>")[0]
    assert f'<td class="vz-who">{trump}, {maduro}</td>' in line
    line = page.split('id="events-maduro-states-terms-2025-11-21">')[1].split("</tr>")[0]
    assert f'<td class="vz-who">{maduro}{arrow}{trump}</td>' in line
    line = page.split('id="demands-trump-leave-now">')[1].split("</tr>")[0]
    assert f'<td class="vz-who">{trump}{arrow}{maduro}</td>' in line
    assert '<td class="vz-kind">demand · departure</td>' in line
    assert re.search(
        r'class="vz-entry vz-new-day" id="events-maduro-states-terms-2025-11-21"', page
    )
    assert re.search(r'class="vz-entry vz-same-day" id="events-trump-maduro-call-2025-11-21"', page)


async def test_timeline_undated_entries_have_their_own_section_at_the_end(real: Datasette) -> None:
    page = await _html(real, "/timeline")
    dated, undated = _sections(page)
    rows = await _json(real, f"/{DB}/timeline.json?_shape=array&_size=max")
    ids = [f"{r['record_table']}-{r['id']}" for r in rows]
    assert dated + undated == ids
    assert undated == [f"{r['record_table']}-{r['id']}" for r in rows if r["date"] is None]
    assert len(dated) == 25 and len(undated) == 34
    assert undated[0] == "events-disputed-presidential-election"
    assert undated[-1] == "sanctions-us-sanctions-venezuelan-officials"
    assert "25 dated, 34 undated." in page
    assert 'Undated entries are listed <a href="#undated">at the end</a>' in page


async def test_timeline_filters_by_actor_kind_and_dates(real: Datasette) -> None:
    page = await _html(real, "/timeline?actor=icc")
    assert _sections(page) == ([], ["sanctions-icc-case-maduro"])
    assert '<option value="icc" selected>International Criminal Court</option>' in page
    assert "Matching the filters: 0 dated, 1 undated." in page
    by_name = await _html(real, "/timeline?actor=Nicol%C3%A1s+Maduro")
    by_id = await _html(real, "/timeline?actor=nicolas-maduro")
    assert _sections(by_name) == _sections(by_id)
    assert _sections(by_id) == _involving("nicolas-maduro")
    assert len(_sections(by_id)[0]) == 21

    page = await _html(real, "/timeline?since=2025-11-29&until=2025-12-01")
    assert _sections(page) == (
        [
            "events-trump-declares-airspace-closed",
            "sanctions-venezuela-airspace-closure",
            "events-trump-advisers-meeting-2025-12-01",
        ],
        [],
    )
    assert "<p>A date range leaves out every undated entry.</p>" in page
    assert 'name="since" value="2025-11-29"' in page

    page = await _html(real, "/timeline?kind=amnesty")
    assert _sections(page) == (
        ["demands-maduro-amnesty-allies", "demands-maduro-amnesty-family"],
        [],
    )
    page = await _html(real, "/timeline?table=sanctions&actor=donald-trump")
    assert _sections(page) == (["sanctions-venezuela-airspace-closure"], [])
    page = await _html(real, "/timeline?kind=REQUEST&since=2025-11-21&until=2025-11-21")
    assert _sections(page) == (["events-maduro-states-terms-2025-11-21"], [])


async def test_timeline_exports_carry_the_same_filters(real: Datasette) -> None:
    page = await _html(real, "/timeline?actor=donald-trump&since=2025-11-29")
    csv_href = (
        "/venezuela-crisis/timeline_filtered.csv?actor=donald-trump&amp;since=2025-11-29"
        "&amp;_size=max"
    )
    json_href = (
        "/venezuela-crisis/timeline_filtered.json?actor=donald-trump&amp;since=2025-11-29"
        "&amp;_shape=array&amp;_size=max"
    )
    assert f'Download them: <a href="{csv_href}">CSV</a> · <a href="{json_href}">JSON</a>.' in page
    shown, _ = _sections(page)
    r = await real.client.get(csv_href.replace("&amp;", "&"))
    assert r.status_code == 200
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert [f"{t['record_table']}-{t['id']}" for t in table] == shown
    assert table[0]["who"] == "Donald Trump" and table[0]["toward"] == "Venezuela"
    assert table[-1]["who"] == "Donald Trump; Trump's top advisers"
    rows = await _json(real, json_href.replace("&amp;", "&"))
    assert [f"{t['record_table']}-{t['id']}" for t in rows] == shown
    everything = await _json(real, f"/{DB}/timeline_filtered.json?_shape=array&_size=max")
    assert len(everything) == 59
    unfiltered = await _html(real, "/timeline")
    assert (
        'Download the timeline: <a href="/venezuela-crisis/timeline_filtered.csv?_size=max">CSV</a>'
    ) in unfiltered


# -- every page -----------------------------------------------------------------------------

PAGES = [
    "/",
    "/search?q=amnesty",
    "/timeline",
    "/about",
    f"/{DB}",
    f"/{DB}/events",
    f"/{DB}/demands/maduro-amnesty-family",
    f"/{DB}/disputed_claims",
    f"/{DB}?sql=select+1",
]


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_names_the_release_in_its_footer(real: Datasette, path: str) -> None:
    page = await _html(real, path)
    footer = page.split('<footer class="ft">')[1]
    assert FOOTER in footer
    for href in ("/", "/search", "/timeline", "/venezuela-crisis", "/about"):
        assert f'<a href="{href}">' in footer, href


@pytest.mark.parametrize("path", ["/nope", f"/{DB}/nope", f"/{DB}/events/nope"])
async def test_404_pages_have_navigation_and_the_release(real: Datasette, path: str) -> None:
    page = await _html(real, path, status=404)
    assert "<h1>Page not found</h1>" in page
    for href in ("/", "/timeline", "/venezuela-crisis", "/about"):
        assert f'<a href="{href}">' in page.split("<footer")[0], href
    assert 'action="/search"' in page
    assert FOOTER in page
    r = await real.client.get("/nope.json")
    assert r.status_code == 404 and r.json()["ok"] is False


async def test_database_page_sql_box_starts_with_rows(real: Datasette) -> None:
    page = await _html(real, f"/{DB}")
    sql = re.search(r'<textarea id="sql-editor" name="sql">([^<]*)</textarea>', page)
    assert sql is not None
    assert sql.group(1) == (
        "select id, date, date_precision, type, summary from events\n"
        "where date is not null\norder by date desc"
    )
    rows = await _json(real, f"/{DB}.json?_shape=array&sql={quote(sql.group(1))}")
    assert len(rows) == 13 and rows[0]["id"] == "trump-advisers-meeting-2025-12-01"
    assert re.findall(r"<h3>(\w+)</h3>", page) == ["Records", "Evidence", "Sources"]
    assert '<a href="/venezuela-crisis/demand_actors">' not in page
    everything = await _html(real, f"/{DB}?_show_hidden=1")
    assert '<a href="/venezuela-crisis/demand_actors">demand_actors</a>' in everything


async def test_a_database_outside_a_release_says_so(sample: Datasette) -> None:
    page = await _html(sample, "/")
    assert "This database is not a published release (no release manifest next to it)" in page
    assert "Not a published release: no release manifest next to the database." in page
    timeline = await _html(sample, "/timeline")
    assert _sections(timeline) == (
        [
            "sanctions-us-airspace-closure",
            "events-trump-maduro-call-2025-11-21",
            "demands-maduro-amnesty-family",
            "events-us-closes-airspace",
        ],
        ["demands-maduro-safe-passage-self", "demands-trump-maduro-leave"],
    )
    assert len(await _json(sample, f"/{DB}/timeline_filtered.json?_shape=array")) == 6
