"""The processes a benchmark times: wall time, peak RSS of the largest process, peak PSS of the
whole process tree, and the environment they run in (Python's bytecode cache on)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
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


LAUNCH = """\
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    out.write(f"{wall} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""
"""A small Python process that starts the measured command and reports its wall time and
``wait4`` peak RSS. Linux counts in a child's ``ru_maxrss`` the peak RSS of the process that
started it (the memory it shared until ``exec``): started from this benchmark's own process,
which holds the SDK sections' data by then, the second release "peaked" at 1,540 MiB where it
peaks at 935 MiB started from a shell. This launcher holds ~10 MiB."""


def run_child(
    args: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None
) -> tuple[float, float, str, float]:
    """Run a command; return (wall seconds, peak RSS MiB, output, peak tree PSS MiB).

    The command runs under `LAUNCH`, which reports its wall time (from its start to its exit)
    and peak RSS from ``wait4()``: the largest single process (the command or one of its worker
    processes). Peak tree PSS is sampled every 0.2 s from ``/proc/<pid>/smaps_rollup`` over the
    command and all its descendants: the memory the whole process tree holds, shared
    copy-on-write pages counted once (0 where /proc is missing).
    """
    with tempfile.TemporaryDirectory(prefix="vzbench-") as tmp:
        report = Path(tmp) / "report"
        command = [PY, "-c", LAUNCH, str(report), shutil.which(args[0]) or args[0], *args[1:]]
        proc = subprocess.Popen(
            command,
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
        proc.wait()
        done.set()
        sampler.join()
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{output[-2000:]}")
        wall, maxrss = report.read_text().split()
    return float(wall), int(maxrss) / 1024, output, peak[0]


def _sample_pss(pid: int, peak: list[float], done: threading.Event) -> None:
    while not done.wait(0.2):
        total = 0
        for member in _tree(pid)[1:]:  # the launcher's descendants
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
