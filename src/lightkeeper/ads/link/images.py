"""Near-identical image hashes: pairs within a Hamming distance, found by banding.

Pigeonhole: split the 64-bit hash into k+1 bands; two hashes at most k bits apart agree on at
least one whole band. So grouping by each band's value yields every pair within distance k
(and some farther ones, dropped by an exact check) without comparing all pairs. For millions of
hashes fewer, wider bands probed within 1 or 2 bits keep the candidates few (see `band_plan`).
A band value shared by more than `MAX_BUCKET` hashes is skipped on that band (degenerate hashes
would otherwise cost quadratic time); pairs found through the other bands still count.
Near-identical hashes then form image clusters, which link ads like one shared identifier.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.link.identifiers import Int64Array, Occurrences, occurrences_from_codes
from lightkeeper.engine.arrays import distinct
from lightkeeper.engine.graph import connected_components

HASH_BITS = 64
HEX_DIGITS = 16
UInt64Array = npt.NDArray[np.uint64]
_DIRECT_TABLE_BITS = 24
_CHUNK_PAIRS = 1 << 22
MAX_BUCKET = 4096

_HEX_VALUES = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX_VALUES[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    _HEX_VALUES[ord(chr(_c).upper())] = 10 + _i


def parse_hashes(values: pa.Array) -> tuple[UInt64Array, npt.NDArray[np.bool_]]:
    """64-bit integers of 16-hex-digit hash strings, and which strings were valid hashes.

    An invalid string gets 0 and False; it can still match itself exactly, never nearly.
    """
    n = len(values)
    right_length = np.asarray(
        pc.fill_null(pc.equal(pc.binary_length(values), HEX_DIGITS), False), dtype=bool
    )
    parsed = np.zeros(n, dtype=np.uint64)
    valid = np.zeros(n, dtype=bool)
    if not right_length.any():
        return parsed, valid
    fixed = values.filter(pa.array(right_length)).cast(pa.binary()).cast(pa.binary(HEX_DIGITS))
    raw = np.frombuffer(fixed.buffers()[1], dtype=np.uint8)
    raw = raw[fixed.offset * HEX_DIGITS : (fixed.offset + len(fixed)) * HEX_DIGITS]
    nibbles = _HEX_VALUES[raw.reshape(-1, HEX_DIGITS)]
    ok = (nibbles != 255).all(axis=1)
    weights = np.uint64(1) << (np.arange(HEX_DIGITS - 1, -1, -1, dtype=np.uint64) * np.uint64(4))
    numbers = (nibbles.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    where = np.flatnonzero(right_length)
    parsed[where[ok]] = numbers[ok]
    valid[where[ok]] = True
    return parsed, valid


def band_layout(bands: int) -> list[tuple[int, int]]:
    """(shift, width) of `bands` bands of near-equal width that tile the 64 bits."""
    widths = [HASH_BITS // bands + (1 if i < HASH_BITS % bands else 0) for i in range(bands)]
    layout, shift = [], 0
    for width in widths:
        layout.append((shift, width))
        shift += width
    return layout


def band_plan(n_hashes: int, max_distance: int) -> tuple[int, int]:
    """(bands, radius) with the fewest expected candidate pairs for n random hashes.

    Generalised pigeonhole (multi-index hashing, Norouzi et al. 2012): with m bands, two hashes
    at most k bits apart are at most floor(k/m) bits apart on some band. m = k+1 (radius 0:
    exact band match) suits small corpora; fewer, wider bands probed at radius 1 or 2 keep
    buckets small when there are millions of hashes.
    """
    best: tuple[float, int, int] | None = None
    for bands in range(1, max_distance + 2):
        radius = max_distance // bands
        width = HASH_BITS // bands
        if radius > 2 or (radius > 0 and width > 32):
            continue
        probes = sum(comb(width, r) for r in range(radius + 1))
        # Candidates to check, plus building and walking a look-up table per band (its size
        # costs cache misses that dominate on small corpora).
        table = 4.0 * 2.0 ** min(width, _DIRECT_TABLE_BITS)
        cost = bands * (probes * n_hashes * (1.0 + n_hashes / 2.0**width) + table)
        if best is None or cost < best[0]:
            best = (cost, bands, radius)
    assert best is not None  # bands = max_distance + 1 always qualifies
    return best[1], best[2]


def near_pairs(hashes: UInt64Array, *, max_distance: int) -> Int64Array:
    """Index pairs (i, j), i < j, of hashes at most `max_distance` bits apart, as (P, 2).

    Pairs come sorted by i, then j.
    """
    bands, radius = band_plan(len(hashes), max_distance)
    n = len(hashes)
    found: list[Int64Array] = []
    for shift, width in band_layout(bands):
        keys = ((hashes >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)
        index = _BandIndex(keys, width)
        ordered = hashes[index.order]  # candidates are checked in sorted order: near-sequential
        for flip in _flip_masks(width, radius):
            for left, right in index.matches(flip):
                close = np.bitwise_count(ordered[left] ^ ordered[right]) <= max_distance
                if close.any():
                    i, j = index.order[left[close]], index.order[right[close]]
                    # one int64 key per pair (i < j): deduplicated and sorted in one pass below
                    found.append(np.minimum(i, j) * n + np.maximum(i, j))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    keys = distinct(np.concatenate(found))
    return np.stack([keys // n, keys % n], axis=1)


def _flip_masks(width: int, radius: int) -> list[int]:
    masks = [0]
    for r in range(1, radius + 1):
        masks.extend(sum(1 << b for b in bits) for bits in combinations(range(width), r))
    return masks


class _BandIndex:
    """The positions of each band value, for looking up every key XOR a flip mask at once."""

    def __init__(self, keys: Int64Array, width: int) -> None:
        self.order = np.argsort(keys, kind="stable").astype(np.int64)
        self.sorted_keys = keys[self.order]
        self.direct = width <= _DIRECT_TABLE_BITS
        if self.direct:
            counts = np.bincount(keys, minlength=1 << width)
            self.starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def matches(self, flip: int) -> Iterator[tuple[Int64Array, Int64Array]]:
        """Pairs (i, j) of sorted positions (`order[i]` is the hash) whose keys differ by
        exactly `flip`, each pair once.

        Yields them in chunks of at most about `_CHUNK_PAIRS` pairs, so memory stays bounded
        even when many hashes share a band value.
        """
        # Probing in sorted-key order keeps the table look-ups nearly sequential (cache-friendly);
        # for a non-zero flip, probing only from keys without its lowest bit finds a pair once.
        probe_from = np.arange(len(self.order), dtype=np.int64)
        if flip:
            lowest = flip & -flip
            probe_from = probe_from[(self.sorted_keys & lowest) == 0]
        probes = self.sorted_keys[probe_from] ^ flip
        if self.direct:
            lo, hi = self.starts[probes], self.starts[probes + 1]
        else:
            lo = np.searchsorted(self.sorted_keys, probes, side="left")
            hi = np.searchsorted(self.sorted_keys, probes, side="right")
        counts = hi - lo
        # A band value shared by thousands of hashes (a watermark, a blank corner) says nothing
        # and would cost quadratic time: such buckets are skipped on this band.
        counts[counts > MAX_BUCKET] = 0
        hit = np.flatnonzero(counts)
        counts, lo, src = counts[hit], lo[hit], probe_from[hit]
        ends = np.cumsum(counts)
        cuts = np.searchsorted(
            ends, np.arange(_CHUNK_PAIRS, int(ends[-1]) if len(ends) else 0, _CHUNK_PAIRS)
        )
        for part in np.split(np.arange(len(counts)), np.unique(cuts)):
            if len(part):
                yield self._expand(src[part], lo[part], counts[part], flip)

    def _expand(
        self, src: Int64Array, lo: Int64Array, counts: Int64Array, flip: int
    ) -> tuple[Int64Array, Int64Array]:
        left = np.repeat(src, counts)
        # Position within each probe's run: a running index minus the run's start.
        run_starts = np.repeat(np.cumsum(counts) - counts, counts)
        within = np.arange(len(left), dtype=np.int64) - run_starts
        right = np.repeat(lo, counts) + within
        if not flip:
            keep = left < right
            left, right = left[keep], right[keep]
        return left, right


@dataclass(frozen=True, slots=True)
class ImageClusters:
    """Near-identical image hashes grouped into clusters.

    `occurrences` (kind "image") says which ads show which cluster; a cluster's value is its
    smallest hash string, so it does not depend on row order. `hashes[i]` is a distinct hash
    string and `cluster_of_hash[i]` its cluster (a code of `occurrences`).
    """

    occurrences: Occurrences
    hashes: pa.Array
    cluster_of_hash: Int64Array


def image_clusters(hash_occ: Occurrences, *, max_distance: int) -> ImageClusters:
    """Cluster the distinct hashes of `hash_occ`: hashes within `max_distance` bits, chained."""
    hashes, valid = parse_hashes(hash_occ.values)
    index = np.flatnonzero(valid)
    pairs = index[near_pairs(hashes[valid], max_distance=max_distance)]
    labels = connected_components(pairs, hash_occ.n_values)
    representatives = _smallest_per_label(labels, hash_occ.values.cast(pa.string()))
    occurrences = occurrences_from_codes(
        "image", hash_occ.rows, labels[hash_occ.codes], representatives
    )
    return ImageClusters(occurrences, hash_occ.values, labels)


def _smallest_per_label(labels: Int64Array, names: pa.Array) -> pa.Array:
    """The smallest of the (distinct) `names` of each label 0..max, in code-point order.

    Ranked by Arrow and sorted as integers: no Python string per hash.
    """
    rank = np.asarray(pc.rank(names, sort_keys="ascending", tiebreaker="first"), dtype=np.int64)
    order = np.lexsort((rank, labels))
    first = np.ones(len(order), dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    return names.take(pa.array(order[first], pa.int64()))
