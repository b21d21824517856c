"""The Dask engine gives the local engine's results, whatever the number of partitions."""

from __future__ import annotations

import itertools
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
            n_workers=2, threads_per_worker=1, dashboard_address=":0"
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


def test_boilerplate_learned_on_the_cluster_equals_the_local_one(
    client: Any, local: tuple[Path, dict[str, Any]]
) -> None:
    import numpy as np

    from lightkeeper.ads.distributed.template_stage import learn_boilerplate_dask
    from lightkeeper.ads.distributed.templates import template_part
    from lightkeeper.ads.templates.boilerplate import BoilerplateOptions, learn_boilerplate
    from lightkeeper.ads.templates.cluster import TemplateOptions, member_ids, prepare_corpus
    from lightkeeper.ads.templates.shingles import string_hashes
    from lightkeeper.engine.dask import DaskEngine

    local_dir, _ = local
    ads = pq.read_table(local_dir / "ads.parquet", columns=["id", "version", "title", "body"])
    seeds = ("No law enforcement.", "Fees are for time and companionship only.")
    for opts in (
        BoilerplateOptions(),
        BoilerplateOptions(min_ads=3, sample=8, rounds=3, min_contexts=3.0, seed_sentences=seeds),
    ):
        corpus = prepare_corpus(ads)
        want = learn_boilerplate(
            corpus.sentence_ad,
            corpus.sentence_hash,
            string_hashes(member_ids(ads)),
            sentence_shape=corpus.sentence_shape,
            options=opts,
        )
        cuts = [0, 400, 401, 1100, ads.num_rows]
        with DaskEngine(client=client) as engine:
            pieces = [engine.put(ads.slice(lo, hi - lo)) for lo, hi in itertools.pairwise(cuts)]
            parts = engine.map(template_part, pieces, cuts[:-1], name="test-parts")
            got = learn_boilerplate_dask(
                engine, parts, cuts[:-1], options=TemplateOptions(boilerplate=opts)
            )
        assert len(want.hashes) > 0
        assert np.array_equal(got.hashes, want.hashes)
        assert np.array_equal(got.ad_counts, want.ad_counts)
        flagged_by_data = want.related * opts.min_contexts <= 1.0  # seeds aside
        assert np.allclose(got.related[flagged_by_data], want.related[flagged_by_data])


def test_a_running_cluster_is_used_by_its_address(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from lightkeeper.ads.distributed import analyze_dask

    odd = tmp_path / "odd.jsonl"
    odd.write_text(ODD_LINES + "\n", encoding="utf-8")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=":0"
    ) as cluster:
        summary = analyze_dask(
            [odd], tmp_path / "out", options=OPTIONS, scheduler=cluster.scheduler_address
        )
        assert cluster.scheduler_address  # still up after the run
    assert summary["engine"]["workers"] == 1
    assert summary["counts"] == {
        "input_lines": 7,
        "analysed": 3,
        "duplicates": 1,
        "quarantined": 3,
        "new_versions": 1,
        "warnings": 1,
        "balanced": True,
    }
    assert pq.read_table(tmp_path / "out" / "ads").num_rows == 3


def test_without_a_scheduler_a_local_cluster_runs_for_the_call(tmp_path: Path) -> None:
    from dataclasses import replace

    from lightkeeper.ads.distributed import analyze_dask

    odd = tmp_path / "odd.jsonl"
    odd.write_text(ODD_LINES + "\n", encoding="utf-8")
    summary = analyze_dask([odd], tmp_path / "out", options=replace(OPTIONS, workers=1))
    assert summary["engine"] == {"name": "dask", "partitions": 2, "workers": 1}
    assert summary["counts"]["analysed"] == 3


def test_allow_and_deny_lists_give_the_local_results(
    client: Any, inputs: list[Path], local: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    from dataclasses import replace

    import pyarrow.compute as pc

    from lightkeeper.ads.distributed import analyze_dask
    from lightkeeper.ads.link.config import LinkConfig

    local_dir, expected = local
    phone_hub = next(h["identifier"] for h in expected["hubs"] if h["kind"] == "phone")
    ads = pq.read_table(local_dir / "ads.parquet", columns=["phones", "image_hashes"])
    counts = pc.value_counts(pc.list_flatten(ads["phones"])).to_pylist()
    small_phone = next(c["values"] for c in counts if c["counts"] == 2)
    image = pc.list_flatten(ads["image_hashes"])[0].as_py()
    link = LinkConfig(allow=frozenset({phone_hub}), deny=frozenset({small_phone, image}))
    options = replace(OPTIONS, corpus=replace(OPTIONS.corpus, link=link))
    want = analyze(inputs, tmp_path / "local", options=options)
    got = analyze_dask(inputs, tmp_path / "dask", options=options, partitions=3, client=client)
    assert _plain(got["hubs"]) == _plain(want["hubs"])
    reasons = {h["identifier"]: h["reason"] for h in want["hubs"]}
    assert reasons[small_phone] == "on the deny list" and phone_hub not in reasons
    columns = ["id", "version", "network_id", "template_id", "risk_score"]
    assert (
        pq.read_table(tmp_path / "dask" / "ads", columns=columns).to_pylist()
        == pq.read_table(tmp_path / "local" / "ads.parquet", columns=columns).to_pylist()
    )
