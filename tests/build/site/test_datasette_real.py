"""Datasette on the real data: the newest release under releases/, else one built from seeds/.

Expected ids come from the curated records (seeds/records/*.yaml), so the queries and pages are
checked against what the curators wrote, not against themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from markupsafe import escape
from ruamel.yaml import YAML
from venezuela_crisis.format.evidence import independent_origin
from vzcrisis.release.build import build_release
from vzcrisis.site.metadata import build_metadata
from vzcrisis.site.serve import PLUGINS, TEMPLATES, release_versions
from vzcrisis.site.sqlite import DB_FILE

DB = "venezuela-crisis"
ROOT = Path(__file__).resolve().parents[3]
CLAIMS = ("events", "demands", "sanctions")


def _records(table: str) -> list[dict[str, Any]]:
    data = YAML(typ="safe").load((ROOT / "seeds" / "records" / f"{table}.yaml").read_text())
    return [r for r in data["records"] if r["review"]["status"] == "accepted"]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    versions = release_versions(ROOT)
    if versions:
        db = ROOT / "releases" / versions[-1] / DB_FILE
    else:
        releases = tmp_path_factory.mktemp("real") / "releases"
        build_release(ROOT, "1.0.0", releases_dir=releases)
        db = releases / "1.0.0" / DB_FILE
    return Datasette(
        immutables=[str(db)],
        metadata=build_metadata(),
        template_dir=str(TEMPLATES),
        plugins_dir=str(PLUGINS),
    )


async def _rows(ds: Datasette, path: str) -> list[dict[str, Any]]:
    r = await ds.client.get(f"/{DB}/{path}")
    assert r.status_code == 200, (path, r.text[:500])
    rows: list[dict[str, Any]] = r.json()
    return rows


async def test_demands_by_actor_lists_every_demand_once(real: Datasette) -> None:
    rows = await _rows(real, "demands_by_actor.json?_shape=array&_size=max")
    names = {a["id"]: a["name"] for a in _records("actors")}
    expected = [(d["id"], "; ".join(names[a] for a in d["by"])) for d in _records("demands")]
    assert sorted((r["demand"], r["actor"]) for r in rows) == sorted(expected)


async def test_everything_maduro_demanded_with_quotes(real: Datasette) -> None:
    rows = await _rows(real, "actor_demands.json?_shape=array&_size=max&actor=nicolas-maduro")
    mine = [d for d in _records("demands") if "nicolas-maduro" in d["by"]]
    assert {r["demand"] for r in rows} == {d["id"] for d in mine}
    quotes = {(d["id"], c["quote"]) for d in mine for c in d["citations"]}
    assert {(r["demand"], r["quote"]) for r in rows} == quotes


async def test_disputed_claims_show_every_version(real: Datasette) -> None:
    rows = await _rows(real, "disputed_claims.json?_shape=array&_size=max")
    expected = {
        (dispute, rec["id"])
        for table in ("sources", "actors", *CLAIMS)
        for rec in _records(table)
        for dispute in rec.get("disputes", [])
    }
    assert expected, "the curated data has disputes"
    assert {(r["dispute"], r["version"]) for r in rows} == expected


async def test_single_origin_claims(real: Datasette) -> None:
    rows = await _rows(real, "single_origin_claims.json?_shape=array&_size=max")
    origin = {s["id"]: s["origin"] for s in _records("sources")}
    expected = {
        rec["id"]
        for table in CLAIMS
        for rec in _records(table)
        if len(
            {
                independent_origin(c.get("attribution"), c["source"], origin[c["source"]])
                for c in rec["citations"]
            }
        )
        == 1
    }
    assert {r["id"] for r in rows} == expected


async def test_timeline_has_every_claim_in_date_order(real: Datasette) -> None:
    rows = await _rows(real, "timeline.json?_shape=array&_size=max")
    assert sorted(r["id"] for r in rows) == sorted(
        rec["id"] for table in CLAIMS for rec in _records(table)
    )
    dates = [r["date"] for r in rows if r["date"] is not None]
    assert dates == sorted(dates)
    page = await real.client.get("/timeline")
    assert page.status_code == 200
    assert page.text.count('<tr class="vz-entry') == len(rows)


async def test_amnesty_demand_page_shows_every_quote(real: Datasette) -> None:
    found = await _rows(real, "demands.json?_shape=array&_search=amnesty")
    assert "maduro-amnesty-family" in {r["id"] for r in found}
    (demand,) = [d for d in _records("demands") if d["id"] == "maduro-amnesty-family"]
    evidence = await _rows(real, "evidence.json?_shape=array&record_id=maduro-amnesty-family")
    assert sorted(r["quote"] for r in evidence) == sorted(c["quote"] for c in demand["citations"])
    r = await real.client.get(f"/{DB}/demands/maduro-amnesty-family")
    assert r.status_code == 200
    for c in demand["citations"]:
        assert f"<mark>{escape(c['quote'])}</mark>" in r.text, c["quote"]
    assert "Nicolás Maduro</a>" in r.text
