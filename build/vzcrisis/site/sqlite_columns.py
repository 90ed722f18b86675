"""SQLite values from Arrow columns, a record batch at a time, and batches in id order.

The database stores JSON text for lists and structs, 0/1 for booleans and ISO dates (see
``sqlite``). ``cell`` defines that conversion for one Python value; converting every cell that
way costs microseconds per value. ``sqlite_column`` gives the same values for a whole Arrow column:
Arrow kernels build the JSON text and ISO strings, and one ``to_pylist`` makes the Python objects.
The JSON text is byte-identical to ``json.dumps(value, ensure_ascii=False)`` (``", "`` and
``": "`` separators, only ``"``, ``\\`` and control characters escaped); a column with a type the
vectorised encoder does not know (a float inside a list, a timestamp, ...) falls back to ``cell``.

The derived labels (``source_label``, ``citation_label``) are defined for one row;
``citation_labels`` gives a batch's with Arrow kernels.

``ordered_batches`` yields a table's rows in id order, at most ``BATCH`` rows and about
``BATCH_BYTES`` at a time, whatever its layout (one sorted file, several sorted files of a
partitioned table, or unsorted files). ``insert_columns`` inserts a batch given as columns, many
rows per statement; ``prefetched`` computes the next batch in a thread while one is inserted.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import sqlite3
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

T = TypeVar("T")

BATCH = 10_000
"""Rows converted and inserted at once (one ``executemany``), at most."""

BATCH_BYTES = 8 << 20
"""Bytes of Parquet values (uncompressed) converted at once, about: a batch of long texts (the
articles) has fewer rows. 10,000 articles at once held half a GiB more at a million records."""

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_ESCAPES |= {"\t": "\\t"} | {chr(i): f"\\u{i:04x}" for i in range(32) if chr(i) not in "\b\f\n\r\t"}
"""What ``json.dumps(..., ensure_ascii=False)`` escapes, backslash first (order matters)."""

_NEEDS_ESCAPE = r'[\x00-\x1f"\\]'
"""A string holding any character of ``_ESCAPES`` (RE2 syntax)."""


def cell(value: Any) -> Any:
    """A Python value from Arrow as a SQLite value (the definition ``sqlite_column`` follows)."""
    if value is None or isinstance(value, str | int | float):
        return int(value) if isinstance(value, bool) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    """Dates inside lists and structs are stored as ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} {value!r} as JSON")


def decoded(array: pa.Array) -> pa.Array:
    """`array` with a dictionary type decoded to its values (any other array as is)."""
    return array.dictionary_decode() if pa.types.is_dictionary(array.type) else array


def sqlite_column(array: pa.Array) -> list[Any]:
    """The SQLite values of `array`: ``[cell(v) for v in array.to_pylist()]``, column-wise."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        return sqlite_column(array.dictionary_decode())
    if pa.types.is_boolean(kind):
        array = pc.cast(array, pa.int64())
    elif pa.types.is_date32(kind):
        array = pc.cast(array, pa.string())
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_struct(kind):
        text = _json(array)
        if text is None:
            return [cell(v) for v in array.to_pylist()]
        array = pc.if_else(array.is_valid(), text, pa.scalar(None, text.type))
    elif not (pa.types.is_null(kind) or _is_plain(kind)):
        return [cell(v) for v in array.to_pylist()]
    values: list[Any] = array.to_pylist()
    return values


def _is_plain(kind: pa.DataType) -> bool:
    """Types whose Python values are already SQLite values (integers, floats, text)."""
    return bool(
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
    )


def _json(array: pa.Array) -> pa.Array | None:
    """JSON text of every value of `array` (``null`` for nulls); None for an unknown type."""
    kind = array.type
    if pa.types.is_dictionary(kind):  # each distinct value once
        values = _json(array.dictionary)
        return None if values is None else pc.fill_null(pc.take(values, array.indices), "null")
    if pa.types.is_null(kind):
        return pa.array(["null"] * len(array), pa.string())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = _quoted(pc.cast(array, pa.string()))
    elif pa.types.is_integer(kind):
        text = pc.cast(array, pa.string())
    elif pa.types.is_boolean(kind):
        text = pc.if_else(array, "true", "false")
    elif pa.types.is_date32(kind):
        text = pc.binary_join_element_wise('"', pc.cast(array, pa.string()), '"', "")
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _json_lists(array)
    elif pa.types.is_struct(kind):
        return _json_structs(array)
    else:
        return None
    return pc.fill_null(text, "null")


def _quoted(strings: pa.Array) -> pa.Array:
    """`strings` as JSON string literals, escaped as ``json.dumps(ensure_ascii=False)`` does."""
    if pc.any(pc.match_substring_regex(strings, _NEEDS_ESCAPE)).as_py():
        for char, escaped in _ESCAPES.items():
            strings = pc.replace_substring(strings, char, escaped)
    return pc.binary_join_element_wise('"', strings, '"', "")


def _json_lists(array: pa.Array) -> pa.Array | None:
    """``[a, b]`` for every list of `array` (``null`` for a null list).

    Only the items of `array` are encoded: a slice (a batch of a row group) shares its parent's
    items, whose offsets it keeps."""
    offsets = array.offsets
    start, end = offsets[0].as_py(), offsets[-1].as_py()
    items = _json(array.values.slice(start, end - start))
    if items is None:
        return None
    kind = pa.LargeListArray if pa.types.is_large_list(array.type) else pa.ListArray
    lists = kind.from_arrays(pc.subtract(offsets, pa.scalar(start, offsets.type)), items)
    text = pc.binary_join_element_wise("[", pc.binary_join(lists, ", "), "]", "")
    return pc.if_else(array.is_valid(), text, "null")


def _json_structs(array: pa.StructArray) -> pa.Array | None:
    """``{"key": value, ...}`` for every struct of `array`, in field order (``null`` for null)."""
    names = [array.type.field(i).name for i in range(array.type.num_fields)]
    if not names or len(set(names)) != len(names):
        return None  # {} and duplicate keys: left to `cell`
    parts: list[pa.Array | str] = []
    for i, name in enumerate(names):
        value = _json(pc.struct_field(array, [i]))
        if value is None:
            return None
        key = json.dumps(name, ensure_ascii=False)
        parts += [("{" if i == 0 else ", ") + key + ": ", value]
    text = pc.binary_join_element_wise(*parts, "}", "")
    return pc.if_else(array.is_valid(), text, "null")


# --- derived columns: readable labels ----------------------------------------------------------

LABEL_MAX = 90
"""Longest quote excerpt in a citation label."""


def source_label(row: dict[str, Any]) -> str:
    """A readable name for an article, unique even without a headline or date."""
    who = row.get("publisher") or row.get("origin") or ""
    head = row.get("title") or f"Untitled {who} article".replace("  ", " ")
    meta = [str(x) for x in (row.get("publisher"), row.get("published")) if x]
    if not row.get("title") and not row.get("published"):
        meta.append(str(row["id"]))
    return f"{head} ({', '.join(meta)})" if meta else head


def citation_label(row: dict[str, Any]) -> str:
    """A readable name for a quote: excerpt, origin and the record it supports."""
    return _citation_label(row["quote"], row["origin"], row["record_id"])


def _citation_label(quote: Any, origin: Any, record_id: Any) -> str:
    """`citation_label` of one row given as its three values."""
    text = " ".join(str(quote).split())
    if len(text) > LABEL_MAX:
        text = text[: LABEL_MAX - 1].rstrip() + "…"
    return f"“{text}” ({origin}) → {record_id}"


PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character for which ``str.isspace()`` is true (what ``str.split()`` splits on)."""

_UNTIDY = "^ | $|  |[" + "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE if c != " ") + "]"
"""A quote whose whitespace is not single spaces between words (RE2 syntax)."""


def citation_labels(batch: pa.RecordBatch) -> list[str]:
    """`citation_label` of every row of `batch`: column-wise where the quote's whitespace is
    already single spaces between words; other rows (and any null) go through `citation_label`."""
    quote, origin, record_id = (decoded(batch.column(c)) for c in ("quote", "origin", "record_id"))
    if not all(pa.types.is_string(a.type) for a in (quote, origin, record_id)):
        rows = zip(quote.to_pylist(), origin.to_pylist(), record_id.to_pylist(), strict=True)
        return [_citation_label(*row) for row in rows]
    cut = pc.utf8_rtrim(pc.utf8_slice_codeunits(quote, 0, LABEL_MAX - 1), " ")
    long = pc.greater(pc.utf8_length(quote), LABEL_MAX)
    text = pc.if_else(long, pc.binary_join_element_wise(cut, "…", ""), quote)
    label = pc.binary_join_element_wise("“", text, "” (", origin, ") → ", record_id, "")
    labels: list[str] = label.to_pylist()
    redo = pc.or_kleene(pc.match_substring_regex(quote, _UNTIDY), pc.is_null(label))
    for i in pc.indices_nonzero(pc.fill_null(redo, True)).to_pylist():
        labels[i] = _citation_label(quote[i].as_py(), origin[i].as_py(), record_id[i].as_py())
    return labels


def link_rows(
    ids: pa.Array, lists: Sequence[pa.Array], roles: Sequence[str]
) -> Iterator[tuple[Any, Any, str]]:
    """``(id, listed id, role)`` for each listed id, in row order, then role, then list order.

    `lists[k]` is the list column named `roles[k]`; null lists list nothing."""
    left, right, role = link_columns(ids, lists, roles)
    return zip(left, right, role, strict=True)


def link_columns(
    ids: pa.Array, lists: Sequence[pa.Array], roles: Sequence[str]
) -> tuple[list[Any], list[Any], list[str]]:
    """`link_rows` as three columns: ids, listed ids, roles."""
    keys: list[pa.Table] = []
    targets: list[Any] = []
    for k, values in enumerate(lists):
        values = pc.fill_null(values, pa.scalar([], values.type))
        rows = pc.cast(pc.list_parent_indices(values), pa.int64())
        keys.append(pa.table({"row": rows, "role": pa.repeat(pa.scalar(k, pa.int64()), len(rows))}))
        targets += sqlite_column(pc.list_flatten(values))
    links = pa.concat_tables(keys)
    order = pc.sort_indices(links, [("row", "ascending"), ("role", "ascending")])
    links = links.take(order)
    left = sqlite_column(pc.take(ids, links.column("row").combine_chunks()))
    right = [targets[i] for i in order.to_pylist()]
    role = [roles[k] for k in links.column("role").to_pylist()]
    return left, right, role


MAX_VARIABLES = 999
"""Parameters of one statement at most (SQLite's limit before 3.32; later ones allow more)."""

ROWS_PER_INSERT = 64
"""Rows of one ``INSERT``: SQLite opens its cursors once per statement and Python binds a
statement's values in one call, so 64 rows at once take 20-40% less time than one at a time."""


def insert_columns(
    conn: sqlite3.Connection, table: str, names: Sequence[str], values: Sequence[list[Any]]
) -> None:
    """Insert into `table` the rows given as columns (`values[j]` holds column `names[j]`), in
    order: ``ROWS_PER_INSERT`` rows per statement. The rows, their rowids and their values are
    those of one ``INSERT`` per row."""
    k = len(names)
    n = len(values[0]) if values else 0
    per = max(1, min(ROWS_PER_INSERT, MAX_VARIABLES // k))
    flat: list[Any] = [None] * (n * k)
    for j, column in enumerate(values):
        flat[j::k] = column  # a column of another length raises ValueError
    head = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in names)}) VALUES "
    row = f"({', '.join('?' * k)})"
    full, rest = divmod(n, per)
    step = per * k
    if full:
        params = (flat[i : i + step] for i in range(0, full * step, step))
        conn.executemany(head + ", ".join([row] * per), params)
    if rest:
        conn.execute(head + ", ".join([row] * rest), flat[full * step :])


_END = object()
"""What ``prefetched`` gets from an exhausted iterator."""


def prefetched(items: Iterator[T]) -> Iterator[T]:
    """The items of `items`, each computed in another thread while the caller holds the one
    before (Arrow's kernels and SQLite's inserts run without Python's lock: they overlap)."""
    with ThreadPoolExecutor(1, thread_name_prefix="prefetch") as pool:
        coming = pool.submit(next, items, _END)
        while (item := coming.result()) is not _END:
            coming = pool.submit(next, items, _END)
            yield cast(T, item)


def ascending(handle: pq.ParquetFile) -> bool:
    """True when the file's ids are strictly ascending (a released file is)."""
    previous: pa.Scalar | None = None
    for batch in handle.iter_batches(columns=["id"], batch_size=65_536):
        ids = batch.column(0)
        if pa.types.is_dictionary(ids.type):
            ids = ids.dictionary_decode()
        if len(ids) == 0:
            continue
        if ids.null_count:
            return False
        if previous is not None and not pc.greater(ids[0], previous).as_py():
            return False
        if len(ids) > 1 and not pc.all(pc.greater(ids[1:], ids[:-1])).as_py():
            return False
        previous = ids[-1]
    return True


def ordered_batches(
    files: Sequence[Path], names: list[str], in_order: bool, size: int = BATCH
) -> Iterator[pa.RecordBatch]:
    """The rows of a table's `files` (only `names`) in id order, at most `size` at a time.

    `in_order`: one file already in id order, streamed as is. Several files each in id order (a
    partitioned table) are merged by id; otherwise the table is sorted in memory."""
    if in_order:
        yield from _row_group_batches(pq.ParquetFile(files[0]), names, size)
        return
    handles = [pq.ParquetFile(p) for p in files]
    if len(handles) > 1 and all(ascending(h) for h in handles):
        yield from _merged(handles, names, size)
        return
    table = pa.concat_tables([pq.read_table(p, columns=names) for p in files])
    table = table.take(pc.sort_indices(table, [("id", "ascending")]))
    yield from table.to_batches(max_chunksize=size)


def _row_group_batches(
    handle: pq.ParquetFile, names: list[str], size: int
) -> Iterator[pa.RecordBatch]:
    """Batches of at most `size` rows, and of about ``BATCH_BYTES`` of decoded values, one row
    group at a time (pyarrow cannot cut batches of nested columns across row groups), decoded a
    batch at a time: a row group of article texts is not held whole."""
    size = min(size, batch_rows(handle, names))
    for index in range(handle.num_row_groups):
        yield from handle.iter_batches(batch_size=size, row_groups=[index], columns=names)


def batch_rows(handle: pq.ParquetFile, names: list[str]) -> int:
    """Rows of `names` holding about ``BATCH_BYTES`` once decoded (from the file's column chunk
    sizes), at least 1."""
    meta = handle.metadata
    wanted = set(names)
    total = sum(
        chunk.total_uncompressed_size
        for group in range(meta.num_row_groups)
        for column in range(meta.num_columns)
        if (chunk := meta.row_group(group).column(column)).path_in_schema.split(".")[0] in wanted
    )
    return max(1, BATCH_BYTES * meta.num_rows // total) if total else BATCH


def _merged(handles: list[pq.ParquetFile], names: list[str], size: int) -> Iterator[pa.RecordBatch]:
    """Rows of files each in id order, merged by id into batches of at most `size` rows."""
    streams = [_keyed(k, h, names) for k, h in enumerate(handles)]
    picked: list[tuple[pa.RecordBatch, int]] = []
    for _, _, row, batch in heapq.merge(*streams):
        picked.append((batch, row))
        if len(picked) == size:
            yield _gather(picked)
            picked = []
    if picked:
        yield _gather(picked)


def _keyed(
    k: int, handle: pq.ParquetFile, names: list[str]
) -> Iterator[tuple[str, int, int, pa.RecordBatch]]:
    """``(id, k, row, batch)`` for each row of one file (dictionaries decoded: files differ)."""
    for batch in _row_group_batches(handle, names, 1_000):
        plain = pa.RecordBatch.from_arrays([decoded(c) for c in batch.columns], names=names)
        for row, rid in enumerate(plain.column("id").to_pylist()):
            yield str(rid), k, row, plain


def _gather(picked: list[tuple[pa.RecordBatch, int]]) -> pa.RecordBatch:
    """One batch of the `picked` rows (batch, row), in order: consecutive rows are sliced."""
    slices: list[pa.RecordBatch] = []
    start = 0
    for i in range(1, len(picked) + 1):
        batch, first = picked[start]
        if i < len(picked) and picked[i][0] is batch and picked[i][1] == first + i - start:
            continue
        slices.append(batch.slice(first, i - start))
        start = i
    return pa.Table.from_batches(slices).combine_chunks().to_batches()[0]
