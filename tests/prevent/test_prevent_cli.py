"""`lightkeeper check-job` on the command line."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from lightkeeper.errors import ConfigError, InputError
from lightkeeper.prevent.cli import register

OFFER = "Hiring waitresses abroad. Free flight, small registration fee. Send your passport."


@pytest.fixture(scope="module")
def app():
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps `check-job` a subcommand
    return app


def test_text_argument(app):
    result = CliRunner().invoke(app, ["check-job", OFFER, "--country", "US"])
    assert result.exit_code == 0, result.output
    assert "Fees or deposits charged to the worker" in result.output
    assert "1-888-373-7888" in result.output


def test_file_and_json(app, tmp_path):
    offer = tmp_path / "offer.txt"
    offer.write_text(OFFER, encoding="utf-8")
    result = CliRunner().invoke(app, ["check-job", "--file", str(offer), "--json", "-c", "GB"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["level"] == "high" and data["country"] == "GB"
    assert data["hotlines"][0]["phone"] == "08000 121 700"


def test_stdin(app):
    result = CliRunner().invoke(app, ["check-job", "--file", "-", "--json"], input=OFFER)
    assert json.loads(result.output)["signs"]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (["check-job"], InputError, "TEXT"),
        (["check-job", OFFER, "--file", "x.txt"], ConfigError, "not both"),
        (["check-job", "--file", "/nonexistent/offer.txt"], InputError, "no such file"),
        (["check-job", OFFER, "--country", "USA"], ConfigError, "two-letter"),
        (["check-job", OFFER, "--lang", "fr"], ConfigError, "unknown language"),
    ],
)
def test_user_errors_are_one_clear_error(app, args, error, message):
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, error)
    assert message in str(result.exception)
