"""Progress bars for long pipeline steps, shown only when stderr is a terminal.

Tests and CI logs never see them: without a TTY, ``Progress.create()`` returns None and the
pipeline skips every progress call. Bars go to stderr (stdout stays the command's output).
"""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    """A rich progress display (use as a context manager) that also times each step."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self._bars = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._started: dict[Any, float] = {}
        self.steps: list[tuple[str, float]] = []
        """(step, seconds) of every finished step, in order (for the summary)."""

    @staticmethod
    def create(enabled: bool | None = None) -> Progress | None:
        """A Progress when `enabled` (default: stderr is a terminal), else None."""
        if enabled is None:
            enabled = sys.stderr.isatty()
        return Progress() if enabled else None

    def __enter__(self) -> Progress:
        self._bars.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._finish_all()
        self._bars.stop()

    def task(self, description: str, total: int) -> Any:
        """Start a bar of `total` steps (finishing the previous bar)."""
        self._finish_all()
        task = self._bars.add_task(description, total=total)
        self._started[task] = time.perf_counter()
        return task

    def advance(self, task: Any, steps: int = 1) -> None:
        """Move a bar forward."""
        self._bars.advance(task, steps)

    def _finish_all(self) -> None:
        now = time.perf_counter()
        for task, started in self._started.items():
            description = self._bars.tasks[task].description if task in self._bars.task_ids else ""
            self.steps.append((str(description), now - started))
        self._started.clear()
