"""Boilerplate sampling: each sentence's ads with the smallest draws, whatever the draws."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.templates.boilerplate import _smallest_draws, _smallest_draws_lexsorted


@st.composite
def entries(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, int]:
    n_ids = draw(st.integers(1, 5000))
    n = draw(st.integers(0, 400))
    sentence = np.array(draw(st.lists(st.integers(0, n_ids - 1), min_size=n, max_size=n)))
    # Small draws tie often in their top bits, which sends the packed sort to its fallback;
    # full-width draws almost never do.
    wide = draw(st.booleans())
    values = st.integers(0, 2**64 - 1) if wide else st.integers(0, 3)
    draws = np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=np.uint64)
    size = draw(st.integers(1, 20))
    return sentence.astype(np.int64), draws, size, n_ids


@settings(max_examples=300)
@given(entries())
def test_smallest_draws_is_the_two_key_sort(case: tuple[np.ndarray, np.ndarray, int, int]) -> None:
    sentence, draws, size, n_ids = case
    got = _smallest_draws(sentence, draws, size, n_ids)
    assert np.array_equal(got, _smallest_draws_lexsorted(sentence, draws, size))


def test_smallest_draws_keeps_the_smallest_of_each_sentence() -> None:
    sentence = np.array([2, 0, 2, 2, 0, 1], dtype=np.int64)
    draws = np.array([50, 7, 10, 30, 3, 99], dtype=np.uint64) << np.uint64(40)
    got = _smallest_draws(sentence, draws, 2, 3)
    # sentence 0: draws 3 (entry 4), 7 (entry 1); sentence 1: entry 5; sentence 2: 10, 30
    assert got.tolist() == [4, 1, 5, 2, 3]
