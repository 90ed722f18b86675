"""`vc.diff` and changes.json (one definition: venezuela_crisis/format/diff.py) on releases
derived from the fixture release 1.0.0.

Each test copies 1.0.0, edits a few rows of its Parquet files with pyarrow (or the schema, or the
layout: Hive partitions), re-checksums the manifest under a new version, and checks the diff id
by id. Every diff is also checked against the documented rule (docs/release-format.md), computed
here row by row in Python (`json_rule`), and against the publisher's changes.json for the same
pair (`changes_of`): the ids and the changed fields agree exactly.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from venezuela_crisis import VenezuelaCrisis
from venezuela_crisis.models import CURATED_TABLES, TABLES
from venezuela_crisis.views import ReleaseDiff
from vzcrisis.release.changes import diff_release
from vzcrisis.release.manifest import file_entries
from vzcrisis.release.table_files import ReleasedTables, TableFiles

Rows = list[dict[str, Any]]
A, C = "src-e5853327", "src-26ae095a"  # Reuters wire, Miami Herald (see conftest)
EMPTY: dict[str, list[str]] = {"added": [], "removed": [], "changed": []}
NOTHING = {t: EMPTY for t in TABLES}


@pytest.fixture
def base(releases_dir: Path) -> Path:
    """The fixture release 1.0.0 (never written to)."""
    return releases_dir / "1.0.0"


def _writable(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


def _rewrite(path: Path, rows: Rows, schema: pa.Schema) -> None:
    path.unlink()
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


def _seal(release: Path, version: str, manifest: dict[str, Any]) -> None:
    manifest["version"] = version
    manifest["files"] = file_entries(release)
    (release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def derive(
    src: Path,
    dst: Path,
    version: str,
    edits: dict[str, Callable[[Rows], Rows]],
    schema: Callable[[pa.Schema], pa.Schema] | None = None,
) -> Path:
    """A copy of release `src` as `version` with `edits[table]` applied to each file's rows
    (and `schema` to each edited file's schema)."""
    shutil.copytree(src, dst)
    _writable(dst)
    manifest = json.loads((dst / "manifest.json").read_text(encoding="utf-8"))
    for table, edit in edits.items():
        entry = manifest["tables"][table]
        for rel in entry.get("files") or [entry["path"]]:
            data = pq.ParquetFile(dst / rel).read()
            target = schema(data.schema) if schema else data.schema
            _rewrite(dst / rel, edit(data.to_pylist()), target)
    _seal(dst, version, manifest)
    return dst


def partitioned(src: Path, dst: Path, version: str) -> Path:
    """A copy of release `src` as `version` whose events are Hive partitions by year and month
    (the layout `vzcrisis release --partition events=year,month` writes)."""
    shutil.copytree(src, dst)
    _writable(dst)
    manifest = json.loads((dst / "manifest.json").read_text(encoding="utf-8"))
    events = pq.read_table(dst / "events.parquet")
    (dst / "events.parquet").unlink()
    parts: dict[str, Rows] = {}
    for row in events.to_pylist():
        day, null = row["date"], "__HIVE_DEFAULT_PARTITION__"
        key = f"year={day.year}/month={day.month:02d}" if day else f"year={null}/month={null}"
        parts.setdefault(f"events/{key}/part-0.parquet", []).append(row)
    for rel, rows in parts.items():
        (dst / rel).parent.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=events.schema), dst / rel)
    manifest["tables"]["events"] = {
        "path": "events",
        "rows": events.num_rows,
        "partitioning": {"style": "hive", "keys": ["year", "month"]},
        "files": sorted(parts),
    }
    _seal(dst, version, manifest)
    return dst


def _plain(value: Any) -> Any:
    """A value as the rule compares it: -0.0 is 0.0, NaN equals NaN (as the text 'NaN')."""
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else value + 0.0
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def json_rule(old: VenezuelaCrisis, new: VenezuelaCrisis) -> dict[str, dict[str, list[str]]]:
    """The documented rule, row by row in Python: a record is changed when a column of its row
    (a column one side lacks reads as null) or the multiset of its citation rows (every column
    but the citation id) differs."""

    def prints(vc: VenezuelaCrisis, table: str, names: list[str]) -> dict[str, str]:
        cites: dict[str, list[Any]] = {}
        if table in CURATED_TABLES:
            for c in vc.sql(
                "select * exclude (id) from citations where record_table = ? order by all",
                [table],
            ).to_pylist():
                cites.setdefault(c["record_id"], []).append(c)
        rows = vc.sql(f"select * from {table}").to_pylist()
        return {
            r["id"]: json.dumps(
                [_plain({n: r.get(n) for n in names}), _plain(cites.get(r["id"], []))],
                sort_keys=True,
                default=str,
            )
            for r in rows
        }

    out = {}
    for table in TABLES:
        names = sorted(
            {*old.sql(f"select * from {table} limit 0").column_names}
            | {*new.sql(f"select * from {table} limit 0").column_names}
        )
        a, b = prints(old, table, names), prints(new, table, names)
        out[table] = {
            "added": sorted(b.keys() - a.keys()),
            "removed": sorted(a.keys() - b.keys()),
            "changed": sorted(i for i in a.keys() & b.keys() if a[i] != b[i]),
        }
    return out


def changes_of(old: Path, new: Path) -> dict[str, Any]:
    """The publisher's changes.json content for release `new` built after `old`."""
    manifest = json.loads((new / "manifest.json").read_text(encoding="utf-8"))
    layout = {
        t: TableFiles(
            e["path"],
            tuple(e.get("files") or [e["path"]]),
            e["rows"],
            tuple((e.get("partitioning") or {}).get("keys", [])),
        )
        for t, e in manifest["tables"].items()
    }
    versions = {t: "1.0.0" for t in TABLES}
    return diff_release("9.0.0", old, versions, ReleasedTables(new, layout), versions)


def diff(old: Path, new: Path, rule: bool = True) -> dict[str, dict[str, list[str]]]:
    """`vc.diff` from `old` to `new` per table (ids), after checking that changes.json says
    exactly the same (ids and changed fields) and, with `rule`, that `json_rule` does too."""
    changes = changes_of(old, new)["tables"]
    with VenezuelaCrisis(path=old) as a, VenezuelaCrisis(path=new) as b:
        result = b.diff(str(old))
        assert isinstance(result, ReleaseDiff)
        assert (result.old, result.new) == (a.version, b.version)
        assert list(result.tables) == list(TABLES)
        for table, d in result.tables.items():
            assert changes[table] == {
                "added": d.added,
                "removed": d.removed,
                "changed": d.fields,
            }, table
            assert d.changed == list(d.fields)
        tables = {
            t: {"added": d.added, "removed": d.removed, "changed": d.changed}
            for t, d in result.tables.items()
        }
        if rule:
            assert tables == json_rule(a, b)
    return tables


def only(table: str, **kinds: list[str]) -> dict[str, dict[str, list[str]]]:
    """The expected diff: `kinds` in `table`, nothing anywhere else."""
    return {t: {**EMPTY, **kinds} if t == table else EMPTY for t in TABLES}


def by_id(rows: Rows, rid: str) -> dict[str, Any]:
    return next(r for r in rows if r["id"] == rid)


def test_added_removed_changed_ids_exactly(base: Path, tmp_path: Path) -> None:
    def edit(rows: Rows) -> Rows:
        rows = [
            r for r in rows if r["id"] not in ("delcy-interim-government", "trump-maduro-leave")
        ]
        by_id(rows, "maduro-sanctions-relief")["status"] = "rejected"
        by_id(rows, "safe-passage-family")["text"] = "Safe passage for the family."
        new = {**by_id(rows, "maduro-amnesty-family"), "id": "a-new-demand"}
        return [*rows, {**new, "id": "zz-new-demand"}, new]  # any row order

    new = derive(base, tmp_path / "1.1.0", "1.1.0", {"demands": edit})
    assert diff(base, new) == only(
        "demands",
        added=["a-new-demand", "zz-new-demand"],
        removed=["delcy-interim-government", "trump-maduro-leave"],
        changed=["maduro-sanctions-relief", "safe-passage-family"],
    )
    back = diff(new, base)
    assert back["demands"] == {
        "added": ["delcy-interim-government", "trump-maduro-leave"],
        "removed": ["a-new-demand", "zz-new-demand"],
        "changed": ["maduro-sanctions-relief", "safe-passage-family"],
    }


def test_same_release_and_reordered_rows_are_unchanged(base: Path, tmp_path: Path) -> None:
    edits = {t: (lambda rows: rows[::-1]) for t in TABLES}  # every file, rows reversed
    new = derive(base, tmp_path / "1.0.1", "1.0.1", edits)
    assert diff(base, new) == NOTHING
    assert diff(base, base) == NOTHING


def test_change_only_in_a_list_column(base: Path, tmp_path: Path) -> None:
    def edit(rows: Rows) -> Rows:
        by_id(rows, "safe-passage-family")["beneficiaries"].append("nicolas-maduro")
        amnesty = by_id(rows, "maduro-amnesty-family")  # same elements, other order
        amnesty["beneficiaries"] = amnesty["beneficiaries"][::-1]
        by_id(rows, "maduro-sanctions-relief")["beneficiaries"] = []  # [] stays []
        return rows

    new = derive(base, tmp_path / "1.0.1", "1.0.1", {"demands": edit})
    assert diff(base, new) == only(
        "demands", changed=["maduro-amnesty-family", "safe-passage-family"]
    )


def test_change_only_in_a_struct_column(base: Path, tmp_path: Path) -> None:
    def edit(rows: Rows) -> Rows:
        by_id(rows, "donald-trump")["review"]["reviewer"] = "someone else"
        by_id(rows, "united-states")["review"]["date"] = dt.date(2025, 12, 5)
        by_id(rows, "maduro-family")["review"]["note"] = None  # NULL stays NULL
        return rows

    def quantities(rows: Rows) -> Rows:  # a struct inside a list
        q = {"value": 7, "unit": "days", "qualifier": "exactly", "text": "one week"}
        by_id(rows, "trump-ultimatum-2025-11-24")["quantities"] = [q]
        return rows

    new = derive(base, tmp_path / "1.0.1", "1.0.1", {"actors": edit, "events": quantities})
    result = diff(base, new)
    assert result["actors"] == {**EMPTY, "changed": ["donald-trump", "united-states"]}
    assert result["events"] == {**EMPTY, "changed": ["trump-ultimatum-2025-11-24"]}
    newer = derive(new, tmp_path / "1.0.2", "1.0.2", {"events": _bump_quantity})
    assert diff(new, newer) == only("events", changed=["trump-ultimatum-2025-11-24"])


def _bump_quantity(rows: Rows) -> Rows:
    by_id(rows, "trump-ultimatum-2025-11-24")["quantities"][0]["value"] = 8
    return rows


def test_nulls(base: Path, tmp_path: Path) -> None:
    def edit(rows: Rows) -> Rows:
        assert by_id(rows, "delcy-interim-government")["made_in"] is None
        assert by_id(rows, "maduro-amnesty-family")["made_in"] is not None
        by_id(rows, "delcy-interim-government")["made_in"] = "trump-maduro-call-2025-11-21"
        by_id(rows, "maduro-amnesty-family")["made_in"] = None
        by_id(rows, "maduro-amnesty-family")["response_event"] = None
        return rows  # the other demands keep their NULL made_in / response_event

    new = derive(base, tmp_path / "1.0.1", "1.0.1", {"demands": edit})
    assert diff(base, new) == only(
        "demands", changed=["delcy-interim-government", "maduro-amnesty-family"]
    )
    with VenezuelaCrisis(path=new) as vc:
        nulls = vc.sql("select count(*) as n from demands where made_in is null")
    assert nulls.column("n").to_pylist() == [4], "three unchanged NULLs, one new"


def test_citation_only_change_marks_the_record(base: Path, tmp_path: Path) -> None:
    cited = f"maduro-sanctions-relief@{A}:"

    def edit(rows: Rows) -> Rows:
        row = next(r for r in rows if r["id"].startswith(cited))
        row["quote"] = row["quote"].upper()
        return rows[::-1]

    new = derive(base, tmp_path / "1.0.1", "1.0.1", {"citations": edit})
    result = diff(base, new)
    (changed,) = result["citations"]["changed"]
    assert changed.startswith(cited)
    assert result == {
        **only("demands", changed=["maduro-sanctions-relief"]),
        "citations": {**EMPTY, "changed": [changed]},
    }


def test_citation_added_or_removed_marks_the_record(base: Path, tmp_path: Path) -> None:
    def edit(rows: Rows) -> Rows:
        ours = [r for r in rows if r["record_id"] == "trump-maduro-leave"]
        rows = [r for r in rows if r["record_id"] != "safe-passage-scope" or r["source_id"] != C]
        extra = {**ours[0], "char_start": ours[0]["char_start"] + 1, "quote": ours[0]["quote"][1:]}
        extra["id"] = f"trump-maduro-leave@{extra['source_id']}:{extra['char_start']}"
        return [*rows, extra]

    new = derive(base, tmp_path / "1.0.1", "1.0.1", {"citations": edit})
    result = diff(base, new)
    assert result["demands"] == {**EMPTY, "changed": ["trump-maduro-leave"]}
    assert result["disputes"] == {**EMPTY, "changed": ["safe-passage-scope"]}
    assert [len(result["citations"][k]) for k in ("added", "removed", "changed")] == [1, 1, 0]


def test_partitioned_release(base: Path, tmp_path: Path) -> None:
    hive = partitioned(base, tmp_path / "hive-1.0.1", "1.0.1")
    manifest = json.loads((hive / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["tables"]["events"]["files"]) == 2
    assert diff(base, hive) == NOTHING
    assert diff(hive, base) == NOTHING

    def edit(rows: Rows) -> Rows:
        rows = [r for r in rows if r["id"] != "maduro-no-surrender"]  # the undated partition
        for row in rows:
            if row["id"] == "trump-ultimatum-2025-11-24":
                row["summary"] = "Trump gave Maduro a week."
        return rows

    edited = derive(hive, tmp_path / "hive-1.0.2", "1.0.2", {"events": edit})
    expected = only(
        "events", removed=["maduro-no-surrender"], changed=["trump-ultimatum-2025-11-24"]
    )
    assert diff(hive, edited) == expected
    assert diff(base, edited) == expected


def test_added_column_changes_only_records_that_set_it(base: Path, tmp_path: Path) -> None:
    """A column the older release lacks reads as null: a new optional column changes only the
    records whose value in it is not null (what a reader of either release sees)."""

    def add(schema: pa.Schema) -> pa.Schema:
        return schema.append(pa.field("priority", pa.int64()))

    def edit(rows: Rows) -> Rows:  # the new column is null everywhere
        return [r for r in rows if r["id"] != "trump-maduro-leave"]

    new = derive(base, tmp_path / "1.1.0", "1.1.0", {"demands": edit}, schema=add)
    assert "priority" in pq.read_schema(new / "demands.parquet").names
    assert diff(base, new) == only("demands", removed=["trump-maduro-leave"])
    assert diff(new, base) == only("demands", added=["trump-maduro-leave"])

    def set_one(rows: Rows) -> Rows:
        by_id(rows, "maduro-amnesty-family")["priority"] = 1
        return rows

    newer = derive(new, tmp_path / "1.1.1", "1.1.1", {"demands": set_one})
    assert diff(base, newer) == only(
        "demands", removed=["trump-maduro-leave"], changed=["maduro-amnesty-family"]
    )


def test_retyped_column_compares_as_text(base: Path, tmp_path: Path) -> None:
    def narrow(schema: pa.Schema) -> pa.Schema:
        i = schema.get_field_index("amount_usd")
        return schema.set(i, schema.field(i).with_type(pa.int32()))

    def edit(rows: Rows) -> Rows:
        by_id(rows, "venezuela-airspace-closure")["amount_usd"] = 1
        return rows

    same = derive(base, tmp_path / "1.0.1", "1.0.1", {"sanctions": lambda rows: rows}, narrow)
    assert diff(base, same, rule=False) == only("sanctions")  # 50000000 = 50000000, null = null
    new = derive(base, tmp_path / "1.0.2", "1.0.2", {"sanctions": edit}, narrow)
    assert diff(base, new, rule=False) == only("sanctions", changed=["venezuela-airspace-closure"])

    def text(schema: pa.Schema) -> pa.Schema:
        i = schema.get_field_index("amount_usd")
        return schema.set(i, schema.field(i).with_type(pa.string()))

    def as_text(rows: Rows) -> Rows:
        for row in rows:
            row["amount_usd"] = None if row["amount_usd"] is None else f"{row['amount_usd']:,}"
        return rows

    texts = derive(base, tmp_path / "1.0.3", "1.0.3", {"sanctions": as_text}, text)
    # 50000000 vs "50,000,000" differ as text
    assert diff(base, texts, rule=False) == only("sanctions", changed=["us-reward-maduro"])


def test_changes_json_names_the_changed_fields(base: Path, tmp_path: Path) -> None:
    def demands(rows: Rows) -> Rows:
        by_id(rows, "safe-passage-family")["beneficiaries"].append("nicolas-maduro")
        by_id(rows, "delcy-interim-government")["made_in"] = "trump-maduro-call-2025-11-21"
        amnesty = by_id(rows, "maduro-amnesty-family")
        amnesty["made_in"] = None
        amnesty["review"]["reviewer"] = "someone else"
        return [r for r in rows if r["id"] != "trump-maduro-leave"]

    def events(rows: Rows) -> Rows:
        for row in rows:
            if row["id"] == "maduro-no-surrender":  # the undated partition
                row["summary"] = "Maduro said he would not surrender."
        return rows

    hive = partitioned(base, tmp_path / "hive-1.0.1", "1.0.1")
    new = derive(hive, tmp_path / "1.1.0", "1.1.0", {"demands": demands, "events": events})
    tables = changes_of(base, new)["tables"]
    assert tables["demands"] == {
        "added": [],
        "removed": ["trump-maduro-leave"],
        "changed": {
            "delcy-interim-government": ["made_in"],
            "maduro-amnesty-family": ["review", "made_in"],
            "safe-passage-family": ["beneficiaries"],
        },
    }
    assert tables["events"] == {
        "added": [],
        "removed": [],
        "changed": {"maduro-no-surrender": ["summary"]},
    }
    assert all(
        tables[t] == {"added": [], "removed": [], "changed": {}}
        for t in TABLES
        if t not in ("demands", "events")
    )


def test_float_column_nan_equals_nan_and_zero_has_no_sign(base: Path, tmp_path: Path) -> None:
    """No released table has a float column; if one comes: NaN equals NaN, -0.0 equals 0.0."""
    scores = {"maduro-amnesty-family": 0.0, "delcy-interim-government": float("nan")}

    def add(schema: pa.Schema) -> pa.Schema:
        return schema.append(pa.field("score", pa.float64()))

    def first(rows: Rows) -> Rows:
        return [{**r, "score": scores.get(r["id"], 1.5)} for r in rows]

    def second(rows: Rows) -> Rows:
        by_id(rows, "maduro-amnesty-family")["score"] = -0.0
        by_id(rows, "delcy-interim-government")["score"] = float("nan")
        by_id(rows, "safe-passage-family")["score"] = 2.5
        return rows

    old = derive(base, tmp_path / "1.1.0", "1.1.0", {"demands": first}, schema=add)
    new = derive(old, tmp_path / "1.1.1", "1.1.1", {"demands": second})
    assert diff(old, new) == only("demands", changed=["safe-passage-family"])
    assert changes_of(old, new)["tables"]["demands"]["changed"] == {
        "safe-passage-family": ["score"]
    }


def test_changes_json_and_vc_diff_agree_on_every_kind_of_change(base: Path, tmp_path: Path) -> None:
    """The acceptance case: a field added, a value edited, a nullable value set to null, a
    citation-only edit, ids added and removed, in one pair of releases."""

    def add(schema: pa.Schema) -> pa.Schema:
        return schema.append(pa.field("deadline", pa.date32()))

    def demands(rows: Rows) -> Rows:
        by_id(rows, "safe-passage-family")["deadline"] = dt.date(2025, 11, 28)  # field added
        by_id(rows, "maduro-sanctions-relief")["text"] = "Lift the sanctions."  # value edited
        by_id(rows, "maduro-amnesty-family")["made_in"] = None  # nullable set to null
        rows = [r for r in rows if r["id"] != "delcy-interim-government"]  # removed
        return [*rows, {**by_id(rows, "trump-maduro-leave"), "id": "a-new-demand"}]  # added

    def citations(rows: Rows) -> Rows:  # citation-only edit
        row = next(r for r in rows if r["record_id"] == "trump-maduro-leave")
        row["quote"] = row["quote"].upper()
        return rows

    step = derive(base, tmp_path / "step", "1.1.0", {"demands": demands}, add)
    new = derive(step, tmp_path / "1.1.0", "1.1.0", {"citations": citations})
    changes = changes_of(base, new)["tables"]["demands"]
    assert changes == {
        "added": ["a-new-demand"],
        "removed": ["delcy-interim-government"],
        "changed": {
            "maduro-amnesty-family": ["made_in"],
            "maduro-sanctions-relief": ["text"],
            "safe-passage-family": ["deadline"],
            "trump-maduro-leave": ["citations"],
        },
    }
    with VenezuelaCrisis(path=new) as vc:
        d = vc.diff(str(base)).tables["demands"]
    assert (d.added, d.removed, d.fields) == (
        changes["added"],
        changes["removed"],
        changes["changed"],
    )
    assert diff(base, new)["demands"]["changed"] == sorted(changes["changed"])


def test_a_memory_limit_needs_a_spill_directory(base: Path) -> None:
    from venezuela_crisis.format.diff import diff_layouts
    from venezuela_crisis.format.layout import Layout
    from venezuela_crisis.format.manifest import read_manifest

    layout = Layout.from_manifest(base, read_manifest(base))
    with pytest.raises(ValueError, match="a memory limit needs a directory to spill to"):
        diff_layouts(layout, layout, memory_limit="64MB")
