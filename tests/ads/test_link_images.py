"""Near-identical image hashes by banding: every pair within the bound, nothing farther."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from lightkeeper.ads.link import images
from lightkeeper.ads.link.identifiers import list_occurrences
from lightkeeper.ads.link.images import (
    band_layout,
    band_plan,
    image_clusters,
    near_pairs,
    parse_hashes,
)


def clustered_hashes(seed: int, bases: int = 120, copies: int = 4) -> np.ndarray:
    """Random photos, each re-encoded a few times (0-3 bits flipped per copy)."""
    rng = np.random.default_rng(seed)
    found = []
    for base in rng.integers(0, 2**63, size=bases, dtype=np.int64).tolist():
        for _ in range(copies):
            value = base * 2 + int(rng.integers(0, 2))
            for bit in rng.choice(64, size=int(rng.integers(0, 4)), replace=False).tolist():
                value ^= 1 << bit
            found.append(value)
    return np.array(found, dtype=np.uint64)


def brute_force(hashes: np.ndarray, k: int) -> set[tuple[int, int]]:
    distance = np.bitwise_count(hashes[:, None] ^ hashes[None, :])
    i, j = np.nonzero(np.triu(distance <= k, 1))
    return set(zip(i.tolist(), j.tolist(), strict=True))


@pytest.mark.parametrize("k", [0, 1, 3, 4, 5, 6, 8])
def test_near_pairs_are_exactly_the_pairs_within_the_bound(k: int) -> None:
    hashes = clustered_hashes(k)
    pairs = near_pairs(hashes, max_distance=k)
    assert {tuple(p) for p in pairs.tolist()} == brute_force(hashes, k)
    assert (pairs[:, 0] < pairs[:, 1]).all()


@pytest.mark.parametrize("plan", [(7, 0), (4, 1), (3, 2)])
def test_every_band_plan_finds_the_same_pairs(
    plan: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = clustered_hashes(42)
    expected = brute_force(hashes, 6)
    monkeypatch.setattr(images, "band_plan", lambda n, k: plan)
    assert {tuple(p) for p in near_pairs(hashes, max_distance=6).tolist()} == expected


def test_chunked_expansion_loses_no_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    hashes = clustered_hashes(3)
    monkeypatch.setattr(images, "_CHUNK_PAIRS", 7)
    assert {tuple(p) for p in near_pairs(hashes, max_distance=4).tolist()} == brute_force(hashes, 4)


def test_band_plans_suit_the_corpus_size() -> None:
    assert band_plan(1_000, 4) == (5, 0)  # small: exact match on k+1 bands
    assert band_plan(2_000_000, 4)[1] == 1  # large: wider bands probed one bit around
    for n in (10, 10_000, 10_000_000):
        for k in range(0, 9):
            bands, radius = band_plan(n, k)
            assert (radius + 1) * bands > k  # the pigeonhole still holds


@pytest.mark.parametrize("bands", [1, 3, 5, 7, 9])
def test_bands_tile_all_64_bits(bands: int) -> None:
    layout = band_layout(bands)
    assert len(layout) == bands
    assert sum(width for _, width in layout) == 64
    assert [shift for shift, _ in layout] == np.cumsum([0] + [w for _, w in layout[:-1]]).tolist()


def test_degenerate_buckets_cost_no_quadratic_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_BUCKET", 50)
    hashes = np.arange(5_000, dtype=np.uint64)  # all share their upper bands
    pairs = near_pairs(hashes, max_distance=2)
    assert len(pairs) < 5_000 * 60


def test_parse_hashes_reads_hex_and_flags_the_rest() -> None:
    values = pa.array(["00000000000000ff", "FFFFFFFFFFFFFFFF", "xyz", None, "0123456789abcdeg"])
    parsed, valid = parse_hashes(values)
    assert valid.tolist() == [True, True, False, False, False]
    assert parsed[:2].tolist() == [255, 2**64 - 1]


def test_image_clusters_name_each_cluster_by_its_smallest_hash() -> None:
    column = pa.array(
        [["f0f0f0f0f0f0f0f1"], ["f0f0f0f0f0f0f0f0", "0123456789abcdef"], ["0123456789abcdee"]],
        pa.list_(pa.string()),
    )
    clusters = image_clusters(list_occurrences(column, "image_hash"), max_distance=2)
    occ = clusters.occurrences
    assert sorted(occ.values.to_pylist()) == ["0123456789abcdee", "f0f0f0f0f0f0f0f0"]
    names = occ.values.to_pylist()
    rows_by_cluster = {names[c]: sorted(occ.rows[occ.codes == c].tolist()) for c in range(2)}
    assert rows_by_cluster == {"f0f0f0f0f0f0f0f0": [0, 1], "0123456789abcdee": [1, 2]}
