"""``vzcrisis`` with a timer on each phase of a release: ``python phases.py OUT.json release ...``.

The benchmark runs the release through this script (``sections.build``), so the same run that
gives the release's wall time and peak memory says where the time went. It wraps a few
functions of the pipeline by name (instrumentation only: a timer around each call, nothing
else changes), runs the CLI as ``vzcrisis`` would, and writes ``{phase: seconds}`` to OUT.json
at exit. Each phase's seconds exclude the wrapped calls inside it; a name the pipeline no longer
has is listed under ``"unwrapped"`` (the report says so) rather than failing the benchmark.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PHASES: dict[str, tuple[tuple[str, str], ...]] = {
    "validate: columnar pass 1": (("vzcrisis.validate.columnar.pass1", "run"),),
    "validate: cross-record checks": (
        ("vzcrisis.validate.columnar.cross", "marked"),
        ("vzcrisis.validate.cross_checks", "check_source_files"),
        ("vzcrisis.validate.columnar.scan", "_index"),
        ("vzcrisis.validate.columnar.scan", "_verdicts"),
    ),
    "validate: the rest (texts, per-record path)": (("vzcrisis.release.build", "scan_project"),),
    "release: transform": (
        ("vzcrisis.release.transform", "prepare"),
        ("vzcrisis.release.transform", "problems"),
    ),
    "release: Parquet": (("vzcrisis.release.build", "write_tables"),),
    "release: diff": (("vzcrisis.release.build", "diff_release"),),
    "release: SQLite": (("vzcrisis.release.build", "build_sqlite"),),
    "release: manifest": (("vzcrisis.release.build", "build_manifest"),),
    "release: docs (changes, codebook, datapackage)": (("vzcrisis.release.build", "_write"),),
    "release: verify": (("vzcrisis.release.build", "verify_release"),),
}
"""Phase -> the functions whose calls it times, as (module, name) where they are looked up
when called (a module's own reference to an imported name is wrapped in that module)."""

_seconds: dict[str, float] = {}
_stack: list[float] = []  # per open call: seconds of wrapped calls inside it


def _timed(phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        _stack.append(0.0)
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            took = time.perf_counter() - start
            inner = _stack.pop()
            _seconds[phase] = _seconds.get(phase, 0.0) + took - inner
            if _stack:
                _stack[-1] += took

    return call


def wrap() -> list[str]:
    """Put the timers in place; the names not found."""
    missing = []
    for phase, names in PHASES.items():
        for module_name, name in names:
            module = importlib.import_module(module_name)
            fn = getattr(module, name, None)
            if fn is None:
                missing.append(f"{module_name}.{name}")
                continue
            setattr(module, name, _timed(phase, fn))
    return missing


def main() -> None:
    out, args = Path(sys.argv[1]), sys.argv[2:]
    missing = wrap()
    atexit.register(lambda: out.write_text(json.dumps({"seconds": _seconds, "unwrapped": missing})))
    from vzcrisis.cli import main as cli

    sys.argv = ["vzcrisis", *args]
    cli()


if __name__ == "__main__":
    main()
