"""`Results[T]`: typed rows (pydantic models) that are also a table (Arrow, pandas, polars)."""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

import pyarrow as pa
from pydantic import BaseModel

from .errors import VenezuelaCrisisError

T = TypeVar("T", bound=BaseModel)

PREVIEW_ROWS = 10
BATCH_ROWS = 4096
"""Rows converted from Arrow to models at a time while iterating."""
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

    ``sql`` and ``params`` hold the query that ran; ``version`` the release it ran on. A query
    keeps its Arrow table; a row's model is built the first time the row is read (by index,
    iteration, repr, `to_dicts`), so `len`, `ids` and `to_arrow` build none.
    """

    def __init__(
        self,
        rows: list[T] | None = None,
        *,
        model: type[T],
        version: str,
        sql: str = "",
        params: Sequence[Any] = (),
        arrow: pa.Table | None = None,
        build: Callable[[list[dict[str, Any]]], list[T]] | None = None,
    ) -> None:
        if rows is None and (arrow is None or build is None):
            raise TypeError("Results needs rows, or an Arrow table and a row builder")
        self.model = model
        self.version = version
        self.sql = sql
        self.params: tuple[Any, ...] = tuple(params)
        self._arrow = arrow
        self._build = build
        self._all: list[T] | None = rows
        self._some: dict[int, T] = {}

    # -- building rows from the Arrow table ---------------------------------------------
    def _rows(self) -> list[T]:
        """Every row as a model (built once, in batches)."""
        if self._all is None:
            assert self._arrow is not None and self._build is not None
            out: list[T] = []
            for batch in self._arrow.to_batches(max_chunksize=BATCH_ROWS):
                out += self._build(batch.to_pylist())
            for i, row in self._some.items():
                out[i] = row  # rows already handed out stay the same objects
            self._all, self._some = out, {}
        return self._all

    def _row(self, index: int) -> T:
        """One row as a model (built alone when the others are not needed)."""
        if self._all is not None:
            return self._all[index]
        n = len(self)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("Results index out of range")
        row = self._some.get(i)
        if row is None:
            assert self._arrow is not None and self._build is not None
            row = self._some[i] = self._build(self._arrow.slice(i, 1).to_pylist())[0]
        return row

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(len(self)))]
        return self._row(index)

    def __len__(self) -> int:
        if self._all is not None:
            return len(self._all)
        assert self._arrow is not None
        return int(self._arrow.num_rows)

    def __iter__(self) -> Iterator[T]:
        return iter(self._rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Results):
            return self._rows() == other._rows()
        if isinstance(other, list):
            return self._rows() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @property
    def ids(self) -> list[str]:
        """The `id` of every row, in order."""
        if self._all is None and self._arrow is not None and "id" in self._arrow.column_names:
            return [str(v) for v in self._arrow.column("id").to_pylist()]
        return [str(getattr(row, "id", "")) for row in self._rows()]

    def to_dicts(self) -> list[dict[str, Any]]:
        """Rows as JSON-compatible dicts (``model_dump(mode="json")``); what the CLI prints."""
        return [row.model_dump(mode="json") for row in self._rows()]

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
        shown = [self._row(i) for i in range(min(len(self), PREVIEW_ROWS))]
        rows = [[cell(getattr(r, c, None)) for c in cols] for r in shown]
        return cols, rows

    def _title(self) -> str:
        n = len(self)
        return (
            f"Results[{self.model.__name__}]: {n} row{'s' if n != 1 else ''} "
            f"from venezuela-crisis {self.version}"
        )

    def __repr__(self) -> str:
        cols, rows = self._preview()
        lines = [self._title()]
        lines += ["  " + " | ".join(row) for row in rows]
        if len(self) > PREVIEW_ROWS:
            lines.append(f"  … {len(self) - PREVIEW_ROWS} more")
        if rows:
            lines.insert(1, "  " + " | ".join(cols))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cols, rows = self._preview()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows
        )
        more = f"<p>… {len(self) - PREVIEW_ROWS} more</p>" if len(self) > PREVIEW_ROWS else ""
        return (
            f"<p><b>{html.escape(self._title())}</b></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"
        )
