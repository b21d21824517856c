"""The Dask engine gives the local engine's results, whatever the number of partitions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from lightkeeper.ads.corpus import CorpusOptions
from lightkeeper.ads.pipeline import AnalyzeOptions, analyze
from lightkeeper.synth import write_corpus

pytestmark = pytest.mark.slow
OPTIONS = AnalyzeOptions(workers=1, corpus=CorpusOptions(report=False))
ODD_LINES = "\n".join(
    [
        '{"id": "odd-1", "body": "new in town, call for companionship"}',
        "",
        '{"id": ',
        '{"title": "no id here"}',
        '{"id": "odd-1", "body": "new in town, call for companionship"}',
        '{"id": "odd-1", "body": "new in town, relaxing massage"}',
        '{"id": "odd-2", "body": "visiting this week", "posted_at": "someday"}',
        "[1, 2]",
    ]
)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("dask-corpus")
    corpus = folder / "ads.jsonl"
    write_corpus(corpus, ads=1500, seed=11, workers=1)
    odd = folder / "odd.jsonl"
    odd.write_text(ODD_LINES + "\n", encoding="utf-8")
    return [corpus, odd]


@pytest.fixture(scope="module")
def local(
    inputs: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("local")
    return out, analyze(inputs, out, options=OPTIONS)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_dask_results_equal_local_results(
    client: Any,
    inputs: list[Path],
    local: tuple[Path, dict[str, Any]],
    tmp_path: Path,
    partitions: int,
) -> None:
    from lightkeeper.ads.distributed import analyze_dask

    local_dir, expected = local
    summary = analyze_dask(inputs, tmp_path, options=OPTIONS, partitions=partitions, client=client)
    assert summary["engine"]["partitions"] >= min(partitions, 2)
    assert summary["counts"] == expected["counts"]
    assert summary["counts"]["balanced"]
    for key in ("identifiers", "warnings", "quarantine_reasons", "templates", "networks", "hubs"):
        assert _plain(summary[key]) == _plain(expected[key]), key
    quarantine = "".join(p.read_text() for p in sorted((tmp_path / "quarantine").glob("*.jsonl")))
    assert quarantine == (local_dir / "quarantine.jsonl").read_text()
    ads, local_ads = pq.read_table(tmp_path / "ads"), pq.read_table(local_dir / "ads.parquet")
    assert ads.column_names == local_ads.column_names
    for name in ads.column_names:
        assert ads[name].to_pylist() == local_ads[name].to_pylist(), name
    for folder, key in (("templates", "template_id"), ("networks", "network_id")):
        got = pq.read_table(tmp_path / folder).sort_by(key).to_pylist()
        want = pq.read_table(local_dir / f"{folder}.parquet").sort_by(key).to_pylist()
        assert got == want, folder
    assert json.loads((tmp_path / "summary.json").read_text())["counts"] == expected["counts"]
