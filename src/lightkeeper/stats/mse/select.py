"""Model selection for many data sets at once: SparseMSE's stepwise rule, AIC and BIC.

Every function takes a (B, C) matrix of cell counts (one data set per row: the data, a
bootstrap replicate or a jackknife sample) and runs the selection in lock-step over the rows,
so each step is one batched fit instead of B small ones.

Stepwise (Chan, Silverman and Vincent; SparseMSE ``stepwisefit``): start from main effects;
for each two-list interaction not yet in the model, the number of cases on both lists has,
under the current model, a Poisson distribution whose mean is the sum of the fitted values
of the cells holding both lists; its p-value is ``min(P(X <= n), P(X >= n))``. Add the term
with the smallest p-value (ties: the first pair) among those whose model has an existing,
identifiable MLE, while that p-value is below the threshold.

AIC and BIC: a downhill search from main effects over models that differ by one two-list
term (added or removed), moving to the best neighbour that passes both checks while the
criterion falls. Parameters fixed at minus infinity count as parameters, as in SparseMSE's
adjusted AIC; BIC uses the log of the number of people observed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import pdtr, pdtrc

from lightkeeper.stats.mse.design import BoolArray, FloatArray, Layout, pair_mask_bits
from lightkeeper.stats.mse.existence import ExistenceChecker
from lightkeeper.stats.mse.fit import (
    BatchFit,
    ModelMasks,
    fit_batch,
    model_masks,
    one_blas_thread,
    poisson_loglik,
)

Criterion = Literal["aic", "bic"]
IntArray = npt.NDArray[np.int64]
NEIGHBOUR_MAX_ITER = 40


@dataclass
class Selection:
    """Selected model and its fit for every row of a batch.

    ``paths[r]`` lists the pairs in the order they entered row ``r``'s model (for AIC/BIC,
    the order of the final model's pairs); ``fixed`` marks pairs fixed at minus infinity.
    """

    pair_masks: IntArray
    paths: list[list[int]]
    beta: FloatArray
    mu: FloatArray
    intercept_var: FloatArray
    loglik: FloatArray
    converged: BoolArray
    observed: IntArray
    fixed: BoolArray

    @property
    def estimates(self) -> FloatArray:
        """Estimated population size: observed plus ``exp(intercept)``."""
        return np.asarray(self.observed + np.exp(self.beta[:, 0]), dtype=np.float64)


@one_blas_thread
def fit_models(layout: Layout, counts: IntArray, pair_masks: IntArray) -> Selection:
    """Fit the given model (a pair mask per row) to each row, without any check."""
    masks = model_masks(layout, counts, pair_masks)
    fit = fit_batch(layout, counts, masks)
    paths = [pair_mask_bits(int(p)) for p in pair_masks]
    return _selection(counts, pair_masks.copy(), paths, fit=fit, masks=masks)


@one_blas_thread
def fit_checked(
    layout: Layout, counts: IntArray, pair_mask: int, checker: ExistenceChecker
) -> tuple[Selection, BoolArray]:
    """Fit one model to every row, and say for which rows its MLE exists and is identifiable.

    SparseMSE's modelfit refuses a fixed model that fails either check; callers drop those
    rows' estimates.
    """
    masks_in = np.full(counts.shape[0], pair_mask, dtype=np.int64)
    masks = model_masks(layout, counts, masks_in)
    fit = fit_batch(layout, counts, masks)
    ok = checker.identifiable_batch(counts, masks_in)
    certified = checker.certifies(counts, fit, masks)
    for r in np.flatnonzero(ok & ~certified):
        ok[r] = checker.exists(counts[r], pair_mask)
    paths = [pair_mask_bits(pair_mask) for _ in range(counts.shape[0])]
    return _selection(counts, masks_in, paths, fit=fit, masks=masks), ok


@one_blas_thread
def select_stepwise(
    layout: Layout, counts: IntArray, *, pthresh: float, checker: ExistenceChecker
) -> Selection:
    """SparseMSE's stepwise selection on every row (see the module docstring)."""
    search = _Search(layout, counts, checker, fit_models(layout, counts, _zeros(counts)))
    overlaps = counts @ layout.pair_cells.astype(np.int64)
    # With a list nobody is on, the existence test fails for every model, so SparseMSE keeps
    # the main effects; skipping the search gives the same answer without the programs.
    active = ~_has_empty_list(layout, counts) if pthresh > 0 else np.zeros(len(counts), bool)
    while np.any(active):
        idx = np.flatnonzero(active)
        pvals = _pair_pvalues(overlaps[idx], search.state.mu[idx] @ layout.pair_cells)
        pvals[_in_model(search.state.pair_masks[idx], layout.n_pairs)] = np.inf
        grew = search.add_best_terms(idx, pvals, pthresh=pthresh)
        active[idx[~grew]] = False
    return search.state


@one_blas_thread
def select_by_criterion(
    layout: Layout, counts: IntArray, *, criterion: Criterion, checker: ExistenceChecker
) -> Selection:
    """Downhill search by AIC or BIC on every row (see the module docstring)."""
    search = _Search(layout, counts, checker, fit_models(layout, counts, _zeros(counts)))
    n_obs = np.maximum(counts.sum(axis=1), 2).astype(np.float64)
    penalty = np.full(len(counts), 2.0) if criterion == "aic" else np.log(n_obs)
    current = _criterion(layout, search.state.loglik, search.state.pair_masks, penalty)
    active = ~_has_empty_list(layout, counts)
    while np.any(active):
        idx = np.flatnonzero(active)
        moved = search.move_downhill(idx, penalty=penalty, current=current)
        active[idx[~moved]] = False
    search.state.paths = [pair_mask_bits(int(m)) for m in search.state.pair_masks]
    return search.state


@dataclass
class _Search:
    """One lock-step search: the data, the checks and the current model of every row."""

    layout: Layout
    counts: IntArray
    checker: ExistenceChecker
    state: Selection

    def add_best_terms(self, idx: IntArray, pvals: FloatArray, *, pthresh: float) -> BoolArray:
        """Try each row's candidates in p-value order; return which rows took a new term.

        Checking candidates in order until one passes picks the same term as SparseMSE,
        which checks them all and then takes the smallest passing p-value (ties: first pair).
        """
        order = np.argsort(pvals, axis=1, kind="stable")
        grew = np.zeros(idx.size, dtype=bool)
        pointer = np.zeros(idx.size, dtype=np.int64)
        pending = np.arange(idx.size)
        while pending.size:
            pending = pending[pointer[pending] < self.layout.n_pairs]
            cand = order[pending, pointer[pending]]
            below = pvals[pending, cand] < pthresh
            pending, cand = pending[below], cand[below]
            if pending.size == 0:
                break
            new_masks = self.state.pair_masks[idx[pending]] | (np.int64(1) << cand)
            ident = self.checker.identifiable_batch(self.counts[idx[pending]], new_masks)
            accepted = np.zeros(pending.size, dtype=bool)
            if np.any(ident):
                accepted[ident] = self._fit_and_accept(
                    idx[pending[ident]], new_masks[ident], cand[ident]
                )
            grew[pending[accepted]] = True
            pending = pending[~accepted]
            pointer[pending] += 1
        return grew

    def _fit_and_accept(self, rows: IntArray, new_masks: IntArray, added: IntArray) -> BoolArray:
        """Fit candidates warm-started from the current models; keep those whose MLE exists."""
        counts = self.counts[rows]
        masks = model_masks(self.layout, counts, new_masks)
        fit = fit_batch(self.layout, counts, masks, beta0=self.state.beta[rows])
        accepted = self.checker.certifies(counts, fit, masks)
        for k in np.flatnonzero(~accepted):
            accepted[k] = self.checker.exists(counts[k], int(new_masks[k]))
        take = np.flatnonzero(accepted)
        self._update(rows[take], new_masks[take], fit=fit, masks=masks, take=take)
        for k in take:
            self.state.paths[int(rows[k])].append(int(added[k]))
        return accepted

    def move_downhill(
        self, idx: IntArray, *, penalty: FloatArray, current: FloatArray
    ) -> BoolArray:
        """Move each row to its best passing neighbour if that lowers the criterion."""
        n_pairs = self.layout.n_pairs
        rows = np.repeat(idx, n_pairs)
        toggles = np.tile(np.arange(n_pairs, dtype=np.int64), idx.size)
        new_masks = self.state.pair_masks[rows] ^ (np.int64(1) << toggles)
        # Only identifiable neighbours are fitted: the others have singular information.
        fitted = np.flatnonzero(self.checker.identifiable_batch(self.counts[rows], new_masks))
        counts = self.counts[rows[fitted]]
        masks = model_masks(self.layout, counts, new_masks[fitted])
        fit = fit_batch(
            self.layout,
            counts,
            masks,
            beta0=self.state.beta[rows[fitted]],
            max_iter=NEIGHBOUR_MAX_ITER,
        )
        loglik = poisson_loglik(counts, fit, masks.cells)
        flat = np.full(rows.size, np.inf)
        flat[fitted] = _criterion(self.layout, loglik, new_masks[fitted], penalty[rows[fitted]])
        values = flat.reshape(idx.size, n_pairs)
        certified = self.checker.certifies(counts, fit, masks)
        position = np.full(rows.size, -1, dtype=np.int64)
        position[fitted] = np.arange(fitted.size)
        picks: list[int] = []
        for k, row in enumerate(idx):
            for t in np.argsort(values[k], kind="stable"):
                if not values[k, t] < current[row] - 1e-9:
                    break
                j = k * n_pairs + int(t)
                mask = int(new_masks[j])
                if certified[position[j]] or self.checker.exists(self.counts[row], mask):
                    picks.append(j)
                    current[row] = values[k, t]
                    break
        pick = np.asarray(picks, dtype=np.int64)
        self._update(rows[pick], new_masks[pick], fit=fit, masks=masks, take=position[pick])
        moved = np.zeros(idx.size, dtype=bool)
        moved[pick // n_pairs] = True
        return moved

    def _update(
        self,
        rows: IntArray,
        new_masks: IntArray,
        *,
        fit: BatchFit,
        masks: ModelMasks,
        take: IntArray,
    ) -> None:
        """Make rows ``rows`` of the state the fits ``take`` of a candidate batch."""
        if rows.size == 0:
            return
        state = self.state
        state.pair_masks[rows] = new_masks
        state.beta[rows] = fit.beta[take]
        state.mu[rows] = fit.mu[take]
        state.intercept_var[rows] = fit.intercept_var[take]
        state.converged[rows] = fit.converged[take]
        state.fixed[rows] = masks.fixed_pairs[take]
        taken = BatchFit(
            fit.beta[take],
            fit.mu[take],
            fit.deviance[take],
            fit.converged[take],
            fit.stationary[take],
            fit.intercept_var[take],
        )
        state.loglik[rows] = poisson_loglik(self.counts[rows], taken, masks.cells[take])


def _selection(
    counts: IntArray,
    pair_masks: IntArray,
    paths: list[list[int]],
    *,
    fit: BatchFit,
    masks: ModelMasks,
) -> Selection:
    return Selection(
        pair_masks=pair_masks,
        paths=paths,
        beta=fit.beta.copy(),
        mu=fit.mu.copy(),
        intercept_var=fit.intercept_var.copy(),
        loglik=poisson_loglik(counts, fit, masks.cells),
        converged=fit.converged.copy(),
        observed=counts.sum(axis=1),
        fixed=masks.fixed_pairs.copy(),
    )


def _zeros(counts: IntArray) -> IntArray:
    return np.zeros(counts.shape[0], dtype=np.int64)


def _has_empty_list(layout: Layout, counts: IntArray) -> BoolArray:
    return np.asarray(np.any(counts @ layout.cells.astype(np.int64) == 0, axis=1), dtype=bool)


def _criterion(
    layout: Layout, loglik: FloatArray, pair_masks: IntArray, penalty: FloatArray
) -> FloatArray:
    n_params = 1 + layout.m + _in_model(pair_masks, layout.n_pairs).sum(axis=1)
    return np.asarray(-2.0 * loglik + penalty * n_params, dtype=np.float64)


def _pair_pvalues(observed: IntArray, expected: FloatArray) -> FloatArray:
    """SparseMSE's Poisson p-value of each pair's overlap: ``min(P(X <= n), P(X >= n))``."""
    lower = pdtr(observed, expected)
    upper = np.where(observed > 0, pdtrc(np.maximum(observed - 1, 0), expected), 1.0)
    return np.asarray(np.minimum(lower, upper), dtype=np.float64)


def _in_model(pair_masks: IntArray, n_pairs: int) -> BoolArray:
    bits = np.arange(n_pairs, dtype=np.int64)
    return ((pair_masks[:, None] >> bits[None, :]) & 1).astype(bool)
