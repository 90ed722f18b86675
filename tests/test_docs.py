"""Docs are tested: every CLI command is in the README's reference, and linked files exist."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from vzcrisis.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_documented_in_the_readme() -> None:
    commands = sorted(get_command(app).commands)  # type: ignore[attr-defined]
    reference = README.split("## Command reference", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in commands if f"`{name}`" not in reference]
    assert missing == [], f"commands missing from README's command reference: {missing}"


def test_readme_links_point_to_files_that_exist() -> None:
    links = re.findall(r"\]\(((?!https?://)[^)#]+)\)", README)
    missing = [link for link in links if not (ROOT / link).exists()]
    assert links and missing == [], f"README links to missing files: {missing}"


def test_readme_states_the_two_commands() -> None:
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_sdk_guide_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/sdk.md's Python blocks run in order on the committed releases and do what they say."""
    if not (ROOT / "releases" / "1.1.0" / "manifest.json").is_file():
        pytest.skip("releases/1.1.0 is not committed")
    guide = (ROOT / "docs" / "sdk.md").read_text(encoding="utf-8")
    code = "\n".join(re.findall(r"```python\n(.*?)```", guide, flags=re.S))
    (tmp_path / "releases").symlink_to(ROOT / "releases")  # the guide opens releases/1.0.0
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("VENEZUELA_CRISIS_RELEASES", raising=False)
    out = io.StringIO()
    scope: dict[str, object] = {"__name__": "__guide__"}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/sdk.md", "exec"), scope)
    printed = out.getvalue()
    assert printed.startswith("Results[Demand]: ") and "sources  origins" in printed
    assert "quotes (" in printed and "— " in printed  # a row with its quotes and origins
    frame: Any = scope["frame"]
    assert list(frame.columns[:2]) == ["id", "by"] and frame.columns[-1] == "review"
    with open(tmp_path / "demands.csv", encoding="utf-8-sig", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert [row["id"] for row in written] == frame["id"].tolist()
    assert all(row["by_names"] for row in written)
