"""A tiny release written with pyarrow from model instances (for the SQLite/Datasette tests).

Quotes sit at their real offsets in the article texts; citations, origins and the derived counts
are computed the way the release builder does. Load with ``load_sample()`` from a test module.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from venezuela_crisis.format.arrow import arrow_schema, columns
from venezuela_crisis.models import TABLES, Citation

TEXTS = {
    "src-aaaa0001": (
        "CARACAS (Reuters) - Venezuelan President Nicolas Maduro asked for full legal amnesty "
        "for himself and his family during a call with U.S. President Donald Trump on Nov. 21. "
        "Trump rejected most of the requests, sources said. The United States closed the "
        "airspace above Venezuela."
    ),
    "src-bbbb0002": (
        "Maduro sought safe passage for himself only, one person familiar said. "
        "Trump told Maduro he had one week to leave the country. Washington last week "
        "closed the airspace above Venezuela."
    ),
}

REVIEW = {
    "status": "accepted",
    "reviewer": "tester",
    "date": dt.date(2025, 12, 3),
    "note": None,
    "content_hash": None,
}


def _cite(source: str, quote: str) -> dict[str, Any]:
    start = TEXTS[source].index(quote)
    return {"source": source, "quote": quote, "char_start": start, "char_end": start + len(quote)}


RECORDS: dict[str, list[dict[str, Any]]] = {
    "sources": [
        {
            "id": "src-aaaa0001",
            "publisher": "Reuters",
            "title": "Maduro sought amnesty in call with Trump",
            "byline": None,
            "published": dt.date(2025, 11, 30),
            "published_precision": "day",
            "language": "en",
            "file": "000_a.txt",
            "sha256": "a" * 64,
            "origin": "Reuters",
            "url": None,
            "citations": [_cite("src-aaaa0001", "CARACAS (Reuters)")],
        },
        {
            "id": "src-bbbb0002",
            "publisher": None,
            "title": None,
            "byline": None,
            "published": None,
            "published_precision": None,
            "language": "en",
            "file": "001_b.txt",
            "sha256": "b" * 64,
            "origin": "Miami Herald",
            "url": None,
            "citations": [_cite("src-bbbb0002", "one person familiar said")],
        },
    ],
    "actors": [
        {
            "id": "nicolas-maduro",
            "name": "Nicolás Maduro",
            "aliases": ["Nicolas Maduro", "Maduro"],
            "kind": "person",
            "country": "VEN",
            "roles": ["President of Venezuela"],
            "citations": [_cite("src-aaaa0001", "Venezuelan President Nicolas Maduro")],
        },
        {
            "id": "donald-trump",
            "name": "Donald Trump",
            "aliases": ["Trump"],
            "kind": "person",
            "country": "USA",
            "roles": ["President of the United States"],
            "citations": [_cite("src-aaaa0001", "U.S. President Donald Trump")],
        },
        {
            "id": "united-states",
            "name": "United States",
            "aliases": [],
            "kind": "state",
            "country": "USA",
            "roles": [],
            "citations": [_cite("src-aaaa0001", "The United States")],
        },
    ],
    "events": [
        {
            "id": "trump-maduro-call-2025-11-21",
            "date": dt.date(2025, 11, 21),
            "date_precision": "day",
            "date_text": "on Nov. 21",
            "type": "CONSULT",
            "actors": ["donald-trump", "nicolas-maduro"],
            "recipients": [],
            "summary": "Trump and Maduro spoke by phone.",
            "mode": "phone",
            "citations": [
                _cite("src-aaaa0001", "during a call with U.S. President Donald Trump on Nov. 21")
            ],
        },
        {
            "id": "us-closes-airspace",
            "date": dt.date(2025, 11, 24),
            "date_precision": "week",
            "date_text": "last week",
            "type": "COERCE",
            "actors": ["united-states"],
            "recipients": ["nicolas-maduro"],
            "summary": "The United States closed Venezuelan airspace.",
            "citations": [
                _cite("src-aaaa0001", "closed the airspace above Venezuela"),
                _cite("src-bbbb0002", "Washington last week closed the airspace"),
            ],
        },
    ],
    "demands": [
        {
            "id": "maduro-amnesty-family",
            "by": ["nicolas-maduro"],
            "addressed_to": ["donald-trump"],
            "beneficiaries": ["nicolas-maduro"],
            "category": "amnesty",
            "text": "Full legal amnesty for Maduro and his family.",
            "made_in": "trump-maduro-call-2025-11-21",
            "status": "rejected",
            "disputes": ["who-safe-passage-covers"],
            "citations": [
                _cite("src-aaaa0001", "full legal amnesty for himself and his family"),
                _cite("src-aaaa0001", "Trump rejected most of the requests"),
            ],
        },
        {
            "id": "maduro-safe-passage-self",
            "by": ["nicolas-maduro"],
            "addressed_to": ["donald-trump"],
            "beneficiaries": ["nicolas-maduro"],
            "category": "safe_passage",
            "text": "Safe passage for Maduro only.",
            "status": "unknown",
            "disputes": ["who-safe-passage-covers"],
            "citations": [_cite("src-bbbb0002", "safe passage for himself only")],
        },
        {
            "id": "trump-maduro-leave",
            "by": ["donald-trump"],
            "addressed_to": ["nicolas-maduro"],
            "category": "departure",
            "text": "Maduro must leave Venezuela within a week.",
            "status": "expired",
            "citations": [_cite("src-bbbb0002", "he had one week to leave the country")],
        },
    ],
    "sanctions": [
        {
            "id": "us-airspace-closure",
            "date": dt.date(2025, 11, 1),
            "date_precision": "month",
            "kind": "airspace_closure",
            "imposed_by": ["united-states"],
            "targets": ["nicolas-maduro"],
            "status": "active",
            "description": "The airspace above Venezuela declared closed.",
            "event": "us-closes-airspace",
            "citations": [_cite("src-aaaa0001", "closed the airspace above Venezuela")],
        }
    ],
    "disputes": [
        {
            "id": "who-safe-passage-covers",
            "question": "Whom would the amnesty or safe passage cover?",
            "summary": "Reuters reports Maduro and his family; another source says him only.",
            "citations": [_cite("src-bbbb0002", "safe passage for himself only")],
        }
    ],
}


def _rows(table: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Released rows of one table (validated by the row model) and its citation rows."""
    origin = {s["id"]: s["origin"] for s in RECORDS["sources"]}
    disputed = {
        v
        for r in RECORDS.values()
        for rec in r
        for v in ([rec["id"]] if rec.get("disputes") else [])
    }
    rows: list[dict[str, Any]] = []
    cites: list[dict[str, Any]] = []
    for rec in RECORDS[table]:
        data = {"disputes": [], "review": REVIEW} | rec
        if table == "sources":
            data["text"] = TEXTS[rec["id"]]
        if "source_count" in TABLES[table].row.model_fields:
            data["source_count"] = len({c["source"] for c in rec["citations"]})
            data["origin_count"] = len({origin[c["source"]] for c in rec["citations"]})
            data["disputed"] = rec["id"] in disputed
        row = TABLES[table].row.model_validate(data, strict=False)
        rows.append(row.model_dump(mode="python"))
        for c in rec["citations"]:
            cite = Citation.model_validate(
                {
                    "id": f"{rec['id']}@{c['source']}:{c['char_start']}",
                    "record_table": table,
                    "record_id": rec["id"],
                    "source_id": c["source"],
                    "quote": c["quote"],
                    "char_start": c["char_start"],
                    "char_end": c["char_end"],
                    "origin": origin[c["source"]],
                },
                strict=False,
            )
            cites.append(cite.model_dump(mode="python"))
    return rows, cites


def _write(path: Path, table: str, rows: list[dict[str, Any]]) -> None:
    cols = columns(table)
    plain = [{k: (str(v) if hasattr(v, "value") else v) for k, v in r.items()} for r in rows]
    data = {c: [r[c] for r in plain] for c in cols}
    pq.write_table(pa.Table.from_pydict(data, schema=arrow_schema(table)), path)


def write_sample_release(out: Path) -> dict[str, str]:
    """Write ``<table>.parquet`` for every table into `out`; return the article texts."""
    out.mkdir(parents=True, exist_ok=True)
    all_cites: list[dict[str, Any]] = []
    for table in TABLES:
        if table == "citations":
            continue
        rows, cites = _rows(table)
        all_cites += cites
        _write(out / f"{table}.parquet", table, rows)
    _write(out / "citations.parquet", "citations", all_cites)
    return dict(TEXTS)
