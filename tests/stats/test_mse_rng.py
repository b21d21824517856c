"""The R-compatible generator against values printed by R 4.2.2."""

from __future__ import annotations

import numpy as np
import pytest

from lightkeeper.stats.mse.rng import RCompatibleGenerator, r_multinomial_rows
from tests.stats.mse_fixtures import DATA


def test_unif_rand_after_set_seed_is_r_bit_for_bit() -> None:
    # R: set.seed(1234); sprintf("%.17g", runif(5))
    expected = [
        0.11370341130532324,
        0.62229940481483936,
        0.60927473288029432,
        0.62337944167666137,
        0.86091538355685771,
    ]
    gen = RCompatibleGenerator(1234)
    assert [gen.unif_rand() for _ in expected] == expected


@pytest.mark.parametrize(
    ("seed", "n", "p", "expected"),
    [
        # R: set.seed(seed); rbinom(12, n, p); the three cover inversion and BTPE.
        (42, 1000, 0.3, [289, 313, 287, 308, 299, 262, 293, 304, 323, 329, 289, 291]),
        (
            7,
            50000,
            0.61,
            [30217, 30480, 30611, 30623, 30557, 30501, 30691, 30378, 30326, 30206, 30369, 30419],
        ),
        (7, 40, 0.2, [14, 7, 5, 4, 6, 10, 7, 13, 6, 8, 6, 6]),
    ],
)
def test_rbinom_is_r(seed: int, n: int, p: float, expected: list[int]) -> None:
    gen = RCompatibleGenerator(seed)
    assert [gen.rbinom(n, p) for _ in expected] == expected


def test_rmultinom_reproduces_sparsemse_bootstrap_draws() -> None:
    fixture = np.loadtxt(DATA / "r_bootstrap_UKdat_5.csv", delimiter=",", skiprows=1)
    counts = np.loadtxt(DATA / "UKdat_5.csv", delimiter=",", skiprows=1, dtype=np.int64)[:, -1]
    draws = r_multinomial_rows(counts, nboot=fixture.shape[0], seed=1234)
    assert np.array_equal(draws, fixture[:, :-1].astype(np.int64))
    assert np.all(draws.sum(axis=1) == counts.sum())


def test_binomial_edge_cases() -> None:
    gen = RCompatibleGenerator(1)
    assert gen.rbinom(0, 0.4) == 0
    assert gen.rbinom(10, 0.0) == 0
    assert gen.rbinom(10, 1.0) == 10
    draws = [gen.rbinom(200, 0.9) for _ in range(2000)]
    assert abs(np.mean(draws) - 180) < 1.0
