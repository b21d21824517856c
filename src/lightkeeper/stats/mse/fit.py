"""Poisson log-linear fits by Newton's method (IRLS), many models at once.

A batch holds B problems over the same layout: each row has its own counts, its own cells
(cells of empty overlaps and of empty lists are dropped) and its own active columns. Inactive
columns get an identity block in the Hessian, so every row solves a (Q, Q) system and the
whole batch runs as a handful of matrix products per iteration; warm starts from the previous
model in a stepwise search make most fits converge in three or four iterations.

The estimate of the dark figure is ``exp(intercept)``; its model-conditional variance on the
log scale is the (0, 0) element of the inverse Fisher information, as R's
``summary(glm)$cov.unscaled`` gives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple, ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from lightkeeper.stats.mse.design import BoolArray, FloatArray, Layout

MAX_ITER = 60
MAX_HALVINGS = 30
REL_TOL = 1e-13
STEP_TOL = 1e-10
STATIONARY_STEP = 1e-6
ETA_LIMIT = 700.0
BLOCK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class BatchFit:
    """Fitted coefficients, means and deviances of a batch of models.

    ``stationary`` is True where the last full Newton step was negligible: the coefficients
    settled at a finite point. Where the MLE does not exist the Newton step along the
    diverging direction stays near one on the log scale for ever, so only a fit whose MLE
    exists can be stationary.
    """

    beta: FloatArray
    mu: FloatArray
    deviance: FloatArray
    converged: BoolArray
    stationary: BoolArray
    intercept_var: FloatArray


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with one BLAS thread.

    The batched products here are small; OpenBLAS threads cost far more in start-up and
    contention than they save, above all on a shared machine (about a hundredfold on a
    (1000, 22) by (22, 63) product). Parallelism comes from worker processes instead.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield


P = ParamSpec("P")
R = TypeVar("R")


def one_blas_thread(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate ``func`` to run under `single_threaded_blas`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with single_threaded_blas():
            return func(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class ModelMasks:
    """Per-row cells and columns of a batch of models (see `model_masks`)."""

    cells: BoolArray
    columns: BoolArray
    fixed_pairs: BoolArray


def model_masks(
    layout: Layout,
    counts: npt.NDArray[np.int64],
    pair_masks: npt.NDArray[np.int64],
) -> ModelMasks:
    """Cells kept and columns fitted for each row's model (a bit mask over the pairs).

    A pair of the model whose lists have no case in common is fixed at minus infinity: its
    column is dropped with every cell containing both lists. A list nobody is on gets the
    same treatment, which is the limit glm reaches as that main effect runs to minus infinity.
    """
    bits = np.arange(layout.n_pairs, dtype=np.int64)
    in_model = ((pair_masks[:, None] >> bits[None, :]) & 1).astype(bool)
    overlap = counts @ layout.pair_cells.astype(np.int64)
    empty_pair = overlap == 0
    fixed = in_model & empty_pair
    list_totals = counts @ layout.cells.astype(np.int64)
    empty_list = list_totals == 0
    dropped = (fixed.astype(np.int64) @ layout.pair_cells.T.astype(np.int64)) > 0
    dropped |= (empty_list.astype(np.int64) @ layout.cells.T.astype(np.int64)) > 0
    columns = np.hstack([np.ones((counts.shape[0], 1), dtype=bool), ~empty_list, in_model & ~fixed])
    return ModelMasks(cells=~dropped, columns=columns, fixed_pairs=fixed)


def fit_batch(
    layout: Layout,
    counts: npt.NDArray[np.int64],
    masks: ModelMasks,
    *,
    beta0: FloatArray | None = None,
    max_iter: int = MAX_ITER,
) -> BatchFit:
    """Fit every row's Poisson log-linear model; warm-start from ``beta0`` when given.

    Rows whose maximum likelihood estimate does not exist drift towards the boundary and stop
    at ``max_iter`` with ``converged`` False, as glm would; callers check existence first.
    Work is done only on columns some row uses, in blocks that bound the memory.
    """
    used = np.flatnonzero(masks.columns.any(axis=0))
    basis = _Basis.of(layout, used)
    block = max(1, BLOCK_ELEMENTS // (used.size * used.size))
    parts = [
        _fit_block(
            basis,
            counts[lo : lo + block],
            masks.cells[lo : lo + block],
            masks.columns[lo : lo + block][:, used],
            beta0=None if beta0 is None else beta0[lo : lo + block][:, used],
            max_iter=max_iter,
        )
        for lo in range(0, counts.shape[0], block)
    ]
    beta = np.zeros((counts.shape[0], layout.n_columns))
    beta[:, used] = np.concatenate([p.beta for p in parts])
    return BatchFit(
        beta=beta,
        mu=np.concatenate([p.mu for p in parts]),
        deviance=np.concatenate([p.deviance for p in parts]),
        converged=np.concatenate([p.converged for p in parts]),
        stationary=np.concatenate([p.stationary for p in parts]),
        intercept_var=np.concatenate([p.intercept_var for p in parts]),
    )


class _Basis(NamedTuple):
    """The design restricted to the columns a batch uses, and its row outer products."""

    design: FloatArray
    outer: FloatArray

    @property
    def k(self) -> int:
        return int(self.design.shape[1])

    @classmethod
    def of(cls, layout: Layout, used: npt.NDArray[np.intp]) -> _Basis:
        if used.size == layout.n_columns:
            return cls(layout.design, layout.outer)
        q = layout.n_columns
        flat = (used[:, None] * q + used[None, :]).reshape(-1)
        return cls(np.ascontiguousarray(layout.design[:, used]), layout.outer[:, flat])


def _fit_block(
    basis: _Basis,
    counts: npt.NDArray[np.int64],
    cells: BoolArray,
    cols: BoolArray,
    *,
    beta0: FloatArray | None,
    max_iter: int,
) -> BatchFit:
    y = counts.astype(np.float64)
    w = cells.astype(np.float64)
    beta = _start(basis, y, w, cols) if beta0 is None else np.where(cols, beta0, 0.0)
    converged = np.zeros(y.shape[0], dtype=bool)
    stationary = np.zeros(y.shape[0], dtype=bool)
    dev = _deviance(y, _mu(basis, beta, w), w)
    todo = np.arange(y.shape[0])
    for _ in range(max_iter):
        if todo.size == 0:
            break
        b, yy, ww, cc = beta[todo], y[todo], w[todo], cols[todo]
        mu = _mu(basis, b, ww)
        step = _newton_step(basis, yy, mu, ww, cc)
        new_b, new_dev = _halve_until_better(basis, yy, ww, beta=b, step=step, dev=dev[todo])
        change = np.abs(new_dev - dev[todo]) / (np.abs(new_dev) + 0.1)
        still = np.max(np.abs(step), axis=1) < STATIONARY_STEP
        done = (change < REL_TOL) | (np.max(np.abs(new_b - b), axis=1) < STEP_TOL)
        beta[todo], dev[todo] = new_b, new_dev
        converged[todo[done]] = True
        stationary[todo] = still
        todo = todo[~done]
    mu = _mu(basis, beta, w)
    return BatchFit(
        beta=beta,
        mu=mu,
        deviance=_deviance(y, mu, w),
        converged=converged,
        stationary=stationary,
        intercept_var=_intercept_var(basis, mu, cols),
    )


def poisson_loglik(counts: npt.NDArray[np.int64], fit: BatchFit, cells: BoolArray) -> FloatArray:
    """Poisson log-likelihood of each row's fit over its kept cells (as glm's logLik)."""
    y = counts.astype(np.float64)
    safe_mu = np.where(cells, np.maximum(fit.mu, 1e-300), 1.0)
    terms = y * np.log(safe_mu) - fit.mu - gammaln(y + 1.0)
    return np.asarray(np.sum(np.where(cells, terms, 0.0), axis=1), dtype=np.float64)


def _start(basis: _Basis, y: FloatArray, w: FloatArray, cols: BoolArray) -> FloatArray:
    # glm's start: one weighted least-squares step from mu = y + 0.1.
    mu0 = (y + 0.1) * w
    z = np.log(y + 0.1) + (y - mu0) / (y + 0.1)
    hess = _hessian(basis, mu0, cols)
    rhs = np.where(cols, (mu0 * z * w) @ basis.design, 0.0)
    return _solve(hess, rhs)


def _mu(basis: _Basis, beta: FloatArray, w: FloatArray) -> FloatArray:
    eta = np.clip(beta @ basis.design.T, -ETA_LIMIT, ETA_LIMIT)
    return np.asarray(np.exp(eta) * w, dtype=np.float64)


def _deviance(y: FloatArray, mu: FloatArray, w: FloatArray) -> FloatArray:
    safe_mu = np.where(w > 0, np.maximum(mu, 1e-300), 1.0)
    ratio = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / safe_mu), 0.0)
    return np.asarray(2.0 * np.sum(w * (ratio - (y - mu)), axis=1), dtype=np.float64)


def _hessian(basis: _Basis, mu: FloatArray, cols: BoolArray) -> FloatArray:
    q = basis.k
    hess = (mu @ basis.outer).reshape(-1, q, q)
    keep = cols[:, :, None] & cols[:, None, :]
    hess = np.where(keep, hess, 0.0)
    diag = np.arange(q)
    hess[:, diag, diag] += ~cols
    return hess


def _newton_step(
    basis: _Basis, y: FloatArray, mu: FloatArray, w: FloatArray, cols: BoolArray
) -> FloatArray:
    grad = np.where(cols, ((y - mu) * w) @ basis.design, 0.0)
    return _solve(_hessian(basis, mu, cols), grad)


def _halve_until_better(
    basis: _Basis,
    y: FloatArray,
    w: FloatArray,
    *,
    beta: FloatArray,
    step: FloatArray,
    dev: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    # Newton on a Poisson log-likelihood can overshoot far from the optimum (a new term
    # with a large effect); halving the step until the deviance does not rise keeps it safe.
    new_beta = beta + step
    new_dev = _deviance(y, _mu(basis, new_beta, w), w)
    for _ in range(MAX_HALVINGS):
        worse = ~np.isfinite(new_dev) | (new_dev > dev + 1e-10 * (np.abs(dev) + 1.0))
        if not np.any(worse):
            break
        step = np.where(worse[:, None], step / 2.0, step)
        idx = np.flatnonzero(worse)
        new_beta[idx] = beta[idx] + step[idx]
        new_dev[idx] = _deviance(y[idx], _mu(basis, new_beta[idx], w[idx]), w[idx])
    return new_beta, new_dev


def _intercept_var(basis: _Basis, mu: FloatArray, cols: BoolArray) -> FloatArray:
    hess = _hessian(basis, mu, cols)
    unit = np.zeros((mu.shape[0], basis.k))
    unit[:, 0] = 1.0
    return np.asarray(_solve(hess, unit)[:, 0], dtype=np.float64)


def _solve(hess: FloatArray, rhs: FloatArray) -> FloatArray:
    try:
        return np.asarray(np.linalg.solve(hess, rhs[:, :, None])[:, :, 0], dtype=np.float64)
    except np.linalg.LinAlgError:
        # A singular row (a model that is not identifiable slipped through) must not sink
        # the batch: solve row by row, least squares for the singular ones.
        out = np.empty_like(rhs)
        for i in range(rhs.shape[0]):
            out[i] = np.linalg.lstsq(hess[i], rhs[i], rcond=None)[0]
        return out
