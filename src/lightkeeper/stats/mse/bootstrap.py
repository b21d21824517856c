"""Bootstrap samples, jackknife samples and BCa intervals, as SparseMSE's estimatepopulation.

The bootstrap draws each replicate as a multinomial sample of the observed total over the
observed capture histories, with probabilities the observed proportions; the whole selection
is redone on every replicate, so the interval carries the selection's uncertainty. Two
generators are offered: ``"r"`` reproduces R's draws (and so SparseMSE's interval) for the
same seed and row order; ``"numpy"`` is numpy's PCG64 over the cells ordered by list names,
which makes the draws independent of both row and column order. The BCa
acceleration comes from the jackknife that removes one person at a time: one sample per
observed history, weighted by its count (DiCiccio and Efron, 1996).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

from lightkeeper.stats.mse.data import CaptureTable, cell_counts
from lightkeeper.stats.mse.design import FloatArray, Layout
from lightkeeper.stats.mse.rng import r_multinomial_rows

IntArray = npt.NDArray[np.int64]

DEFAULT_ALPHA = (0.025, 0.05, 0.1, 0.16, 0.84, 0.9, 0.95, 0.975)
Generator = Literal["r", "numpy"]
GENERATORS: tuple[Generator, ...] = ("r", "numpy")


def bootstrap_samples(
    table: CaptureTable, layout: Layout, *, nboot: int, seed: int, generator: Generator = "r"
) -> IntArray:
    """``nboot`` bootstrap replicates of the table as (nboot, cells) counts."""
    if generator == "r":
        draws = r_multinomial_rows(table.counts, nboot=nboot, seed=seed)
        weights = 1 << np.arange(table.n_lists, dtype=np.int64)
        cells = table.histories.astype(np.int64) @ weights - 1
        to_cells = np.zeros((cells.size, layout.n_cells), dtype=np.int64)
        to_cells[np.arange(cells.size), cells] = 1
        return np.asarray(draws @ to_cells, dtype=np.int64)
    counts = cell_counts(table)
    order = canonical_cell_order(layout, table.lists, counts)
    return bootstrap_counts(counts, nboot=nboot, seed=seed, cell_order=order)


def canonical_cell_order(layout: Layout, lists: Sequence[str], counts: IntArray) -> IntArray:
    """Observed cells ordered by the sorted names of their lists.

    Drawing the multinomial over this order makes a seed give the same replicates whatever
    the order of the list columns in the input.
    """
    observed = np.flatnonzero(counts > 0)
    keys = [tuple(sorted(lists[int(i)] for i in np.flatnonzero(layout.cells[c]))) for c in observed]
    order = sorted(range(observed.size), key=lambda k: keys[k])
    return np.asarray(observed[order], dtype=np.int64)


def bootstrap_counts(counts: IntArray, *, nboot: int, seed: int, cell_order: IntArray) -> IntArray:
    """``nboot`` multinomial resamples of the cell counts, one per row."""
    rng = np.random.default_rng(seed)
    total = int(counts.sum())
    probs = counts[cell_order] / total
    draws = rng.multinomial(total, probs, size=nboot)
    out = np.zeros((nboot, counts.size), dtype=np.int64)
    out[:, cell_order] = draws
    return out


def jackknife_counts(counts: IntArray) -> tuple[IntArray, IntArray]:
    """One sample per observed cell with one person removed from it, and the cell counts."""
    cells = np.flatnonzero(counts > 0)
    samples = np.repeat(counts[None, :], cells.size, axis=0)
    samples[np.arange(cells.size), cells] -= 1
    return samples, counts[cells]


def acceleration(jack_estimates: FloatArray, weights: IntArray) -> float:
    """BCa acceleration from count-weighted jackknife estimates (0 when they do not vary)."""
    w = weights.astype(np.float64)
    resid = np.sum(w * jack_estimates) / np.sum(w) - jack_estimates
    spread = float(np.sum(w * resid**2))
    if spread <= 0.0:
        return 0.0
    return float(np.sum(w * resid**3) / (6.0 * spread**1.5))


def bias_correction(replicates: FloatArray, estimate: float) -> float:
    """BCa's ``z0``: the normal quantile of the share of replicates below the estimate.

    The share is kept inside ``[1/(2B), 1 - 1/(2B)]`` so that a degenerate bootstrap gives a
    finite (extreme) correction rather than an undefined interval.
    """
    b = replicates.size
    share = float(np.mean(replicates < estimate))
    share = min(max(share, 0.5 / b), 1.0 - 0.5 / b)
    return float(norm.ppf(share))


def bca_quantiles(
    replicates: FloatArray, estimate: float, ahat: float, alpha: Sequence[float]
) -> FloatArray:
    """BCa limits at the levels ``alpha``, from quantiles of type 8 as SparseMSE uses."""
    z0 = bias_correction(replicates, estimate)
    za = norm.ppf(np.asarray(alpha, dtype=np.float64)) + z0
    denom = 1.0 - ahat * za
    # A large acceleration can push 1 - a*z through zero; the level then saturates.
    adjusted = np.where(denom > 0, norm.cdf(z0 + za / np.where(denom > 0, denom, 1.0)), 1.0)
    levels = np.where(denom > 0, adjusted, np.where(za > 0, 1.0, 0.0))
    return np.asarray(np.quantile(replicates, levels, method="median_unbiased"), dtype=np.float64)
