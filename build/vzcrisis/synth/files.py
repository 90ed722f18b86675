"""Write record files (YAML or JSON Lines) record by record, split into numbered files.

The YAML written is plain block YAML whose values are JSON (a subset of YAML flow syntax), so
it is fast to write and reads back with ``records.load.read_record_file`` exactly as JSON would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, TextIO

from venezuela_crisis.models import TABLES

Format = Literal["yaml", "jsonl"]
PER_FILE = 10_000
"""Records per record file; larger tables are split into numbered files."""


class RecordFileWriter:
    """Appends records of one table to numbered files of at most PER_FILE records."""

    def __init__(self, directory: Path, table: str, fmt: Format) -> None:
        self.directory, self.table, self.fmt = directory, table, fmt
        self.version = TABLES[table].schema_version
        self.handle: TextIO | None = None
        self.in_file = 0
        self.files = 0

    def write(self, record: dict[str, Any]) -> None:
        if self.handle is None or self.in_file >= PER_FILE:
            self._open_next()
        assert self.handle is not None
        self.in_file += 1
        if self.fmt == "jsonl":
            self.handle.write(_dumps(record) + "\n")
            return
        lines = []
        for i, (key, value) in enumerate(record.items()):
            lead = "  - " if i == 0 else "    "
            if isinstance(value, list) and value and isinstance(value[0], dict):
                lines.append(f"{lead}{key}:")
                lines.extend(f"      - {_dumps(item)}" for item in value)
            else:
                lines.append(f"{lead}{key}: {_dumps(value)}")
        self.handle.write("\n".join(lines) + "\n")

    def _open_next(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.files += 1
        self.in_file = 0
        path = self.directory / f"{self.table}-{self.files:04d}.{self.fmt}"
        self.handle = path.open("w", encoding="utf-8", newline="\n")
        if self.fmt == "jsonl":
            header = {"schema_version": self.version, "table": self.table}
            self.handle.write(_dumps(header) + "\n")
        else:
            self.handle.write(
                "# Synthetic records written by `vzcrisis synth`: realistic shape, not real data.\n"
                f'schema_version: "{self.version}"\ntable: {self.table}\nrecords:\n'
            )

    def close(self) -> int:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        return self.files


def _dumps(value: Any) -> str:
    """JSON text of a value; also a valid YAML flow scalar/collection."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
