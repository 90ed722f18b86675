"""`Results[T]`: typed rows (pydantic models) that are also a table (Arrow, pandas, polars)."""

from __future__ import annotations

import html
import importlib
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

import pyarrow as pa
from pydantic import BaseModel

from .errors import VenezuelaCrisisError

T = TypeVar("T", bound=BaseModel)

PREVIEW_ROWS = 10
PREVIEW: dict[str, tuple[str, ...]] = {
    "Source": ("id", "origin", "publisher", "published", "title"),
    "Actor": ("id", "name", "kind", "country", "aliases"),
    "Event": ("id", "date", "type", "actors", "summary"),
    "Demand": ("id", "by", "category", "status", "text"),
    "Sanction": ("id", "date", "kind", "targets", "status", "description"),
    "Dispute": ("id", "question"),
    "Citation": ("record_id", "source_id", "origin", "quote"),
    "TimelineEntry": ("date", "table", "id", "kind", "text"),
    "DisputedPoint": ("id", "question", "versions"),
}
"""Columns shown by repr, notebooks and the CLI table format, per row class."""


def preview_columns(model: type[BaseModel]) -> tuple[str, ...]:
    """The columns to show for rows of `model` (its first five fields when not listed)."""
    for cls in model.__mro__:
        if cls.__name__ in PREVIEW:
            return PREVIEW[cls.__name__]
    return tuple(model.model_fields)[:5]


def cell(value: Any, width: int = 60) -> str:
    """A short, one-line text for a value in a preview."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        text = ", ".join(
            str(getattr(v, "id", v)) if isinstance(v, BaseModel) else str(v) for v in value
        )
    else:
        text = str(value.value if hasattr(value, "value") else value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Results(Sequence[T], Generic[T]):
    """Rows of one query: a sequence of pydantic models, convertible to Arrow/pandas/polars.

    ``sql`` and ``params`` hold the query that ran; ``version`` the release it ran on.
    """

    def __init__(
        self,
        rows: list[T],
        *,
        model: type[T],
        version: str,
        sql: str = "",
        params: Sequence[Any] = (),
        arrow: pa.Table | None = None,
    ) -> None:
        self._rows = rows
        self.model = model
        self.version = version
        self.sql = sql
        self.params: tuple[Any, ...] = tuple(params)
        self._arrow = arrow

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[T]:
        return iter(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Results):
            return self._rows == other._rows
        if isinstance(other, list):
            return self._rows == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @property
    def ids(self) -> list[str]:
        """The `id` of every row, in order."""
        return [str(getattr(row, "id", "")) for row in self._rows]

    def to_dicts(self) -> list[dict[str, Any]]:
        """Rows as JSON-compatible dicts (``model_dump(mode="json")``); what the CLI prints."""
        return [row.model_dump(mode="json") for row in self._rows]

    def to_arrow(self) -> pa.Table:
        """The rows as a pyarrow Table (the query's own Arrow result when there is one)."""
        if self._arrow is None:
            self._arrow = pa.Table.from_pylist(self.to_dicts())
        return self._arrow

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs the extra ``venezuela-crisis[pandas]``)."""
        try:
            importlib.import_module("pandas")
        except ImportError:
            raise VenezuelaCrisisError(
                "to_pandas() needs pandas: pip install 'venezuela-crisis[pandas]'"
            ) from None
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """The rows as a polars DataFrame (needs the extra ``venezuela-crisis[polars]``)."""
        try:
            polars = importlib.import_module("polars")
        except ImportError:
            raise VenezuelaCrisisError(
                "to_polars() needs polars: pip install 'venezuela-crisis[polars]'"
            ) from None
        return polars.from_arrow(self.to_arrow())

    def _preview(self) -> tuple[tuple[str, ...], list[list[str]]]:
        cols = preview_columns(self.model)
        rows = [[cell(getattr(r, c, None)) for c in cols] for r in self._rows[:PREVIEW_ROWS]]
        return cols, rows

    def _title(self) -> str:
        n = len(self._rows)
        return (
            f"Results[{self.model.__name__}]: {n} row{'s' if n != 1 else ''} "
            f"from venezuela-crisis {self.version}"
        )

    def __repr__(self) -> str:
        cols, rows = self._preview()
        lines = [self._title()]
        lines += ["  " + " | ".join(row) for row in rows]
        if len(self._rows) > PREVIEW_ROWS:
            lines.append(f"  … {len(self._rows) - PREVIEW_ROWS} more")
        if rows:
            lines.insert(1, "  " + " | ".join(cols))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cols, rows = self._preview()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows
        )
        more = (
            f"<p>… {len(self._rows) - PREVIEW_ROWS} more</p>"
            if len(self._rows) > PREVIEW_ROWS
            else ""
        )
        return (
            f"<p><b>{html.escape(self._title())}</b></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"
        )
