"""Properties every MSE answer must have, and the cases where there must be no answer."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lightkeeper.errors import ConfigError, EstimationError
from lightkeeper.stats.mse import (
    cell_counts,
    check_model,
    estimate_population,
    fit_model,
    permute_lists,
    remove_noninformative_lists,
    table_from_histories,
    table_from_records,
)
from tests.stats.mse_fixtures import DATASETS, load


def _term_set(terms: tuple[str, ...]) -> set[frozenset[str]]:
    return {frozenset(t.split(":")) for t in terms}


@pytest.mark.parametrize("name", DATASETS)
def test_estimate_is_never_below_observed(name: str) -> None:
    result = estimate_population(load(name), nboot=30, seed=5)
    assert result.estimate >= result.observed
    assert result.bootstrap is not None
    assert min(result.bootstrap.replicates) >= result.observed
    assert all(c.estimate >= result.observed for c in result.candidates)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    m=st.integers(min_value=3, max_value=4),
    counts=st.lists(st.integers(min_value=0, max_value=60), min_size=15, max_size=15),
)
def test_estimate_at_least_observed_on_random_tables(m: int, counts: list[int]) -> None:
    n_cells = (1 << m) - 1
    histories = [[(c >> i) & 1 for i in range(m)] for c in range(1, n_cells + 1)]
    table_counts = counts[:n_cells]
    assume(sum(table_counts) > 0)
    try:
        table = table_from_histories([f"L{i}" for i in range(m)], histories, table_counts)
        result = estimate_population(table, nboot=0)
    except EstimationError:
        return
    assert np.isfinite(result.estimate)
    assert result.estimate >= table.observed


@pytest.mark.parametrize("name", ["UKdat", "NewOrl", "UKdat_5"])
@pytest.mark.parametrize("generator", ["r", "numpy"])
def test_permuting_lists_changes_nothing(name: str, generator: str) -> None:
    table = load(name)
    order = list(range(table.n_lists))
    random.Random(3).shuffle(order)
    shuffled = permute_lists(table, order)
    a = estimate_population(table, nboot=40, seed=11, generator=generator)  # type: ignore[arg-type]
    b = estimate_population(shuffled, nboot=40, seed=11, generator=generator)  # type: ignore[arg-type]
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9)
    assert _term_set(b.terms) == _term_set(a.terms)
    assert a.ci_95 is not None and b.ci_95 is not None
    assert b.ci_95 == pytest.approx(a.ci_95, rel=1e-7)


def test_artificial_3_existence_and_identifiability() -> None:
    """Chan, Silverman and Vincent (2021), Tables 2-3, as SparseMSE's checkident reports."""
    table = load("Artificial_3")
    assert check_model(table, ["A:B", "A:C", "B:C"]).code == 2
    assert check_model(table, ["A:B"]).code == 1
    assert check_model(table, ["A:C", "B:C"]).code == 0
    with pytest.raises(EstimationError, match="not identifiable"):
        fit_model(table, ["A:B", "A:C", "B:C"])
    with pytest.raises(EstimationError, match="no maximum likelihood estimate"):
        fit_model(table, ["A:B"])
    fine = fit_model(table, ["A:C", "B:C"])
    assert set(fine.fixed_terms) == {"A:C", "B:C"}
    assert fine.estimate >= table.observed


def test_fixed_model_without_mle_is_reported_not_estimated() -> None:
    with pytest.raises(EstimationError, match="no maximum likelihood estimate"):
        estimate_population(load("Artificial_3"), method="fixed", terms=["A:B"], nboot=0)


def test_main_effects_without_mle_is_an_error() -> None:
    # Two lists with no one in common: Lincoln-Petersen has no finite estimate.
    table = table_from_histories(["A", "B"], [[1, 0], [0, 1]], [10, 5])
    with pytest.raises(EstimationError, match="main-effects model"):
        estimate_population(table, nboot=0)


def test_too_few_informative_lists() -> None:
    table = table_from_histories(["A", "B"], [[1, 0], [1, 1]], [10, 5])
    with pytest.raises(EstimationError, match="two informative lists"):
        estimate_population(table, nboot=0)


def test_noninformative_lists_are_removed_with_reasons() -> None:
    base = load("UKdat_5")
    n = base.n_lists
    extra = np.hstack(
        [
            base.histories,
            base.histories[:, [1]],  # a copy of NG
            np.zeros((base.histories.shape[0], 1), dtype=np.int8),  # nobody
        ]
    )
    table = table_from_histories([*base.lists, "NGcopy", "Empty"], extra, base.counts)
    reduced, removed = remove_noninformative_lists(table)
    assert reduced.lists == base.lists
    assert {r.name for r in removed} == {"NGcopy", "Empty"}
    assert "repeats list NG" in next(r.reason for r in removed if r.name == "NGcopy")
    result = estimate_population(table, nboot=0)
    assert result.estimate == pytest.approx(estimate_population(base, nboot=0).estimate)
    assert len(result.removed_lists) == 2
    assert n == len(result.lists)


def test_records_build_the_same_histories_as_the_table() -> None:
    table = load("UKdat_5")
    records: list[tuple[str, str]] = []
    person = 0
    for history, count in zip(table.histories, table.counts, strict=True):
        for _ in range(int(count)):
            person += 1
            for i, on in enumerate(history):
                if on:
                    records.append((table.lists[i], f"p{person}"))
                    records.append((table.lists[i], f"p{person}"))  # seen twice, counted once
    random.Random(1).shuffle(records)
    rebuilt = table_from_records(records)
    order = [rebuilt.lists.index(name) for name in table.lists]
    assert np.array_equal(cell_counts(permute_lists(rebuilt, order)), cell_counts(table))
    assert rebuilt.observed == table.observed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pthresh": 1.0}, "threshold"),
        ({"nboot": -1}, "bootstrap"),
        ({"alpha": (0.0, 0.5)}, "Quantile"),
        ({"method": "bayes"}, "Unknown method"),
        ({"terms": ["LA:NG"]}, "fixed method"),
        ({"method": "fixed", "terms": ["LA:XX"]}, "unknown list"),
        ({"workers": 0}, "workers"),
    ],
)
def test_bad_options_are_config_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        estimate_population(load("UKdat_5"), **{"nboot": 0, **kwargs})  # type: ignore[arg-type]


def test_zero_threshold_gives_main_effects() -> None:
    result = estimate_population(load("UKdat"), pthresh=0.0, nboot=0)
    assert result.terms == ()
    assert result.estimate == pytest.approx(result.main_effects_estimate)


def test_workers_give_the_same_interval() -> None:
    table = load("UKdat_5")
    one = estimate_population(table, nboot=60, seed=3)
    two = estimate_population(table, nboot=60, seed=3, workers=2)
    assert two.ci_95 == pytest.approx(one.ci_95)
    assert two.bootstrap is not None and one.bootstrap is not None
    assert np.allclose(two.bootstrap.replicates, one.bootstrap.replicates)
