"""Does a model's maximum likelihood estimate exist, and are its parameters identifiable?

Existence is the linear-programming test of Fienberg and Rinaldo (2012) as SparseMSE's
``checkident`` sets it up (Chan, Silverman and Vincent, arXiv 1902.05156): the MLE exists
exactly when some strictly positive table has the same sufficient statistics as the data,
that is when ``max s`` subject to ``A x = A n``, ``x >= s``, ``x >= 0`` is positive.
Identifiability is full column rank of the model's design.

Both answers depend on the data only through which cells are zero, so they are cached by
(support, model). A converged fit is also a certificate: its fitted means are a strictly
positive table with the data's sufficient statistics (the likelihood equations), so when a
fit converged with every mean clearly positive the linear program is not needed at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from lightkeeper.stats.mse.design import (
    BoolArray,
    FloatArray,
    Layout,
    empty_pair_masks,
    empty_pairs,
    model_matrix,
    removed_cells,
)
from lightkeeper.stats.mse.fit import BatchFit, ModelMasks

LP_TOLERANCE = 1e-7
CERTIFICATE_MAX_RESIDUAL = 1e-6
# Far below any fitted mean a real MLE has, far above what a diverging fit can reach in
# MAX_ITER Newton steps of about one unit each on the log scale.
CERTIFICATE_MIN_MEAN = 1e-100


@dataclass(frozen=True)
class ModelCheck:
    """Outcome of the two checks on one model and one data set."""

    exists: bool
    identifiable: bool

    @property
    def ok(self) -> bool:
        """True when the model can be fitted and reported."""
        return self.exists and self.identifiable

    @property
    def code(self) -> int:
        """SparseMSE's ``checkident`` code: 0 fine, 1 no MLE, 2 not identifiable, 3 both."""
        return int(not self.exists) + 2 * int(not self.identifiable)


class ExistenceChecker:
    """Cached existence and identifiability checks for models over one layout.

    Not thread-safe; give each worker process its own. ``lp_runs`` counts the linear
    programs actually solved, for benchmarks.
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.lp_runs = 0
        self._rank_ok: dict[tuple[int, int], bool] = {}
        self._exists: dict[tuple[bytes, int], bool] = {}

    def check(self, counts: npt.NDArray[np.int64], pairs: int) -> ModelCheck:
        """Both checks for the model with pair mask ``pairs`` on the cell ``counts``."""
        return ModelCheck(
            exists=self.exists(counts, pairs), identifiable=self.identifiable(counts, pairs)
        )

    def identifiable(self, counts: npt.NDArray[np.int64], pairs: int) -> bool:
        """Whether the model's design (with empty overlaps dropped) has full column rank."""
        fixed = pairs & empty_pairs(self.layout, counts)
        return self.identifiable_design(pairs & ~fixed, fixed)

    def identifiable_design(self, fitted: int, fixed: int) -> bool:
        """Full column rank of the design with ``fitted`` pairs and ``fixed`` pairs dropped."""
        key = (fitted, fixed)
        cached = self._rank_ok.get(key)
        if cached is None:
            matrix = model_matrix(self.layout, fitted, ~removed_cells(self.layout, fixed))
            cached = bool(np.linalg.matrix_rank(matrix) == matrix.shape[1])
            self._rank_ok[key] = cached
        return cached

    def exists(self, counts: npt.NDArray[np.int64], pairs: int) -> bool:
        """Whether the (extended) MLE of the model exists, by the linear program (cached)."""
        key = (np.packbits(counts > 0).tobytes(), pairs)
        cached = self._exists.get(key)
        if cached is None:
            cached = self._solve_lp(counts, pairs)
            self._exists[key] = cached
        return cached

    def identifiable_batch(
        self, counts: npt.NDArray[np.int64], pair_masks: npt.NDArray[np.int64]
    ) -> BoolArray:
        """`identifiable` for each row of ``counts`` with its model in ``pair_masks``."""
        fixed = pair_masks & empty_pair_masks(self.layout, counts)
        fitted = pair_masks & ~fixed
        return np.array(
            [self.identifiable_design(int(f), int(x)) for f, x in zip(fitted, fixed, strict=True)],
            dtype=bool,
        )

    def certifies(
        self, counts: npt.NDArray[np.int64], fit: BatchFit, masks: ModelMasks
    ) -> BoolArray:
        """Which rows' fits prove that their model's MLE exists, without a linear program.

        A stationary fit (``BatchFit.stationary``) is a finite solution of the likelihood
        equations, which exists only when the MLE does. A row is certified if its fit is
        stationary, every list has a case (SparseMSE's test keeps the cells of an empty list
        and so fails there), every kept mean is positive and the equations hold.
        """
        y = counts.astype(np.float64)
        no_empty_list = np.all(counts @ self.layout.cells.astype(np.int64) > 0, axis=1)
        positive = np.all(np.where(masks.cells, fit.mu > CERTIFICATE_MIN_MEAN, True), axis=1)
        score = np.where(masks.columns, ((y - fit.mu) * masks.cells) @ self.layout.design, 0.0)
        tolerance = CERTIFICATE_MAX_RESIDUAL * np.maximum(1.0, y.sum(axis=1))
        balanced = np.max(np.abs(score), axis=1) <= tolerance
        return np.asarray(fit.stationary & no_empty_list & positive & balanced, dtype=bool)

    def _solve_lp(self, counts: npt.NDArray[np.int64], pairs: int) -> bool:
        self.lp_runs += 1
        fixed = pairs & empty_pairs(self.layout, counts)
        cells = ~removed_cells(self.layout, fixed)
        return lp_objective(model_matrix(self.layout, pairs & ~fixed, cells), counts[cells]) > (
            LP_TOLERANCE
        )


def lp_objective(design: FloatArray, counts: npt.NDArray[np.int64]) -> float:
    """Optimum of SparseMSE's existence linear program (0 when the MLE does not exist).

    Maximise ``s`` over ``x >= 0, s >= 0`` subject to ``design' x = design' counts`` and
    ``x_c >= s`` for every cell ``c``.
    """
    n_cells, n_params = design.shape
    target = design.T @ counts.astype(np.float64)
    objective = np.zeros(n_cells + 1)
    objective[-1] = -1.0
    a_eq = np.hstack([design.T, np.zeros((n_params, 1))])
    a_ub = np.hstack([-np.eye(n_cells), np.ones((n_cells, 1))])
    result = linprog(
        objective,
        A_ub=a_ub,
        b_ub=np.zeros(n_cells),
        A_eq=a_eq,
        b_eq=target,
        bounds=(0, None),
        method="highs",
    )
    if result.status != 0:
        # x = counts, s = 0 is always feasible and s <= total count, so anything else
        # is a solver failure; treat it as "cannot show that the MLE exists".
        return 0.0
    return float(-result.fun)
