"""The processes a benchmark times: wall time, peak RSS of the largest process, peak PSS of the
whole process tree, and the environment they run in (Python's bytecode cache on)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

CHILD_ENV: dict[str, str] | None = None
"""The environment of every measured process (`use_bytecode_cache`); None: this one's."""


def bytecode_cached(pyc: Path) -> dict[str, str]:
    """This environment with Python's bytecode cache on, kept under `pyc`: an installed package
    has its modules compiled (so does DuckDB's own Python layer), but a shell may set
    PYTHONDONTWRITEBYTECODE, which would compile every module on every start of every process
    the benchmark times (SDK, floors, `vzcrisis`) and weigh most on the smallest sizes."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pyc)
    return env


WARM_MODULES = (
    "duckdb", "pyarrow.parquet", "vzcrisis.cli", "vzcrisis.release.build",
    "vzcrisis.validate.project", "vzcrisis.site.sqlite", "vzcrisis.site.serve",
    "venezuela_crisis.client", "venezuela_crisis.models", "datasette.app",
)  # fmt: skip
"""Modules the measured processes import, compiled once before anything is timed."""


def use_bytecode_cache(pyc: Path) -> None:
    """Run every measured process with a bytecode cache under `pyc` (kept between runs, e.g.
    benchmarks/data/pycache), filled first by one untimed process importing WARM_MODULES."""
    global CHILD_ENV
    CHILD_ENV = bytecode_cached(pyc)
    code = (
        "import importlib\n"
        f"for name in {WARM_MODULES!r}:\n"
        "    try:\n        importlib.import_module(name)\n"
        "    except Exception:  # a module missing or broken: its users will say so\n"
        "        pass\n"
    )
    run_child([PY, "-c", code])


def run_child(
    args: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None
) -> tuple[float, float, str, float]:
    """Run a command; return (wall seconds, peak RSS MiB, output, peak tree PSS MiB).

    Peak RSS comes from wait4()'s rusage of this child: the largest single process (the child or
    one of its worker processes). Peak tree PSS is sampled every 0.2 s from
    ``/proc/<pid>/smaps_rollup`` over the child and all its descendants: the memory the whole
    process tree holds, shared copy-on-write pages counted once (0 where /proc is missing).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        env=env if env is not None else CHILD_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = [0.0]
    done = threading.Event()
    sampler = threading.Thread(target=_sample_pss, args=(proc.pid, peak, done), daemon=True)
    sampler.start()
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{output[-2000:]}")
    return wall, usage.ru_maxrss / 1024, output, peak[0]


def _sample_pss(pid: int, peak: list[float], done: threading.Event) -> None:
    while not done.wait(0.2):
        total = 0
        for member in _tree(pid):
            try:
                text = Path(f"/proc/{member}/smaps_rollup").read_text()
            except OSError:
                continue
            for line in text.splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        peak[0] = max(peak[0], total / 1024)


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(c) for c in task.read_text().split())
            except OSError:
                continue
    return out


LEAST = 3
"""Timed repetitions every measurement makes, whatever its section's time allowance."""
DEADLINE: float | None = None
"""``time.monotonic()`` after which the running section stops adding repetitions (set by
run.py from the time budget; None: every repetition asked for)."""


def more(done: int, repeat: int) -> bool:
    """Whether a measurement that has made `done` of `repeat` timed repetitions makes another:
    always up to LEAST, then while the section's time allowance lasts."""
    if done >= repeat:
        return False
    return done < LEAST or DEADLINE is None or time.monotonic() < DEADLINE
