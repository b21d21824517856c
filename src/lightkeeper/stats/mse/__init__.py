"""Multiple Systems Estimation (MSE) of hidden populations, matching R's SparseMSE.

Typical use::

    from lightkeeper.stats.mse import read_capture_table, estimate_population, render_text

    result = estimate_population(read_capture_table(path), nboot=1000, seed=1234)
    print(render_text(result))

Modules: `data` (capture histories, records), `design` (cells and model matrices), `fit`
(batched Poisson IRLS), `existence` (linear-programming existence test, identifiability),
`select` (stepwise, AIC, BIC), `rng` (R-compatible multinomial draws), `bootstrap` (BCa),
`estimate` (the entry points), `report` and `plot`.
"""

from lightkeeper.stats.mse.bootstrap import DEFAULT_ALPHA, GENERATORS, Generator
from lightkeeper.stats.mse.data import (
    CaptureTable,
    RemovedList,
    cell_counts,
    parse_capture_table,
    parse_records,
    permute_lists,
    read_capture_table,
    read_records,
    remove_noninformative_lists,
    table_from_histories,
    table_from_records,
)
from lightkeeper.stats.mse.estimate import (
    METHODS,
    BootstrapSummary,
    CandidateModel,
    Method,
    MSEResult,
    check_model,
    estimate_population,
    fit_model,
)
from lightkeeper.stats.mse.existence import ModelCheck
from lightkeeper.stats.mse.plot import plot_candidates, plot_format
from lightkeeper.stats.mse.report import render_text, result_to_dict

__all__ = [
    "DEFAULT_ALPHA",
    "GENERATORS",
    "METHODS",
    "BootstrapSummary",
    "CandidateModel",
    "CaptureTable",
    "Generator",
    "MSEResult",
    "Method",
    "ModelCheck",
    "RemovedList",
    "cell_counts",
    "check_model",
    "estimate_population",
    "fit_model",
    "parse_capture_table",
    "parse_records",
    "permute_lists",
    "plot_candidates",
    "plot_format",
    "read_capture_table",
    "read_records",
    "remove_noninformative_lists",
    "render_text",
    "result_to_dict",
    "table_from_histories",
    "table_from_records",
]
