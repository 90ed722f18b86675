"""Helpers for the curation-workflow tests: a throwaway project, the CLI, file snapshots.

Loaded by the workflow tests with importlib (test modules are not an importable package).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner, Result
from vzcrisis.cli import app

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "workflow"
ARTICLE = FIXTURES / "article.txt"
ARTICLE_ID = "src-3e507cd0"
SEED_ARTICLE = REPO / "seeds" / "articles" / "004_0c7a2d3223c11349.txt"
SEED_ID = "src-053c2b2b"
REVIEW = ["--reviewer", "tester", "--date", "2025-12-05"]


def new_project(dest: Path, actors: str = "actors.yaml") -> Path:
    """An empty project (published schemas, no articles) with the fixture actors file."""
    shutil.copytree(REPO / "schema", dest / "schema")
    (dest / "seeds" / "articles").mkdir(parents=True)
    (dest / "seeds" / "records").mkdir(parents=True)
    shutil.copyfile(FIXTURES / actors, dest / "seeds" / "records" / "actors.yaml")
    return dest


def cli(root: Path, *args: str, input: str | None = None) -> Result:
    """Run `vzcrisis ARGS --root root` in-process."""
    return CliRunner().invoke(app, [*args, "--root", str(root)], input=input)


def add_article(root: Path) -> Result:
    """`vzcrisis add-source` of the invented fixture article."""
    return cli(
        root,
        "add-source",
        str(ARTICLE),
        "--publisher",
        "Harbor Ledger",
        "--published",
        "2025-12-04",
        "--origin",
        "Coastal Wire",
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path -> bytes)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def records_file(root: Path, name: str) -> Path:
    """A record file of the project."""
    return root / "seeds" / "records" / name


def attribute(
    path: Path, char_start: int, attribution: str, attributed_to: str | None = None
) -> None:
    """What a curator does to every citation at `char_start` in a record file (block style, as
    add-source, draft and cite write them): say how the article credits the passage, which
    schema 1.1.0 requires of every citation of an accepted record."""
    lines = path.read_text("utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == f"char_start: {char_start}"]
    assert starts, f"no citation at {char_start} in {path}"
    for i in reversed(starts):
        assert lines[i + 1].lstrip().startswith("char_end: "), lines[i : i + 2]
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        added = [f"{indent}attribution: {attribution}\n"]
        if attributed_to is not None:
            added.append(f'{indent}attributed_to: "{attributed_to}"\n')
        lines[i + 2 : i + 2] = added
    path.write_text("".join(lines), encoding="utf-8")
