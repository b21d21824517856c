"""Biconnected blocks of a bipartite (unit, group) graph, and the array steps around them.

The hub detector asks, for every candidate identifier ("unit"), how many biconnected blocks of
the graph joining units to base groups contain it: that many separate parts its groups fall
into without it. `blocks_per_unit` answers for all units at once: leaf groups are counted
directly, groups with equal unit sets are merged, pendant vertices peeled (numpy), and only
the remaining 2-core goes through Tarjan's DFS (Python, over a CSR adjacency).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lightkeeper.ads.link.identifiers import Int64Array
from lightkeeper.engine.arrays import distinct


def unique_pairs(left: Int64Array, right: Int64Array) -> Int64Array:
    """The distinct (left, right) pairs as an (n, 2) array sorted by left, then right."""
    if not len(left):
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((right, left))
    left, right = left[order], right[order]
    fresh = np.ones(len(left), dtype=bool)
    fresh[1:] = (left[1:] != left[:-1]) | (right[1:] != right[:-1])
    return np.stack([left[fresh], right[fresh]], axis=1)


def same_set_classes(owners: Int64Array, members: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Number the owners (sorted pairs) so that owners with equal member sets share a class.

    Sets are compared by two 64-bit sums of per-member random keys and their size: equal
    sets always agree; unequal ones collide with negligible chance (2^-128).
    """
    if not len(owners):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], owners[1:] != owners[:-1]]))
    top = int(members.max()) + 1
    keys = np.random.default_rng(0x11C4).integers(0, 2**63, size=(2, top), dtype=np.int64)
    first = np.add.reduceat(keys[0][members].view(np.uint64), starts)
    second = np.add.reduceat(keys[1][members].view(np.uint64), starts)
    sizes = np.diff(np.append(starts, len(owners)))
    order = np.lexsort((sizes, second, first))
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = (
        (first[order][1:] != first[order][:-1])
        | (second[order][1:] != second[order][:-1])
        | (sizes[order][1:] != sizes[order][:-1])
    )
    classes = np.empty(len(order), dtype=np.int64)
    classes[order] = np.cumsum(fresh) - 1
    return owners[starts], classes


def blocks_per_unit(
    edges: Int64Array, informative: npt.NDArray[np.bool_], n_units: int
) -> Int64Array:
    """Biconnected blocks of Q containing each unit.

    A group on one unit only is a block of its own (counted when informative); the rest is
    reduced before the DFS: groups with the same set of units are one node (parallel paths do
    not change any unit's count), then pendant vertices are peeled (`peeled`), and only what
    is left (the 2-core) needs Tarjan's DFS.
    """
    blocks = np.zeros(n_units, dtype=np.int64)
    if not len(edges):
        return blocks
    degree = np.bincount(edges[:, 1])
    leaf = degree[edges[:, 1]] == 1
    np.add.at(blocks, edges[leaf, 0], informative[edges[leaf, 1]].astype(np.int64))
    core = edges[~leaf]
    if not len(core):
        return blocks
    by_group = core[np.lexsort((core[:, 0], core[:, 1]))]
    groups, classes = same_set_classes(by_group[:, 1], by_group[:, 0])
    representative = np.full(int(groups.max()) + 1, -1, dtype=np.int64)
    representative[groups] = classes
    reduced = unique_pairs(by_group[:, 0], representative[by_group[:, 1]])
    remaining = peeled(reduced, blocks)
    if len(remaining):
        blocks += block_counts(remaining, n_units)
    return blocks


def peeled(edges: Int64Array, blocks: Int64Array) -> Int64Array:
    """The 2-core of a (unit, group) graph; pendant vertices' blocks are added to `blocks`.

    A unit with one edge left is in one more block (that edge's); a group with one unit left
    is a bridge block of that unit. Removing either changes no other unit's count.
    """
    while len(edges):
        unit_degree = np.bincount(edges[:, 0])
        lone = unit_degree[edges[:, 0]] == 1
        np.add.at(blocks, edges[lone, 0], 1)
        edges = edges[~lone]
        if not len(edges):
            break
        group_degree = np.bincount(edges[:, 1])
        pendant = group_degree[edges[:, 1]] == 1
        np.add.at(blocks, edges[pendant, 0], 1)
        edges = edges[~pendant]
        if not lone.any() and not pendant.any():
            break
    return edges


def block_counts(edges: Int64Array, n_units: int) -> Int64Array:
    """Blocks each unit belongs to in the bipartite graph of (unit, group) edges (Tarjan).

    Group node g is numbered n_units + g. Iterative DFS over a CSR adjacency; a non-root
    vertex is in the block of its edge to its parent plus one block per child whose subtree
    reaches no higher than the vertex; a root is in one block per child.
    """
    n = n_units + int(edges[:, 1].max()) + 1
    src = np.concatenate([edges[:, 0], n_units + edges[:, 1]])
    dst = np.concatenate([n_units + edges[:, 1], edges[:, 0]])
    order = np.argsort(src, kind="stable")
    neighbours: list[int] = dst[order].tolist()
    starts: list[int] = np.searchsorted(src[order], np.arange(n + 1)).tolist()
    disc = [-1] * n
    low = [0] * n
    parent = [-1] * n
    cursor = starts[:-1]
    blocks = [0] * n
    clock = 0
    for root in distinct(edges[:, 0]).tolist():
        if disc[root] >= 0:
            continue
        disc[root] = low[root] = clock
        clock += 1
        stack = [root]
        while stack:
            node = stack[-1]
            i = cursor[node]
            if i < starts[node + 1]:
                cursor[node] = i + 1
                nxt = neighbours[i]
                if disc[nxt] < 0:
                    parent[nxt] = node
                    disc[nxt] = low[nxt] = clock
                    clock += 1
                    blocks[nxt] = 1
                    stack.append(nxt)
                elif nxt != parent[node] and disc[nxt] < low[node]:
                    low[node] = disc[nxt]
                continue
            stack.pop()
            up = parent[node]
            if up >= 0:
                low[up] = min(low[up], low[node])
                if low[node] >= disc[up]:
                    blocks[up] += 1
    return np.asarray(blocks[:n_units], dtype=np.int64)
