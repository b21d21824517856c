"""Connected components on a Dask cluster: alternating large-star and small-star.

The algorithm of Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC 2014).
Each star step is one hash-partition shuffle of the edge list by node and a group-by within
each output partition, so the graph is never collected on one worker:

- large-star: every node u links each larger neighbour to m(u), the smallest of u and its
  neighbours;
- small-star: every node u links itself and each smaller neighbour to the smallest of them.

Both keep the components and end in stars around each component's smallest node. Two things
make the rounds few on the graphs of Lightkeeper (stars per shared value, many small
components): edges are first contracted within each partition (each local component becomes
a star around its smallest node), and so is the output of every small-star step. Rounds stop
when the edge set no longer changes (compared by a 64-bit fingerprint and the edge count).
The labelling is the local engine's: a component is named by its smallest node.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as _scipy_components

from lightkeeper.engine.arrays import distinct, mix64

if TYPE_CHECKING:
    from lightkeeper.engine.dask import DaskEngine

I64 = npt.NDArray[np.int64]
MAX_ROUNDS = 100
_PACKABLE = 1 << 31
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mixed(values: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """`mix64` of integer values of any integer type."""
    return mix64(np.asarray(values).astype(np.uint64))


def node_partition(nodes: I64, n: int) -> I64:
    """The output partition (0..n-1) of each node: a hash of the node modulo n."""
    return np.asarray(mixed(nodes) % np.uint64(n), dtype=np.int64)


def split_by(values: npt.NDArray[Any], assign: I64, n: int) -> list[npt.NDArray[Any]]:
    """The rows of `values` cut into n arrays by `assign` (rows keep their order)."""
    order = np.argsort(assign, kind="stable")
    bounds = np.searchsorted(assign[order], np.arange(1, n))
    return list(np.split(values[order], bounds))


def unique_edges(edges: I64) -> I64:
    """Distinct rows of an (E, 2) array, self-loops dropped, sorted."""
    edges = edges[edges[:, 0] != edges[:, 1]]
    if not len(edges):
        return np.zeros((0, 2), dtype=np.int64)
    if edges.min() >= 0 and edges.max() < _PACKABLE:
        # One int64 key per pair sorts far faster than np.unique over rows.
        keys = distinct((edges[:, 0] << np.int64(32)) | edges[:, 1])
        return np.stack([keys >> np.int64(32), keys & np.int64(_PACKABLE - 1)], axis=1)
    order = np.lexsort((edges[:, 1], edges[:, 0]))
    edges = edges[order]
    fresh = np.r_[True, (edges[1:] != edges[:-1]).any(axis=1)]
    return np.ascontiguousarray(edges[fresh])


def contracted(edges: I64) -> I64:
    """The same connectivity as stars: each node of a local component to its smallest node."""
    edges = unique_edges(np.asarray(edges, dtype=np.int64).reshape(-1, 2))
    if not len(edges):
        return edges
    nodes = distinct(edges)
    dense = np.searchsorted(nodes, edges)
    ones = np.ones(len(dense), dtype=np.int8)
    matrix = coo_matrix((ones, (dense[:, 0], dense[:, 1])), shape=(len(nodes), len(nodes)))
    _, labels = _scipy_components(matrix.tocsr(), directed=True, connection="weak")
    smallest = np.full(int(labels.max()) + 1, len(nodes), dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(len(nodes)))  # nodes are sorted: first is least
    root = nodes[smallest[labels]]
    keep = root != nodes
    return np.stack([nodes[keep], root[keep]], axis=1)


def _group_min(keys: I64, values: I64) -> tuple[I64, I64, I64]:
    """Rows sorted by key, each row's group start, and the minimum value of each row's group."""
    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]
    starts = np.r_[True, keys[1:] != keys[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(keys)), 0))
    return keys, values, values[first]  # sorted by (key, value): the first value is the least


def _large_star_split(edges: I64, n_out: int) -> list[I64]:
    both = np.concatenate([edges, edges[:, ::-1]])
    return split_by(both, node_partition(both[:, 0], n_out), n_out)


def _large_star(pieces: list[I64]) -> I64:
    edges = unique_edges(np.concatenate(pieces) if pieces else np.zeros((0, 2), np.int64))
    if not len(edges):
        return edges
    u, v, least = _group_min(edges[:, 0], edges[:, 1])
    m = np.minimum(least, u)
    larger = v > u
    return unique_edges(np.stack([v[larger], m[larger]], axis=1))


def _small_star_split(edges: I64, n_out: int) -> list[I64]:
    hi = np.maximum(edges[:, 0], edges[:, 1])
    lo = np.minimum(edges[:, 0], edges[:, 1])
    oriented = np.stack([hi, lo], axis=1)
    return split_by(oriented, node_partition(hi, n_out), n_out)


def _small_star(pieces: list[I64]) -> I64:
    edges = unique_edges(np.concatenate(pieces) if pieces else np.zeros((0, 2), np.int64))
    if not len(edges):
        return edges
    u, v, m = _group_min(edges[:, 0], edges[:, 1])
    # u and each of its smaller neighbours v now point at m, the least of them.
    out = np.concatenate([np.stack([v, m], axis=1), np.stack([u, m], axis=1)])
    return contracted(out)


def _fingerprint(edges: I64) -> tuple[int, int]:
    if not len(edges):
        return 0, 0
    with np.errstate(over="ignore"):
        keys = mixed(edges[:, 0]) * _GOLDEN ^ mixed(edges[:, 1])
        total = int(np.add.reduce(mixed(keys), dtype=np.uint64))
    return total, len(edges)


def _combined_fingerprint(parts: list[tuple[int, int]]) -> tuple[int, int]:
    return sum(t for t, _ in parts) % (1 << 64), sum(c for _, c in parts)


def _label_split(edges: I64, n_out: int) -> list[I64]:
    roots = distinct(edges[:, 1])
    labels = np.concatenate([edges, np.stack([roots, roots], axis=1)])
    return split_by(labels, node_partition(labels[:, 0], n_out), n_out)


def _labels(pieces: list[I64]) -> I64:
    rows = np.concatenate(pieces) if pieces else np.zeros((0, 2), np.int64)
    if not len(rows):
        return np.zeros((0, 2), dtype=np.int64)
    node, _, least = _group_min(rows[:, 0], rows[:, 1])
    first = np.r_[True, node[1:] != node[:-1]]
    return np.stack([node[first], least[first]], axis=1)


def connected_components_futures(
    engine: DaskEngine, edge_parts: Sequence[Any], *, n_out: int
) -> list[Any]:
    """See `DaskEngine.connected_components`: (node, smallest node of its component) futures."""
    n_out = max(1, n_out)
    current = engine.map(contracted, edge_parts, name="cc-contract")
    previous: tuple[int, int] | None = None
    for _ in range(MAX_ROUNDS):
        large = engine.shuffle(
            current, split=_large_star_split, combine=_large_star, n_out=n_out, name="cc-large"
        )
        current = engine.shuffle(
            large, split=_small_star_split, combine=_small_star, n_out=n_out, name="cc-small"
        )
        prints = engine.gather(engine.map(_fingerprint, current, name="cc-fingerprint"))
        now = _combined_fingerprint(prints)
        if now == previous:
            break
        previous = now
    else:  # pragma: no cover - large/small star needs O(log^2 n) rounds
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    return engine.shuffle(
        current, split=_label_split, combine=_labels, n_out=n_out, name="cc-labels"
    )


__all__ = [
    "connected_components_futures",
    "contracted",
    "mixed",
    "node_partition",
    "split_by",
    "unique_edges",
]
