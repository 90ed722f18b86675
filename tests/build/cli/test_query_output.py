"""The query commands as a reader sees them, on the bundled release: tables that fit 80
columns with origin counts, --wide, disputed versions side by side, actor as a table, comma
lists, new demand filters, CSV that pandas and polars read, CLI-worded hints, --version."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from typer.testing import CliRunner, Result
from venezuela_crisis import VenezuelaCrisis, __version__
from vzcrisis.cli import app

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(
    not (ROOT / "releases" / "1.1.0" / "manifest.json").is_file(),
    reason="releases/1.1.0 is not committed",
)
RUNNER = CliRunner()


def cli(*args: str, columns: int = 80) -> Result:
    return RUNNER.invoke(app, [*args, "--root", str(ROOT)], env={"COLUMNS": str(columns)})


def ok(*args: str, columns: int = 80) -> str:
    result = cli(*args, columns=columns)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def vc() -> VenezuelaCrisis:
    return VenezuelaCrisis("1.1.0")


TABLE_COMMANDS = [
    ["demands"],
    ["events"],
    ["sanctions"],
    ["actors"],
    ["sources"],
    ["citations"],
    ["disputes"],
    ["disputed"],
    ["timeline"],
    ["actor", "Trump"],
    ["query", "select id, actors, review, date from events"],
    ["diff", "1.0.0"],
]


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=lambda a: a[0])
def test_tables_fit_80_columns_without_breaking_words(args: list[str]) -> None:
    out = ok(*args)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "│y-" not in out and "maduro-amnest\n" not in out


def test_ids_wrap_at_hyphens_and_texts_are_cut_at_words() -> None:
    out = ok("demands")
    lines = out.splitlines()
    assert lines[1].split() == ["id", "by", "category", "status", "sources", "origins"]
    assert any(line.startswith("maduro-amnesty-") for line in lines)
    cut = [line for line in lines if line.endswith("…")]
    assert cut and all(line.rstrip("…")[-1] != " " for line in cut)
    text_words = set(" ".join(lines).replace("…", " ").split())
    assert "Nicolás" in text_words  # names, not only ids


def test_wide_prints_every_cell_whole_with_ids(vc: VenezuelaCrisis) -> None:
    out = ok("demands", "--wide")
    for demand in vc.demands():
        assert demand.text in out
        assert demand.id in out
    assert "Nicolás Maduro (nicolas-maduro)" in out
    assert "…" not in out


def test_origin_counts_are_shown(vc: VenezuelaCrisis) -> None:
    for args in (["demands"], ["events"], ["sanctions"], ["timeline"], ["actors"]):
        header = ok(*args).splitlines()[1].split()
        assert header[-2:] == ["sources", "origins"], (args, header)
    row = next(line for line in ok("events").splitlines() if line.startswith("us-boat-strikes"))
    assert row.split()[-2:] == ["4", "4"]


def test_disputed_shows_versions_side_by_side_with_texts_and_quotes(vc: VenezuelaCrisis) -> None:
    out = ok("disputed")
    block = out.split("amnesty-beneficiaries:", 1)[1].split("\n\n", 2)[1]
    head = block.splitlines()[0]
    assert "Demand maduro-amnesty-allies" in head and "Demand maduro-amnesty-family" in head
    assert " │ " in head
    flat = " ".join(" ".join(line.split()) for line in block.splitlines())
    assert "Global amnesty from prosecution for" in flat
    assert "“if he and his family received full" in flat
    assert "— Miami Herald (src-053c2b2b)" in flat


def test_actor_prints_a_table_and_json_on_request(vc: VenezuelaCrisis) -> None:
    out = ok("actor", "Trump")
    lines = out.splitlines()
    assert lines[0] == "Actor donald-trump · 5 sources, 2 origins"
    assert lines[1].split() == ["field", "value"]
    assert "name     Donald Trump" in out and "origins  2" in out
    assert "“President Trump confirmed the call”" in out
    assert len(lines) < 40 and not out.lstrip().startswith("{")
    data = json.loads(ok("actor", "Trump", "--json"))
    assert data == vc.actor("Trump").model_dump(mode="json")


def test_comma_separated_values(vc: VenezuelaCrisis) -> None:
    got = json.loads(ok("demands", "--status", "rejected,expired", "--json"))
    assert [d["id"] for d in got] == vc.demands(status=["rejected", "expired"]).ids
    assert {d["status"] for d in got} == {"rejected", "expired"}
    got = json.loads(ok("events", "--type", "THREATEN, COERCE", "--by", "Trump,Maduro", "--json"))
    expected = vc.events(type=["THREATEN", "COERCE"], by=["Trump", "Maduro"])
    assert [e["id"] for e in got] == expected.ids and len(got) > 1
    got = json.loads(ok("sources", "--origin", "Reuters,Miami Herald", "--json"))
    assert len(got) == 5


def test_demands_disputed_and_min_origins(vc: VenezuelaCrisis) -> None:
    got = json.loads(ok("demands", "--disputed", "--json"))
    assert [d["id"] for d in got] == vc.demands(disputed=True).ids and got
    got = json.loads(ok("demands", "--undisputed", "--json"))
    assert [d["id"] for d in got] == vc.demands(disputed=False).ids and got
    got = json.loads(ok("demands", "--min-origins", "2", "--json"))
    assert [d["id"] for d in got] == vc.demands(min_origins=2).ids
    assert got and all(d["origin_count"] >= 2 for d in got)
    assert len(got) < len(vc.demands())


CSV_COMMANDS = [
    ["demands"],
    ["events"],
    ["sanctions"],
    ["actors"],
    ["actor", "Maduro"],
    ["sources"],
    ["citations"],
    ["disputes"],
    ["disputed"],
    ["timeline"],
    ["query", "select * from events"],
]


@pytest.mark.parametrize("args", CSV_COMMANDS, ids=lambda a: a[0])
def test_every_command_writes_flat_csv(args: list[str]) -> None:
    out = ok(*args, "--format", "csv")
    as_json = json.loads(ok(*args, "--json"))
    ids = [r["id"] for r in (as_json if isinstance(as_json, list) else [as_json])]
    frame = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    polars = pl.read_csv(io.StringIO(out), infer_schema=False)
    assert frame["id"].tolist() == polars["id"].to_list() == ids
    cells = [str(v) for v in frame.to_numpy().ravel()]
    assert not [c for c in cells if "[" in c or "{" in c]


def test_diff_csv_lists_one_change_per_row() -> None:
    frame = pd.read_csv(io.StringIO(ok("diff", "1.0.0", "--format", "csv")), dtype=str)
    assert list(frame.columns) == ["table", "change", "id", "fields"]
    assert set(frame["change"]) <= {"added", "removed", "changed"}


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["demands", "--by", "Nobody At All"], "list every actor with `vzcrisis actors`"),
        (["demands", "--status", "rejected,nope"], "--status 'nope' is not a valid DemandStatus"),
        (["demands", "--min-origins", "-1"], "Invalid value for '--min-origins'"),
    ],
)
def test_hints_are_worded_for_the_cli(args: list[str], hint: str) -> None:
    result = cli(*args)
    assert result.exit_code != 0
    assert hint in result.output, result.output
    assert "vc." not in result.output and "Traceback" not in result.output


def test_no_release_hint_names_cli_options(tmp_path: Path) -> None:
    result = RUNNER.invoke(
        app, ["demands", "--version", "1.0.0", "--path", str(tmp_path)], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 1 and "vc." not in result.output
    from vzcrisis.cli.common import for_cli

    message = for_cli("no release found in x; pass path=, releases_dir= or set X")
    assert "vc." not in message and "path=" in message  # an unknown hint is left as is
    known = for_cli("found in x; pass path=, releases_dir= or set VENEZUELA_CRISIS_RELEASES")
    assert "--path" in known and "releases_dir=" not in known


def test_version_prints_package_and_bundled_release() -> None:
    result = RUNNER.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"venezuela-crisis {__version__} (bundled release 1.1.0)\n"
    assert ok("demands", "--version", "1.0.0", "--by", "Trump").startswith(
        "Results[Demand]: 3 rows from venezuela-crisis 1.0.0"
    )
