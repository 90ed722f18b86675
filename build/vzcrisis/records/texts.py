"""The article texts of a large project, held once, in Arrow.

A build at a million records reads 20,000 articles (160 MB). Held as Python strings, then copied
to Arrow for DuckDB and cut into chunks for the quote checks, they were three copies at once.
``ArticleTexts`` keeps one: each text goes into an Arrow batch as it is read (the Python string
is dropped), ``chunks`` cuts them into fixed-size pieces without copying a byte (the pieces are
offsets into the same buffers), and a text is a Python string again only when one is asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import pyarrow as pa

BATCH = 1000
"""Texts gathered as Python strings before they go into one Arrow array."""

SCHEMA = pa.schema([("id", pa.string()), ("text", pa.string())])
"""The table of texts: source id, article text; sorted by id."""


class ArticleTexts(Mapping[str, str]):
    """Source id -> article text, added in increasing id order, stored in Arrow."""

    def __init__(self) -> None:
        self._batches: list[pa.RecordBatch] = []
        self._pending: dict[str, str] = {}
        self._rows: dict[str, int] = {}
        self._table: pa.Table | None = None

    def __setitem__(self, sid: str, text: str) -> None:
        if self._rows and sid <= next(reversed(self._rows)):
            raise ValueError(f"article texts must be added in increasing id order: {sid!r}")
        self._rows[sid] = len(self._rows)
        self._pending[sid] = text
        self._table = None
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            ids, texts = list(self._pending), list(self._pending.values())
            self._pending = {}
            self._batches.append(
                pa.record_batch([pa.array(ids, pa.string()), pa.array(texts, pa.string())], SCHEMA)
            )

    @property
    def table(self) -> pa.Table:
        """Every text as a table (``SCHEMA``), sorted by id."""
        if self._table is None:
            self._flush()
            self._table = pa.Table.from_batches(self._batches, SCHEMA)
        return self._table

    def __getitem__(self, sid: str) -> str:
        row = self._rows[sid]
        return str(self.table.column("text")[row].as_py())

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def chunks(self, size: int) -> pa.Table:
        """Each text cut into pieces of `size` code points (the last one shorter; none for an
        empty text): a table (``source``, ``chunks`` list of strings), sorted by id. The pieces
        share the texts' buffers."""
        table = self.table
        parts = [
            _chunked(ids, texts, size)
            for ids, texts in zip(
                table.column("id").chunks, table.column("text").chunks, strict=True
            )
        ]
        chunk_type = pa.list_(pa.string())
        return pa.table(
            {
                "source": pa.chunked_array([ids for ids, _ in parts], pa.string()),
                "chunks": pa.chunked_array([pieces for _, pieces in parts], chunk_type),
            }
        )


def _chunked(
    ids: pa.StringArray, texts: pa.StringArray, size: int
) -> tuple[pa.StringArray, pa.ListArray]:
    """One Arrow array of texts as lists of `size`-code-point pieces over the same data buffer.

    The pieces of all texts are one string array whose offsets are the byte positions where a
    piece starts, the end of the data closing the last one. In an ASCII text a piece starts
    every `size` bytes; in any other, at every `size`-th byte that starts a code point (is not
    a UTF-8 continuation byte)."""
    if texts.null_count:
        raise ValueError("article texts are never null")
    _, offsets_buffer, data_buffer = texts.buffers()
    n = len(texts)
    offsets = np.frombuffer(offsets_buffer, np.int32)[texts.offset : texts.offset + n + 1]
    offsets = offsets.astype(np.int64)
    begin, end = int(offsets[0]), int(offsets[-1])
    lengths = np.diff(offsets)
    counts = -(-lengths // size)  # pieces of an ASCII text
    starts = np.repeat(offsets[:-1], counts) + size * (
        np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    if end > begin:
        data = np.frombuffer(data_buffer, np.uint8)[begin:end]
        nonempty = np.flatnonzero(lengths > 0)
        wide = np.logical_or.reduceat(data >= 0x80, offsets[nonempty] - begin)
        if wide.any():
            keep = np.ones(len(starts), bool)
            extra = []
            for i in nonempty[wide]:
                at, stop = int(offsets[i]), int(offsets[i + 1])
                keep[(starts >= at) & (starts < stop)] = False
                code = np.flatnonzero((data[at - begin : stop - begin] & 0xC0) != 0x80)
                extra.append(code[::size] + at)
            starts = np.sort(np.concatenate([starts[keep], *extra]))
    piece_offsets = np.append(starts, end).astype(np.int32)
    pieces = pa.StringArray.from_buffers(len(starts), pa.py_buffer(piece_offsets), data_buffer)
    list_offsets = np.searchsorted(starts, offsets).astype(np.int32)
    return ids, pa.ListArray.from_arrays(pa.array(list_offsets, pa.int32()), pieces)


def articles(texts: Mapping[str, str]) -> ArticleTexts:
    """`texts` as ``ArticleTexts``: itself, or (any other mapping) a copy, added in id order."""
    if isinstance(texts, ArticleTexts):
        return texts
    copy = ArticleTexts()
    for sid in sorted(texts):
        copy[sid] = texts[sid]
    return copy
