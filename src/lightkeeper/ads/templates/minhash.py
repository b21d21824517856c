"""MinHash signatures of many shingle sets at once, vectorised with numpy.

Two methods, both deterministic for a seed:

- ``"oph"`` (default): one-permutation hashing with densification (Li, Owen and Zhang 2012;
  Shrivastava 2017). Each shingle is hashed once; its top bits choose one of `num_perm` bins and
  the rest is the value kept as the bin's minimum. Empty bins borrow from the next non-empty bin
  (circularly, with a per-distance offset), so every position is filled and two sets agree on a
  position with probability close to their Jaccard similarity. Cost grows with the number of
  shingles, not shingles times permutations.
- ``"perm"``: the classic signature, `num_perm` multiply-shift hash functions applied to the
  concatenated shingles of the batch and reduced per set with ``np.minimum.reduceat``. Exact in
  expectation, but `num_perm` passes over the data.

Signatures are ``uint32`` arrays of shape (sets, num_perm); a set with no shingle gets
`EMPTY` in every position and must be left out of the LSH index by the caller.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from lightkeeper.ads.templates.shingles import I64, U64
from lightkeeper.engine.arrays import mix64

Method = Literal["oph", "perm"]
U32 = npt.NDArray[np.uint32]
EMPTY = np.uint32(0xFFFFFFFF)
_MAX_BINS_BITS = 16


def minhash_signatures(
    hashes: U64, offsets: I64, *, num_perm: int = 128, seed: int = 1, method: Method = "oph"
) -> U32:
    """MinHash signature of each set: set j holds ``hashes[offsets[j]:offsets[j+1]]``.

    `num_perm` must be a power of two for ``"oph"``. Equal seeds give equal signatures
    whatever the batch, so signatures of different batches can be compared.
    """
    n_sets = len(offsets) - 1
    if n_sets <= 0:
        return np.zeros((0, num_perm), dtype=np.uint32)
    if method == "oph":
        return _oph_signatures(hashes, offsets, num_perm=num_perm, seed=seed)
    if method == "perm":
        return _perm_signatures(hashes, offsets, num_perm=num_perm, seed=seed)
    raise ValueError(f"unknown MinHash method {method!r}")


def _seeded(hashes: U64, seed: int) -> U64:
    # Shingle hashes are already well mixed: one multiply by an odd seed-derived constant is a
    # fresh (multiply-shift) permutation of their bits, at a fraction of a full mix's cost.
    salt = mix64(np.array([seed, seed + 1], dtype=np.uint64))
    with np.errstate(over="ignore"):
        return np.asarray((hashes ^ salt[0]) * (salt[1] | np.uint64(1)), dtype=np.uint64)


def _owners(offsets: I64) -> I64:
    sizes = np.diff(offsets)
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


def _oph_signatures(hashes: U64, offsets: I64, *, num_perm: int, seed: int) -> U32:
    bits = int(num_perm).bit_length() - 1
    if num_perm <= 0 or 1 << bits != num_perm or bits > _MAX_BINS_BITS:
        raise ValueError("num_perm must be a power of two up to 65536 for one-permutation hashing")
    n_sets = len(offsets) - 1
    sig = np.full((n_sets, num_perm), EMPTY, dtype=np.uint32)
    if len(hashes) == 0:
        return sig
    mixed = _seeded(hashes, seed)
    shift = np.uint64(64 - bits) if bits else np.uint64(63)
    bins = (mixed >> shift).astype(np.int64) if bits else np.zeros(len(mixed), dtype=np.int64)
    # Low 32 bits as the value, never EMPTY so an empty bin is told apart.
    values = np.minimum((mixed & np.uint64(0xFFFFFFFF)).astype(np.uint32), EMPTY - np.uint32(1))
    cells = _owners(offsets) * num_perm + bins
    flat = sig.reshape(-1)
    # Sort by (cell, value) packed in one uint64 and keep each cell's first, the minimum.
    packed = (cells.astype(np.uint64) << np.uint64(32)) | values.astype(np.uint64)
    packed.sort()
    cell_sorted = (packed >> np.uint64(32)).astype(np.int64)
    first = np.r_[True, cell_sorted[1:] != cell_sorted[:-1]]
    flat[cell_sorted[first]] = (packed[first] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return sig


def _densified(sig: U32) -> U32:
    """Fill each empty bin from the next non-empty bin to its right, circularly.

    The borrowed value is xor-ed with a hash of the distance, so a borrowed value does not equal
    the source bin's own value; sets whose bins are all empty stay EMPTY.
    """
    n_sets, width = sig.shape
    flat = sig.reshape(-1)
    filled = flat != EMPTY
    if filled.all() or not filled.any():
        return sig
    size = flat.size
    position = np.where(filled, np.arange(size, dtype=np.int64), size)
    # Nearest filled cell at or after each cell in flat order (a reverse running minimum).
    nearest = np.minimum.accumulate(position[::-1])[::-1]
    cells = np.arange(size, dtype=np.int64)
    row_start = (cells // width) * width
    first_in_row = nearest[row_start]  # the row's first filled cell, for the circular wrap
    wraps = nearest >= row_start + width
    source = np.where(wraps, first_in_row, nearest)
    distance = np.where(wraps, source + width - cells, source - cells)
    row_empty = first_in_row >= row_start + width
    source = np.where(row_empty, cells, source)
    table = (mix64(np.arange(width + 1, dtype=np.uint64)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    table[0] = 0
    borrowed = flat[np.minimum(source, size - 1)] ^ table[distance]
    out = np.where(row_empty, EMPTY, np.where(filled, flat, borrowed))
    return out.astype(np.uint32).reshape(n_sets, width)


def _perm_signatures(hashes: U64, offsets: I64, *, num_perm: int, seed: int) -> U32:
    n_sets = len(offsets) - 1
    sig = np.full((n_sets, num_perm), EMPTY, dtype=np.uint32)
    sizes = np.diff(offsets)
    nonempty = np.flatnonzero(sizes > 0)
    if len(nonempty) == 0:
        return sig
    rng = np.random.default_rng(seed)
    mults = rng.integers(1, 1 << 63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    adds = rng.integers(0, 1 << 63, size=num_perm, dtype=np.uint64)
    mixed = mix64(hashes)
    starts = offsets[:-1][nonempty]
    with np.errstate(over="ignore"):
        for column in range(num_perm):
            # (a*x + b) >> 32: multiply-shift hashing, a different permutation per column.
            permuted = ((mixed * mults[column] + adds[column]) >> np.uint64(32)).astype(np.uint32)
            sig[nonempty, column] = np.minimum.reduceat(permuted, starts)
    return sig


def estimated_similarity(
    sig: U32, left: I64, right: I64, *, chunk: int = 16384
) -> npt.NDArray[np.float64]:
    """Estimated Jaccard similarity of the pairs (left[i], right[i]).

    The share of positions where both agree on a value, among positions not empty in both
    (for one-permutation signatures a bin empty in both sets says nothing; Li et al. 2012).
    """
    out = np.zeros(len(left), dtype=np.float64)
    for lo in range(0, len(left), chunk):
        a, b = sig[left[lo : lo + chunk]], sig[right[lo : lo + chunk]]
        equal = a == b
        both_empty = np.count_nonzero(equal & (a == EMPTY), axis=1)
        agree = np.count_nonzero(equal, axis=1) - both_empty
        informative = sig.shape[1] - both_empty
        np.divide(agree, informative, out=out[lo : lo + chunk], where=informative > 0)
    return out
