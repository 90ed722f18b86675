"""Filter values are validated and bound as parameters: injection returns nothing or a clear error;
threads share one client safely; importing the package does no I/O and loads no pandas/polars."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from venezuela_crisis import QueryError, UnknownActorError, VenezuelaCrisis

INJECTIONS = ["x' or 1=1 --", "'; drop view demands; --", "%' or '1'='1", 'x") or true --']


@pytest.mark.parametrize("bad", INJECTIONS)
def test_injection_in_free_text_filters_returns_nothing(vc: VenezuelaCrisis, bad: str) -> None:
    assert vc.demands(source=bad).ids == []
    assert vc.demands(made_in=bad).ids == []
    assert vc.events(source=bad).ids == []
    assert vc.sources(origin=bad).ids == []
    assert vc.actors(name=bad).ids == []
    assert vc.actors(id=bad).ids == []
    assert vc.sql("select id from demands where id = ?", [bad]).num_rows == 0
    assert vc.tables["demands"] == vc.sql("select count(*) n from demands").column("n")[0].as_py()


@pytest.mark.parametrize("bad", INJECTIONS)
def test_injection_in_checked_filters_is_a_clear_error(vc: VenezuelaCrisis, bad: str) -> None:
    with pytest.raises(UnknownActorError, match=f"no actor matches {re.escape(repr(bad))}"):
        vc.demands(by=bad)
    with pytest.raises(QueryError, match="is not a valid DemandStatus; use one of: rejected, "):
        vc.demands(status=bad)
    with pytest.raises(QueryError, match="is not a date; use YYYY-MM-DD"):
        vc.events(since=bad)
    with pytest.raises(QueryError, match="no record with id"):
        vc.citations(bad)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda vc: vc.events(type="BOMB"), "type='BOMB' is not a valid EventType; use one of: "),
        (lambda vc: vc.demands(category="money"), "category='money' is not a valid DemandCategory"),
        (lambda vc: vc.sanctions(kind="fine"), "kind='fine' is not a valid SanctionKind"),
        (lambda vc: vc.events(until="2025-13-01"), "until='2025-13-01' is not a date"),
        (
            lambda vc: vc.events(since="2025-12-01", until="2025-11-01"),
            "since='2025-12-01' is after until='2025-11-01'",
        ),
        (lambda vc: vc.demands(min_sources=-1), "min_sources=-1: expected a non-negative integer"),
        (lambda vc: vc.demands(disputed="yes"), "disputed='yes': expected True or False"),
        (lambda vc: vc.demands(by=[]), "actor filter is empty"),
        (lambda vc: vc.demands(source=[]), "source: expected a non-empty string or list"),
    ],
)
def test_invalid_filter_values(
    vc: VenezuelaCrisis, call: Callable[[VenezuelaCrisis], Any], message: str
) -> None:
    with pytest.raises(QueryError) as exc:
        call(vc)
    assert message in str(exc.value)


def test_results_record_the_query_without_values(vc: VenezuelaCrisis) -> None:
    demands = vc.demands(by="Maduro", status="rejected")
    assert "?" in demands.sql and "nicolas-maduro" not in demands.sql
    assert demands.params == (["nicolas-maduro"], ["rejected"])


def _workload(vc: VenezuelaCrisis) -> list[Any]:
    return [
        vc.demands(by="Maduro").ids,
        vc.events(since="2025-11-22").ids,
        vc.sanctions(target="maduro").ids,
        vc.citations("maduro-sanctions-relief").ids,
        vc.timeline(actor="Trump").ids,
        vc.sql("select count(*) n from citations").column("n").to_pylist(),
        [p.id for p in vc.disputed()],
    ]


def test_threads_share_one_client(releases_dir: Path) -> None:
    with VenezuelaCrisis("1.0.0", releases_dir=releases_dir) as vc:
        expected = _workload(vc)
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: [_workload(vc) for _ in range(2)], range(8)))
    assert all(run == expected for runs in results for run in runs)


def test_import_does_no_io_and_loads_no_dataframe_library(tmp_path: Path) -> None:
    code = (
        "import sys, builtins, io\n"
        "opened = []\n"
        "real = io.open\n"
        "def spy(file, *a, **k):\n"
        "    opened.append(str(file)); return real(file, *a, **k)\n"
        "builtins.open = io.open = spy\n"
        "import venezuela_crisis\n"
        "print(sorted(m for m in ('pandas', 'polars') if m in sys.modules))\n"
        "print([f for f in opened if 'release' in f or f.endswith('.parquet')])\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path / "never"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout == "[]\n[]\n", out.stderr
    assert not (tmp_path / "never").exists()
