"""Connected components over an edge list."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from lightkeeper.engine.graph import connected_components


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for node, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(node)
    return {frozenset(g) for g in groups.values()}


def test_components_of_a_small_graph() -> None:
    edges = np.array([[0, 1], [1, 2], [4, 3], [5, 5]], dtype=np.int64)
    labels = connected_components(edges, 7)
    assert labels.tolist() == [0, 0, 0, 1, 1, 2, 3]


def test_no_edges_gives_singletons() -> None:
    labels = connected_components(np.zeros((0, 2), dtype=np.int64), 3)
    assert labels.tolist() == [0, 1, 2]


def test_empty_graph() -> None:
    assert connected_components(np.zeros((0, 2), dtype=np.int64), 0).tolist() == []


def test_labels_do_not_depend_on_edge_order() -> None:
    rng = np.random.default_rng(7)
    edges = rng.integers(0, 300, size=(250, 2), dtype=np.int64)
    first = connected_components(edges, 300)
    shuffled = edges[rng.permutation(len(edges))][:, ::-1]
    assert np.array_equal(first, connected_components(np.ascontiguousarray(shuffled), 300))


def test_matches_networkx_on_random_graphs() -> None:
    rng = np.random.default_rng(11)
    for _ in range(5):
        n = int(rng.integers(1, 200))
        edges = rng.integers(0, n, size=(int(rng.integers(0, 2 * n)), 2), dtype=np.int64)
        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        graph.add_edges_from(edges.tolist())
        expected = {frozenset(c) for c in nx.connected_components(graph)}
        assert _partition(connected_components(edges, n)) == expected


def test_rejects_out_of_range_nodes() -> None:
    with pytest.raises(ValueError, match="must lie in"):
        connected_components(np.array([[0, 5]], dtype=np.int64), 3)
