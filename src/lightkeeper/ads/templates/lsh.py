"""LSH banding over MinHash signatures: bucket keys per band and the candidate pairs they give.

Rows are expected in canonical order (see `cluster.canonical_order`), so "the first member of a
bucket" is the same ad whatever order the input came in. A bucket of m ads gives m-1 pairs (each
member with the bucket's first member), never m*(m-1)/2, so a bucket of thousands of ads (short
texts, stock phrases) costs no more than thousands of pairs. Each member is also paired with
the member before it in the bucket, so a member unlike the first still finds its neighbour.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lightkeeper.ads.templates.minhash import EMPTY, U32
from lightkeeper.ads.templates.shingles import I64, U64, sorted_unique
from lightkeeper.engine.arrays import mix64
from lightkeeper.engine.runner import InProcess, SharedRunner

_BAND_SALT = np.uint64(0xD6E8FEB86659FD93)


def band_keys(sig: U32, *, bands: int) -> tuple[U64, npt.NDArray[np.bool_]]:
    """The bucket key of each row in each band, and whether the band says anything.

    Returns (keys, usable), both of shape (rows, bands). A band whose positions are all empty
    (a short text leaves most one-permutation bins empty) is not usable: every short text would
    share it. Keys of different bands never collide on purpose (the band number is mixed in).
    """
    rows, width = sig.shape
    if bands <= 0 or width % bands:
        raise ValueError(f"bands ({bands}) must divide the signature width ({width})")
    per_band = width // bands
    blocks = sig.reshape(rows, bands, per_band).astype(np.uint64)
    keys = np.zeros((rows, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(per_band):
            keys = mix64(keys * _BAND_SALT + blocks[:, :, j] + np.uint64(j + 1))
        keys = mix64(keys ^ (np.arange(bands, dtype=np.uint64) * _BAND_SALT))
    usable = ~(blocks == EMPTY).all(axis=2)
    return keys, usable


def band_key(sig: U32, band: int, *, bands: int) -> tuple[U64, npt.NDArray[np.bool_]]:
    """The bucket key of each row in one band, and whether the band says anything: column
    `band` of `band_keys`, computed alone so all bands need never be held at once."""
    rows, width = sig.shape
    if bands <= 0 or width % bands:
        raise ValueError(f"bands ({bands}) must divide the signature width ({width})")
    per_band = width // bands
    block = sig[:, band * per_band : (band + 1) * per_band]
    keys = np.zeros(rows, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(per_band):
            keys = mix64(keys * _BAND_SALT + block[:, j].astype(np.uint64) + np.uint64(j + 1))
        keys = mix64(keys ^ (np.uint64(band) * _BAND_SALT))
    usable = ~(block == EMPTY).all(axis=1)
    return keys, usable


def candidate_pairs(keys: U64, usable: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    """Pairs (first member of a bucket, other member) and (member, next member) over all
    bands, without repeats.

    `keys`/`usable` come from `band_keys`. Returned pairs have left < right (row numbers).
    """
    rows, bands = keys.shape
    codes = [_band_codes(keys[:, band], usable[:, band], rows) for band in range(bands)]
    code = sorted_unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)
    return code // rows, code % rows


def signature_pairs(sig: U32, *, bands: int, merge_every: int = 8) -> tuple[I64, I64]:
    """`candidate_pairs(*band_keys(sig, bands=bands))`, one band at a time.

    Band keys are computed per band and the pairs found so far are deduplicated every
    `merge_every` bands, so memory stays near one band's worth (a pair recurs in most bands).
    """
    rows = sig.shape[0]
    merged = signature_pair_codes(sig, bands=bands, merge_every=merge_every)
    return merged // rows, merged % rows


def signature_pair_codes(
    sig: U32, *, bands: int, merge_every: int = 8, run: SharedRunner | None = None
) -> I64:
    """The pairs of `signature_pairs` as sorted codes ``left * rows + right`` (one int64 a pair,
    for callers that read them in chunks).

    With `run` (such as `lightkeeper.engine.local.LocalEngine`), groups of `merge_every` bands
    are worked out on its processes, which read `sig` without a copy; the result is the same.
    """
    groups = [(lo, min(lo + merge_every, bands)) for lo in range(0, bands, merge_every)]
    items = [(lo, hi, bands) for lo, hi in groups]
    parts = (run or InProcess()).map_shared(_group_codes, sig, items)
    merged = np.zeros(0, dtype=np.int64)
    for part in parts:
        merged = _union(merged, part)
    return merged


def _group_codes(sig: U32, item: tuple[int, int, int]) -> I64:
    """The distinct pair codes of bands lo..hi-1 of `bands`, sorted."""
    lo, hi, bands = item
    rows = sig.shape[0]
    codes = []
    for band in range(lo, hi):
        keys, usable = band_key(sig, band, bands=bands)
        codes.append(_band_codes(keys, usable, rows))
        del keys, usable
    return sorted_unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)


def _union(merged: I64, new: I64) -> I64:
    """The sorted union of two sorted arrays of distinct codes, sorted in place, so at most the
    old and the new union are held (a sort of their concatenation holds three times that)."""
    if len(merged) and len(new):
        at = np.minimum(np.searchsorted(merged, new), len(merged) - 1)
        new = new[merged[at] != new]
    if not len(new):
        return merged
    out = np.concatenate([merged, new])
    out.sort()
    return out


def _band_codes(band_key: U64, usable: npt.NDArray[np.bool_], rows: int) -> I64:
    """The candidate pairs of one band as codes ``left * rows + right``."""
    members = np.flatnonzero(usable)
    if len(members) < 2:
        return np.zeros(0, dtype=np.int64)
    values = band_key[members]
    order = np.argsort(values, kind="stable")  # stable: members stay in row order
    sorted_keys = values[order]
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    bucket = np.cumsum(starts) - 1
    first_of_bucket = order[np.flatnonzero(starts)][bucket]
    others = ~starts
    left = members[first_of_bucket[others]]
    right = members[order[others]]
    # Also each member with the one before it: a member unlike the bucket's first can
    # still be like its neighbour, and this stays linear.
    chained = np.flatnonzero(others)
    chained = chained[~starts[chained - 1]]
    left = np.r_[left, members[order[chained - 1]]]
    right = np.r_[right, members[order[chained]]]
    return np.asarray(left * np.int64(rows) + right, dtype=np.int64)


def bucket_sizes(keys: U64, usable: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """The size of the largest bucket in each band (for diagnostics and tests)."""
    out = np.zeros(keys.shape[1], dtype=np.int64)
    for band in range(keys.shape[1]):
        values = keys[usable[:, band], band]
        if len(values):
            out[band] = int(np.unique(values, return_counts=True)[1].max())
    return out
