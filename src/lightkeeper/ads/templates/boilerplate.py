"""Boilerplate sentences learned from the corpus: frequent, and pasted into unrelated ads.

Site disclaimers and stock sentences ("No law enforcement.", "Fees are for time and
companionship only.") appear in the ads of many unrelated advertisers; if they counted as text,
two short ads sharing three of them would look like one template. A template's own sentences are
frequent too (an operator posts hundreds of ads), so frequency alone cannot tell them apart.

What tells them apart is the company a sentence keeps. For a frequent sentence s, take a sample
of the ads containing it and ask how much of the *rest* of their text they share: ads of one
template share most of their other sentences, ads that merely paste the same disclaimer share
next to nothing. The measure, `coherence(s)`, is the mean number of other sentences shared by
two sampled ads divided by the mean number of other sentences of an ad (0: unrelated ads,
1: identical ads). A sentence found in at least `min_ads` ads with coherence at most
`max_coherence` is boilerplate. Sentences of a disclaimer block keep each other company, so
the measure is computed again with the boilerplate found so far left out, for a few rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lightkeeper.ads.templates.shingles import I64, U64, mix64, tokenise

F64 = npt.NDArray[np.float64]
_RING = 2


@dataclass(frozen=True, slots=True)
class BoilerplateOptions:
    """How boilerplate is learned; the defaults need no list of known sentences."""

    min_ads: int = 5
    min_contexts: float = 5.0
    sample: int = 16
    rounds: int = 2
    seed_sentences: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Sentence hashes learned as boilerplate (sorted), with their evidence."""

    hashes: U64
    ad_counts: I64
    related: F64  # share of sampled pairs of its ads that are otherwise related

    def contains(self, hashes: U64) -> npt.NDArray[np.bool_]:
        """Whether each of `hashes` is boilerplate."""
        if len(self.hashes) == 0:
            return np.zeros(len(hashes), dtype=bool)
        pos = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return np.asarray(self.hashes[pos] == hashes)


@dataclass(frozen=True, slots=True)
class _Incidence:
    """Distinct (ad, sentence) pairs, sorted by ad, with dense sentence ids."""

    ad: I64
    sentence: I64  # dense id 0..U-1
    hashes: U64  # hash of each dense id (sorted)
    ad_start: I64  # CSR offsets of each ad's sentences


def learn_boilerplate(
    sentence_ad: I64,
    sentence_hash: U64,
    ad_keys: U64,
    *,
    options: BoilerplateOptions = BoilerplateOptions(),
) -> Boilerplate:
    """The boilerplate sentences among those of a corpus.

    `sentence_ad[i]` is the ad (row) of sentence i and `sentence_hash[i]` its key hash (0 for an
    empty sentence, ignored); `ad_keys` is a stable hash per ad (of its id and version), used to
    draw the sample of ads per sentence so the result does not depend on row order.
    """
    inc = _incidence(sentence_ad, sentence_hash, len(ad_keys))
    seeds = _seed_ids(inc, options.seed_sentences)
    counts = np.bincount(inc.sentence, minlength=len(inc.hashes))
    candidates = np.flatnonzero(counts >= max(2, options.min_ads))
    flagged = seeds.copy()
    related = np.ones(len(candidates), dtype=np.float64)
    if len(candidates):
        sample_ad, sample_sentence = _sample(inc, candidates, ad_keys, options.sample)
        for _ in range(max(1, options.rounds)):
            related = _related_share(inc, candidates, sample_ad, sample_sentence, flagged)
            spread = related * options.min_contexts <= 1.0
            flagged = seeds | _mask(len(inc.hashes), candidates[spread])
    ids = np.flatnonzero(flagged)
    related_of = np.ones(len(inc.hashes), dtype=np.float64)
    related_of[candidates] = related
    return Boilerplate(hashes=inc.hashes[ids], ad_counts=counts[ids], related=related_of[ids])


def _mask(size: int, ids: I64) -> npt.NDArray[np.bool_]:
    out = np.zeros(size, dtype=bool)
    out[ids] = True
    return out


def _incidence(sentence_ad: I64, sentence_hash: U64, n_ads: int) -> _Incidence:
    present = sentence_hash != 0
    ad, hashes = sentence_ad[present], sentence_hash[present]
    uniques, dense = np.unique(hashes, return_inverse=True)
    code = np.unique(ad * np.int64(max(1, len(uniques))) + dense)
    ad_of = code // max(1, len(uniques))
    sentence_of = code % max(1, len(uniques))
    ad_start = np.zeros(n_ads + 1, dtype=np.int64)
    np.cumsum(np.bincount(ad_of, minlength=n_ads), out=ad_start[1:])
    return _Incidence(ad=ad_of, sentence=sentence_of, hashes=uniques, ad_start=ad_start)


def _seed_ids(inc: _Incidence, seed_sentences: Sequence[str]) -> npt.NDArray[np.bool_]:
    flagged = np.zeros(len(inc.hashes), dtype=bool)
    if not seed_sentences or len(inc.hashes) == 0:
        return flagged
    seed_hashes = tokenise(pa.array(list(seed_sentences), pa.string())).sentence_hash
    pos = np.minimum(np.searchsorted(inc.hashes, seed_hashes), len(inc.hashes) - 1)
    flagged[pos[inc.hashes[pos] == seed_hashes]] = True
    return flagged


def _sample(inc: _Incidence, candidates: I64, ad_keys: U64, size: int) -> tuple[I64, I64]:
    """Up to `size` ads per candidate sentence, chosen by a hash of (sentence, ad key)."""
    is_candidate = _mask(len(inc.hashes), candidates)
    rows = np.flatnonzero(is_candidate[inc.sentence])
    sentence, ad = inc.sentence[rows], inc.ad[rows]
    with np.errstate(over="ignore"):
        draw = mix64(ad_keys[ad] ^ inc.hashes[sentence])
    order = np.lexsort((draw, sentence))
    sentence, ad = sentence[order], ad[order]
    first = np.r_[True, sentence[1:] != sentence[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(sentence)), 0))
    keep = np.arange(len(sentence)) - start < size
    return ad[keep], sentence[keep]


def _related_share(
    inc: _Incidence,
    candidates: I64,
    sample_ad: I64,
    sample_sentence: I64,
    excluded: npt.NDArray[np.bool_],
) -> F64:
    """For each candidate sentence, the share of sampled ad pairs that are otherwise related.

    Pairs are each sampled ad with the next `_RING` ads of the same sentence's sample (a ring),
    which estimates the share over all pairs without listing them. Two ads are related when
    at least half the other sentences of the shorter one (not this sentence, not boilerplate
    found so far) are also in the other one.
    """
    n_ids = len(inc.hashes)
    order = np.argsort(sample_sentence, kind="stable")
    sentence, ad = sample_sentence[order], sample_ad[order]
    group_start = np.r_[0, np.flatnonzero(np.diff(sentence)) + 1]
    sizes = np.diff(np.r_[group_start, len(sentence)])
    start_of = np.repeat(group_start, sizes)
    size_of = np.repeat(sizes, sizes)
    position = np.arange(len(sentence)) - start_of
    lefts: list[I64] = []
    rights: list[I64] = []
    for step in range(1, _RING + 1):
        usable = size_of > step  # a sample of m ads has m-1 distinct partners at most
        partner = start_of + (position + step) % np.maximum(size_of, 1)
        lefts.append(np.flatnonzero(usable))
        rights.append(partner[usable])
    left, right = np.concatenate(lefts), np.concatenate(rights)
    subject = sentence[left]
    rest_a, rest_b, shared = _pair_overlap(inc, ad[left], ad[right], subject, excluded)
    shorter = np.minimum(rest_a, rest_b)
    related = (shared > 0) & (2 * shared >= shorter)
    pairs = np.bincount(subject, minlength=n_ids).astype(np.float64)
    hits = np.bincount(subject, weights=related, minlength=n_ids)
    share = np.divide(hits, pairs, out=np.zeros(n_ids), where=pairs > 0)
    return np.asarray(share[candidates], dtype=np.float64)


def _pair_overlap(
    inc: _Incidence, left: I64, right: I64, subject: I64, excluded: npt.NDArray[np.bool_]
) -> tuple[I64, I64, I64]:
    """Per pair of ads: how many sentences each has, and how many they share, leaving out
    the pair's `subject` sentence and the excluded ones."""
    pairs = len(left)
    both = np.r_[left, right]
    lengths = inc.ad_start[both + 1] - inc.ad_start[both]
    member = np.repeat(np.arange(2 * pairs), lengths)
    other = inc.sentence[_ranges(inc.ad_start[both], lengths)]
    keep = ~excluded[other] & (other != subject[member % pairs])
    member, other = member[keep], other[keep]
    counts = np.bincount(member, minlength=2 * pairs)
    # A sentence appears once per ad, so a (pair, sentence) seen twice is shared.
    code = np.sort((member % pairs) * np.int64(len(inc.hashes)) + other)
    twice = code[1:][code[1:] == code[:-1]]
    shared = np.bincount(twice // len(inc.hashes), minlength=pairs)
    return counts[:pairs], counts[pairs:], shared


def _ranges(starts: I64, lengths: I64) -> I64:
    """Concatenation of arange(start, start + length) for each pair, vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + (np.arange(total) - offsets)
