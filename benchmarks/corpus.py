"""Synthetic corpora for the benchmarks: generated once into benchmarks/data/ and reused.

Corpora are generated as JSON Lines (fast to read back for the floors). When the validator does
not read JSON Lines yet, a YAML twin is written from the JSON Lines files (articles hard-linked)
for the build measurement.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vzcrisis.records_jsonl import jsonl_record_files, read_jsonl_record_file
from vzcrisis.synth import MANIFEST, synth
from vzcrisis.synth_files import RecordFileWriter

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


def ensure_yaml_twin(corpus: Corpus) -> Corpus:
    """A YAML copy of a JSON Lines corpus (same records, same articles)."""
    path = corpus.path.with_name(corpus.path.name.replace("-jsonl", "-yaml"))
    if _matches(path, corpus.records, corpus.seed, "yaml"):
        return Corpus(path, corpus.records, corpus.seed, "yaml", None)
    if path.exists():
        shutil.rmtree(path)
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(corpus.path / "schema", tmp / "schema")
    shutil.copytree(
        corpus.path / "seeds" / "articles", tmp / "seeds" / "articles", copy_function=os.link
    )
    (tmp / "seeds" / "records").mkdir(parents=True)
    for table, rows in iter_tables(corpus.path):
        writer = RecordFileWriter(tmp / "seeds" / "records", table, "yaml")
        for row in rows:
            writer.write(row)
        writer.close()
    meta = json.loads((corpus.path / MANIFEST).read_text()) | {"format": "yaml"}
    (tmp / MANIFEST).write_text(json.dumps(meta, indent=2) + "\n")
    os.replace(tmp, path)
    return Corpus(path, corpus.records, corpus.seed, "yaml", None)


def iter_tables(path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """(table, records) of a JSON Lines corpus, one entry per table (files merged)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for file in jsonl_record_files(path):
        parsed, problems = read_jsonl_record_file(file, path)
        if parsed is None or problems:
            raise RuntimeError(f"{file}: {problems[:3]}")
        out.setdefault(parsed.table, []).extend(r.data for r in parsed.records)
    return list(out.items())


def table_json(path: Path) -> dict[str, bytes]:
    """Per table, the records of a JSON Lines corpus as one JSON array (bytes)."""
    parts: dict[str, list[bytes]] = {}
    for file in jsonl_record_files(path):
        lines = file.read_bytes().splitlines()
        table = json.loads(lines[0])["table"]
        parts.setdefault(table, []).extend(line for line in lines[1:] if line.strip())
    return {table: b"[" + b",".join(lines) + b"]" for table, lines in parts.items()}


def validator_reads_jsonl(data: Path = DATA) -> bool:
    """Whether `vzcrisis validate` loads seeds/records/*.jsonl (checked on a tiny corpus)."""
    try:
        from vzcrisis.validate import load_project
    except ImportError:
        return False
    probe = ensure_jsonl(20, 0, data)
    project, _ = load_project(probe.path)
    return sum(project.summary()["records"].values()) == 20
