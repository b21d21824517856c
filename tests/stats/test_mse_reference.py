"""MSE results against SparseMSE 2.0.2 (reference.json) and published figures."""

from __future__ import annotations

import csv
from typing import Any

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.stats import ks_2samp

from lightkeeper.stats.mse import estimate_population
from lightkeeper.stats.mse.data import cell_counts
from lightkeeper.stats.mse.design import layout_for
from lightkeeper.stats.mse.existence import ExistenceChecker
from lightkeeper.stats.mse.fit import fit_batch, model_masks
from lightkeeper.stats.mse.select import select_stepwise
from tests.stats.mse_fixtures import DATA, DATASETS, load

BCA_LEVELS = ("0.025", "0.05", "0.95", "0.975")


@pytest.mark.parametrize("name", DATASETS)
def test_point_estimate_and_terms_match_sparsemse(name: str, reference: dict[str, Any]) -> None:
    ref = reference[name]
    result = estimate_population(load(name), nboot=0)
    assert result.observed == ref["observed_total"]
    assert result.lists == tuple(ref["lists"])
    assert result.estimate == pytest.approx(ref["stepwise"]["estimate"], rel=1e-6)
    assert result.main_effects_estimate == pytest.approx(ref["main_effects_estimate"], rel=1e-6)
    assert list(result.terms) == ref["stepwise"]["terms"]
    assert list(result.fixed_terms) == ref["stepwise"]["terms_fixed_at_minus_inf"]
    assert result.ci_95 is None


@pytest.mark.parametrize("name", ["UKdat", "UKdat_5"])
def test_bic_downhill_matches_published_estimate(name: str, reference: dict[str, Any]) -> None:
    published = next(
        p for p in reference[name]["published"] if p["method"] == "downhill BIC search, maxorder 2"
    )
    result = estimate_population(load(name), method="bic", nboot=0)
    assert round(result.estimate) == published["estimate"]


def test_aic_selects_a_model_no_worse_than_main_effects() -> None:
    result = estimate_population(load("UKdat_5"), method="aic", nboot=0)
    chosen = next(c for c in result.candidates if "AIC" in c.roles)
    main = next(c for c in result.candidates if not c.terms)
    assert result.terms
    assert chosen.aic < main.aic
    assert result.estimate == pytest.approx(chosen.estimate)


def test_bootstrap_replicates_are_those_of_r() -> None:
    """With the R generator, the first replicates and their estimates are R's own."""
    with (DATA / "r_bootstrap_UKdat_5.csv").open() as f:
        rows = [[float(v) for v in row] for row in list(csv.reader(f))[1:]]
    r_counts = np.array([row[:-1] for row in rows], dtype=np.int64)
    r_estimates = np.array([row[-1] for row in rows])
    table = load("UKdat_5")
    result = estimate_population(table, nboot=len(rows), seed=1234)
    assert result.bootstrap is not None
    assert np.allclose(result.bootstrap.replicates, r_estimates, rtol=1e-7)
    layout = layout_for(table.n_lists)
    cells = table.histories.astype(np.int64) @ (1 << np.arange(table.n_lists)) - 1
    per_cell = np.zeros((len(rows), layout.n_cells), dtype=np.int64)
    per_cell[:, cells] = r_counts
    checker = ExistenceChecker(layout)
    again = select_stepwise(layout, per_cell, pthresh=0.02, checker=checker)
    assert np.allclose(again.estimates, r_estimates, rtol=1e-7)


@pytest.mark.parametrize("name", ["UKdat", "NewOrl"])
def test_batched_fit_matches_statsmodels(name: str) -> None:
    table = load(name)
    layout = layout_for(table.n_lists)
    counts = cell_counts(table)
    masks_in = np.array([0, 1, 0b101, 1 << (layout.n_pairs - 1)], dtype=np.int64)
    rows = np.repeat(counts[None, :], masks_in.size, axis=0)
    masks = model_masks(layout, rows, masks_in)
    fit = fit_batch(layout, rows, masks)
    for k in range(masks_in.size):
        x = layout.design[np.ix_(masks.cells[k], masks.columns[k])]
        glm = sm.GLM(counts[masks.cells[k]], x, family=sm.families.Poisson()).fit()
        assert fit.beta[k, 0] == pytest.approx(glm.params[0], abs=1e-7)
        assert np.sqrt(fit.intercept_var[k]) == pytest.approx(glm.bse[0], rel=1e-6)


def test_main_effects_interval_matches_published_new_orleans(reference: dict[str, Any]) -> None:
    published = next(
        p for p in reference["NewOrl"]["published"] if p["method"].startswith("main effects")
    )
    result = estimate_population(load("NewOrl"), method="main", nboot=0)
    lo, hi = result.model_interval_95
    # Published as (644, 1618): the log-normal interval of the main-effects fit.
    assert abs(lo - published["ci95"][0]) < 1
    assert abs(hi - published["ci95"][1]) < 1


@pytest.mark.slow
@pytest.mark.parametrize("name", DATASETS)
def test_bca_interval_reproduces_sparsemse(name: str, reference: dict[str, Any]) -> None:
    """1,000 replicates, seed 1234, R generator: SparseMSE's BCa limits to the cent."""
    ref = reference[name]["stepwise"]
    result = estimate_population(load(name), nboot=ref["nboot"], seed=ref["iseed"])
    boot = result.bootstrap
    assert boot is not None
    for level in BCA_LEVELS:
        assert boot.quantile(float(level)) == pytest.approx(ref["bca"][level], abs=0.01)
        assert abs(boot.quantile(float(level)) / ref["bca"][level] - 1) < 0.07
    if name == "NewOrl":
        # List B is empty in 3 replicates; SparseMSE keeps them at main effects (see notes).
        assert boot.replicates_with_empty_list == 3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["UKdat", "UKdat_5", "NewOrl_5"])
def test_numpy_generator_matches_r_in_distribution(name: str) -> None:
    """numpy's generator draws other samples, so its replicates match R's only in law.

    Its BCa ends are not held to the reference: on the small tables the reference's own ends
    lie about two standard deviations (over seeds) from their mean, R's generator included.
    """
    table = load(name)
    r_run = estimate_population(table, nboot=1000, seed=1234)
    np_run = estimate_population(table, nboot=1000, seed=1234, generator="numpy")
    assert r_run.bootstrap is not None and np_run.bootstrap is not None
    same_law = ks_2samp(np_run.bootstrap.replicates, r_run.bootstrap.replicates)
    assert same_law.pvalue > 0.001


@pytest.mark.slow
def test_bic_bootstrap_reproduces_published_interval(reference: dict[str, Any]) -> None:
    """Downhill BIC with 1,000 replicates: the interval of Silverman, Chan and Vincent (2024)."""
    published = next(
        p
        for p in reference["UKdat_5"]["published"]
        if p["method"] == "downhill BIC search, maxorder 2"
    )
    result = estimate_population(load("UKdat_5"), method="bic", nboot=1000, seed=1234)
    assert result.ci_95 is not None
    assert [round(v) for v in result.ci_95] == published["ci95"]
