"""Docs are tested: every CLI command is in the README's reference, and linked files exist."""

from __future__ import annotations

import re
from pathlib import Path

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
