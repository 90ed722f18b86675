"""Every SDK of major N reads every release of major N (issue: one release format).

In a temporary copy of the project, the demands model gains one optional field (``deadline``),
the demands schema goes to the next minor version (1.1.0 -> 1.2.0) and a minor release 1.1.0 of
the copy's seeds is built for real. That copy's SDK (the new models) then reads the committed
1.0.0, which lacks the column, and 1.1.0 through every SDK method and every CLI query command;
the changed-record count of 1.1.0's changes.json and of ``vc.diff`` agree (the new column is
null everywhere: it changes no demand; every demand's citations gained their sentence bounds in
format 1.1.0).
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from tests._code_copy import CLI, copy_project, run_in

FIELD = """
    deadline: dt.date | None = Field(
        default=None, description="Date by which the demand must be met; null when none."
    )
"""

SCRIPT = r"""
import json, sys
from typer.testing import CliRunner
from venezuela_crisis import VenezuelaCrisis
from vzcrisis.cli import app

out = {}
for version in ("1.0.0", "1.1.0"):
    with VenezuelaCrisis(version) as vc:
        demands = vc.demands()
        got = {
            "deadline": sorted({str(d.deadline) for d in demands}),
            "column": "deadline" in demands.to_arrow().column_names,
            "demands_by": len(vc.demands(by="Maduro")),
            "events": len(vc.events(since="2025-11-21", actor="Trump")),
            "actors": len(vc.actors()),
            "actor": vc.actor("Maduro").id,
            "resolve": vc.resolve("maduro").id,
            "sanctions": len(vc.sanctions(kind="reward")),
            "sources": len(vc.sources(origin="Reuters")),
            "citations": len(vc.citations("maduro-amnesty-family")),
            "disputes": len(vc.disputes()),
            "disputed": len(vc.disputed()),
            "timeline": len(vc.timeline(actor="Maduro")),
            "sql": vc.sql("select count(*) as n from demands where deadline is null").to_pylist(),
            "diff": {t: [len(d.added), len(d.removed), len(d.changed)]
                     for t, d in vc.diff("1.0.0").tables.items()},
        }
    cli = {}
    runner = CliRunner()
    for args in (
        ["query", "select id, deadline from demands order by id limit 1"],
        ["demands", "--by", "Maduro"], ["events", "--actor", "Trump"], ["actors"],
        ["actor", "Maduro"], ["resolve", "maduro"], ["sanctions"], ["sources"],
        ["citations", "maduro-amnesty-family"], ["disputes"], ["disputed"], ["timeline"],
    ):
        result = runner.invoke(app, [*args, "--version", version, "--root", sys.argv[1]])
        cli[args[0]] = [result.exit_code, result.output[-300:] if result.exit_code else ""]
    for args in (["diff", "1.0.0", version],):
        result = runner.invoke(app, [*args, "--root", sys.argv[1]])
        cli[args[0]] = [result.exit_code, result.output[-300:] if result.exit_code else ""]
    got["cli"] = cli
    out[version] = got
print(json.dumps(out))
"""


@pytest.mark.slow
def test_new_sdk_reads_both_releases_after_a_minor_schema_bump(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "project")
    models = copy / "sdk" / "venezuela_crisis" / "models" / "tables.py"
    text = models.read_text(encoding="utf-8")
    anchor = (
        '        description="Ids of sanctions/measures the demand asks to lift or end.",\n    )\n'
    )
    assert text.count(anchor) == 1
    models.write_text(text.replace(anchor, anchor + FIELD), encoding="utf-8")
    catalog = copy / "sdk" / "venezuela_crisis" / "catalog.py"
    spec = catalog.read_text(encoding="utf-8")
    (current,) = re.findall(r'"demands", "(\d+)\.(\d+)\.\d+"', spec)
    declared, bumped = f"{current[0]}.{current[1]}.0", f"{current[0]}.{int(current[1]) + 1}.0"
    assert (declared, bumped) == ("1.1.0", "1.2.0")
    assert spec.count(f'"demands", "{declared}"') == 1
    catalog.write_text(
        spec.replace(f'"demands", "{declared}"', f'"demands", "{bumped}"'), encoding="utf-8"
    )

    cli = CLI
    run_in(copy, *cli, "schemas", "--root", str(copy))
    assert (copy / "schema" / "demands" / f"{bumped}.json").is_file()
    run_in(copy, *cli, "release", "--version", "1.1.0", "--root", str(copy))
    changes = json.loads((copy / "releases" / "1.1.0" / "changes.json").read_text())
    assert changes["bump"] == "minor"
    assert changes["schemas"]["demands"]["added_fields"] == ["deadline"]
    assert changes["schemas"]["demands"]["previous_version"] == "1.0.0"
    assert changes["schemas"]["demands"]["version"] == bumped

    found = json.loads(run_in(copy, "-c", textwrap.dedent(SCRIPT), str(copy)))
    old, new = found["1.0.0"], found["1.1.0"]
    assert old["deadline"] == new["deadline"] == ["None"]
    assert old["column"] and new["column"]
    assert old["sql"] == new["sql"] == [{"n": 14}]
    for key in ("demands_by", "events", "actors", "actor", "resolve", "sanctions", "sources"):
        assert old[key] == new[key], key
    for key in ("citations", "disputes", "disputed", "timeline"):
        assert old[key] == new[key], key
    assert old["cli"] == new["cli"] == {name: [0, ""] for name in old["cli"]}
    # changes.json and vc.diff: the same definition, the same answer. The new column is null
    # everywhere, so it changes no demand; every demand changed in its citations, which gain
    # their sentence bounds (context_start and context_end, format 1.1.0) over the committed
    # 1.0.0 (and in whatever the seeds' review since 1.0.0 changed)
    assert new["diff"] == {
        t: [len(c["added"]), len(c["removed"]), len(c["changed"])]
        for t, c in changes["tables"].items()
    }
    assert new["diff"]["demands"] == [0, 0, 14]
    changed = changes["tables"]["demands"]["changed"].values()
    assert {fields[-1] for fields in changed} == {"citations"}
    assert [field for fields in changed for field in fields if field == "deadline"] == []
