"""The query commands of `vzcrisis`: thin wrappers whose --json equals the SDK result."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from venezuela_crisis import VenezuelaCrisis
from vzcrisis.cli import app

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def project(releases_dir: Path) -> Path:
    """The fixture project root (its releases/ holds 1.0.0 and 2.0.0)."""
    return releases_dir.parent


def invoke(project: Path, *args: str) -> str:
    result = RUNNER.invoke(app, [*args, "--root", str(project)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    ("args", "method", "kwargs"),
    [
        (["demands", "--by", "Maduro"], "demands", {"by": "Maduro"}),
        (
            ["demands", "--by", "maduro", "--status", "rejected"],
            "demands",
            {"by": "maduro", "status": "rejected"},
        ),
        (
            ["events", "--since", "2025-11-22", "--type", "COERCE"],
            "events",
            {"since": "2025-11-22", "type": "COERCE"},
        ),
        (["actors", "rodriguez"], "actors", {"name": "rodriguez"}),
        (
            ["sanctions", "--imposed-by", "United States"],
            "sanctions",
            {"imposed_by": "United States"},
        ),
        (["sources", "--origin", "Reuters"], "sources", {"origin": "Reuters"}),
        (["timeline", "--actor", "Trump"], "timeline", {"actor": "Trump"}),
        (["disputes"], "disputes", {}),
        (["disputed"], "disputed", {}),
    ],
)
def test_json_equals_sdk_result(
    project: Path, vc: VenezuelaCrisis, args: list[str], method: str, kwargs: dict[str, str]
) -> None:
    out = invoke(project, *args, "--version", "1.0.0", "--json")
    assert json.loads(out) == getattr(vc, method)(**kwargs).to_dicts()


def test_citations_and_actor(project: Path, vc: VenezuelaCrisis) -> None:
    out = invoke(project, "citations", "maduro-sanctions-relief", "--version", "1.0.0", "--json")
    assert json.loads(out) == vc.citations("maduro-sanctions-relief").to_dicts()
    out = invoke(project, "actor", "Nicolás Maduro", "--version", "1.0.0", "--json")
    assert json.loads(out) == vc.actor("maduro").model_dump(mode="json")
    out = invoke(project, "resolve", "maduro", "--version", "1.0.0")
    assert out == "'maduro' equals the alias 'Maduro' of Nicolás Maduro (nicolas-maduro)\n"


def test_default_is_newest_release_of_the_project(project: Path) -> None:
    out = invoke(project, "demands", "--by", "Trump", "--format", "json")
    # 2.0.0 is another major: the newest release this SDK reads is 1.0.0
    assert [d["id"] for d in json.loads(out)] == ["trump-maduro-leave"]


def test_table_format(project: Path) -> None:
    out = invoke(project, "demands", "--by", "Trump", "--version", "1.0.0")
    assert "Results[Demand]: 1 row from venezuela-crisis 1.0.0" in out
    assert "trump-maduro-leave" in out and "departure" in out and "Donald Trump" in out


def test_query_with_params_and_csv(project: Path) -> None:
    out = invoke(
        project,
        "query",
        "select id, date from events where date >= ? order by id",
        "--param",
        "2025-11-24",
        "--version",
        "1.0.0",
        "--format",
        "csv",
    )
    assert list(csv.reader(io.StringIO(out))) == [
        ["id", "date"],
        ["airspace-closed-2025-11-29", "2025-11-29"],
        ["trump-ultimatum-2025-11-24", "2025-11-24"],
    ]


def test_csv_is_the_sdk_flat_table(project: Path, vc: VenezuelaCrisis) -> None:
    out = invoke(project, "demands", "--by", "Maduro", "--version", "1.0.0", "--format", "csv")
    assert out == vc.demands(by="Maduro").to_csv()
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    row = rows["maduro-amnesty-family"]
    assert row["beneficiaries"] == "nicolas-maduro; maduro-family"
    assert row["beneficiaries_names"] == "Nicolás Maduro; Maduro's family"


def test_diff(project: Path) -> None:
    out = invoke(project, "diff", "1.0.0", "2.0.0", "--json")
    assert json.loads(out)["tables"]["demands"] == {
        "added": ["trump-maduro-resign"],
        "removed": ["delcy-interim-government"],
        "changed": ["maduro-sanctions-relief"],
        "fields": {"maduro-sanctions-relief": ["review", "status"]},
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["demands", "--by", "Nobody At All"], "error: no actor matches 'Nobody At All'"),
        (["demands", "--by", "rodriguez"], "error: actor 'rodriguez' is ambiguous"),
        (["events", "--since", "last week"], "error: --since 'last week' is not a date"),
        (["demands", "--version", "7.0.0"], "error: release 7.0.0 not found in "),
        (["query", "select * from nope"], "error: query failed"),
        (["demands", "--format", "xml"], "--format: 'xml' is not one of table, json, csv"),
    ],
)
def test_errors_exit_1_with_one_line(project: Path, args: list[str], message: str) -> None:
    result = RUNNER.invoke(app, [*args, "--root", str(project)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.output
