"""`Results[T]`: typed rows (pydantic models) that are also a table (Arrow, pandas, polars, CSV).

How rows read (reprs, notebooks) is ``display``; the flat CSV table is ``flat``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar, overload

import pyarrow as pa

from .errors import VenezuelaCrisisError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from . import display
    from .flat import FlatTable
else:  # imported when a row is shown: a query kept as Arrow never loads them
    from ._lazy import Lazy

    display = Lazy("venezuela_crisis.display")

T = TypeVar("T", bound="BaseModel")

PREVIEW_ROWS = 10
BATCH_ROWS = 4096
"""Rows converted from Arrow to models at a time while iterating."""


class Results(Sequence[T], Generic[T]):
    """Rows of one query: a sequence of pydantic models, convertible to Arrow/pandas/polars.

    ``sql`` and ``params`` hold the query that ran; ``version`` the release it ran on. A query
    keeps its Arrow table; a row's model is built the first time the row is read (by index,
    iteration, repr, `to_dicts`), so `len`, `ids` and `to_arrow` build none. ``model`` is the
    row class, or a function returning it when first needed (the client passes one, so a
    result that is only converted to Arrow never imports pydantic). ``names`` gives actor id
    -> canonical name (the client's actor index), for displays and CSV.
    """

    def __init__(
        self,
        rows: list[T] | None = None,
        *,
        model: type[T] | Callable[[], type[T]],
        version: str,
        sql: str = "",
        params: Sequence[Any] = (),
        arrow: pa.Table | None = None,
        build: Callable[[list[dict[str, Any]]], list[T]] | None = None,
        names: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        if rows is None and (arrow is None or build is None):
            raise TypeError("Results needs rows, or an Arrow table and a row builder")
        self._model: type[T] | None = None
        self._load_model: Callable[[], type[T]] | None = None
        if isinstance(model, type):
            self._model = model
        else:
            self._load_model = model
        self.version = version
        self.sql = sql
        self.params: tuple[Any, ...] = tuple(params)
        self._arrow = arrow
        self._build = build
        self._all: list[T] | None = rows
        self._some: dict[int, T] = {}
        self._names = names

    @property
    def model(self) -> type[T]:
        """The row class (a model of ``venezuela_crisis.models`` or ``views``)."""
        if self._model is None:
            assert self._load_model is not None
            self._model = self._load_model()
        return self._model

    def _actor_names(self) -> Mapping[str, str] | None:
        return self._names() if self._names is not None else None

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

    def _story(self) -> pa.Table:
        """The Arrow table with the story first (id, who, what, outcome, date, evidence
        counts) and review metadata last (`display.story_order`)."""
        table = self.to_arrow()
        names = table.column_names
        order = [c for c in display.story_order(self.model) if c in names]
        return table.select(order + [c for c in names if c not in order])

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame, story first: id, who, what, outcome, date, evidence
        counts, then the other columns, with citations, disputes and review last (needs the
        extra ``venezuela-crisis[pandas]``).

        >>> vc.demands(by="Maduro").to_pandas()[["id", "status", "origin_count"]]
        """
        try:
            importlib.import_module("pandas")
        except ImportError:
            raise VenezuelaCrisisError(
                "to_pandas() needs pandas: pip install 'venezuela-crisis[pandas]'"
            ) from None
        return self._story().to_pandas()

    def to_polars(self) -> Any:
        """The rows as a polars DataFrame, columns as in `to_pandas` (needs the extra
        ``venezuela-crisis[polars]``)."""
        try:
            polars = importlib.import_module("polars")
        except ImportError:
            raise VenezuelaCrisisError(
                "to_polars() needs polars: pip install 'venezuela-crisis[polars]'"
            ) from None
        return polars.from_arrow(self._story())

    def to_flat(self) -> FlatTable:
        """The rows as one flat table of text cells (what `to_csv` writes): lists joined with
        "; ", ISO dates, actor names beside actor ids (``by`` and ``by_names``), citations
        summarised (count, source ids, origins), review as plain columns (see ``flat``)."""
        from .flat import flat_results

        return flat_results(self, self._actor_names())

    def to_csv(self, path: str | os.PathLike[str] | IO[str] | None = None) -> str | None:
        """Write the flat table (`to_flat`) as CSV to `path` (UTF-8 with a byte-order mark,
        for spreadsheets) or an open text stream; without `path`, return the CSV text. Reads
        back with ``pandas.read_csv`` and ``polars.read_csv``.

        >>> vc.demands(by="Maduro").to_csv("maduro-demands.csv")
        """
        return self.to_flat().write_csv(path)

    def __repr__(self) -> str:
        """Title, the first rows (names beside actor ids, dates at their precision, evidence
        counts) and how many more there are."""
        return display.results_text(self, self._actor_names(), PREVIEW_ROWS)

    def _repr_html_(self) -> str:
        return display.results_html(self, self._actor_names(), PREVIEW_ROWS)
