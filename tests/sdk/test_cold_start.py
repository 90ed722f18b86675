"""Opening a release and running SQL stay light: no pydantic, no pandas/polars imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_open_and_sql_import_no_models(releases_dir: Path) -> None:
    release = sorted(p for p in releases_dir.iterdir() if p.is_dir())[0]
    code = (
        "import sys\n"
        "from venezuela_crisis import VenezuelaCrisis\n"
        f"vc = VenezuelaCrisis(path={str(release)!r})\n"
        "n = vc.sql('select count(*) as n from events').column('n')[0].as_py()\n"
        "heavy = sorted(m for m in ('pydantic', 'venezuela_crisis.models', 'pandas', 'polars')"
        " if m in sys.modules)\n"
        "print(n, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    count, heavy = done.stdout.split(" ", 1)
    assert int(count) >= 1, done.stdout
    assert heavy.strip() == "[]", done.stdout
