"""`vzcrisis serve` finds releases as the query commands do and refuses a taken port in one line
(Datasette itself is replaced by a recorder: nothing listens)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner
from vzcrisis.cli import app, site

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(
    not (ROOT / "releases" / "1.1.0" / "manifest.json").is_file(),
    reason="releases/1.1.0 is not committed",
)
RUNNER = CliRunner()


@pytest.fixture
def datasette(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every datasette command line serve would run, in order."""
    calls: list[list[str]] = []
    monkeypatch.setattr(site, "_datasette", calls.append)
    return calls


@pytest.fixture
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def served_db(calls: list[list[str]]) -> Path:
    inspect, serve = calls
    assert inspect[0] == "inspect" and serve[0] == "serve"
    return Path(serve[serve.index("-i") + 1])


def test_outside_a_project_serve_falls_back_to_the_bundled_release(
    tmp_path: Path, datasette: list[list[str]], free_port: int
) -> None:
    result = RUNNER.invoke(app, ["serve", "--root", str(tmp_path), "--port", str(free_port)])
    assert result.exit_code == 0, result.output
    assert served_db(datasette) == ROOT / "releases" / "1.1.0" / "venezuela-crisis.db"
    assert f"Serving release 1.1.0 from {ROOT / 'releases' / '1.1.0'}" in result.stderr
    assert "no release under" not in result.output


def test_serve_pins_a_version_like_the_query_commands(
    datasette: list[list[str]], free_port: int
) -> None:
    args = ["serve", "--root", str(ROOT), "--port", str(free_port), "--version", "1.0.0"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert served_db(datasette) == ROOT / "releases" / "1.0.0" / "venezuela-crisis.db"
    serve = datasette[1]
    assert serve[serve.index("-m") + 1] == str(ROOT / "datasette-metadata.json")


def test_an_unknown_version_is_one_line(datasette: list[list[str]], free_port: int) -> None:
    args = ["serve", "--root", str(ROOT), "--port", str(free_port), "--version", "9.9.9"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: release 9.9.9 not found in ")
    assert len(result.stderr.strip().splitlines()) == 1 and datasette == []


def test_a_taken_port_is_one_line_and_exit_1(
    tmp_path: Path, datasette: list[list[str]], taken_port: int
) -> None:
    for command in ("serve", "run"):
        result = RUNNER.invoke(app, [command, "--root", str(tmp_path), "--port", str(taken_port)])
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            f"error: port {taken_port} on 127.0.0.1 is already in use; choose another with --port\n"
        )
        assert "Serving" not in result.output
    assert datasette == []  # nothing started
    assert not (tmp_path / "releases").exists()  # `run` built nothing either


def test_port_problem() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert "already in use" in (site.port_problem("127.0.0.1", port) or "")
    assert site.port_problem("127.0.0.1", port) is None
    assert (site.port_problem("no-such-host.invalid", 80) or "").startswith("cannot listen on")
