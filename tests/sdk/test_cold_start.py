"""A cold start stays light: importing the SDK, opening (and verifying) a release, resolving an
actor's name, querying and taking the Arrow table import neither pydantic nor the data model
(nor pandas/polars); the models load when a row is first read, and rows are still typed.

Speed itself is measured in benchmarks/ (the cold-start section), never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("pydantic", "venezuela_crisis.models", "venezuela_crisis.rows", "pandas", "polars")


def run(code: str) -> dict[str, object]:
    """Run `code` in a new interpreter; it defines `out` (JSON-compatible), printed back."""
    script = f"import json, sys\n{code}\nprint(json.dumps(out))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def loaded() -> str:
    return f"sorted(m for m in {HEAVY!r} if m in sys.modules)"


def test_import_loads_no_model() -> None:
    out = run(f"import venezuela_crisis\nout = {loaded()}")
    assert out == []


def test_readme_one_liner_loads_no_model_until_a_row_is_read() -> None:
    out = run(
        "from venezuela_crisis import VenezuelaCrisis\n"
        "vc = VenezuelaCrisis()\n"
        'result = vc.demands(by="Maduro")\n'
        "table = result.to_arrow()\n"
        f"cold = {loaded()}\n"
        "first = result[0]\n"
        "every = vc.sql('select * from demands order by id').to_pylist()\n"
        "expected = [r['id'] for r in every if 'nicolas-maduro' in r['by']]\n"
        "out = {'cold': cold, 'ids': table.column('id').to_pylist(), 'expected': expected,\n"
        "       'type': type(first).__module__ + '.' + type(first).__name__,\n"
        "       'status': type(first.status).__name__,\n"
        "       'citation': type(first.citations[0]).__name__,\n"
        "       'model': result.model.__name__, 'warm': 'pydantic' in sys.modules}"
    )
    assert out["cold"] == []
    assert out["ids"] == out["expected"]
    assert "maduro-amnesty-family" in out["ids"]  # type: ignore[operator]
    assert out["type"] == "venezuela_crisis.models.tables.Demand"
    assert (out["status"], out["citation"], out["model"]) == ("DemandStatus", "Evidence", "Demand")
    assert out["warm"] is True


def test_open_sql_filters_and_ids_load_no_model(releases_dir: Path) -> None:
    release = sorted(p for p in releases_dir.iterdir() if p.is_dir())[0]
    out = run(
        "from venezuela_crisis import VenezuelaCrisis\n"
        f"vc = VenezuelaCrisis(path={str(release)!r})\n"
        "n = vc.sql('select count(*) as n from events').column('n')[0].as_py()\n"
        "d = vc.demands(by='maduro', status=['rejected', 'partly_rejected'], category='amnesty')\n"
        "e = vc.events(type='CONSULT', actor='Trump', since='2025-11-01')\n"
        "s = vc.sanctions(kind='reward', status='active')\n"
        "a = vc.actors(kind='person')\n"
        "c = vc.citations(table='demands')\n"
        "sizes = [len(d), len(d.ids), len(e), len(s), len(a), len(c)]\n"
        f"out = {{'n': n, 'sizes': sizes, 'loaded': {loaded()}}}"
    )
    assert out["loaded"] == []
    assert out["n"] == 5
    assert out["sizes"] == [1, 1, 1, 1, 4, 7], out
