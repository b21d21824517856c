"""The `lightkeeper train` command: fit indicator weights on labelled ads (see `train.py`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

DEFAULT_OUT = Path("catalogue-fitted.toml")


def register(app: typer.Typer) -> None:
    """Add the `train` command to `app`."""
    app.command(name="train")(train_command)


def train_command(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="The ads: analysis folders (their ads.parquet), ads.parquet files or ad files."
        ),
    ],
    labels: Annotated[
        Path, typer.Option("--labels", "-l", help="CSV (id,label) or JSONL of labels 0/1.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the fitted catalogue file.")
    ] = DEFAULT_OUT,
    catalogue_file: Annotated[
        Path | None,
        typer.Option("--catalogue", help="A user catalogue file merged over the default."),
    ] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds.", min=2, max=20)] = 5,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Fit the ad-level indicator weights on labelled ads and write them to a NEW catalogue file.

    Reports the cross-validated ROC AUC of the fitted weights against the catalogue's defaults.
    The default catalogue is never replaced: load the new file as a user catalogue.
    """
    from lightkeeper.ads.indicators.catalogue import load_catalogue
    from lightkeeper.ads.indicators.train import fit_weights, load_ads, read_labels, write_fitted

    catalogue = load_catalogue(catalogue_file)
    label_map = read_labels(labels)
    ads = load_ads(sources)
    result = fit_weights(ads, label_map, catalogue=catalogue, folds=folds)
    path = write_fitted(result, out, labels=labels, force=force)
    summary = {
        "labelled_ads": result.labelled,
        "positives": result.positives,
        "unmatched_labels": result.unmatched_labels,
        "folds": result.folds,
        "auc_default": round(float(np.mean(result.auc_default_folds)), 4),
        "auc_fitted": round(result.auc_fitted, 4),
        "auc_fitted_sd": round(float(np.std(result.auc_fitted_folds)), 4),
        "intercept": result.intercept,
        "weights": {code: dw[0] * dw[1] for code, dw in result.weights.items()},
        "kept_default": list(result.kept_default),
        "written": str(path),
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    _print_summary(summary, catalogue_defaults={i.code: i.contribution for i in catalogue.active()})


def _print_summary(summary: dict[str, Any], *, catalogue_defaults: dict[str, float]) -> None:
    out = Console()
    table = Table(title="Indicator weights fitted on labelled ads", show_header=True)
    table.add_column("indicator")
    table.add_column("default", justify="right")
    table.add_column("fitted", justify="right")
    weights: dict[str, float] = summary["weights"]
    for code, fitted in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
        table.add_row(code, f"{catalogue_defaults.get(code, 0.0):+.2f}", f"{fitted:+.2f}")
    out.print(table)
    out.print(
        f"{summary['labelled_ads']} labelled ads ({summary['positives']} positive); "
        f"cross-validated ROC AUC: fitted {summary['auc_fitted']:.3f} "
        f"(sd {summary['auc_fitted_sd']:.3f}) vs catalogue defaults {summary['auc_default']:.3f}.",
        highlight=False,
    )
    if summary["unmatched_labels"]:
        out.print(f"[yellow]{summary['unmatched_labels']} labelled id(s) matched no ad.[/]")
    out.print(
        f"Wrote [bold]{escape(str(summary['written']))}[/]. The default catalogue is unchanged; "
        "use the new file as a user catalogue to apply these weights.",
        highlight=False,
    )
