"""`lightkeeper stats ...`: statistics commands (a Typer sub-app the main CLI mounts).

Commands raise `LightkeeperError` for anything a user can cause; the main CLI prints it as
one line without a traceback.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lightkeeper.errors import ConfigError

stats_app = typer.Typer(
    help="Statistics for policy: estimate hidden victim numbers from overlapping lists.",
    no_args_is_help=True,
)


class MethodChoice(StrEnum):
    """Model choice for `mse`."""

    stepwise = "stepwise"
    aic = "aic"
    bic = "bic"
    main = "main"
    fixed = "fixed"


class GeneratorChoice(StrEnum):
    """Random generator for the bootstrap."""

    r = "r"
    numpy = "numpy"


@stats_app.command("mse")
def mse(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="CSV: one 0/1 column per list and a 'count' column; with --records, one "
            "row per record with a list name and a person key.",
        ),
    ],
    *,
    records: Annotated[
        bool, typer.Option("--records", help="INPUT has one row per record, not histories.")
    ] = False,
    list_col: Annotated[str, typer.Option(help="With --records: the list-name column.")] = "list",
    key_col: Annotated[str, typer.Option(help="With --records: the person-key column.")] = "key",
    method: Annotated[
        MethodChoice, typer.Option(help="Model selection: SparseMSE stepwise, AIC, BIC, ...")
    ] = MethodChoice.stepwise,
    terms: Annotated[
        str | None,
        typer.Option(help="With --method fixed: two-list terms, e.g. 'A:B,B:C'."),
    ] = None,
    pthresh: Annotated[float, typer.Option(help="Stepwise p-value threshold.")] = 0.02,
    nboot: Annotated[int, typer.Option(help="Bootstrap replicates (0: no interval).")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 1234,
    alpha: Annotated[
        list[str] | None,
        typer.Option(help="BCa levels, e.g. '0.05,0.95' (0.025 and 0.975 are always given)."),
    ] = None,
    generator: Annotated[
        GeneratorChoice,
        typer.Option(help="'r' draws R's samples for the seed (SparseMSE's interval)."),
    ] = GeneratorChoice.r,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write a chart of the candidate models (.png or .svg).")
    ] = None,
    workers: Annotated[int, typer.Option(help="Processes for the bootstrap.")] = 1,
) -> None:
    """Estimate the total number of victims, seen and unseen, from overlapping lists (MSE)."""
    from lightkeeper.stats.mse import (
        DEFAULT_ALPHA,
        estimate_population,
        plot_candidates,
        plot_format,
        read_capture_table,
        read_records,
        render_text,
        result_to_dict,
    )

    if plot is not None:
        plot_format(plot)  # fail before the bootstrap, not after it
    if records:
        table = read_records(input_path, list_col=list_col, key_col=key_col)
    else:
        table = read_capture_table(input_path)
    result = estimate_population(
        table,
        method=method.value,
        pthresh=pthresh,
        terms=_split_terms(terms),
        nboot=nboot,
        seed=seed,
        alpha=_parse_alpha(alpha) if alpha else DEFAULT_ALPHA,
        generator=generator.value,
        workers=workers,
    )
    if plot is not None:
        plot_candidates(result, plot)
    if json_out:
        typer.echo(json.dumps(result_to_dict(result), indent=2, allow_nan=False))
    else:
        typer.echo(render_text(result))
        if plot is not None:
            typer.echo(f"Chart written to {plot}")


def _split_terms(terms: str | None) -> tuple[str, ...]:
    if terms is None:
        return ()
    return tuple(t.strip() for t in terms.split(",") if t.strip())


def _parse_alpha(values: list[str]) -> tuple[float, ...]:
    out: list[float] = []
    for value in values:
        for part in value.split(","):
            text = part.strip()
            if not text:
                continue
            try:
                out.append(float(text))
            except ValueError as e:
                raise ConfigError(f"--alpha takes numbers like 0.05, not '{text}'.") from e
    return tuple(out)
