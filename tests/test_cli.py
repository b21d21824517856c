"""End-to-end tests of the `lightkeeper` command line, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def lightkeeper(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "lightkeeper", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_version() -> None:
    result = lightkeeper("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("lightkeeper ")


def test_extract_prints_json() -> None:
    result = lightkeeper(
        "extract",
        "Hola soy Ana, llama siete uno tres 555 0123 o ana at gmail dot com",
        "--location",
        "Houston, TX",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["phones"] == ["+17135550123"]
    assert data["emails"] == ["ana@gmail.com"]
    assert data["country"] == "US"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    path = folder / "ads.jsonl"
    result = lightkeeper("synth", "--ads", "400", "--seed", "3", "--out", str(path))
    assert result.returncode == 0, result.stderr
    assert path.exists() and (folder / "ads.truth.jsonl").exists()
    with path.open("ab") as fh:  # hostile lines appended to a real corpus
        fh.write(b"{not json\n\n")
        fh.write(b'{"id": "q1"}\n')
        fh.write(b'{"id": "q2", "body": "bad \xff utf-8"}\n')
    return path


def test_analyze_end_to_end(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = lightkeeper("analyze", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 line(s) quarantined" in result.stderr
    assert "Traceback" not in result.stderr
    summary = json.loads((out / "summary.json").read_text())
    counts = summary["counts"]
    lines = sum(1 for line in corpus.read_bytes().splitlines() if line.strip())
    assert counts["input_lines"] == lines
    assert counts["balanced"] is True
    assert counts["quarantined"] == 3
    assert counts["analysed"] + counts["duplicates"] + counts["quarantined"] == lines
    quarantine = [json.loads(x) for x in (out / "quarantine.jsonl").read_text().splitlines()]
    reasons = sorted(q["reason"] for q in quarantine)
    assert reasons[0].startswith("invalid UTF-8")
    assert reasons[1] == "no text: neither title nor body"
    assert reasons[2].startswith("unparsable JSON")
    assert all(q["line"] > 0 and q["file"] == str(corpus) for q in quarantine)
    ads = pq.read_table(out / "ads.parquet")
    assert ads.num_rows == counts["analysed"]
    phones = [p for row in ads.column("phones").to_pylist() for p in row]
    assert phones and all(p.startswith("+") for p in phones)
    assert summary["identifiers"]["phones"]["distinct"] > 0


def test_analyze_quiet_prints_only_the_warning(corpus: Path, tmp_path: Path) -> None:
    result = lightkeeper("analyze", str(corpus), "--out", str(tmp_path / "o"), "--quiet")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "quarantined" in result.stderr


def test_missing_input_is_one_clear_message(tmp_path: Path) -> None:
    result = lightkeeper("analyze", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_output_is_one_clear_message(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = lightkeeper("analyze", str(corpus), "--out", str(blocker / "out"))
    assert result.returncode == 2
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_format_is_one_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "ads.xml"
    path.write_text("<ads/>")
    result = lightkeeper("analyze", str(path), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "unknown input format" in result.stderr


@pytest.mark.slow
def test_analyze_on_dask_equals_local(corpus: Path, tmp_path: Path) -> None:
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert lightkeeper("analyze", str(corpus), "--out", str(local), "--quiet").returncode == 0
    result = lightkeeper(
        "analyze",
        str(corpus),
        "--out",
        str(dask),
        "--engine",
        "dask",
        "--partitions",
        "3",
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    columns = ["id", "version", "network_id", "template_id"]
    rows_local = pq.read_table(local / "ads.parquet", columns=columns).to_pylist()
    rows_dask = pq.read_table(dask / "ads", columns=columns).to_pylist()
    key = lambda r: (r["id"], r["version"])  # noqa: E731
    assert sorted(rows_local, key=key) == sorted(rows_dask, key=key)
    summary = json.loads((dask / "summary.json").read_text())
    assert summary["counts"]["balanced"] is True
    assert summary["counts"]["quarantined"] == 3


def test_unknown_engine_is_one_clear_message(corpus: Path, tmp_path: Path) -> None:
    result = lightkeeper("analyze", str(corpus), "--out", str(tmp_path / "o"), "--engine", "spark")
    assert result.returncode == 2
    assert "unknown engine" in result.stderr
