"""MSE speed: the UK six-list data, 1,000 bootstrap replicates, stepwise selection in each.

Run: `make bench` (all benchmarks) or `.venv/bin/python -m benchmarks.bench_mse`.

`estimate_population` is timed end to end (point estimate, 1,000 replicates each with its own
stepwise selection, the jackknife for the BCa acceleration, the candidate models), with one
process and with two. CPU time is reported beside wall time because the machine may be shared. The
baseline, measured in the same run, is statsmodels' GLM: the time
of one Poisson fit of the main-effects model, times the number of models the stepwise searches
fit (one per step of every replicate and jackknife sample: a lower bound, since a fit-per-
candidate approach also checks every candidate). The issue quotes 90 to 140 s for R.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from pathlib import Path

from lightkeeper.stats.mse import CaptureTable, estimate_population, read_capture_table
from lightkeeper.stats.mse.bootstrap import bootstrap_samples, jackknife_counts
from lightkeeper.stats.mse.data import cell_counts
from lightkeeper.stats.mse.design import layout_for
from lightkeeper.stats.mse.existence import ExistenceChecker
from lightkeeper.stats.mse.select import select_stepwise

DATA = Path(__file__).resolve().parents[1] / "src" / "lightkeeper" / "data" / "mse" / "UKdat.csv"
NBOOT = 1000
SEED = 1234
BASELINE_FITS = 200


def run() -> dict[str, float]:
    """Measure the UK six-list bootstrap and its statsmodels baseline; return the figures."""
    table = read_capture_table(DATA)
    cpu0 = time.process_time()
    seconds_one = _timed(lambda: estimate_population(table, nboot=NBOOT, seed=SEED))
    cpu_one = time.process_time() - cpu0
    seconds_two = _timed(lambda: estimate_population(table, nboot=NBOOT, seed=SEED, workers=2))
    fits, lp_runs = _count_fits(table)
    per_fit = _statsmodels_seconds_per_fit(table)
    baseline = per_fit * fits
    best = min(seconds_one, seconds_two)
    figures = {
        "uk6_nboot1000_seconds": round(seconds_one, 3),
        "uk6_nboot1000_cpu_seconds": round(cpu_one, 3),
        "uk6_nboot1000_seconds_2_workers": round(seconds_two, 3),
        "stepwise_model_fits": float(fits),
        "linear_programs_solved": float(lp_runs),
        "statsmodels_seconds_per_fit": round(per_fit, 6),
        "statsmodels_baseline_seconds": round(baseline, 3),
        "speedup_vs_statsmodels": round(baseline / best, 1),
    }
    _write(figures)
    return figures


def _timed(job: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    job()
    return time.perf_counter() - t0


def _count_fits(table: CaptureTable) -> tuple[int, int]:
    layout = layout_for(table.n_lists)
    checker = ExistenceChecker(layout)
    samples = bootstrap_samples(table, layout, nboot=NBOOT, seed=SEED)
    jack, _ = jackknife_counts(cell_counts(table))
    fits = 0
    for block in (samples, jack):
        chosen = select_stepwise(layout, block, pthresh=0.02, checker=checker)
        fits += sum(len(path) + 1 for path in chosen.paths)
    return fits, checker.lp_runs


def _statsmodels_seconds_per_fit(table: CaptureTable) -> float:
    import statsmodels.api as sm

    layout = layout_for(table.n_lists)
    counts = cell_counts(table)
    x = layout.design[:, : 1 + layout.m]
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(BASELINE_FITS):
            sm.GLM(counts, x, family=sm.families.Poisson()).fit()
    return (time.perf_counter() - t0) / BASELINE_FITS


def _write(figures: dict[str, float]) -> None:
    try:
        from benchmarks.common import write_results
    except ImportError:  # run outside the repository's benchmarks package
        return
    write_results("mse", dict(figures))


def main() -> None:
    figures = run()
    print(
        f"UK six lists, {NBOOT} replicates with stepwise selection in each: "
        f"{figures['uk6_nboot1000_seconds']:.2f} s (1 process, "
        f"{figures['uk6_nboot1000_cpu_seconds']:.2f} s of CPU), "
        f"{figures['uk6_nboot1000_seconds_2_workers']:.2f} s (2 processes)"
    )
    print(
        f"baseline: {figures['stepwise_model_fits']:.0f} statsmodels GLM fits at "
        f"{figures['statsmodels_seconds_per_fit'] * 1000:.2f} ms = "
        f"{figures['statsmodels_baseline_seconds']:.1f} s; "
        f"speed-up {figures['speedup_vs_statsmodels']}x; "
        f"{figures['linear_programs_solved']:.0f} linear programs solved"
    )


if __name__ == "__main__":
    main()
