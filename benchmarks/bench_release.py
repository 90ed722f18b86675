"""BENCH-ONLY SHORTCUT: the release Parquet files of a synthetic JSON Lines corpus, fast.

``vzcrisis validate`` + ``vzcrisis release`` at 100k-1M records take hours on 2 cores while the
validator parses YAML. The SDK query and cold-start sections only need the released Parquet
files, so this writes them straight from the JSON Lines corpus with the release's own transform
(``release.derive.released_rows``: derived columns, citations rows, row models re-validated;
``release.derive.arrow_table``: the explicit Arrow schema; ``release.build.write_parquet``: the
same Parquet options) and a manifest whose ``files`` lists every file with size and sha256, so
the SDK verifies it like any release. What it skips (never use it to publish): quote/offset checks
against the article texts, review hashes, referential checks, SQLite, codebook, datapackage,
changes. The output directory is ``<corpus>/releases-bench/1.0.0`` so it is never mistaken for a
release of the pipeline; the benchmark report says which sections ran on it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from corpus import Corpus, iter_tables
from pydantic import TypeAdapter
from venezuela_crisis.format.manifest import MANIFEST
from venezuela_crisis.models import TABLES, ReviewStatus
from vzcrisis.release.build import write_parquet
from vzcrisis.release.derive import arrow_table, released_rows
from vzcrisis.release.manifest import dump_json, file_entries

DIR = "releases-bench"
VERSION = "1.0.0"


def bench_release(corpus: Corpus) -> Path:
    """Write (once) and return ``<corpus>/releases-bench/1.0.0``."""
    target = corpus.path / DIR / VERSION
    if (target / MANIFEST).is_file():
        return target
    records = {}
    for table, rows in iter_tables(corpus.path):
        model = TABLES[table].record
        adapter: TypeAdapter[list[object]] = TypeAdapter(list[model])  # type: ignore[valid-type]
        parsed = adapter.validate_json(json.dumps(rows))
        records[table] = [r for r in parsed if r.review.status == ReviewStatus.accepted]  # type: ignore[attr-defined]
    texts = {
        str(s.id): (corpus.path / "seeds" / "articles" / str(s.file)).read_text(encoding="utf-8")  # type: ignore[attr-defined]
        for s in records.get("sources", [])
    }
    rows, problems = released_rows(lambda t: sorted(records.get(t, []), key=lambda r: r.id), texts)
    if problems:
        raise RuntimeError(f"bench release of {corpus.path}: {problems[:3]}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        counts = {}
        for table in TABLES:
            data = arrow_table(table, rows[table], VERSION)
            write_parquet(data, tmp / f"{table}.parquet")
            counts[table] = data.num_rows
        manifest = {
            "dataset": "venezuela-crisis (BENCH-ONLY shortcut build, not a release)",
            "version": VERSION,
            "schema_versions": {t: spec.schema_version for t, spec in TABLES.items()},
            "tables": {t: {"path": f"{t}.parquet", "rows": n} for t, n in counts.items()},
            "files": file_entries(tmp),
        }
        (tmp / MANIFEST).write_text(dump_json(manifest), encoding="utf-8")
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
