"""`lightkeeper stats mse` through Typer's test runner, on a local app as the main CLI mounts it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from lightkeeper.errors import ConfigError, EstimationError, InputError
from lightkeeper.stats.cli import stats_app
from tests.stats.mse_fixtures import DATA

DOCS = Path(__file__).resolve().parents[2] / "docs" / "statistics.md"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(stats_app, name="stats")
    return root


def run(app: typer.Typer, *args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, ["stats", "mse", *args])
    return result.exit_code, result.output, result.exception


def test_text_report(app: typer.Typer) -> None:
    code, out, _ = run(app, str(DATA / "UKdat_5.csv"), "--nboot", "40")
    assert code == 0
    assert "Estimate: 11,313 in total" in out
    assert "BCa 95% interval" in out
    assert "LA:NG, NG:GP, PFNCA:GP, LA:PFNCA, GO:GP, NG:GO" in out
    assert "Whitehead" in out


def test_json_report(app: typer.Typer) -> None:
    code, out, _ = run(
        app, str(DATA / "NewOrl.csv"), "--json", "--nboot", "30", "--alpha", "0.1,0.9"
    )
    assert code == 0
    data = json.loads(out)
    assert data["observed"] == 185
    assert data["estimate"] == pytest.approx(1183.692, rel=1e-6)
    assert data["terms"] == ["D:E"]
    assert data["method"] == "stepwise"
    assert len(data["ci_95"]) == 2
    assert data["ci_95"][0] < data["estimate"] < data["ci_95"][1]
    assert set(data["bootstrap"]["bca"]) == {"0.025", "0.1", "0.9", "0.975"}
    assert data["candidates"][0]["terms"] == []


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_files_are_written(app: typer.Typer, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"models{suffix}"
    code, out, _ = run(app, str(DATA / "UKdat_5.csv"), "--nboot", "30", "--plot", str(target))
    assert code == 0
    assert target.stat().st_size > 1000
    head = target.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in head or b"<?xml" in head
    assert f"Chart written to {target}" in out


def test_records_input_and_bic(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    lines = ["source,case"]
    cases = {"police": range(0, 60), "ngo": range(40, 130), "council": range(100, 170)}
    for name, ids in cases.items():
        lines += [f"{name},c{i}" for i in ids]
    path.write_text("\n".join(lines) + "\n")
    code, out, exc = run(
        app,
        str(path),
        "--records",
        "--list-col",
        "source",
        "--key-col",
        "case",
        "--method",
        "bic",
        "--nboot",
        "20",
        "--json",
    )
    assert code == 0, exc
    data = json.loads(out)
    assert data["lists"] == ["police", "ngo", "council"]
    assert data["observed"] == 170
    assert data["method"] == "bic"


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (["missing.csv"], InputError, "does not exist"),
        ([str(DATA / "reference.json")], InputError, "count column"),
        (
            [str(DATA / "Artificial_3.csv"), "--method", "fixed", "--terms", "A:B"],
            EstimationError,
            "no maximum likelihood estimate",
        ),
        ([str(DATA / "UKdat_5.csv"), "--alpha", "x"], ConfigError, "--alpha"),
        ([str(DATA / "UKdat_5.csv"), "--plot", "chart.pdf"], ConfigError, ".png or .svg"),
    ],
)
def test_user_errors_raise_lightkeeper_errors(
    app: typer.Typer, args: list[str], error: type[Exception], message: str
) -> None:
    code, _, exc = run(app, *args, "--nboot", "0")
    assert code != 0
    assert isinstance(exc, error)
    assert message in str(exc)


def test_bad_csv_is_an_input_error(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("A,B,count\n1,0,3\n0,1,-2\n")
    code, _, exc = run(app, str(path))
    assert code != 0
    assert isinstance(exc, InputError)
    assert "negative" in str(exc)


def test_every_option_is_documented(app: typer.Typer) -> None:
    """docs/statistics.md must describe every option of the command."""
    result = CliRunner().invoke(app, ["stats", "mse", "--help"], env={"COLUMNS": "200"})
    options = set(re.findall(r"--[a-z][a-z-]+", result.output)) - {"--help"}
    assert options, result.output
    docs = DOCS.read_text()
    missing = sorted(o for o in options if f"`{o}" not in docs)
    assert not missing, f"undocumented options: {missing}"
