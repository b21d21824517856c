import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lightkeeper.engine.arrays import distinct


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
