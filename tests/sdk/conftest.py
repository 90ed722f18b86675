"""SDK fixtures: a small crisis project built into real releases with `vzcrisis.release`.

The project is written here from compact specs: three invented articles (two Reuters relays and
one Miami Herald report) and records whose quotes are located in the texts to get exact offsets
and whose review hashes are computed like a reviewer's. Release 1.0.0 is the project as is;
release 2.0.0 removes one demand, adds one and changes one (for `diff`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from venezuela_crisis import VenezuelaCrisis

ROOT = Path(__file__).resolve().parents[2]

ARTICLES = {
    "a_wire.txt": (
        "CARACAS, Nov 30 (Reuters) - Nicolás Maduro told Donald Trump in a phone call on Nov. 21 "
        "that he would leave Venezuela if he received full legal amnesty for himself and his "
        "family. Trump rejected the request, the sources said. Maduro also asked for the lifting "
        "of US sanctions. The United States has offered a reward of $50 million for information "
        "leading to Maduro's arrest. Delcy Rodríguez, the vice president, would lead an interim "
        "government, one source said. Jorge Rodríguez heads the National Assembly. Maduro's "
        "family would also receive safe passage, according to one source. Trump on Saturday "
        "declared Venezuelan airspace closed in its entirety.\n"
    ),
    "b_relay.txt": (
        "Daily Two, Dec 1 (Reuters) - Maduro asked for the lifting of US sanctions, the report "
        "said. Trump rejected the request.\n"
    ),
    "c_herald.txt": (
        "MIAMI (Miami Herald) - Trump gave Maduro one week to leave the country, the Miami Herald "
        "reported. The safe passage would cover Maduro only, not his family, a person familiar "
        "with the call said. Maduro has said he will not surrender.\n"
    ),
}

SOURCES = {
    "a_wire.txt": ("Wire One", "Reuters", "2025-11-30", "(Reuters)"),
    "b_relay.txt": ("Daily Two", "Reuters", "2025-12-01", "(Reuters)"),
    "c_herald.txt": ("Miami Herald", "Miami Herald", "2025-12-01", "(Miami Herald)"),
}


def source_id(file: str) -> str:
    return "src-" + hashlib.sha256(ARTICLES[file].encode()).hexdigest()[:8]


A, B, C = (source_id(f) for f in ("a_wire.txt", "b_relay.txt", "c_herald.txt"))
FILE_OF = {A: "a_wire.txt", B: "b_relay.txt", C: "c_herald.txt"}

# (table, record without citations/review, [(source id, quote), ...])
RECORDS: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    ("actors", {"id": "nicolas-maduro", "name": "Nicolás Maduro", "aliases": ["Nicolas Maduro", "Maduro"], "kind": "person", "country": "VEN"}, [(A, "Nicolás Maduro")]),  # noqa: E501
    ("actors", {"id": "maduro-family", "name": "Maduro's family", "kind": "group", "country": "VEN"}, [(A, "Maduro's family")]),  # noqa: E501
    ("actors", {"id": "donald-trump", "name": "Donald Trump", "aliases": ["Trump"], "kind": "person", "country": "USA"}, [(A, "Donald Trump")]),  # noqa: E501
    ("actors", {"id": "delcy-rodriguez", "name": "Delcy Rodríguez", "aliases": ["Delcy Rodriguez"], "kind": "person", "country": "VEN", "roles": ["Vice President of Venezuela"]}, [(A, "Delcy Rodríguez, the vice president")]),  # noqa: E501
    ("actors", {"id": "jorge-rodriguez", "name": "Jorge Rodríguez", "aliases": ["Jorge Rodriguez"], "kind": "person", "country": "VEN"}, [(A, "Jorge Rodríguez heads the National Assembly")]),  # noqa: E501
    ("actors", {"id": "united-states", "name": "United States", "aliases": ["US", "U.S."], "kind": "state", "country": "USA"}, [(A, "The United States")]),  # noqa: E501
    ("events", {"id": "trump-maduro-call-2025-11-21", "type": "CONSULT", "actors": ["nicolas-maduro"], "recipients": ["donald-trump"], "summary": "Maduro and Trump spoke by phone.", "mode": "phone", "date": "2025-11-21", "date_precision": "day", "date_text": "on Nov. 21"}, [(A, "Nicolás Maduro told Donald Trump in a phone call on Nov. 21")]),  # noqa: E501
    ("events", {"id": "trump-rejects-amnesty-2025-11-21", "type": "REJECT", "actors": ["donald-trump"], "recipients": ["nicolas-maduro"], "summary": "Trump rejected Maduro's request.", "date": "2025-11-21", "date_precision": "day"}, [(A, "Trump rejected the request"), (B, "Trump rejected the request")]),  # noqa: E501
    ("events", {"id": "trump-ultimatum-2025-11-24", "type": "THREATEN", "actors": ["donald-trump"], "recipients": ["nicolas-maduro"], "summary": "Trump gave Maduro one week to leave.", "date": "2025-11-24", "date_precision": "day"}, [(C, "Trump gave Maduro one week to leave the country")]),  # noqa: E501
    ("events", {"id": "airspace-closed-2025-11-29", "type": "COERCE", "actors": ["donald-trump"], "summary": "Trump declared Venezuelan airspace closed.", "date": "2025-11-29", "date_precision": "day", "date_text": "on Saturday"}, [(A, "Trump on Saturday declared Venezuelan airspace closed in its entirety")]),  # noqa: E501
    ("events", {"id": "maduro-no-surrender", "type": "DECLARE", "actors": ["nicolas-maduro"], "summary": "Maduro said he will not surrender."}, [(C, "Maduro has said he will not surrender")]),  # noqa: E501
    ("demands", {"id": "maduro-amnesty-family", "by": ["nicolas-maduro"], "addressed_to": ["donald-trump"], "beneficiaries": ["nicolas-maduro", "maduro-family"], "category": "amnesty", "text": "Full legal amnesty for Maduro and his family.", "made_in": "trump-maduro-call-2025-11-21", "status": "rejected", "response_event": "trump-rejects-amnesty-2025-11-21"}, [(A, "full legal amnesty for himself and his family")]),  # noqa: E501
    ("demands", {"id": "maduro-sanctions-relief", "by": ["nicolas-maduro"], "addressed_to": ["united-states"], "category": "sanctions_relief", "text": "Lift US sanctions.", "status": "pending"}, [(A, "Maduro also asked for the lifting of US sanctions"), (B, "Maduro asked for the lifting of US sanctions")]),  # noqa: E501
    ("demands", {"id": "trump-maduro-leave", "by": ["donald-trump"], "addressed_to": ["nicolas-maduro"], "category": "departure", "text": "Leave Venezuela within a week.", "made_in": "trump-ultimatum-2025-11-24", "status": "expired"}, [(C, "one week to leave the country")]),  # noqa: E501
    ("demands", {"id": "delcy-interim-government", "by": ["nicolas-maduro"], "addressed_to": ["donald-trump"], "category": "political_transition", "text": "Delcy Rodríguez to lead an interim government.", "status": "unknown"}, [(A, "Delcy Rodríguez, the vice president, would lead an interim government")]),  # noqa: E501
    ("demands", {"id": "safe-passage-family", "by": ["nicolas-maduro"], "addressed_to": ["donald-trump"], "beneficiaries": ["maduro-family"], "category": "safe_passage", "text": "Safe passage for Maduro's family.", "status": "unknown", "disputes": ["safe-passage-scope"]}, [(A, "Maduro's family would also receive safe passage")]),  # noqa: E501
    ("demands", {"id": "safe-passage-maduro-only", "by": ["nicolas-maduro"], "addressed_to": ["donald-trump"], "beneficiaries": ["nicolas-maduro"], "category": "safe_passage", "text": "Safe passage for Maduro only.", "status": "unknown", "disputes": ["safe-passage-scope"]}, [(C, "The safe passage would cover Maduro only, not his family")]),  # noqa: E501
    ("sanctions", {"id": "us-reward-maduro", "kind": "reward", "imposed_by": ["united-states"], "targets": ["nicolas-maduro"], "status": "active", "description": "A $50 million reward for information leading to Maduro's arrest.", "amount_usd": 50000000}, [(A, "offered a reward of $50 million for information leading to Maduro's arrest")]),  # noqa: E501
    ("sanctions", {"id": "venezuela-airspace-closure", "kind": "airspace_closure", "imposed_by": ["donald-trump"], "targets": ["nicolas-maduro"], "status": "active", "description": "Venezuelan airspace declared closed.", "date": "2025-11-29", "date_precision": "day", "event": "airspace-closed-2025-11-29"}, [(A, "declared Venezuelan airspace closed in its entirety")]),  # noqa: E501
    ("disputes", {"id": "safe-passage-scope", "question": "Who would the safe passage cover?", "summary": "One Reuters source says Maduro's family; the Miami Herald says Maduro only."}, [(A, "according to one source"), (C, "a person familiar with the call said")]),  # noqa: E501
]  # fmt: skip


def content_hash(data: dict[str, Any]) -> str:
    """Same rule as vzcrisis.records.content_hash (record without review, canonical JSON)."""
    body = {k: v for k, v in data.items() if k != "review"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def cite(source: str, quote: str) -> dict[str, Any]:
    start = ARTICLES[FILE_OF[source]].index(quote)
    return {"source": source, "quote": quote, "char_start": start, "char_end": start + len(quote)}


def records(version: str) -> dict[str, list[dict[str, Any]]]:
    """Every table's records for the project that gives release `version`."""
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in ("sources", "actors", "events")}
    out.update({t: [] for t in ("demands", "sanctions", "disputes")})
    for file, (publisher, origin, published, quote) in SOURCES.items():
        sha = hashlib.sha256(ARTICLES[file].encode()).hexdigest()
        sid = "src-" + sha[:8]
        out["sources"].append({
            "id": sid, "publisher": publisher, "published": published,
            "published_precision": "day", "language": "en", "file": file, "sha256": sha,
            "origin": origin, "citations": [cite(sid, quote)],
        })  # fmt: skip
    for table, data, quotes in RECORDS:
        out[table].append({**copy.deepcopy(data), "citations": [cite(s, q) for s, q in quotes]})
    if version == "2.0.0":
        out["demands"] = [d for d in out["demands"] if d["id"] != "delcy-interim-government"]
        for d in out["demands"]:
            if d["id"] == "maduro-sanctions-relief":
                d["status"] = "rejected"
        out["demands"].append({
            "id": "trump-maduro-resign", "by": ["donald-trump"],
            "addressed_to": ["nicolas-maduro"], "category": "resignation",
            "text": "Resign and leave.", "status": "rejected",
            "citations": [cite(C, "Trump gave Maduro one week to leave the country")],
        })  # fmt: skip
    for rows in out.values():
        for row in rows:
            review = {"status": "accepted", "reviewer": "fixture", "date": "2025-12-04"}
            row["review"] = {**review, "content_hash": content_hash(row)}
    return out


def write_project(root: Path, version: str) -> None:
    """A complete project (articles, records, published schemas) for release `version`."""
    (root / "seeds" / "articles").mkdir(parents=True, exist_ok=True)
    (root / "seeds" / "records").mkdir(parents=True, exist_ok=True)
    for file, text in ARTICLES.items():
        (root / "seeds" / "articles" / file).write_text(text, encoding="utf-8")
    for table, rows in records(version).items():
        doc = {"schema_version": "1.0.0", "table": table, "records": rows}
        path = root / "seeds" / "records" / f"{table}.yaml"
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    if not (root / "schema").exists():
        shutil.copytree(ROOT / "schema", root / "schema")


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the SDK's hash and download cache out of the user's home for the whole session."""
    cache = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(cache))
        mp.delenv("VENEZUELA_CRISIS_RELEASES", raising=False)
        yield cache


@pytest.fixture(scope="session")
def releases_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A releases directory holding 1.0.0 and 2.0.0 of the fixture project (built for real)."""
    from vzcrisis.release.build import build_release

    project = tmp_path_factory.mktemp("crisis-project")
    releases = project / "releases"
    for version in ("1.0.0", "2.0.0"):
        write_project(project, version)
        build_release(project, version, releases_dir=releases)
    return releases


@pytest.fixture(scope="session")
def vc(releases_dir: Path) -> Iterator[VenezuelaCrisis]:
    """The fixture release 1.0.0, opened once for the session."""
    with VenezuelaCrisis("1.0.0", releases_dir=releases_dir) as client:
        yield client


@pytest.fixture
def release_copy(releases_dir: Path, tmp_path: Path) -> Path:
    """A private copy of release 1.0.0 (to tamper with)."""
    target = tmp_path / "1.0.0"
    shutil.copytree(releases_dir / "1.0.0", target)
    os.chmod(target, 0o755)
    return target
