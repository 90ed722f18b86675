"""Canned queries derived from the table specs; the site's timeline in the SDK's order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from venezuela_crisis import VenezuelaCrisis
from vzcrisis.site.canned_queries import CLAIM_TABLES, timeline_sql

ROOT = Path(__file__).resolve().parents[3]


def test_site_timeline_lists_what_vc_timeline_lists_in_the_same_order() -> None:
    db = sqlite3.connect(ROOT / "releases/1.0.0/venezuela-crisis.db")
    try:
        site = [(t, i) for _, _, t, _, i, *_ in db.execute(timeline_sql()).fetchall()]
    finally:
        db.close()
    with VenezuelaCrisis("1.0.0") as vc:
        sdk = [(e.table, e.id) for e in vc.timeline()]
    assert site == sdk
    assert len(site) == 59
    # on the day of the call, the call (an event) comes before the demands made in it
    day = [t for t, i in site[: site.index(("demands", "maduro-amnesty-allies")) + 1]]
    assert day[-1] == "demands" and "events" in day


def test_claim_tables_are_the_timeline_tables() -> None:
    assert CLAIM_TABLES == ("events", "demands", "sanctions")
