"""A private copy of the project's code and inputs, and running Python in it.

Tests that change the data model itself (a new field, a new table) edit a copy of `sdk/`, build
releases there and read them in a subprocess that imports the copy's packages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(dest: Path) -> Path:
    """`sdk/`, `build/`, `schema/`, `seeds/`, `pyproject.toml` and releases/1.0.0 into `dest`."""
    for name in ("sdk", "build", "schema", "seeds"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "releases" / "1.0.0", dest / "releases" / "1.0.0")
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def run_in(copy: Path, *args: str) -> str:
    """Run ``python ARGS`` with the copy's packages first on the path; its stdout (asserts 0)."""
    env = {**os.environ, "PYTHONPATH": f"{copy / 'sdk'}{os.pathsep}{copy / 'build'}"}
    env.pop("VENEZUELA_CRISIS_RELEASES", None)
    done = subprocess.run(
        [sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


CLI = ("-c", "from vzcrisis.cli import main; main()")
"""Arguments that run the copy's `vzcrisis` command line."""
