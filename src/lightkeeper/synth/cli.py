"""The `lightkeeper synth` command: write a synthetic ad corpus and its truth file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lightkeeper.synth.corpus import write_corpus


def register(app: typer.Typer) -> None:
    """Add the `synth` command to `app`.

    Errors are raised as LightkeeperError (OutputError for an unwritable path); the main CLI
    turns them into a message without a traceback.
    """

    @app.command("synth")
    def synth(
        out: Annotated[
            Path,
            typer.Option(
                "--out",
                help="Ad file to write (.jsonl or .jsonl.gz); truth goes to <name>.truth.jsonl.",
            ),
        ],
        ads: Annotated[
            int, typer.Option("--ads", min=0, help="Number of ad lines to write.")
        ] = 1000,
        seed: Annotated[
            int, typer.Option("--seed", help="Seed: the same seed gives the same bytes.")
        ] = 0,
        quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing.")] = False,
        workers: Annotated[
            int,
            typer.Option(
                "--workers", min=0, help="Processes to use; 0 means one per core (same bytes)."
            ),
        ] = 0,
    ) -> None:
        """Write a synthetic ad corpus (no real ads) with a truth file for evaluation."""
        info = write_corpus(out, ads=ads, seed=seed, workers=workers or None)
        if not quiet:
            Console(stderr=True).print(
                f"Wrote {info.ads} ads from {info.operators} operators to {info.path} "
                f"(truth: {info.truth_path}, {info.truth} lines)",
                markup=False,
                highlight=False,
                soft_wrap=True,  # one line, however narrow the terminal
            )
