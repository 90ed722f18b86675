"""A release's Parquet reads identically (same rows, same logical types) in every engine:
pyarrow (the reference), DuckDB, polars and Apache Spark (local mode, marked slow)."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from venezuela_crisis.models import TABLES

Rows = list[dict[str, Any]]
Types = dict[str, str]


def arrow_logical(t: pa.DataType) -> str:
    """Engine-neutral name of an Arrow type (string/large_string/views are all `string`)."""
    if pa.types.is_dictionary(t):
        return arrow_logical(t.value_type)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t):
        return f"int{t.bit_width}"
    if pa.types.is_floating(t):
        return f"float{t.bit_width}"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t):
        return f"list<{arrow_logical(t.value_type)}>"
    if pa.types.is_struct(t):
        return "struct<" + ",".join(f"{f.name}:{arrow_logical(f.type)}" for f in t) + ">"
    return str(t)


def polars_logical(t: Any) -> str:
    import polars as pl

    simple = {pl.String: "string", pl.Boolean: "bool", pl.Date: "date"}
    simple |= {pl.Int8: "int8", pl.Int16: "int16", pl.Int32: "int32", pl.Int64: "int64"}
    simple |= {pl.Float32: "float32", pl.Float64: "float64"}
    for dtype, name in simple.items():
        if t == dtype:
            return name
    if isinstance(t, pl.Categorical | pl.Enum):  # Arrow dictionary<string>: a string column
        return "string"
    if isinstance(t, pl.List):
        return f"list<{polars_logical(t.inner)}>"
    if isinstance(t, pl.Struct):
        return "struct<" + ",".join(f"{f.name}:{polars_logical(f.dtype)}" for f in t.fields) + ">"
    return str(t)


def spark_logical(t: Any) -> str:
    from pyspark.sql import types as st

    simple = {
        st.StringType: "string",
        st.BooleanType: "bool",
        st.DateType: "date",
        st.ByteType: "int8",
        st.ShortType: "int16",
        st.IntegerType: "int32",
        st.LongType: "int64",
        st.FloatType: "float32",
        st.DoubleType: "float64",
    }
    for cls, name in simple.items():
        if isinstance(t, cls):
            return name
    if isinstance(t, st.ArrayType):
        return f"list<{spark_logical(t.elementType)}>"
    if isinstance(t, st.StructType):
        return "struct<" + ",".join(f"{f.name}:{spark_logical(f.dataType)}" for f in t) + ">"
    return str(t)


def by_id(rows: Rows) -> Rows:
    return sorted(rows, key=lambda r: str(r["id"]))


@pytest.fixture(scope="session", params=["synthetic", "committed-1.1.0"])
def release(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, root: Path
) -> Path:
    """A release built by vzcrisis.release.build from a 300-record synthetic corpus, and the
    committed release 1.1.0 (a published release cannot be fixed afterwards)."""
    from vzcrisis.release.build import build_release
    from vzcrisis.synth.corpus import synth

    if request.param == "committed-1.1.0":
        return root / "releases" / "1.1.0"
    project = tmp_path_factory.mktemp("engines") / "project"
    synth(project, 300, seed=3, schema_dir=root / "schema")
    result = build_release(project, "1.0.0")
    assert result.tables["events"] > 0, result
    return project / "releases" / "1.0.0"


def reference(release: Path, table: str) -> tuple[Types, Rows]:
    data = pq.read_table(release / f"{table}.parquet")
    types = {f.name: arrow_logical(f.type) for f in data.schema}
    return types, by_id(data.to_pylist())


@pytest.mark.parametrize("table", list(TABLES))
def test_duckdb_reads_what_pyarrow_reads(release: Path, table: str) -> None:
    import duckdb

    types, rows = reference(release, table)
    con = duckdb.connect()
    got = con.sql(f"select * from read_parquet('{release / table}.parquet')").to_arrow_table()
    assert {f.name: arrow_logical(f.type) for f in got.schema} == types
    assert by_id(got.to_pylist()) == rows
    assert len(rows) > 0, table


@pytest.mark.parametrize("table", list(TABLES))
def test_polars_reads_what_pyarrow_reads(release: Path, table: str) -> None:
    import polars as pl

    types, rows = reference(release, table)
    frame = pl.read_parquet(release / f"{table}.parquet")
    assert {name: polars_logical(t) for name, t in frame.schema.items()} == types
    assert by_id(frame.to_dicts()) == rows


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if importlib.util.find_spec("pyspark") is None or shutil.which("java") is None:
        pytest.skip("pyspark or java is not installed")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("venezuela-crisis-engines")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.slow
def test_spark_reads_what_pyarrow_reads(release: Path, spark: Any) -> None:
    for table in TABLES:
        types, rows = reference(release, table)
        frame = spark.read.parquet(str(release / f"{table}.parquet"))
        assert {f.name: spark_logical(f.dataType) for f in frame.schema} == types, table
        got = [row.asDict(recursive=True) for row in frame.collect()]
        assert by_id(got) == rows, table


def _plain(value: Any) -> Any:
    """A pandas cell as plain Python (numpy scalars and arrays, NaN/NA/NaT as None)."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)  # an int column with nulls comes back as float64
    return value


def _nested(row: dict[str, Any]) -> dict[str, Any]:
    """fastparquet spreads a struct column over ``review.status``, ``review.date``…: fold back."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        head, dot, tail = key.partition(".")
        if dot:
            out.setdefault(head, {})[tail] = value
        else:
            out[key] = value
    return out


FASTPARQUET_UNREADABLE = {("events", "quantities")}
"""Columns fastparquet cannot read: lists of structs come back as None (its limitation, pinned
here so a fix shows up; pyarrow, DuckDB, polars, Spark and pandas' pyarrow engine read them)."""


@pytest.mark.parametrize("engine", ["pyarrow", "fastparquet"])
@pytest.mark.parametrize("table", list(TABLES))
def test_pandas_reads_what_pyarrow_reads(release: Path, table: str, engine: str) -> None:
    import pandas as pd

    _, rows = reference(release, table)
    frame = pd.read_parquet(release / f"{table}.parquet", engine=engine)
    got = by_id([_nested({k: _plain(v) for k, v in r.items()}) for r in frame.to_dict("records")])
    assert len(got) == len(rows) > 0
    assert sorted(got[0]) == sorted(rows[0]), "the same columns"
    for column in got[0]:
        values = [r[column] for r in got]
        if engine == "fastparquet" and (table, column) in FASTPARQUET_UNREADABLE:
            assert values == [None] * len(rows), "fastparquet reads lists of structs now"
            continue
        assert values == [r[column] for r in rows], (table, column)
