"""Distributed connected components agree with the local engine's labelling."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from lightkeeper.engine.dask import DaskEngine
from lightkeeper.engine.dask_graph import contracted
from lightkeeper.engine.graph import connected_components

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine() -> Iterator[DaskEngine]:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
        DaskEngine(client=client) as eng,
    ):
        yield eng


def _smallest_node_labels(edges: np.ndarray, n: int) -> np.ndarray:
    labels = connected_components(edges, n)
    first = np.full(labels.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n))
    return first[labels]


def _dask_labels(engine: DaskEngine, edges: np.ndarray, parts: int, n: int) -> np.ndarray:
    pieces = [engine.put(p) for p in np.array_split(edges, parts)]
    out = engine.gather(engine.connected_components(pieces, n_out=parts))
    labels = np.arange(n, dtype=np.int64)
    rows = np.concatenate(out) if out else np.zeros((0, 2), np.int64)
    assert len(np.unique(rows[:, 0])) == len(rows)  # each node listed once
    labels[rows[:, 0]] = rows[:, 1]
    return labels


def _graphs() -> Iterator[tuple[str, np.ndarray, int]]:
    rng = np.random.default_rng(5)
    n = 3000
    yield "random sparse", rng.integers(0, n, size=(1500, 2)), n
    path = np.stack([np.arange(999), np.arange(1, 1000)], axis=1)
    # A long path with shuffled node numbers is the hardest case for star contraction.
    yield "relabelled path", rng.permutation(1000)[path], 1000
    stars = np.stack(
        [np.repeat(np.arange(0, 1000, 10), 9), np.arange(1000).reshape(100, 10)[:, 1:].ravel()],
        axis=1,
    )
    yield "stars and loops", np.concatenate([stars, [[5, 5], [7, 7]]]), 1000
    yield "no edges", np.zeros((0, 2), dtype=np.int64), 10


@pytest.mark.parametrize("parts", [1, 3, 7])
def test_components_match_the_local_engine(engine: DaskEngine, parts: int) -> None:
    for name, edges, n in _graphs():
        expected = _smallest_node_labels(edges, n)
        got = _dask_labels(engine, edges.astype(np.int64), parts, n)
        assert np.array_equal(got, expected), name


def test_contraction_keeps_components() -> None:
    rng = np.random.default_rng(1)
    edges = rng.integers(0, 200, size=(150, 2))
    star = contracted(edges)
    assert (star[:, 1] < star[:, 0]).all()
    assert np.array_equal(_smallest_node_labels(star, 200), _smallest_node_labels(edges, 200))


def test_unique_edges_beyond_32_bits() -> None:
    from lightkeeper.engine.dask_graph import unique_edges

    big = np.int64(1) << np.int64(40)
    edges = np.array([[big, 3], [big, 3], [5, 5], [2, big + 1], [2, 1]], dtype=np.int64)
    assert unique_edges(edges).tolist() == [[2, 1], [2, big + 1], [big, 3]]
    assert unique_edges(edges[:, ::-1] % 7).tolist() == [[1, 2], [3, 2]]
