"""Estimate a hidden population by Multiple Systems Estimation, as SparseMSE does.

`estimate_population` is the one entry point: it drops lists that carry no information,
checks that the data support any estimate at all, selects a model (SparseMSE's stepwise rule
by default), fits it, and bootstraps the whole procedure for a BCa interval. `fit_model` fits
one named model and says plainly when that model cannot give an estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

from lightkeeper.engine.local import LocalEngine
from lightkeeper.errors import ConfigError, EstimationError
from lightkeeper.stats.mse.bootstrap import (
    DEFAULT_ALPHA,
    GENERATORS,
    Generator,
    acceleration,
    bca_quantiles,
    bias_correction,
    bootstrap_samples,
    jackknife_counts,
)
from lightkeeper.stats.mse.data import (
    CaptureTable,
    RemovedList,
    cell_counts,
    remove_noninformative_lists,
)
from lightkeeper.stats.mse.design import (
    MAX_MODEL_LISTS,
    FloatArray,
    Layout,
    layout_for,
    pair_mask_bits,
    pair_names,
)
from lightkeeper.stats.mse.existence import ExistenceChecker, ModelCheck
from lightkeeper.stats.mse.fit import one_blas_thread
from lightkeeper.stats.mse.select import (
    Selection,
    fit_checked,
    fit_models,
    select_by_criterion,
    select_stepwise,
)

Method = Literal["stepwise", "aic", "bic", "main", "fixed"]
METHODS: tuple[Method, ...] = ("stepwise", "aic", "bic", "main", "fixed")
MAX_NBOOT = 100_000
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CandidateModel:
    """One model fitted to the data, shown so a reader sees how the answer moves with it.

    ``interval_95`` is the model-conditional interval (log-normal on the dark figure, as
    SparseMSE's estimatepopulation.0): it ignores the uncertainty of choosing the model.
    """

    terms: tuple[str, ...]
    fixed_terms: tuple[str, ...]
    estimate: float
    interval_95: tuple[float, float]
    aic: float
    bic: float
    roles: tuple[str, ...]


@dataclass(frozen=True)
class BootstrapSummary:
    """The bootstrap behind the BCa interval."""

    nboot: int
    seed: int
    generator: Generator
    alpha: tuple[float, ...]
    quantiles: tuple[float, ...]
    acceleration: float
    bias_correction: float
    replicates: tuple[float, ...]
    replicates_with_empty_list: int
    replicates_without_estimate: int

    def quantile(self, level: float) -> float:
        """The BCa limit at ``level`` (one of ``alpha``)."""
        return self.quantiles[self.alpha.index(level)]


@dataclass(frozen=True)
class MSEResult:
    """Everything `estimate_population` found; `ci_95` is the BCa 95% interval."""

    lists: tuple[str, ...]
    removed_lists: tuple[RemovedList, ...]
    observed: int
    observed_in_model: int
    method: Method
    pthresh: float
    terms: tuple[str, ...]
    fixed_terms: tuple[str, ...]
    estimate: float
    model_interval_95: tuple[float, float]
    main_effects_estimate: float
    bootstrap: BootstrapSummary | None
    candidates: tuple[CandidateModel, ...]

    @property
    def ci_95(self) -> tuple[float, float] | None:
        """BCa 95% interval, or None without a bootstrap."""
        if self.bootstrap is None:
            return None
        return (self.bootstrap.quantile(0.025), self.bootstrap.quantile(0.975))


@dataclass(frozen=True)
class Prepared:
    """Data ready for estimation: informative lists only, as cell counts over a layout."""

    table: CaptureTable
    removed: tuple[RemovedList, ...]
    layout: Layout
    counts: IntArray


def estimate_population(
    table: CaptureTable,
    *,
    method: Method = "stepwise",
    pthresh: float = 0.02,
    terms: Sequence[str] = (),
    nboot: int = 1000,
    seed: int = 1234,
    alpha: Sequence[float] = DEFAULT_ALPHA,
    generator: Generator = "r",
    workers: int = 1,
) -> MSEResult:
    """Estimate the population size behind ``table`` with a BCa bootstrap interval.

    ``method`` picks the model: SparseMSE's stepwise rule with threshold ``pthresh``, a
    downhill search by AIC or BIC, main effects only, or the ``fixed`` model of ``terms``
    (names like ``"A:B"``). The selection is redone in each of ``nboot`` replicates (0: no
    bootstrap); with ``generator="r"`` the replicates are R's for the same seed, so the
    interval is SparseMSE's. Raises EstimationError when no estimate can be made, ConfigError
    for bad options. ``workers`` > 1 spreads the bootstrap over processes.
    """
    levels = _check_options(
        method, pthresh=pthresh, terms=terms, nboot=nboot, alpha=alpha, workers=workers
    )
    if generator not in GENERATORS:
        raise ConfigError(f"Unknown generator '{generator}'; use one of {', '.join(GENERATORS)}.")
    prep = prepare(table)
    checker = ExistenceChecker(prep.layout)
    fixed_mask = _terms_mask(prep, terms) if method == "fixed" else 0
    _require_estimable(prep, checker, fixed_mask, terms)
    chosen = _select(
        prep.layout,
        prep.counts[None, :],
        method,
        pthresh=pthresh,
        fixed_mask=fixed_mask,
        checker=checker,
    )
    estimate = float(chosen.estimates[0])
    names = pair_names(prep.table.lists)
    boot = None
    if nboot > 0:
        job = _Job(prep.layout.m, prep.counts[None, :], method, pthresh, fixed_mask)
        boot = _bootstrap(
            prep,
            job,
            estimate=estimate,
            nboot=nboot,
            seed=seed,
            levels=levels,
            generator=generator,
            workers=workers,
        )
    candidates = candidate_models(prep, chosen, method, pthresh, checker)
    main = next(c for c in candidates if not c.terms)
    return MSEResult(
        lists=prep.table.lists,
        removed_lists=prep.removed,
        observed=table.observed,
        observed_in_model=prep.table.observed,
        method=method,
        pthresh=pthresh,
        terms=tuple(names[p] for p in chosen.paths[0]),
        fixed_terms=tuple(names[p] for p in np.flatnonzero(chosen.fixed[0])),
        estimate=estimate,
        model_interval_95=_lognormal_interval(chosen, 0),
        main_effects_estimate=main.estimate,
        bootstrap=boot,
        candidates=candidates,
    )


def fit_model(table: CaptureTable, terms: Sequence[str]) -> CandidateModel:
    """Fit the model with main effects plus the two-list ``terms`` (e.g. ``["A:B"]``).

    Raises EstimationError, naming the reason, when its maximum likelihood estimate does not
    exist or its parameters are not identifiable on these data.
    """
    prep = prepare(table)
    checker = ExistenceChecker(prep.layout)
    mask = _terms_mask(prep, terms)
    _require_estimable(prep, checker, mask, terms)
    with_fit = fit_models(prep.layout, prep.counts[None, :], np.array([mask], dtype=np.int64))
    return _candidate(prep, with_fit, 0, ("fixed",))


def check_model(table: CaptureTable, terms: Sequence[str]) -> ModelCheck:
    """SparseMSE's ``checkident`` for one model: does its MLE exist, is it identifiable."""
    prep = prepare(table)
    return ExistenceChecker(prep.layout).check(prep.counts, _terms_mask(prep, terms))


def prepare(table: CaptureTable) -> Prepared:
    """Drop non-informative lists and lay the counts out over the cells.

    Raises EstimationError when fewer than two informative lists remain or too many lists
    are given for the exhaustive cell layout.
    """
    reduced, removed = remove_noninformative_lists(table)
    if reduced.n_lists < 2:
        why = "; ".join(f"{r.name}: {r.reason}" for r in removed) or "only one list given"
        raise EstimationError(f"At least two informative lists are needed for an estimate ({why}).")
    if reduced.n_lists > MAX_MODEL_LISTS:
        raise EstimationError(
            f"{reduced.n_lists} lists is more than the {MAX_MODEL_LISTS} supported; "
            "merge small lists first."
        )
    layout = layout_for(reduced.n_lists)
    return Prepared(reduced, removed, layout, cell_counts(reduced))


def candidate_models(
    prep: Prepared,
    chosen: Selection,
    method: Method,
    pthresh: float,
    checker: ExistenceChecker,
) -> tuple[CandidateModel, ...]:
    """The models worth showing beside the selected one.

    Main effects, each model on the stepwise path, and the AIC and BIC choices, each fitted
    to the data with its model-conditional interval; duplicates are merged with all roles.
    """
    one = prep.counts[None, :]
    roles: dict[int, list[str]] = {0: ["main effects"]}
    stepwise = select_stepwise(prep.layout, one, pthresh=pthresh, checker=checker)
    mask = 0
    for step, pair in enumerate(stepwise.paths[0], start=1):
        mask |= 1 << pair
        roles.setdefault(mask, []).append(f"stepwise step {step}")
    for criterion in ("aic", "bic"):
        picked = select_by_criterion(prep.layout, one, criterion=criterion, checker=checker)
        roles.setdefault(int(picked.pair_masks[0]), []).append(criterion.upper())
    roles.setdefault(int(chosen.pair_masks[0]), []).append(f"selected ({method})")
    masks = np.array(list(roles), dtype=np.int64)
    fits = fit_models(prep.layout, np.repeat(one, masks.size, axis=0), masks)
    path_order = {m: i for i, m in enumerate(roles)}
    ordered = sorted(range(masks.size), key=lambda i: path_order[int(masks[i])])
    return tuple(_candidate(prep, fits, i, tuple(roles[int(masks[i])])) for i in ordered)


def _candidate(prep: Prepared, fits: Selection, row: int, roles: tuple[str, ...]) -> CandidateModel:
    names = pair_names(prep.table.lists)
    n_obs = float(prep.table.observed)
    n_params = 1 + prep.layout.m + len(pair_mask_bits(int(fits.pair_masks[row])))
    loglik = float(fits.loglik[row])
    return CandidateModel(
        terms=tuple(names[p] for p in fits.paths[row]),
        fixed_terms=tuple(names[p] for p in np.flatnonzero(fits.fixed[row])),
        estimate=float(fits.estimates[row]),
        interval_95=_lognormal_interval(fits, row),
        aic=-2.0 * loglik + 2.0 * n_params,
        bic=-2.0 * loglik + float(np.log(max(n_obs, 2.0))) * n_params,
        roles=roles,
    )


def _lognormal_interval(fits: Selection, row: int) -> tuple[float, float]:
    sd = float(np.sqrt(max(fits.intercept_var[row], 0.0)))
    log_dark = float(fits.beta[row, 0])
    observed = float(fits.observed[row])
    z = float(norm.ppf(0.975))
    return (observed + np.exp(log_dark - z * sd), observed + np.exp(log_dark + z * sd))


@one_blas_thread
def _select(
    layout: Layout,
    counts: IntArray,
    method: Method,
    *,
    pthresh: float,
    fixed_mask: int,
    checker: ExistenceChecker,
) -> Selection:
    if method == "stepwise":
        return select_stepwise(layout, counts, pthresh=pthresh, checker=checker)
    if method in ("aic", "bic"):
        return select_by_criterion(layout, counts, criterion=method, checker=checker)
    return fit_models(layout, counts, np.full(counts.shape[0], fixed_mask, dtype=np.int64))


@dataclass(frozen=True)
class _Job:
    m: int
    counts: IntArray
    method: Method
    pthresh: float
    fixed_mask: int


def _estimates_for(job: _Job) -> FloatArray:
    """Estimates for a block of data sets (a worker's unit; NaN where none exists)."""
    layout = layout_for(job.m)
    checker = ExistenceChecker(layout)
    if job.method in ("main", "fixed"):
        # SparseMSE's modelfit checks a fixed model first and gives no estimate when it
        # fails; such replicates are left out of the interval and counted.
        fitted, ok = fit_checked(layout, job.counts, job.fixed_mask, checker)
        return np.where(ok, fitted.estimates, np.nan)
    chosen = _select(
        layout,
        job.counts,
        job.method,
        pthresh=job.pthresh,
        fixed_mask=job.fixed_mask,
        checker=checker,
    )
    return chosen.estimates


def _run_chunked(job: _Job, workers: int) -> FloatArray:
    if workers == 1:
        return _estimates_for(job)
    chunks = np.array_split(job.counts, workers * 2)
    jobs = [_Job(job.m, c, job.method, job.pthresh, job.fixed_mask) for c in chunks if c.size]
    with LocalEngine(workers) as engine:
        return np.concatenate(list(engine.map_batches(_estimates_for, jobs)))


def _bootstrap(
    prep: Prepared,
    job: _Job,
    *,
    estimate: float,
    nboot: int,
    seed: int,
    levels: tuple[float, ...],
    generator: Generator,
    workers: int,
) -> BootstrapSummary:
    """Redo ``job``'s selection on bootstrap and jackknife samples; summarise as BCa."""
    samples = bootstrap_samples(
        prep.table, prep.layout, nboot=nboot, seed=seed, generator=generator
    )
    estimates = _run_chunked(replace(job, counts=samples), workers)
    jack, weights = jackknife_counts(prep.counts)
    jack_est = _estimates_for(replace(job, counts=jack))
    usable = np.isfinite(jack_est)
    ahat = acceleration(jack_est[usable], weights[usable])
    valid = estimates[np.isfinite(estimates)]
    if valid.size == 0:
        raise EstimationError("No bootstrap replicate gave an estimate, so there is no interval.")
    empty_list = np.any(samples @ prep.layout.cells.astype(np.int64) == 0, axis=1)
    return BootstrapSummary(
        nboot=nboot,
        seed=seed,
        generator=generator,
        alpha=levels,
        quantiles=tuple(float(q) for q in bca_quantiles(valid, estimate, ahat, levels)),
        acceleration=ahat,
        bias_correction=bias_correction(valid, estimate),
        replicates=tuple(float(v) for v in estimates),
        replicates_with_empty_list=int(empty_list.sum()),
        replicates_without_estimate=int(estimates.size - valid.size),
    )


def _check_options(
    method: str,
    *,
    pthresh: float,
    terms: Sequence[str],
    nboot: int,
    alpha: Sequence[float],
    workers: int,
) -> tuple[float, ...]:
    if method not in METHODS:
        raise ConfigError(f"Unknown method '{method}'; use one of {', '.join(METHODS)}.")
    if terms and method != "fixed":
        raise ConfigError("Model terms can only be given with the fixed method.")
    if not 0.0 <= pthresh < 1.0:
        raise ConfigError(f"The p-value threshold must be in [0, 1), not {pthresh}.")
    if not 0 <= nboot <= MAX_NBOOT:
        raise ConfigError(f"The number of bootstrap replicates must be 0 to {MAX_NBOOT}.")
    if nboot and nboot < 2:
        raise ConfigError("A bootstrap needs at least 2 replicates (or 0 for none).")
    if workers < 1:
        raise ConfigError("The number of workers must be at least 1.")
    bad = [a for a in alpha if not 0.0 < a < 1.0]
    if bad:
        raise ConfigError(f"Quantile levels must lie strictly between 0 and 1, not {bad[0]}.")
    return tuple(sorted({*alpha, 0.025, 0.975}))


def _terms_mask(prep: Prepared, terms: Sequence[str]) -> int:
    lists = prep.table.lists
    removed = {r.name for r in prep.removed}
    index = {name: i for i, name in enumerate(lists)}
    pair_of = {pair: k for k, pair in enumerate(prep.layout.pairs)}
    mask = 0
    for term in terms:
        parts = [p.strip() for p in term.split(":")]
        if len(parts) != 2 or parts[0] == parts[1]:
            raise ConfigError(f"A term names two different lists, like 'A:B'; got '{term}'.")
        gone = [p for p in parts if p in removed]
        if gone:
            raise ConfigError(f"Term '{term}' uses list {gone[0]}, which was removed.")
        unknown = [p for p in parts if p not in index]
        if unknown:
            raise ConfigError(
                f"Term '{term}' names unknown list {unknown[0]}; lists are {', '.join(lists)}."
            )
        i, j = sorted(index[p] for p in parts)
        mask |= 1 << pair_of[(i, j)]
    return mask


def _require_estimable(
    prep: Prepared, checker: ExistenceChecker, mask: int, terms: Sequence[str]
) -> None:
    # No model has an MLE when main effects have none (existence passes to sub-models), so
    # the main-effects check guards every method; a fixed model is checked as given.
    main = checker.check(prep.counts, 0)
    if not main.exists:
        raise EstimationError(
            "No maximum likelihood estimate exists even for the main-effects model on these "
            "data (the Fienberg-Rinaldo linear-programming test fails), so no estimate can "
            "be made."
        )
    if mask == 0:
        return
    check = checker.check(prep.counts, mask)
    label = ", ".join(terms)
    if not check.identifiable and not check.exists:
        raise EstimationError(
            f"The model with {label} is not identifiable and has no maximum likelihood "
            "estimate on these data, so it gives no estimate."
        )
    if not check.identifiable:
        raise EstimationError(
            f"The model with {label} is not identifiable on these data (its design is rank "
            "deficient), so it gives no estimate."
        )
    if not check.exists:
        raise EstimationError(
            f"The model with {label} has no maximum likelihood estimate on these data (the "
            "Fienberg-Rinaldo linear-programming test fails), so it gives no estimate."
        )
