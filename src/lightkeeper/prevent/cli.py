"""The `lightkeeper check-job` command: check a job offer for signs of deceptive recruitment."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lightkeeper.errors import ConfigError, InputError

MAX_FILE_BYTES = 1_000_000


def register(app: typer.Typer) -> None:
    """Add the `check-job` command to `app`."""
    app.command(name="check-job")(check_job_command)


def check_job_command(
    text: Annotated[str | None, typer.Argument(help="The job offer, in quotes.")] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Read the offer from a text file ('-' for stdin)."),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", "-c", help="Your country (US, GB, CA, ES, MX...) for helplines."),
    ] = None,
    language: Annotated[
        str | None, typer.Option("--lang", help="Language of the explanations: en or es.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Explain the warning signs of deceptive recruitment in a job offer, and where to get help."""
    from lightkeeper.prevent.jobcheck import check_job
    from lightkeeper.prevent.render import job_check_json, render_job_check

    offer = _offer_text(text, file)
    check = check_job(offer, country=country, language=language)
    if as_json:
        typer.echo(json.dumps(job_check_json(check), indent=2, ensure_ascii=False))
    else:
        render_job_check(check, Console())


def _offer_text(text: str | None, file: Path | None) -> str:
    if text is not None and file is not None:
        raise ConfigError("give the offer either as TEXT or with --file, not both")
    if file is None:
        if text is None:
            raise InputError("give the job offer as TEXT (in quotes) or with --file FILE")
        return text
    if str(file) == "-":
        return sys.stdin.read(MAX_FILE_BYTES + 1)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{file}: too large for a job offer (more than 1 MB)")
        return file.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError as e:
        raise InputError(f"{file}: no such file") from e
    except IsADirectoryError as e:
        raise InputError(f"{file}: is a folder, not a text file") from e
    except OSError as e:
        raise InputError(f"{file}: cannot read: {e.strerror or e}") from e
