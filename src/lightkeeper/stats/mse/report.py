"""Readable and machine forms of an MSE result.

Both forms carry the caveats: an MSE figure rests on assumptions that real lists break, so
it is one estimate among the candidate models shown, never the truth.
"""

from __future__ import annotations

import math
from typing import Any

from lightkeeper.stats.mse.estimate import CandidateModel, MSEResult

CAVEATS = (
    "MSE assumes a closed population, that everyone on a list could equally have been "
    "listed, that lists are independent apart from the modelled interactions, and that "
    "records are matched without error; real lists break all of these to some degree.",
    "Read the candidate models and the interval, not one number: different defensible models "
    "can give very different totals (Whitehead et al. 2019, Journal of Human Trafficking; "
    "Silverman 2020, JRSS A).",
)

METHOD_LABELS = {
    "stepwise": "stepwise (SparseMSE, p < {pthresh:g})",
    "aic": "downhill search by AIC",
    "bic": "downhill search by BIC",
    "main": "main effects only",
    "fixed": "fixed model",
}


def result_to_dict(result: MSEResult) -> dict[str, Any]:
    """The result as JSON-ready data: ``observed``, ``estimate``, ``terms``, ``ci_95``,
    ``method`` and everything needed to judge them."""
    boot = result.bootstrap
    data = {
        "method": result.method,
        "pthresh": result.pthresh if result.method == "stepwise" else None,
        "lists": list(result.lists),
        "removed_lists": [{"name": r.name, "reason": r.reason} for r in result.removed_lists],
        "observed": result.observed,
        "observed_in_model": result.observed_in_model,
        "estimate": result.estimate,
        "dark_figure": result.estimate - result.observed_in_model,
        "terms": list(result.terms),
        "terms_fixed_at_minus_inf": list(result.fixed_terms),
        "ci_95": list(result.ci_95) if result.ci_95 is not None else None,
        "model_interval_95": list(result.model_interval_95),
        "main_effects_estimate": result.main_effects_estimate,
        "bootstrap": None
        if boot is None
        else {
            "nboot": boot.nboot,
            "seed": boot.seed,
            "generator": boot.generator,
            "bca": {_level(a): q for a, q in zip(boot.alpha, boot.quantiles, strict=True)},
            "acceleration": boot.acceleration,
            "bias_correction": boot.bias_correction,
            "replicates_with_empty_list": boot.replicates_with_empty_list,
            "replicates_without_estimate": boot.replicates_without_estimate,
        },
        "candidates": [_candidate_dict(c) for c in result.candidates],
        "caveats": list(CAVEATS),
    }
    return dict(_json_safe(data))


def render_text(result: MSEResult) -> str:
    """A short report for the terminal: the estimate, its interval, the candidate models."""
    label = METHOD_LABELS[result.method].format(pthresh=result.pthresh)
    lines = [
        f"Multiple Systems Estimation, {label}",
        f"Lists ({len(result.lists)}): {', '.join(result.lists)}",
    ]
    lines += [f"Removed list {r.name}: {r.reason}." for r in result.removed_lists]
    lines.append(f"Observed: {result.observed:,} people")
    if result.observed_in_model != result.observed:
        lines.append(f"Observed on the remaining lists: {result.observed_in_model:,}")
    lines.append(f"Estimate: {_num(result.estimate)} in total")
    if result.ci_95 is not None and result.bootstrap is not None:
        lo, hi = result.ci_95
        boot = result.bootstrap
        lines.append(
            f"BCa 95% interval: {_num(lo)} to {_num(hi)} ({boot.nboot:,} bootstrap replicates, "
            f"model selection redone in each; seed {boot.seed}, {boot.generator} generator)"
        )
        if boot.replicates_without_estimate:
            lines.append(
                f"{boot.replicates_without_estimate} replicates gave no estimate and were left out."
            )
    lines.append(f"Model terms: {', '.join(result.terms) or 'none (main effects only)'}")
    if result.fixed_terms:
        lines.append(
            f"Terms at minus infinity (lists with no case in common): "
            f"{', '.join(result.fixed_terms)}"
        )
    lines += ["", "Candidate models (intervals assume the model is right):"]
    lines += _candidate_table(result.candidates)
    lines += ["", *(f"Note: {c}" for c in CAVEATS)]
    return "\n".join(lines)


def _candidate_table(candidates: tuple[CandidateModel, ...]) -> list[str]:
    header = ("model", "estimate", "95% interval", "AIC", "BIC", "shown as")
    rows = [
        (
            ", ".join(c.terms) or "main effects",
            _num(c.estimate),
            f"{_num(c.interval_95[0])} to {_num(c.interval_95[1])}",
            f"{c.aic:.1f}",
            f"{c.bic:.1f}",
            "; ".join(c.roles),
        )
        for c in candidates
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    right = {1, 2, 3, 4}

    def line(cells: tuple[str, ...]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _candidate_dict(c: CandidateModel) -> dict[str, Any]:
    return {
        "terms": list(c.terms),
        "terms_fixed_at_minus_inf": list(c.fixed_terms),
        "estimate": c.estimate,
        "interval_95": list(c.interval_95),
        "aic": c.aic,
        "bic": c.bic,
        "roles": list(c.roles),
    }


def _json_safe(value: Any) -> Any:
    # JSON has no infinity; an interval end that overflowed becomes null.
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _level(alpha: float) -> str:
    return f"{alpha:g}"


def _num(value: float) -> str:
    if not math.isfinite(value):
        return "unbounded"
    return f"{round(value):,}"
