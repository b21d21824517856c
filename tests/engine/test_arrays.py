import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lightkeeper.engine.arrays import dense_ids, distinct, first_of_each


@given(arrays(np.int64, st.integers(0, 200), elements=st.integers(-50, 50)))
def test_distinct_is_numpy_unique(values: np.ndarray) -> None:
    got = distinct(values)
    assert got.dtype == values.dtype
    assert np.array_equal(got, np.unique(values))


@pytest.mark.parametrize("dtype", [np.uint64, np.int32, np.float64])
def test_distinct_keeps_the_dtype_and_flattens(dtype: type) -> None:
    values = np.array([[3, 1], [3, 2], [1, 1]], dtype=dtype)
    got = distinct(values)
    assert got.dtype == np.dtype(dtype)
    assert got.tolist() == [1, 2, 3]


def test_distinct_of_nothing_is_empty() -> None:
    assert distinct(np.zeros(0, dtype=np.uint64)).size == 0


_HASHES = st.integers(0, 2**64 - 1) | st.integers(0, 9)  # wide values, and many repeats


@given(arrays(np.uint64, st.integers(0, 300), elements=_HASHES))
def test_dense_ids_is_numpy_unique_with_inverse(values: np.ndarray) -> None:
    uniques, ids = dense_ids(values)
    expected, inverse = np.unique(values, return_inverse=True)
    assert uniques.dtype == values.dtype
    assert ids.dtype == np.int64
    assert np.array_equal(uniques, expected)
    assert np.array_equal(ids, inverse.reshape(-1))


def test_dense_ids_of_nothing() -> None:
    uniques, ids = dense_ids(np.zeros(0, dtype=np.uint64))
    assert len(uniques) == 0 and len(ids) == 0


@given(arrays(np.int64, st.integers(0, 300), elements=st.integers(0, 40)))
def test_first_of_each_is_numpy_unique_with_index(values: np.ndarray) -> None:
    uniques, first = first_of_each(values)
    expected, index = np.unique(values, return_index=True)
    assert np.array_equal(uniques, expected)
    assert np.array_equal(first, index)
