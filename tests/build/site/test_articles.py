"""Article pages and story record pages, in-process (``plugins/vz_articles.py``, ``articles.py``).

On the committed release 1.1.0 (its bytes never change, so exact HTML is asserted), on the
small sample written with pyarrow (no attributions, sentences computed from the text) and on
the committed 1.0.0 database (citations without the 1.1.0 columns).
"""

from __future__ import annotations

import html
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest
from datasette.app import Datasette
from vzcrisis.site.articles import (
    Cite,
    anchor,
    attribution_text,
    date_shown,
    headline,
    money,
    render_article,
)
from vzcrisis.site.sqlite import DB_FILE

from tests.build._site import sample_site, site

DB = "venezuela-crisis"
ROOT = Path(__file__).resolve().parents[3]
REAL = ROOT / "releases" / "1.1.0" / DB_FILE
OLD = ROOT / "releases" / "1.0.0" / DB_FILE
VOID = {"br", "hr", "img", "input", "link", "meta", "wbr", "col", "area", "base", "source"}


def _datasette(db: Path) -> Datasette:
    return site(db)


@pytest.fixture(scope="module")
def real() -> Datasette:
    return _datasette(REAL)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    return sample_site(tmp_path_factory.mktemp("articles-sample"))


async def _html(ds: Datasette, path: str) -> str:
    r = await ds.client.get(path)
    assert r.status_code == 200, (path, r.text[:500])
    return str(r.text)


def _between(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return page[i : page.index(end, i) + len(end)]


class _Nesting(HTMLParser):
    """Fails on an end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "sup" not in self.stack:  # note numbers are not the article's text
            self.text.append(data)


def _well_nested(fragment: str) -> str:
    """Check every element of `fragment` closes in order; return its text (no note numbers)."""
    parser = _Nesting()
    parser.feed(fragment)
    parser.close()
    assert parser.stack == []
    return "".join(parser.text)


# --- words and anchors --------------------------------------------------------------------


def test_words_for_readers() -> None:
    assert anchor("maduro-amnesty-family@src-61c42525:294") == (
        "c-maduro-amnesty-family_src-61c42525_294"
    )
    assert attribution_text("upstream", "three of the sources") == (
        "upstream: three of the sources"
    )
    assert attribution_text("on_record", "stating to reporters") == (
        "on the record: stating to reporters"
    )
    assert attribution_text("own", None) == "the article's own writing"
    assert attribution_text(None, None) == ""
    assert date_shown("2025-11-24", "week") == "week of 24 Nov 2025"
    assert date_shown("2013-01-01", "year") == "2013"
    assert date_shown("2025-11-01", "month") == "Nov 2025"
    assert date_shown("2025-09-01", "approximate") == "around 1 Sep 2025"
    assert date_shown("2025-11-21", "day") == "21 Nov 2025"
    assert date_shown(None, None) == "undated"
    assert money(50_000_000) == "$50,000,000"
    assert money(None) == ""
    assert headline(None, "\n  Short one. Second.") == "Short one."
    assert headline("A title", "Text.") == "A title"


# --- overlapping and nested quotes --------------------------------------------------------


def _cite(cid: str, start: int, end: int, label: str, attribution: str | None = None) -> Cite:
    return Cite(cid, start, end, "events", cid, label, attribution, None)


def test_overlapping_quotes_split_into_segments_that_nest() -> None:
    text = "Alpha <beta> gamma & delta.\nEpsilon zeta."
    # outer [0, 18) "Alpha <beta> gamma", inner [6, 12) "<beta>", crossing [13, 26)
    # "gamma & delta" (overlaps the outer's end), across lines [22, 35) "delta.\nEpsilon"
    cites = [
        _cite("o@s:0", 0, 18, "Outer", "own"),
        _cite("i@s:6", 6, 12, "Inner", "own"),
        _cite("x@s:13", 13, 26, "Cross"),
        _cite("l@s:21", 21, 35, "Lines", "upstream"),
    ]
    article = render_article(text, cites, lambda t, i: f"/{t}/{i}")
    mark = '<mark class="vz-q vz-d{}" data-c="{}" title="{}">'
    OWN = "the article&#39;s own writing"
    OUTER, LINES = f"event: Outer ({OWN})", "event: Lines (upstream)"
    assert str(article.body) == (
        "<p>"
        '<span class="vz-anchor" id="c-o_s_0"></span>'
        + mark.format(1, "c-o_s_0", OUTER)
        + "Alpha </mark>"
        '<span class="vz-anchor" id="c-i_s_6"></span>'
        + mark.format(2, "c-o_s_0 c-i_s_6", f"{OUTER}; event: Inner ({OWN})")
        + "&lt;beta&gt;</mark>"
        '<sup class="vz-n"><a href="#n-2">2</a></sup>'
        + mark.format(1, "c-o_s_0", OUTER)
        + " </mark>"
        '<span class="vz-anchor" id="c-x_s_13"></span>'
        + mark.format(2, "c-o_s_0 c-x_s_13", f"{OUTER}; event: Cross")
        + "gamma</mark>"
        '<sup class="vz-n"><a href="#n-1">1</a></sup>'
        + mark.format(1, "c-x_s_13", "event: Cross")
        + " &amp; </mark>"
        '<span class="vz-anchor" id="c-l_s_21"></span>'
        + mark.format(2, "c-x_s_13 c-l_s_21", f"event: Cross; {LINES}")
        + "delta</mark>"
        '<sup class="vz-n"><a href="#n-3">3</a></sup>'
        + mark.format(1, "c-l_s_21", LINES)
        + ".</mark></p>\n"
        "<p>" + mark.format(1, "c-l_s_21", LINES) + "Epsilon</mark>"
        '<sup class="vz-n"><a href="#n-4">4</a></sup> zeta.</p>'
    )
    assert _well_nested(str(article.body)) == text
    assert article.passages == 4
    assert str(article.notes).startswith(
        '<ol class="vz-notes"><li id="n-1" value="1">'
        '<a class="vz-up" href="#c-o_s_0" title="back to the text">↑</a> '
        "<q>Alpha &lt;beta&gt; gamma</q> "
        '<span class="vz-attr">the article&#39;s own writing</span>'
        '<ul class="vz-supports"><li><span class="vz-kind">event</span> '
        '<a href="/events/o@s:0" title="Outer">Outer</a></li></ul></li>'
    )
    _well_nested(str(article.notes))


def test_one_passage_cited_by_several_records_lists_them_all() -> None:
    text = "He asked for amnesty."
    cites = [
        Cite("d@s:13", 13, 20, "demands", "d", "Amnesty", "upstream", "sources said"),
        Cite("q@s:13", 13, 20, "disputes", "q", "Whom?", "on_record", "he said"),
    ]
    article = render_article(text, cites, lambda t, i: f"/{t}/{i}")
    assert str(article.body) == (
        '<p>He asked for <span class="vz-anchor" id="c-d_s_13"></span>'
        '<span class="vz-anchor" id="c-q_s_13"></span>'
        '<mark class="vz-q vz-d1" data-c="c-d_s_13 c-q_s_13" '
        'title="demand: Amnesty (upstream: sources said); dispute: Whom? (on the record: he '
        'said)">amnesty</mark>'
        '<sup class="vz-n"><a href="#n-1">1</a></sup>.</p>'
    )
    # two attributions: each record with its own
    assert str(article.notes) == (
        '<ol class="vz-notes"><li id="n-1" value="1">'
        '<a class="vz-up" href="#c-d_s_13" title="back to the text">↑</a> <q>amnesty</q>'
        '<ul class="vz-supports">'
        '<li><span class="vz-kind">demand</span> <a href="/demands/d" title="Amnesty">Amnesty</a>'
        ' <span class="vz-attr">upstream: sources said</span></li>'
        '<li><span class="vz-kind">dispute</span> <a href="/disputes/q" title="Whom?">Whom?</a>'
        ' <span class="vz-attr">on the record: he said</span></li></ul></li></ol>'
    )


# --- the article page on release 1.1.0 ----------------------------------------------------


async def test_reuters_relay_article_page_highlights_the_50m_reward(real: Datasette) -> None:
    page = await _html(real, f"/{DB}/sources/src-61c42525")
    assert (
        '<h1 class="vz-headline">“Venezuela’s President Nicolas Maduro is running out of options '
        "for a negotiated exit from power after a…”</h1>"
    ) in page
    assert (
        '<p class="vz-byline">Publisher not named in the article · no date printed · relays '
        "<strong>Reuters</strong> · original URL not known</p>"
    ) in page
    outer = "c-us-raises-rewards_src-61c42525_1771"
    reward = "c-reward-maduro-50m_src-61c42525_1800"
    own = "(the article&#39;s own writing)"
    event = f"event: The Trump administration raised its reward for information… {own}"
    sanction = f"sanction: Reward for information leading to Maduro&#39;s arrest, raised… {own}"
    assert (
        f'<span class="vz-anchor" id="{reward}"></span>'
        f'<mark class="vz-q vz-d3" data-c="{outer} c-trump-administration_src-61c42525_1771 '
        f'{reward}" title="{event}; actor: Trump administration {own}; {sanction}">'
        'raised its reward</mark><sup class="vz-n"><a href="#n-41">41</a></sup>'
        f'<mark class="vz-q vz-d2" data-c="{outer} {reward}" title="{event}; {sanction}"> for '
        "information leading to Maduro’s arrest to $50 million</mark>"
        '<sup class="vz-n"><a href="#n-42">42</a></sup>'
    ) in page
    assert "<title>Untitled article relaying Reuters</title>" in page
    assert (
        '<li id="n-42" value="42">'
        f'<a class="vz-up" href="#{reward}" title="back to the text">↑</a> '
        "<q>raised its reward for information leading to Maduro’s arrest to $50…</q> "
        '<span class="vz-attr">the article&#39;s own writing</span><ul class="vz-supports">'
        '<li><span class="vz-kind">sanction</span> <a href="/venezuela-crisis/sanctions/'
        'reward-maduro-50m" title="Reward for information leading to Maduro&#39;s arrest, raised '
        'to $50 million (previous amount not reported).">Reward for information leading to '
        "Maduro&#39;s arrest, raised to $50 million (previous…</a></li></ul></li>"
    ) in page
    # a passage cited by a demand and a dispute lists both, with its attribution
    assert (
        '<q>full legal amnesty for himself and his family</q> <span class="vz-attr">upstream: '
        'reports Reuters</span><ul class="vz-supports"><li><span class="vz-kind">demand</span> '
        '<a href="/venezuela-crisis/demands/maduro-amnesty-family" title="Full legal amnesty for '
        'Maduro and his family.">Full legal amnesty for Maduro and his family.</a></li>'
        '<li><span class="vz-kind">dispute</span> <a href="/venezuela-crisis/disputes/'
        'amnesty-beneficiaries" title="Whom would the amnesty Maduro asked for cover?">Whom would '
        "the amnesty Maduro asked for cover?</a></li></ul>"
    ) in page
    assert '<span class="vz-attr">on the record: Trump later confirmed</span>' in page
    assert '<details class="vz-raw">' in page
    raw = _between(page, '<details class="vz-raw">', "</details>")
    assert "<th" in raw and ">sha256</th>" in raw and ">review</th>" in raw
    assert '"reviewer": "ai-curator"' in html.unescape(raw)


async def test_every_article_is_whole_valid_and_anchors_every_citation(real: Datasette) -> None:
    conn = sqlite3.connect(REAL)
    sources = conn.execute("select id, text from sources order by id").fetchall()
    assert len(sources) == 5
    for source_id, text in sources:
        page = await _html(real, f"/{DB}/sources/{source_id}")
        body = _between(page, '<article class="vz-article">', "</article>")
        shown = _well_nested(body)
        lines = [line for line in text.split("\n") if line.strip()]
        assert re.sub(r"\s+", " ", shown).strip() == re.sub(r"\s+", " ", " ".join(lines)).strip()
        _well_nested(_between(page, '<section class="vz-notes-section">', "</section>"))
        ids = [
            r[0] for r in conn.execute("select id from citations where source_id = ?", [source_id])
        ]
        for cid in ids:
            assert body.count(f'<span class="vz-anchor" id="{anchor(cid)}"></span>') == 1, cid
    assert "stating to reporters" in await _html(real, f"/{DB}/sources/src-053c2b2b")
    chronicle = await _html(real, f"/{DB}/sources/src-556babef")
    assert "upstream: three of the sources" in chronicle
    assert (
        '<h1 class="vz-headline">Maduro Running Out of Options as Trump Rejects Demands in '
        "Secret Call</h1>"
    ) in chronicle
    assert (
        '<p class="vz-byline"><strong>Curaçao Chronicle</strong> · Correspondent · 2 Dec 2025 · '
        "relays <strong>Reuters</strong> · original URL not known</p>"
    ) in chronicle


# --- record pages on release 1.1.0 --------------------------------------------------------


async def test_demand_page_tells_who_asked_what_of_whom_and_the_answer(real: Datasette) -> None:
    page = await _html(real, f"/{DB}/demands/maduro-amnesty-family")
    assert '<h1 class="vz-headline">Full legal amnesty for Maduro and his family.</h1>' in page
    assert (
        '<p class="vz-story vz-people"><a href="/venezuela-crisis/actors/nicolas-maduro">'
        'Nicolás Maduro</a> demanded it of <a href="/venezuela-crisis/actors/donald-trump">'
        'Donald Trump</a>, for <a href="/venezuela-crisis/actors/nicolas-maduro">Nicolás Maduro'
        '</a> and <a href="/venezuela-crisis/actors/maduro-family">Maduro&#39;s family</a>, in: '
        '<a href="/venezuela-crisis/events/maduro-states-terms-2025-11-21"'
    ) in page
    answer = _between(page, '<section class="vz-answer">', "</section>")
    assert (
        'Outcome: <strong>partly rejected</strong> <span class="vz-small">— Partly refused, '
        "partly granted or unclear.</span>"
    ) in answer
    assert 'Answered by: <a href="/venezuela-crisis/events/trump-rejects-most-demands"' in answer
    # the response event's own quotes, each in its sentence
    assert (
        '<blockquote class="vz-context">However, <mark>Trump rejected most of these requests'
        "</mark> during the less-than-15-minute call, while giving Maduro a one-week window to "
        "leave the country with his family.</blockquote>"
    ) in answer
    assert answer.count('<blockquote class="vz-context">') == 4
    evidence = _between(page, '<section class="vz-evidence">', "</section>")
    assert "Evidence: 3 quotes from 1 independent origin" in evidence
    assert (
        '<blockquote class="vz-context">During the call, Maduro sought assurances for safe '
        "passage out of Venezuela along with <mark>full legal amnesty for himself and his family"
        "</mark>, the lifting of all U.S. sanctions, and the closure of an International Criminal "
        "Court case against him.</blockquote>"
    ) in evidence
    assert (
        '· <span class="vz-attr">upstream: three of the sources</span>\n'
        '  · <a href="/venezuela-crisis/sources/src-556babef#c-maduro-amnesty-family_src-556babef'
        '_967">the quote in the article</a>'
    ) in evidence
    raw = _between(page, '<details class="vz-raw">', "</details>")
    assert "<td>demand_actors</td><td>by</td><td>nicolas-maduro</td>" in raw


async def test_sanction_page_shows_amount_by_whom_on_whom(real: Datasette) -> None:
    page = await _html(real, f"/{DB}/sanctions/reward-maduro-50m")
    assert (
        'Imposed by <a href="/venezuela-crisis/actors/trump-administration">Trump administration'
        '</a> on <a href="/venezuela-crisis/actors/nicolas-maduro">Nicolás Maduro</a>: '
        '<strong class="vz-amount">$50,000,000</strong>.\n  Status: <strong>active</strong>.'
    ) in page
    assert "<dt>Amount</dt><dd><strong>$50,000,000</strong></dd>" in page
    assert '<p class="vz-kicker">Measure · reward · undated</p>' in page
    assert (
        '<blockquote class="vz-context">The Trump administration has <mark>raised its reward for '
        "information leading to Maduro’s arrest to $50 million</mark>, with $25 million each for "
        "other top Venezuelan officials, including Interior Minister Diosdado Cabello, who face "
        "U.S. indictments for alleged drug trafficking.</blockquote>"
    ) in page
    assert (
        '· origin: <strong>the article itself</strong> · <span class="vz-attr">the article&#39;s '
        'own writing</span>\n  · <a href="/venezuela-crisis/sources/src-61c42525#c-reward-maduro-'
        '50m_src-61c42525_1800">the quote in the article</a>'
    ) in page
    assert '<a href="/venezuela-crisis/events/us-raises-rewards"' in page


async def test_event_pages_date_at_their_precision_with_their_demands(real: Datasette) -> None:
    year = await _html(real, f"/{DB}/events/maduro-assumes-office-2013")
    assert '<p class="vz-kicker">Event · 2013 · other</p>' in year
    assert '<dt>When</dt><dd><strong>2013</strong> <span class="vz-small">(“in 2013”)' in year
    undated = await _html(real, f"/{DB}/events/us-indictments")
    assert '<p class="vz-kicker">Event · undated · sanction</p>' in undated
    call = await _html(real, f"/{DB}/events/maduro-states-terms-2025-11-21")
    assert '<p class="vz-kicker">Event · 21 Nov 2025 · request</p>' in call
    assert (
        '<h1 class="vz-headline vz-people"><a href="/venezuela-crisis/actors/nicolas-maduro">'
        'Nicolás Maduro</a><span class="vz-arrow">→</span><a href="/venezuela-crisis/actors/'
        'donald-trump">Donald Trump</a></h1>'
    ) in call
    made = _between(call, "<h2>Demands made in it</h2>", "</ul>")
    assert made.count("<li>") == 8
    assert (
        '<li><a href="/venezuela-crisis/demands/maduro-amnesty-family">Full legal amnesty for '
        'Maduro and his family.</a> <span class="vz-small">— by <a href="/venezuela-crisis/actors/'
        'nicolas-maduro">Nicolás Maduro</a>; outcome: <strong>partly rejected</strong></span></li>'
    ) in made
    rejects = await _html(real, f"/{DB}/events/trump-rejects-most-demands")
    assert _between(rejects, "<h2>Demands it answered</h2>", "</ul>").count("<li>") == 5


async def test_dispute_and_actor_pages_show_quotes_in_their_sentences(real: Datasette) -> None:
    dispute = await _html(real, f"/{DB}/disputes/trump-deadline")
    assert "<h2>Versions, side by side</h2>" in dispute
    assert '<a href="/venezuela-crisis/events/trump-ultimatum-one-week"' in dispute
    actor = await _html(real, f"/{DB}/actors/nicolas-maduro")
    assert '<h1 class="vz-headline">Nicolás Maduro</h1>' in actor
    assert "<dt>Demands · by</dt>" in actor
    assert "<mark>Venezuela’s President Nicolas Maduro</mark>" in actor


# --- the sample release and release 1.0.0 -------------------------------------------------


async def test_sample_article_and_records_without_attributions(sample: Datasette) -> None:
    page = await _html(sample, f"/{DB}/sources/src-aaaa0001")
    assert '<h1 class="vz-headline">Maduro sought amnesty in call with Trump</h1>' in page
    assert (
        '<p class="vz-byline"><strong>Reuters</strong> · 30 Nov 2025 · original URL not known</p>'
    ) in page
    both = "c-us-closes-airspace_src-aaaa0001_240 c-us-airspace-closure_src-aaaa0001_240"
    assert f'<mark class="vz-q vz-d1" data-c="{both}"' in page
    assert "vz-attr" not in _between(page, '<ol class="vz-notes">', "</ol>")
    week = await _html(sample, f"/{DB}/events/us-closes-airspace")
    assert '<p class="vz-kicker">Event · week of 24 Nov 2025 · coerce</p>' in week
    assert (
        '<blockquote class="vz-context"><mark>Washington last week closed the airspace</mark> '
        "above Venezuela.</blockquote>"
    ) in week
    month = await _html(sample, f"/{DB}/sanctions/us-airspace-closure")
    assert '<p class="vz-kicker">Measure · airspace closure · Nov 2025</p>' in month
    demand = await _html(sample, f"/{DB}/demands/maduro-amnesty-family")
    assert "Outcome: <strong>rejected</strong>" in demand
    assert "No event answering this demand is recorded." in demand


async def test_release_1_0_0_pages_without_the_new_citation_columns() -> None:
    old = _datasette(OLD)
    page = await _html(old, f"/{DB}/sources/src-61c42525")
    assert '<span class="vz-anchor" id="c-reward-maduro-50m_src-61c42525_1800"></span>' in page
    demand = await _html(old, f"/{DB}/demands/maduro-amnesty-family")
    assert "<mark>full legal amnesty for himself and his family</mark>" in demand


async def test_long_lists_are_capped_with_a_link_to_them_all(
    real: Datasette, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datasette.plugins import pm

    (plugin,) = [
        m for m in pm.get_plugins() if str(getattr(m, "__file__", "")).endswith("vz_articles.py")
    ]
    monkeypatch.setattr(plugin, "LIST_MAX", 2)
    monkeypatch.setattr(plugin, "QUOTES_MAX", 2)
    page = await _html(real, f"/{DB}/actors/nicolas-maduro")
    demands = _between(page, "<dt>Demands · by</dt>", "</ul>")
    assert demands.count("<li>") == 3
    assert (
        '<li><a href="/venezuela-crisis/demands?by__arraycontains=nicolas-maduro">all 9</a></li>'
    ) in demands
    evidence = _between(page, '<section class="vz-evidence">', "</section>")
    assert "Evidence: 5 quotes from 2 independent origins" in evidence
    assert evidence.count('<blockquote class="vz-context">') == 2
    assert (
        '<a href="/venezuela-crisis/citations?record_table=actors&amp;record_id=nicolas-maduro">'
        "All 5 quotes</a> (the first 2 are shown)."
    ) in evidence
