import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lightkeeper.ads.templates.cluster import TemplateOptions, similar_pairs
from lightkeeper.ads.templates.lsh import _union, signature_pair_codes, signature_pairs
from lightkeeper.engine.local import LocalEngine

codes = st.lists(st.integers(0, 500), max_size=60).map(
    lambda xs: np.array(sorted(set(xs)), dtype=np.int64)
)


@given(codes, codes)
def test_union_is_the_sorted_union(a: np.ndarray, b: np.ndarray) -> None:
    assert _union(a, b).tolist() == sorted(set(a.tolist()) | set(b.tolist()))


def test_pair_codes_decode_to_the_pairs() -> None:
    rng = np.random.default_rng(3)
    base = rng.integers(0, 2**32, size=(1, 64), dtype=np.uint64).astype(np.uint32)
    sig = np.repeat(base, 12, axis=0)
    sig[6:, :8] = rng.integers(0, 2**32, size=(6, 8), dtype=np.uint64).astype(np.uint32)
    left, right = signature_pairs(sig, bands=16, merge_every=3)
    code = signature_pair_codes(sig, bands=16, merge_every=3)
    assert len(code) > 0
    assert np.array_equal(code // len(sig), left)
    assert np.array_equal(code % len(sig), right)
    assert (left < right).all()


def test_pairs_are_the_same_on_forked_workers() -> None:
    rng = np.random.default_rng(11)
    bases = rng.integers(0, 2**32, size=(6, 64), dtype=np.uint64).astype(np.uint32)
    sig = np.repeat(bases, 9, axis=0)
    noisy = rng.random(sig.shape) < 0.3  # near-duplicates: some positions differ
    sig[noisy] = rng.integers(0, 2**32, size=int(noisy.sum()), dtype=np.uint64).astype(np.uint32)
    opts = TemplateOptions(num_perm=64, bands=16)
    here = similar_pairs(sig, opts, chunk=7)
    assert len(here) > 0
    with LocalEngine(2) as engine:
        codes = signature_pair_codes(sig, bands=16, merge_every=3, run=engine)
        spread = similar_pairs(sig, opts, chunk=7, run=engine)
    assert np.array_equal(codes, signature_pair_codes(sig, bands=16, merge_every=3))
    assert np.array_equal(spread, here)
