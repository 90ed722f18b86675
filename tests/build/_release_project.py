"""A throwaway copy of the mini fixture project, and curator-style edits of its record files.

Loaded by the release tests with importlib (test modules are not an importable package).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from vzcrisis.records.load import content_hash, to_plain

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mini"
REVIEW_DATE = dt.date(2025, 12, 5)


def copy_project(dest: Path) -> Path:
    """Copy the mini project to `dest` (symlinks such as schema/ are copied as real files)."""
    shutil.copytree(FIXTURE, dest, symlinks=False)
    return dest


def edit_records(root: Path, table: str, edit: Callable[[list[Any]], None]) -> None:
    """Apply `edit` to the records of `table`, then re-accept every record whose hash changed.

    Re-accepting is what a reviewer does after checking the edited record: a new content_hash
    and review date.
    """
    path = root / "seeds" / "records" / f"{table}.yaml"
    yaml = YAML(typ="rt", pure=True)
    doc = yaml.load(path.read_text(encoding="utf-8"))
    records = doc["records"]
    before = {str(r["id"]): content_hash(to_plain(r)) for r in records}
    edit(records)
    for record in records:
        new_hash = content_hash(to_plain(record))
        review = record["review"]
        if review.get("status") == "accepted" and before.get(str(record["id"])) != new_hash:
            review["content_hash"] = new_hash
            review["date"] = REVIEW_DATE
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(doc, handle)


def accept(record: Any) -> None:
    """Mark a record accepted by the fixture reviewer with its current content hash."""
    record["review"] = {
        "status": "accepted",
        "reviewer": "fixture",
        "date": REVIEW_DATE,
        "content_hash": content_hash(to_plain(record)),
    }


def by_id(records: list[Any], record_id: str) -> Any:
    """The record with this id."""
    return next(r for r in records if r["id"] == record_id)
