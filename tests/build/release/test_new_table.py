"""A table is declared in one place: a toy table added to a copy of the project is released.

In a temporary copy, the only edits are the table's declaration (one ``TableSpec`` in
``catalog.py``) and its two models (``models/tables.py``), plus a record file. Everything else
(JSON Schema, Parquet, SQLite with full-text search, codebook, datapackage, Datasette
metadata, the SDK's view) derives from them; an older release reads the new table as empty.
"""

from __future__ import annotations

import json
import sqlite3
import textwrap
from pathlib import Path

import pytest

from tests._code_copy import CLI, copy_project, run_in

SPEC = """    TableSpec(
        "toys", "1.0.0", "Toys", "A toy table: things named in the articles.",
        row="Toy", record="ToyRecord", label="name", text="name",
        facets=("color",), fts=("name",),
    ),
"""

MODELS = '''

class ToyRecord(CuratedRecord):
    """A toy record."""

    name: Text = Field(max_length=100, description="Name of the toy.")
    color: str | None = Field(default=None, description="Its color, when known.")


class Toy(Derived, ToyRecord):
    """A released toy."""
'''

RECORDS = r"""
import json, sys
from pathlib import Path
from vzcrisis.records.load import content_hash

root = Path(sys.argv[1])
text = (root / "seeds/articles/004_0c7a2d3223c11349.txt").read_text(encoding="utf-8")
quote = "Maduro"
start = text.index(quote)
record = {
    "id": "toy-one", "name": "A toy", "color": "red",
    "citations": [{"source": "src-053c2b2b", "quote": quote, "char_start": start,
                   "char_end": start + len(quote)}],
}
record["review"] = {"status": "accepted", "reviewer": "test", "date": "2026-11-30",
                    "content_hash": content_hash(record)}
doc = {"schema_version": "1.0.0", "table": "toys", "records": [record]}
(root / "seeds/records/toys.yaml").write_text(json.dumps(doc, indent=1), encoding="utf-8")
"""

READ = r"""
import json, sys
from venezuela_crisis import VenezuelaCrisis
with VenezuelaCrisis("1.1.0") as new, VenezuelaCrisis("1.0.0") as old:
    print(json.dumps({
        "new": new.sql("select id, name, color, source_count from toys").to_pylist(),
        "old": old.sql("select count(*) as n from toys").to_pylist(),
        "tables": new.tables,
        "diff": new.diff("1.0.0").tables["toys"].added,
    }))
"""


@pytest.mark.slow
def test_a_table_declared_in_one_place_is_released(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "project")
    sdk = copy / "sdk" / "venezuela_crisis"
    catalog = (sdk / "catalog.py").read_text(encoding="utf-8")
    anchor = ')  # fmt: skip\n"""Every table, in release order."""'
    assert catalog.count(anchor) == 1
    (sdk / "catalog.py").write_text(catalog.replace(anchor, SPEC + anchor), encoding="utf-8")
    with (sdk / "models" / "tables.py").open("a", encoding="utf-8") as handle:
        handle.write(MODELS)

    cli = CLI
    run_in(copy, "-c", textwrap.dedent(RECORDS), str(copy))
    run_in(copy, *cli, "schemas", "--root", str(copy))
    assert (copy / "schema" / "toys" / "1.0.0.json").is_file()
    run_in(copy, *cli, "validate", "--root", str(copy))
    run_in(copy, *cli, "release", "--version", "1.1.0", "--root", str(copy))

    release = copy / "releases" / "1.1.0"
    changes = json.loads((release / "changes.json").read_text(encoding="utf-8"))
    assert changes["bump"] == "minor"
    assert "table toys is new" in changes["reasons"]
    assert changes["tables"]["toys"] == {"added": ["toy-one"], "removed": [], "changed": {}}
    assert "## toys" in (release / "CODEBOOK.md").read_text(encoding="utf-8")
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert "toys" in [r["name"] for r in package["resources"]]
    db = sqlite3.connect(release / "venezuela-crisis.db")
    try:
        assert db.execute("select id, name, color from toys").fetchall() == [
            ("toy-one", "A toy", "red")
        ]
        assert db.execute("select rowid from toys_fts where toys_fts match 'toy'").fetchall()
        assert db.execute(
            "select count(*) from citations where record_table = 'toys'"
        ).fetchone() == (1,)
    finally:
        db.close()
    run_in(copy, *cli, "datasette-metadata", "--root", str(copy))
    meta = json.loads((copy / "datasette-metadata.json").read_text(encoding="utf-8"))
    toys = meta["databases"]["venezuela-crisis"]["tables"]["toys"]
    assert (toys["label_column"], toys["facets"], toys["fts_table"]) == (
        "name",
        ["color"],
        "toys_fts",
    )

    found = json.loads(run_in(copy, "-c", textwrap.dedent(READ)))
    assert found["new"] == [{"id": "toy-one", "name": "A toy", "color": "red", "source_count": 1}]
    assert found["old"] == [{"n": 0}], "1.0.0 has no toys table: it reads as an empty table"
    assert found["tables"]["toys"] == 1
    assert found["diff"] == ["toy-one"]
