"""Benchmarks of the pipeline and SDK as ratios against floors measured in the same run.

    .venv/bin/python benchmarks/run.py                 # make bench: sizes 10k,100k,1M, ~10 min cap
    .venv/bin/python benchmarks/run.py --quick         # CI smoke run (tiny corpus, seconds)
    .venv/bin/python benchmarks/run.py --sizes 10000,100000 --budget 900

Writes benchmarks/results.json and benchmarks/REPORT.md (``--quick``: under benchmarks/data/quick/).
Synthetic corpora are generated once into benchmarks/data/ (git-ignored) and reused. Sections
whose piece does not exist yet are reported as "not available yet"; sizes that would overrun the
time budget are skipped with a note. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold_start as cs
import corpus as cp
import process
import sections as sx

LATER_SECTIONS_S = 180.0
"""Seconds kept for the sections after the builds (SDK, cold start, Datasette, diff)."""
DIFF_S = 30.0
"""Seconds kept for the diff section itself."""
SHARES = {"queries": 0.3, "cold_start": 0.15, "datasette": 0.3, "diff": 0.1}
"""Share of the time left after the builds that each later section may use: repetitions stop
there (``process.more``; at least ``process.LEAST`` each); the rest is slack and the second
release of the diff."""
SYNTH_RATE_GUESS = 3000.0
"""Records/s assumed for generating a corpus before one has been timed (2 busy cores)."""
MARGIN = 1.2
"""Predicted seconds are multiplied by this before they are compared with the budget."""


def extrapolate(points: list[tuple[int, float]], size: int) -> float:
    """Seconds predicted at `size` from (size, seconds) measured at smaller sizes: the line
    through the last two (a fixed start-up cost plus a cost per record), never less than the
    last time; from one point, proportional to the size; 0 without any."""
    if not points:
        return 0.0
    n2, t2 = points[-1]
    if len(points) == 1:
        return t2 * size / n2
    n1, t1 = points[-2]
    slope = (t2 - t1) / (n2 - n1)
    if slope <= 0:  # noise: fall back to proportional
        return t2 * size / n2
    return max(t2, t2 + slope * (size - n2))


def machine() -> dict[str, Any]:
    import duckdb
    import pyarrow
    import pydantic

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(ram, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pyarrow": pyarrow.__version__,
        "pydantic": pydantic.__version__,
    }


def _argv_without_notes() -> list[str]:
    """This run's arguments without ``--note TEXT`` (notes are quoted in the report itself)."""
    out: list[str] = []
    skip = False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg == "--note":
            skip = True
        elif not arg.startswith("--note="):
            out.append(arg)
    return out


def available(*modules: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


class Bench:
    """One benchmark run: budget, results, notes."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.start = time.monotonic()
        self.notes: list[str] = list(args.note)
        self.later_s = 0.0
        """Seconds of the budget left when the sections after the builds start."""
        self.built: set[int] = set()
        """Sizes whose release this run built (others may have one from an earlier run)."""
        self.results: dict[str, Any] = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join([".venv/bin/python benchmarks/run.py", *_argv_without_notes()]),
            "machine": machine(),
            "seed": args.seed,
            "synth": {},
            "floors": {},
            "build": {},
        }

    def remaining(self) -> float:
        return float(self.args.budget) - (time.monotonic() - self.start)

    def note(self, text: str) -> None:
        print(f"  note: {text}", flush=True)
        self.notes.append(text)

    def section(self, key: str, needs: tuple[str, ...], fn: Any, *a: Any) -> None:
        if not available(*needs):
            self.results[key] = "not available yet"
            print(f"{key}: not available yet ({', '.join(needs)})", flush=True)
            return
        print(f"{key} ...", flush=True)
        started = time.monotonic()
        allowance = SHARES.get(key, 0.0) * self.later_s
        process.DEADLINE = started + allowance if key in SHARES else None
        try:
            self.results[key] = fn(*a)
        except Exception as exc:  # a failing section is reported, the others still run
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            self.results[key] = f"failed: {type(exc).__name__}: {first}"
            self.note(f"{key} failed: {type(exc).__name__}: {first}")
        finally:
            process.DEADLINE = None
        took = time.monotonic() - started
        if key in SHARES and took > allowance + 5:
            self.note(
                f"{key}: {took:.0f} s, over its {allowance:.0f} s share of the time left for "
                f"the sections after the builds (each measurement keeps {process.LEAST} "
                "repetitions at least)"
            )
        print(f"  {key}: {took:.1f}s", flush=True)

    def builds(self) -> None:
        """Per size, smallest first: the corpus (generated once), the floor and `vzcrisis
        release` (with `vzcrisis validate` alone below the largest size), when this run's
        earlier sizes predict it fits the budget; the largest size keeps LATER_SECTIONS_S."""
        args = self.args
        build_ok = available("vzcrisis.validate.project", "vzcrisis.release.build")
        synth_rate = SYNTH_RATE_GUESS
        timed: dict[str, list[tuple[int, float]]] = {"release": [], "validate": [], "floor": []}
        for size in args.sizes:
            largest = size == max(args.sizes)
            cached = cp._matches(
                args.data / f"corpus-{size}-s{args.seed}-jsonl", size, args.seed, "jsonl"
            )
            parts = {k: extrapolate(v, size) for k, v in timed.items()}
            if largest:
                parts["validate"] = 0.0  # no validate-alone run at the largest size
            if not build_ok:
                parts["release"] = parts["validate"] = 0.0
            need = (0.0 if cached else size / synth_rate) + MARGIN * sum(parts.values())
            reserve = LATER_SECTIONS_S if largest else 0.0
            if need + reserve > self.remaining():
                self.note(
                    f"size {size:,}: skipped, its corpus, floor and build need ~{need:.0f} s "
                    f"(extrapolated from this run's smaller sizes, x{MARGIN}"
                    + (f", plus {reserve:.0f} s kept for the later sections" if reserve else "")
                    + f") but {self.remaining():.0f} s of the --budget remain, "
                    f"{need + reserve - self.remaining():.0f} s short"
                    + ("" if cached else " (generate the corpus once with a larger --budget)")
                )
                self.results["build"][str(size)] = "skipped (time budget)"
                continue
            print(f"size {size}: corpus ...", flush=True)
            corpus = cp.ensure_jsonl(size, args.seed, args.data)
            if corpus.synth_seconds is not None:
                synth_rate = size / corpus.synth_seconds
                self.results["synth"][str(size)] = {
                    "seconds": corpus.synth_seconds,
                    "records_per_s": synth_rate,
                }
            print(f"size {size}: floor (DuckDB read_json -> Parquet) ...", flush=True)
            floor = self.results["floors"][str(size)] = sx.build_floor(corpus)
            timed["floor"].append((size, floor["seconds"]))
            if not build_ok:
                self.results["build"][str(size)] = "not available yet"
                continue
            print(f"size {size}: build (release, which validates first) ...", flush=True)
            try:
                entry = sx.build(corpus, validate=not largest)
            except RuntimeError as exc:
                self.results["build"][str(size)] = f"failed: {str(exc)[:500]}"
                self.note(f"build at {size} failed: {str(exc)[:300]}")
                continue
            entry["floor_ratio"] = entry["release_s"] / floor["seconds"]
            timed["release"].append((size, entry["release_s"]))
            if "validate_s" in entry:
                timed["validate"].append((size, entry["validate_s"]))
            elif len(args.sizes) > 1:
                self.note(
                    f"validate alone: not run at {size:,} records (the release run validates "
                    "every record first; validate-alone rates are those of the smaller sizes)"
                )
            self.built.add(size)
            self.results["build"][str(size)] = entry

    def run(self) -> None:
        args = self.args
        process.use_bytecode_cache(args.data / "pycache")
        if "build" in args.sections:
            self.builds()
        if not args.sections & {"queries", "cold_start", "datasette"}:
            return
        self.later_s = max(0.0, self.remaining())
        releases = self.releases()
        if not releases:
            for key in ("queries", "cold_start", "datasette", "diff"):
                self.results[key] = "not available yet (no release built)"
            return
        size, corpus, release = releases[-1]
        self.results["release_used"] = {"records": size, "path": str(release)}
        if release.parent.name == "releases-bench":
            self.note(
                f"SDK sections ran on a BENCH-ONLY release of the {size}-record corpus "
                "(benchmarks/bench_release.py: Parquet written by the release's own transform, "
                "without quote checks, SQLite or docs; not a pipeline release)"
            )
        if size < max(args.sizes):
            self.note(f"SDK, cold start, Datasette and diff ran on the {size}-record release")
        sdk = ("venezuela_crisis.client",)
        if "queries" in args.sections:
            self.section("queries", sdk, sx.queries, release, args.repeat)
        if "cold_start" in args.sections:
            self.section("cold_start", sdk, cs.cold_start, release, args.repeat + 2)
        if "datasette" not in args.sections or release.parent.name == "releases-bench":
            return
        self.section(
            "datasette", ("datasette", "httpx", "vzcrisis.site.serve"), sx.datasette, corpus,
            args.requests,
        )  # fmt: skip
        pair = self.diff_pair(size, corpus, release, releases)
        self.section("diff", sdk, sx.release_diff, *pair, max(1, args.repeat // 2))

    def diff_pair(
        self, size: int, corpus: cp.Corpus, release: Path, releases: list[Any]
    ) -> tuple[Path, Path]:
        """Two releases to diff: 1.0.0 of the largest corpus and the 2.0.0 of its next project
        (``corpus.next_project``: 1% edited, 0.5% added, 0.5% removed demands), built now when
        it fits the budget, else reused from an earlier run; else the two largest sizes'
        releases."""
        nxt = cp.next_project(corpus, release)
        second = nxt / "releases" / cp.NEXT_VERSION
        build = self.results.get("build", {}).get(str(size))
        rate = build["records_per_s"] if isinstance(build, dict) else 0.0
        predicted = size / rate * MARGIN if rate else float("inf")
        if predicted + DIFF_S <= self.remaining():  # built by this run's code when it fits
            shutil.rmtree(second, ignore_errors=True)
            print(f"size {size}: second release {cp.NEXT_VERSION} ...", flush=True)
            next_corpus = cp.Corpus(nxt, size, corpus.seed, corpus.fmt, None)
            entry = sx.build(next_corpus, cp.NEXT_VERSION, clean=False, validate=False)
            self.results["second_release"] = entry
        elif (second / "manifest.json").is_file():
            self.note(
                f"release diff: {cp.NEXT_VERSION} of the {size:,}-record next project reused "
                f"from an earlier run (built by the commit in its manifest; building it again "
                f"needs ~{predicted:.0f} s, {self.remaining():.0f} s remain); 1.0.0 is this run's"
            )
        else:
            shutil.rmtree(nxt / "releases", ignore_errors=True)
        if (second / "manifest.json").is_file():
            return nxt / "releases" / sx.VERSION, second
        self.note(
            f"release diff: no time left to build {cp.NEXT_VERSION} of the {size:,}-record "
            "corpus; it compares the two largest sizes' releases instead"
        )
        old = releases[-2 if len(releases) > 1 else -1][2]
        return old, release

    def releases(self) -> list[tuple[int, cp.Corpus, Path]]:
        """(size, corpus, release dir) of every built release of this run's sizes, smallest
        first; with --bench-release, sizes without one get the bench-only shortcut build."""
        out = []
        for size in sorted(self.args.sizes):
            path = self.args.data / f"corpus-{size}-s{self.args.seed}-jsonl"
            release = path / "releases" / sx.VERSION
            if (release / "manifest.json").is_file():
                if size not in self.built and "build" in self.args.sections:
                    self.note(
                        f"the {size:,}-record release was not built in this run: the sections "
                        "below use the one an earlier run built (its manifest names the commit)"
                    )
                out.append((size, cp.Corpus(path, size, self.args.seed, "jsonl", None), release))
            elif self.args.bench_release:
                from bench_release import bench_release

                corpus = cp.ensure_jsonl(size, self.args.seed, self.args.data)
                print(f"size {size}: bench-only release ...", flush=True)
                out.append((size, corpus, bench_release(corpus)))
        return out

    def write(self) -> None:
        self.results["notes"] = self.notes
        self.results["seconds"] = round(time.monotonic() - self.start, 1)
        out: Path = self.args.out
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(self.results, indent=2, default=str) + "\n")
        from report import README, markdown, table, write_readme

        (out / "REPORT.md").write_text(markdown(self.results))
        print(table(self.results))
        print(f"wrote {out / 'results.json'} and {out / 'REPORT.md'}")
        if out.resolve() == (cp.ROOT / "benchmarks").resolve():
            write_readme(self.results)  # the committed figures: README quotes them
            print(f"refreshed the benchmark figures in {README}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="CI smoke run on tiny corpora")
    p.add_argument("--sizes", help="comma-separated corpus sizes (default 10000,100000,1000000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--budget", type=float, default=540.0, help="seconds; larger sizes skip")
    p.add_argument("--repeat", type=int, default=5, help="timed repetitions per query")
    p.add_argument("--requests", type=int, default=30, help="HTTP requests per Datasette page")
    p.add_argument("--data", type=Path, default=cp.DATA, help="where corpora are cached")
    p.add_argument("--out", type=Path, help="where results.json and REPORT.md go")
    p.add_argument(
        "--sections",
        default="build,queries,cold_start,datasette",
        help="comma-separated: build (floors, validate+release), queries, cold_start, "
        "datasette (Datasette and release diff)",
    )
    p.add_argument(
        "--bench-release",
        action="store_true",
        help="BENCH-ONLY: sizes without a built release get their Parquet straight from the "
        "corpus (benchmarks/bench_release.py) for the SDK sections",
    )
    p.add_argument(
        "--note",
        action="append",
        default=[],
        help="a note for the report, e.g. a measurement made outside the budget (repeatable)",
    )
    args = p.parse_args(argv)
    default_sizes = "200" if args.quick else "10000,100000,1000000"
    args.sizes = sorted(int(s) for s in (args.sizes or default_sizes).split(","))
    args.sections = set(args.sections.split(","))
    if args.quick:
        args.repeat, args.requests = min(args.repeat, 2), min(args.requests, 5)
    if args.out is None:
        args.out = cp.DATA / "quick" if args.quick else cp.ROOT / "benchmarks"
    return args


def main(argv: list[str] | None = None) -> int:
    bench = Bench(parse_args(argv))
    bench.run()
    bench.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
