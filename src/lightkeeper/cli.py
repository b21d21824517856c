"""The `lightkeeper` command line (Typer).

Every error a user can cause surfaces as one clear message on stderr and a non-zero exit code,
never a traceback: commands raise `LightkeeperError`, and `main` turns it into that message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lightkeeper import __version__
from lightkeeper.errors import ConfigError, LightkeeperError

app = typer.Typer(
    name="lightkeeper",
    help="Lightkeeper: find trafficking networks in ads, support survivors, count honestly.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err = Console(stderr=True)
EXIT_USER_ERROR = 2


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lightkeeper {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Lightkeeper: an open-source counter-trafficking platform."""


@app.command()
def extract(
    text: Annotated[str, typer.Argument(help="The ad text to extract identifiers from.")],
    location: Annotated[
        str | None, typer.Option("--location", "-l", help="The ad's location, e.g. 'Houston, TX'.")
    ] = None,
    phone: Annotated[str | None, typer.Option(help="A structured phone field.")] = None,
    region: Annotated[str, typer.Option(help="Default phone region when unknown.")] = "US",
) -> None:
    """Print the identifiers found in one TEXT as JSON (for quick checks)."""
    from lightkeeper.ads.extract.ad import extract_ad
    from lightkeeper.ads.types import AdRecord

    result = extract_ad(
        AdRecord(id="cli", body=text, location=location, phone=phone),
        default_region=region.upper(),
    )
    typer.echo(json.dumps(_extraction_json(result), indent=2, ensure_ascii=False))


def _extraction_json(result: Any) -> dict[str, Any]:
    from dataclasses import asdict

    data = asdict(result)
    place = data.pop("place")
    data["city"], data["country"] = place["city"], place["country"]
    return dict(data)


@app.command()
def analyze(
    inputs: Annotated[
        list[Path], typer.Argument(help="Ad files: .jsonl, .jsonl.gz, .csv or .parquet.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    region: Annotated[
        str, typer.Option(help="Phone region for ads whose location is unknown.")
    ] = "US",
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes for the per-ad stages (default: all cores)."),
    ] = None,
    link_config: Annotated[
        Path | None,
        typer.Option(help="TOML or JSON file: hub allow/deny lists and linking options."),
    ] = None,
    catalogue: Annotated[
        Path | None,
        typer.Option(help="Your indicator catalogue (TOML), merged over the default one."),
    ] = None,
    report: Annotated[bool, typer.Option(help="Write report.html.")] = True,
    engine: Annotated[
        str, typer.Option(help="'local' (this machine's cores) or 'dask' (a Dask cluster).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="With --engine dask: the scheduler address; default a LocalCluster."),
    ] = None,
    partitions: Annotated[
        int | None, typer.Option(min=1, help="With --engine dask: input partitions.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Analyse ad files into OUT: ads, templates, networks, quarantine, summary and report.

    Per-ad stages (ingest, extraction) run on all cores; then templates, links, networks and risk
    are computed over the whole corpus.
    """
    from lightkeeper.ads.pipeline import AnalyzeOptions, analyze, check_inputs, count_rows_hint

    check_inputs(inputs)
    from lightkeeper.ads.corpus import CorpusOptions
    from lightkeeper.ads.link.config import LinkConfig, load_link_config

    corpus = CorpusOptions(
        link=load_link_config(link_config) if link_config else LinkConfig(),
        catalogue_path=catalogue,
        report=report,
    )
    options = AnalyzeOptions(default_region=region.upper(), workers=workers, corpus=corpus)
    if engine not in ("local", "dask"):
        raise ConfigError(f"unknown engine {engine!r}; use 'local' or 'dask'")
    if engine == "dask" or scheduler is not None:
        _print_summary(_analyze_dask(inputs, out, options, scheduler, partitions), quiet=quiet)
        return
    if quiet:
        summary = analyze(inputs, out, options=options)
    else:
        with _progress() as bar:
            task = bar.add_task("analysing", total=count_rows_hint(inputs))
            summary = analyze(
                inputs, out, options=options, progress=lambda n: bar.update(task, completed=n)
            )
    _print_summary(summary, quiet=quiet)


@app.command()
def network(
    network_id: Annotated[str, typer.Argument(help="A network id, or a unique prefix of one.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder `analyze` wrote.")],
    max_ads: Annotated[int, typer.Option(min=0, help="How many of its ads to list.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Print one network: its ads, identifiers, movement and the evidence that links them."""
    from lightkeeper.ads.networks import network_details, network_text

    details = network_details(out, network_id)
    if as_json:
        typer.echo(json.dumps(details, indent=2, ensure_ascii=False, default=str))
    else:
        typer.echo(network_text(details, max_ads=max_ads))


def _analyze_dask(
    inputs: list[Path],
    out: Path,
    options: Any,
    scheduler: str | None,
    partitions: int | None,
) -> dict[str, Any]:
    try:
        from lightkeeper.ads.distributed.run import analyze_dask
    except ImportError as e:
        raise ConfigError(
            "the Dask engine needs the dask extra: pip install 'lightkeeper[dask]'"
        ) from e
    err.print("[bold]analysing on Dask[/] (outputs as partitioned Parquet)", highlight=False)
    return analyze_dask(inputs, out, options=options, scheduler=scheduler, partitions=partitions)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _print_summary(summary: dict[str, Any], *, quiet: bool) -> None:
    counts = summary["counts"]
    if counts["quarantined"]:
        err.print(
            f"[yellow]warning:[/] {counts['quarantined']} line(s) quarantined, see "
            f"{escape(summary['outputs']['quarantine'])}",
            highlight=False,
        )
    if quiet:
        return
    out = Console()
    table = Table(title="Lightkeeper analysis", show_header=False)
    for key in ("input_lines", "analysed", "duplicates", "quarantined", "new_versions", "warnings"):
        table.add_row(key.replace("_", " "), f"{counts[key]:,}")
    table.add_row("ads per second", f"{summary['ads_per_second'] or 0:,.0f}")
    out.print(table)
    for kind, info in summary["identifiers"].items():
        top = ", ".join(f"{escape(value)} ({n})" for value, n in info["top"][:5]) or "none"
        out.print(
            f"[bold]{kind}[/]: {info['distinct']:,} distinct in {info['ads_with_any']:,} ads; "
            f"top: {top}",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )
    out.print(f"Results in [bold]{escape(summary['output_dir'])}[/]", highlight=False)


_registered: list[bool] = []


def get_app() -> typer.Typer:
    """The full application, with the commands that live in their own packages registered."""
    if not _registered:
        from lightkeeper.ads.indicators.cli import register as register_train
        from lightkeeper.prevent.cli import register as register_check_job
        from lightkeeper.stats.cli import stats_app
        from lightkeeper.synth.cli import register as register_synth

        register_synth(app)
        register_train(app)
        register_check_job(app)
        app.add_typer(stats_app, name="stats")
        _registered.append(True)
    return app


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `lightkeeper` console script."""
    try:
        get_app()(args=argv, prog_name="lightkeeper")
    except LightkeeperError as e:
        err.print(f"[red]error:[/] {escape(str(e))}", highlight=False)
        sys.exit(EXIT_USER_ERROR)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
