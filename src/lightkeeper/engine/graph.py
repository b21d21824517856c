"""Connected components over an edge list: the local engine's graph primitive."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as _scipy_components


def connected_components(edges: npt.NDArray[np.int64], n_nodes: int) -> npt.NDArray[np.int64]:
    """Component label of each node 0..n_nodes-1 of the undirected graph given by `edges`.

    `edges` is an (E, 2) integer array of node pairs (self-loops and duplicates are fine).
    Labels are 0..k-1, numbered in order of each component's smallest node, so the labelling
    depends only on the graph, never on the order of the edges. A node with no edge is alone.
    """
    pairs = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if n_nodes < 0:
        raise ValueError("n_nodes must not be negative")
    if pairs.size and (pairs.min() < 0 or pairs.max() >= n_nodes):
        raise ValueError("edge endpoints must lie in 0..n_nodes-1")
    if n_nodes == 0:
        return np.zeros(0, dtype=np.int64)
    ones = np.ones(len(pairs), dtype=np.int8)
    matrix = coo_matrix((ones, (pairs[:, 0], pairs[:, 1])), shape=(n_nodes, n_nodes)).tocsr()
    _, labels = _scipy_components(matrix, directed=True, connection="weak")
    return _labels_by_smallest_node(np.asarray(labels, dtype=np.int64))


def _labels_by_smallest_node(labels: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    # np.unique's return_index gives each label's first (smallest) node; rank labels by it.
    uniques, first = np.unique(labels, return_index=True)
    order = np.argsort(first, kind="stable")
    renumber = np.empty(len(uniques), dtype=np.int64)
    renumber[order] = np.arange(len(uniques), dtype=np.int64)
    return renumber[np.searchsorted(uniques, labels)]
