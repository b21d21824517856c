"""Small helpers shared by the distributed stages: cutting tables and arrays into pieces.

Rows of the corpus are numbered globally in input order (the local engine's row positions).
Partition i holds rows offsets[i] .. offsets[i+1]-1, so the home partition of a row is found
by binary search, and per-row results are sent home by a shuffle on that.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lightkeeper.engine.dask_graph import mixed

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]


def home_of(rows: I64, offsets: Sequence[int]) -> I64:
    """The partition holding each global row, given each partition's first row."""
    starts = np.asarray(offsets, dtype=np.int64)
    return np.asarray(np.searchsorted(starts, rows, side="right") - 1, dtype=np.int64)


def hashed(values: npt.NDArray[Any], n: int) -> I64:
    """Partition 0..n-1 of each integer value (a hash, so runs of values spread evenly)."""
    return np.asarray(mixed(values) % np.uint64(n), dtype=np.int64)


def split_table(table: pa.Table, assign: I64, n_out: int) -> list[pa.Table]:
    """The rows of `table` cut into n_out tables by `assign` (rows keep their order)."""
    order = np.argsort(assign, kind="stable")
    bounds = np.searchsorted(assign[order], np.arange(n_out + 1))
    ordered = table.take(pa.array(order))
    return [ordered.slice(int(lo), int(hi - lo)) for lo, hi in itertools.pairwise(bounds)]


def concat_tables(pieces: list[pa.Table], schema: pa.Schema) -> pa.Table:
    """The pieces as one table (an empty table of `schema` when there are none)."""
    tables = [p for p in pieces if p.num_rows]
    if not tables:
        return schema.empty_table()
    return pa.concat_tables(tables).combine_chunks()


def column(table: pa.Table, name: str) -> Any:
    """One column as a single Arrow array."""
    values = table.column(name)
    if values.num_chunks == 1:
        return values.chunk(0)
    return values.combine_chunks() if values.num_chunks else pa.array([], values.type)


def numbers(table: pa.Table, name: str, dtype: Any) -> npt.NDArray[Any]:
    """One numeric column as a numpy array of `dtype`."""
    return np.asarray(column(table, name).to_numpy(zero_copy_only=False), dtype=dtype)


def pairs_table(left: I64, right: I64) -> pa.Table:
    """A two-column table (a, b) of int64 row pairs."""
    return pa.table({"a": pa.array(left, pa.int64()), "b": pa.array(right, pa.int64())})
