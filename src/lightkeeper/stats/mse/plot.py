"""A chart of the estimate under each candidate model, so a reader sees how much it moves.

One row per candidate model with its model-conditional 95% interval, plus the selected model
with its BCa interval (which also carries the uncertainty of choosing the model), and a line
at the number of people actually observed.
"""

from __future__ import annotations

import math
from pathlib import Path

from lightkeeper.errors import ConfigError, OutputError
from lightkeeper.stats.mse.estimate import MSEResult

FORMATS = {".png": "png", ".svg": "svg"}
LABEL_LIMIT = 70


def plot_format(path: Path) -> str:
    """The chart format for ``path``: ``"png"`` or ``"svg"``; ConfigError for other suffixes."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(f"The plot file must end in .png or .svg, not '{path.suffix}'.")
    return fmt


def plot_candidates(result: MSEResult, path: Path) -> Path:
    """Write the candidate-model chart to ``path`` (PNG or SVG, chosen by the suffix).

    Raises ConfigError for another suffix and OutputError when the file cannot be written.
    """
    fmt = plot_format(path)
    # Figure without pyplot: no global state, no GUI backend, safe in worker processes.
    from matplotlib.figure import Figure

    rows = _rows(result)
    fig = Figure(figsize=(10.0, 1.4 + 0.62 * len(rows)), layout="constrained")
    ax = fig.add_subplot()
    for y, (_label, estimate, lo, hi, selected) in enumerate(rows):
        color = "#b2182b" if selected else "#2166ac"
        ax.errorbar(
            [estimate],
            [y],
            xerr=[[estimate - lo], [hi - estimate]],
            fmt="o",
            color=color,
            capsize=3,
        )
    ax.axvline(result.observed, color="#555555", linestyle="--", linewidth=1)
    ax.text(
        result.observed,
        0.01,
        " observed",
        color="#555555",
        va="bottom",
        transform=ax.get_xaxis_transform(),
    )
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("estimated population size (95% interval)")
    fig.suptitle(
        f"Estimates under candidate models: {result.observed:,} people observed",
        x=0.01,
        ha="left",
    )
    ax.grid(axis="x", alpha=0.3)
    try:
        fig.savefig(path, format=fmt, dpi=120)
    except OSError as e:
        raise OutputError(f"Cannot write the plot to {path}: {e.strerror}.") from e
    return path


def _rows(result: MSEResult) -> list[tuple[str, float, float, float, bool]]:
    rows = [
        (
            f"{_short(', '.join(c.terms) or 'main effects')}\n({'; '.join(c.roles)})",
            c.estimate,
            _finite(c.interval_95[0], c.estimate),
            _finite(c.interval_95[1], c.estimate),
            False,
        )
        for c in result.candidates
    ]
    if result.ci_95 is not None:
        lo, hi = result.ci_95
        label = f"selected model ({result.method})\nBCa bootstrap interval"
        rows.append((label, result.estimate, lo, hi, True))
    return rows


def _finite(value: float, fallback: float) -> float:
    # An interval end can overflow for a barely identified model; draw no bar rather than fail.
    return value if math.isfinite(value) else fallback


def _short(label: str) -> str:
    return label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1] + "…"
