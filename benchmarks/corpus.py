"""Synthetic corpora for the benchmarks: generated once into benchmarks/data/ and reused.

Corpora are generated as JSON Lines (fast to read back for the floors, and what the build
measurement validates and releases).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vzcrisis.records.jsonl import jsonl_record_files, read_jsonl_record_file
from vzcrisis.synth.corpus import MANIFEST, synth

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"


@dataclass
class Corpus:
    """A synthetic project on disk and how long it took to generate (None when reused)."""

    path: Path
    records: int
    seed: int
    fmt: str
    synth_seconds: float | None


def _matches(path: Path, records: int, seed: int, fmt: str) -> bool:
    try:
        meta = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    return bool(meta.get("records") == records and meta.get("seed") == seed) and (
        meta.get("format") == fmt
    )


def ensure_jsonl(records: int, seed: int, data: Path = DATA) -> Corpus:
    """The JSON Lines corpus of this size and seed (generated when missing or stale)."""
    path = data / f"corpus-{records}-s{seed}-jsonl"
    if _matches(path, records, seed, "jsonl"):
        return Corpus(path, records, seed, "jsonl", None)
    if path.exists():
        shutil.rmtree(path)
    data.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    synth(path, records, seed=seed, fmt="jsonl", schema_dir=ROOT / "schema")
    return Corpus(path, records, seed, "jsonl", time.perf_counter() - start)


def _fresh_copy(corpus: Corpus, path: Path) -> Path:
    """``<path>.tmp``, new: the corpus' schema, its articles hard-linked and an empty records
    directory (`path` itself is removed; the caller renames the copy into place)."""
    for stale in (path, path.with_name(path.name + ".tmp")):
        if stale.exists():
            shutil.rmtree(stale)
    tmp = path.with_name(path.name + ".tmp")
    shutil.copytree(corpus.path / "schema", tmp / "schema")
    articles = corpus.path / "seeds" / "articles"
    shutil.copytree(articles, tmp / "seeds" / "articles", copy_function=os.link)
    (tmp / "seeds" / "records").mkdir(parents=True)
    return tmp


def iter_tables(path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """(table, records) of a JSON Lines corpus, one entry per table (files merged)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for file in jsonl_record_files(path):
        parsed, problems = read_jsonl_record_file(file, path)
        if parsed is None or problems:
            raise RuntimeError(f"{file}: {problems[:3]}")
        out.setdefault(parsed.table, []).extend(r.data for r in parsed.records)
    return list(out.items())


NEXT_VERSION = "2.0.0"
"""Version of the second release built from ``next_project`` (ids are removed: a major bump)."""


def next_project(corpus: Corpus, previous_release: Path) -> Path:
    """A copy of `corpus` with the edits of a next release, for the release-diff benchmark.

    In every demands file, 1% of the records get a new text, 0.5% are added as copies under new
    ids and 0.5% are removed (among demands no other record references); edited and added
    records are re-accepted (new content hash), so the copy validates. Articles are hard-linked;
    ``releases/1.0.0`` is hard-linked from `previous_release` (every call: the release of this
    run), so ``vzcrisis release --version 2.0.0`` in the copy diffs against it. The records are
    generated once, next to the corpus, and reused.
    """
    from pydantic_core import from_json
    from vzcrisis.records.load import content_hash

    path = corpus.path.with_name(corpus.path.name + "-next")
    done = path / "NEXT.json"
    if done.is_file() and json.loads(done.read_text()).get("of") == corpus.path.name:
        first = path / "releases" / "1.0.0"
        shutil.rmtree(first, ignore_errors=True)  # this run's 1.0.0, never an older one
        shutil.copytree(previous_release, first, copy_function=os.link)
        return path
    tmp = _fresh_copy(corpus, path)
    shutil.copytree(previous_release, tmp / "releases" / "1.0.0", copy_function=os.link)
    referenced: set[str] = set()
    files = jsonl_record_files(corpus.path)
    for file in files:
        if not file.name.startswith("demands"):
            for line in file.read_text(encoding="utf-8").splitlines()[1:]:
                _strings(from_json(line), referenced, skip_id=True)
    counts = {"changed": 0, "added": 0, "removed": 0}
    for file in files:
        target = tmp / "seeds" / "records" / file.name
        if not file.name.startswith("demands"):
            os.link(file, target)
            continue
        lines = file.read_text(encoding="utf-8").splitlines()
        out = [lines[0]]
        for number, line in enumerate(lines[1:]):
            record = from_json(line)
            slot = number % 200
            if slot == 1 and record["id"] not in referenced:
                counts["removed"] += 1
                continue
            if slot in (2, 3):
                record["text"] = record["text"] + " (updated)"
                line = _accepted(record, content_hash)
                counts["changed"] += 1
            out.append(line)
            if slot == 4:
                copy = dict(record, id=record["id"] + "-next")
                out.append(_accepted(copy, content_hash))
                counts["added"] += 1
        target.write_text("\n".join(out) + "\n", encoding="utf-8")
    (tmp / "NEXT.json").write_text(json.dumps({"of": corpus.path.name, **counts}) + "\n")
    os.replace(tmp, path)
    return path


def _accepted(record: dict[str, Any], content_hash: Any) -> str:
    record["review"] = dict(record["review"], content_hash=content_hash(record, plain=True))
    return json.dumps(record, ensure_ascii=False)


def _strings(value: Any, out: set[str], skip_id: bool = False) -> None:
    """Every string inside `value` (the record's own id excepted) into `out`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not (skip_id and key == "id"):
                _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    elif isinstance(value, str):
        out.add(value)
