"""Design of the Poisson log-linear model over the observable cells.

For ``m`` lists the full design has ``Q = 1 + m + m(m-1)/2`` columns: the intercept, one main
effect per list and one column per pair of lists (the two-list interactions), over the
``C = 2**m - 1`` observable cells. A model is a subset of the pair columns, held as a bit
mask over the pairs; main effects and the intercept are always in. Pairs are numbered in
SparseMSE's order ``(1,2), (1,3), ..., (1,m), (2,3), ...`` so that ties break the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MAX_MODEL_LISTS = 10


@dataclass(frozen=True, eq=False)
class Layout:
    """Cells, pairs and design matrices for models over ``m`` lists.

    ``design`` is (C, Q); ``outer`` holds each row's outer product flattened to (C, Q*Q) so that
    a batch of weighted cross-products ``X' diag(w) X`` is one matrix product;
    ``pair_cells`` is the (C, P) indicator that a cell contains both lists of a pair.
    """

    m: int
    cells: npt.NDArray[np.int8]
    pairs: tuple[tuple[int, int], ...]
    design: FloatArray
    outer: FloatArray
    pair_cells: BoolArray

    @property
    def n_cells(self) -> int:
        """Number of observable cells, ``2**m - 1``."""
        return int(self.cells.shape[0])

    @property
    def n_pairs(self) -> int:
        """Number of two-list interactions, ``m(m-1)/2``."""
        return len(self.pairs)

    @property
    def n_columns(self) -> int:
        """Columns of the full design: intercept, main effects, pairs."""
        return 1 + self.m + self.n_pairs

    def pair_column(self, pair: int) -> int:
        """Design column of pair number ``pair``."""
        return 1 + self.m + pair


@lru_cache(maxsize=16)
def layout_for(m: int) -> Layout:
    """The model layout for ``m`` lists (cached: layouts are read-only)."""
    if not 2 <= m <= MAX_MODEL_LISTS:
        raise ValueError(f"layouts exist for 2 to {MAX_MODEL_LISTS} lists, not {m}")
    masks = np.arange(1, 1 << m, dtype=np.int64)
    cells = ((masks[:, None] >> np.arange(m)[None, :]) & 1).astype(np.int8)
    pairs = tuple((i, j) for i in range(m - 1) for j in range(i + 1, m))
    pair_cells = np.stack([(cells[:, i] & cells[:, j]).astype(bool) for i, j in pairs], axis=1)
    design = np.hstack(
        [np.ones((cells.shape[0], 1)), cells.astype(np.float64), pair_cells.astype(np.float64)]
    )
    outer = (design[:, :, None] * design[:, None, :]).reshape(design.shape[0], -1)
    for array in (cells, pair_cells, design, outer):
        array.setflags(write=False)
    return Layout(m, cells, pairs, design, outer, pair_cells)


def pair_names(lists: Sequence[str]) -> tuple[str, ...]:
    """Names ``"A:B"`` of the pairs, in layout order."""
    m = len(lists)
    return tuple(f"{lists[i]}:{lists[j]}" for i in range(m - 1) for j in range(i + 1, m))


def pair_mask_bits(mask: int) -> list[int]:
    """Pair numbers set in a pair bit mask, ascending."""
    out: list[int] = []
    pair = 0
    while mask:
        if mask & 1:
            out.append(pair)
        mask >>= 1
        pair += 1
    return out


def removed_cells(layout: Layout, empty_pairs_in_model: int) -> BoolArray:
    """Cells dropped from a model because they contain a pair whose overlap is empty.

    A pair in the model with no case in common has its parameter at minus infinity (the
    extended MLE), so every cell containing both lists has expected count zero.
    """
    out = np.zeros(layout.n_cells, dtype=bool)
    for pair in pair_mask_bits(empty_pairs_in_model):
        out |= layout.pair_cells[:, pair]
    return out


def model_matrix(layout: Layout, pairs_fitted: int, cells_kept: BoolArray) -> FloatArray:
    """The design of one model restricted to its cells: intercept, mains, fitted pairs."""
    columns = [0, *range(1, layout.m + 1)]
    columns += [layout.pair_column(p) for p in pair_mask_bits(pairs_fitted)]
    return np.ascontiguousarray(layout.design[np.ix_(cells_kept, columns)])


def empty_pairs(layout: Layout, counts: npt.NDArray[np.int64]) -> int:
    """Bit mask of the pairs of lists that have no case in common."""
    overlaps = counts @ layout.pair_cells
    mask = 0
    for pair in np.flatnonzero(overlaps == 0):
        mask |= 1 << int(pair)
    return mask


def empty_pair_masks(layout: Layout, counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """`empty_pairs` for each row of a (B, C) count matrix."""
    overlaps = counts @ layout.pair_cells.astype(np.int64)
    weights = np.int64(1) << np.arange(layout.n_pairs, dtype=np.int64)
    return np.asarray((overlaps == 0).astype(np.int64) @ weights, dtype=np.int64)
