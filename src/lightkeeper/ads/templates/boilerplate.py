"""Boilerplate sentences learned from the corpus: frequent, and pasted into unrelated ads.

Site disclaimers and stock sentences ("No law enforcement.", "Fees are for time and
companionship only.") appear in the ads of many unrelated advertisers; if they counted as text,
two short ads sharing three of them would look like one template. A template's own sentences
are frequent too (an operator posts hundreds of ads), so frequency alone cannot tell them apart.

What tells them apart is whether the ads holding a sentence are otherwise related. For each
sentence s found in at least `min_ads` ads, a sample of those ads is drawn and pairs of them are
compared on the rest of their text: their other sentences, less the ones that come with s
nearly always (s's block: the other lines of a pasted disclaimer, or the other core sentences of
a template), compared by *shape* (the sentence with its capitalised words, such as names and
cities, blanked), so that two ads of one template whose persona or city changed still match.
A pair is related when at least half the rest of the shorter ad is also in the other ad. If
only a share r of the sampled pairs are related, the ads of s fall into about 1/r unrelated
groups; s is boilerplate when that is at least `min_contexts`. The count is taken again with
the boilerplate found so far left out, for `rounds` rounds.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lightkeeper.ads.templates.shingles import I64, U64, sorted_unique, tokenise
from lightkeeper.engine.arrays import dense_ids, first_of_each, mix64
from lightkeeper.engine.runner import InProcess, SharedRunner

F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
_RING = 2  # each sampled ad is compared with the next _RING ads of the sample
_BLOCK_SHARE = 0.8  # a sentence in this share of s's sampled ads belongs to s's block
_CHUNK_ENTRIES = 1 << 16  # sampled ads per chunk when comparing samples
_CHUNK_PAIRS = 1 << 21  # (ad, sentence) pairs per chunk when drawing the samples


@dataclass(frozen=True, slots=True)
class BoilerplateOptions:
    """How boilerplate is learned; the defaults need no list of known sentences."""

    min_ads: int = 5
    min_contexts: float = 10.0
    sample: int = 16
    rounds: int = 2
    seed_sentences: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Sentence hashes learned as boilerplate (sorted), with their evidence."""

    hashes: U64
    ad_counts: I64
    related: F64  # share of sampled pairs of its ads that are otherwise related

    def contains(self, hashes: U64) -> Bools:
        """Whether each of `hashes` is boilerplate."""
        if len(self.hashes) == 0:
            return np.zeros(len(hashes), dtype=bool)
        pos = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return np.asarray(self.hashes[pos] == hashes)


@dataclass(frozen=True, slots=True)
class _Incidence:
    """Distinct (ad, sentence) pairs sorted by ad, with dense sentence and shape ids."""

    ad: I64
    sentence: I64  # dense id 0..U-1 of the exact sentence
    shape: I64  # dense id of the sentence's shape
    hashes: U64  # hash of each dense sentence id (sorted)
    ad_start: I64  # CSR offsets of each ad's pairs
    shape_width: int  # 1 + the largest shape id (at least 1)


def learn_boilerplate(
    sentence_ad: I64,
    sentence_hash: U64,
    ad_keys: U64,
    *,
    sentence_shape: U64 | None = None,
    options: BoilerplateOptions = BoilerplateOptions(),
    run: SharedRunner | None = None,
) -> Boilerplate:
    """The boilerplate sentences among those of a corpus.

    `sentence_ad[i]` is the ad (row) of sentence i and `sentence_hash[i]` its key hash (0 for an
    empty sentence, ignored); `sentence_shape[i]` its shape hash (see `shingles.Tokenised`;
    the key itself when None). `ad_keys` is a stable hash per ad (of its id and version), used
    to draw the sample of ads per sentence so the result does not depend on row order.
    With `run` (see `LocalEngine.map_shared`), the sampled pairs are judged on its processes;
    the result is the same.
    """
    shape = sentence_hash if sentence_shape is None else sentence_shape
    inc = _incidence(sentence_ad, sentence_hash, shape, len(ad_keys))
    seeds = _seed_ids(inc, options.seed_sentences)
    counts = np.bincount(inc.sentence, minlength=len(inc.hashes))
    candidates = np.flatnonzero(counts >= max(2, options.min_ads))
    flagged = seeds.copy()
    related = np.ones(len(candidates), dtype=np.float64)
    if len(candidates):
        sample_ad, sample_sentence = _sample(inc, candidates, ad_keys, options.sample)
        for _ in range(max(1, options.rounds)):
            related = _related_share(inc, candidates, sample_ad, sample_sentence, flagged, run=run)
            spread = related * options.min_contexts <= 1.0
            flagged = seeds | _mask(len(inc.hashes), candidates[spread])
    ids = np.flatnonzero(flagged)
    related_of = np.ones(len(inc.hashes), dtype=np.float64)
    related_of[candidates] = related
    return Boilerplate(hashes=inc.hashes[ids], ad_counts=counts[ids], related=related_of[ids])


def _mask(size: int, ids: I64) -> Bools:
    out = np.zeros(size, dtype=bool)
    out[ids] = True
    return out


def _incidence(sentence_ad: I64, sentence_hash: U64, shape: U64, n_ads: int) -> _Incidence:
    # Written to hold few corpus-sized arrays at once (this runs on every sentence).
    present = np.flatnonzero(sentence_hash != 0)
    uniques, ids = dense_ids(sentence_hash[present])
    width = np.int64(max(1, len(uniques)))
    code = sentence_ad[present] * width + ids
    del ids
    code, first = first_of_each(code)
    _, shape_ids = dense_ids(shape[present[first]])
    del present, first
    ad_of = code // width
    ad_start = np.zeros(n_ads + 1, dtype=np.int64)
    np.cumsum(np.bincount(ad_of, minlength=n_ads), out=ad_start[1:])
    return _Incidence(
        ad=ad_of,
        sentence=code % width,
        shape=shape_ids,
        hashes=uniques,
        ad_start=ad_start,
        shape_width=max(1, int(shape_ids.max(initial=0)) + 1),
    )


def _seed_ids(inc: _Incidence, seed_sentences: Sequence[str]) -> Bools:
    flagged = np.zeros(len(inc.hashes), dtype=bool)
    if not seed_sentences or len(inc.hashes) == 0:
        return flagged
    seed_hashes = tokenise(pa.array(list(seed_sentences), pa.string())).sentence_hash
    pos = np.minimum(np.searchsorted(inc.hashes, seed_hashes), len(inc.hashes) - 1)
    flagged[pos[inc.hashes[pos] == seed_hashes]] = True
    return flagged


def _sample(inc: _Incidence, candidates: I64, ad_keys: U64, size: int) -> tuple[I64, I64]:
    """Up to `size` ads per candidate sentence, chosen by a hash of (sentence, ad key).

    Returned grouped by sentence (ascending). Drawn for ranges of sentence ids in turn, so
    the sort never holds the whole incidence."""
    is_candidate = _mask(len(inc.hashes), candidates)
    n_ids = len(inc.hashes)
    chunks = max(1, -(-len(inc.sentence) // _CHUNK_PAIRS))
    bounds = [n_ids * k // chunks for k in range(chunks + 1)]
    ads: list[I64] = []
    sentences: list[I64] = []
    for lo, hi in itertools.pairwise(bounds):
        chosen = is_candidate[inc.sentence]
        if chunks > 1:
            chosen &= (inc.sentence >= lo) & (inc.sentence < hi)
        rows = np.flatnonzero(chosen)
        del chosen
        sentence, ad = inc.sentence[rows], inc.ad[rows]
        with np.errstate(over="ignore"):
            draw = mix64(ad_keys[ad] ^ inc.hashes[sentence])
        kept = _smallest_draws(sentence, draw, size, n_ids)
        ads.append(ad[kept])
        sentences.append(sentence[kept])
    return np.concatenate(ads), np.concatenate(sentences)


def _smallest_draws(sentence: I64, draw: U64, size: int, n_ids: int) -> I64:
    """The entries with the `size` smallest draws of each sentence, in order of (sentence,
    draw): the first `size` of each sentence in `np.lexsort((draw, sentence))`.

    Sentence and draw are packed into one 64-bit key (the sentence, then the draw's top bits),
    so one plain sort finds each sentence's cut-off key and only the kept entries are ordered.
    Should two keys tie (two draws of one sentence alike in their top bits), the two-key sort
    is used instead, so the result is the same whatever the draws."""
    bits = max(1, int(n_ids).bit_length())
    if bits >= 32 or not len(sentence):
        return _smallest_draws_lexsorted(sentence, draw, size)
    shift = np.uint64(64 - bits)
    key = (sentence.astype(np.uint64) << shift) | (draw >> np.uint64(bits))
    ordered = np.sort(key)
    if bool((ordered[1:] == ordered[:-1]).any()):
        return _smallest_draws_lexsorted(sentence, draw, size)
    group = (ordered >> shift).astype(np.int64)
    kept = _rank_in_group(group) < size
    group, ordered = group[kept], ordered[kept]
    last = np.flatnonzero(np.r_[group[1:] != group[:-1], True])
    limit = np.zeros(n_ids, dtype=np.uint64)
    limit[group[last]] = ordered[last]
    chosen = np.flatnonzero(key <= limit[sentence])
    return np.asarray(chosen[np.argsort(key[chosen])], dtype=np.int64)


def _smallest_draws_lexsorted(sentence: I64, draw: U64, size: int) -> I64:
    order = np.lexsort((draw, sentence))
    return np.asarray(order[_rank_in_group(sentence[order]) < size], dtype=np.int64)


def _rank_in_group(groups: I64) -> I64:
    """Position of each element within its run of equal values (`groups` sorted)."""
    first = np.r_[True, groups[1:] != groups[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(groups)), 0))
    return np.arange(len(groups)) - start


def _related_share(
    inc: _Incidence,
    candidates: I64,
    sample_ad: I64,
    sample_sentence: I64,
    excluded: Bools,
    *,
    run: SharedRunner | None = None,
) -> F64:
    """For each candidate sentence, the share of sampled ad pairs that are otherwise related.

    Each sentence's verdict depends only on its own sampled ads, so the sample is taken in
    chunks of whole sentences: memory follows the chunk, not the corpus, and chunks can be
    judged on other processes."""
    n_ids = len(inc.hashes)
    shared = (inc, sample_ad, sample_sentence, excluded)
    chunks = _group_chunks(sample_sentence, _CHUNK_ENTRIES)
    judged = (run or InProcess()).map_shared(_judged_chunk, shared, chunks)
    subjects: list[I64] = []
    verdicts: list[Bools] = []
    for subject, related in judged:
        subjects.append(subject)
        verdicts.append(related)
    subject = np.concatenate(subjects) if subjects else np.zeros(0, dtype=np.int64)
    related = np.concatenate(verdicts) if verdicts else np.zeros(0, dtype=bool)
    pairs = np.bincount(subject, minlength=n_ids).astype(np.float64)
    hits = np.bincount(subject, weights=related, minlength=n_ids)
    share = np.divide(hits, pairs, out=np.ones(n_ids), where=pairs > 0)
    return np.asarray(share[candidates], dtype=np.float64)


def _judged_chunk(
    shared: tuple[_Incidence, I64, I64, Bools], bounds: tuple[int, int]
) -> tuple[I64, Bools]:
    """`_related_pairs` of the sampled entries lo..hi-1 (whole sentences)."""
    inc, sample_ad, sample_sentence, excluded = shared
    lo, hi = bounds
    return _related_pairs(inc, sample_ad[lo:hi], sample_sentence[lo:hi], excluded)


def _group_chunks(groups: I64, size: int) -> list[tuple[int, int]]:
    """(lo, hi) bounds cutting sorted `groups` into chunks of about `size`, between groups."""
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if len(groups) else groups
    cuts = starts[np.r_[0, np.flatnonzero(np.diff(starts // size)) + 1]] if len(starts) else starts
    bounds = [*cuts.tolist(), len(groups)]
    return [(lo, hi) for lo, hi in itertools.pairwise(bounds) if hi > lo]


def _related_pairs(
    inc: _Incidence, sample_ad: I64, sample_sentence: I64, excluded: Bools
) -> tuple[I64, Bools]:
    """The sampled pairs of whole sentences' samples: (sentence, otherwise related) each."""
    entry, shape = _rest_shapes(inc, sample_ad, sample_sentence, excluded)
    left, right = _ring_pairs(sample_sentence)
    sizes = np.bincount(entry, minlength=len(sample_ad))
    shared = _shared(entry, shape, left, right, len(sample_ad))
    rest_left, rest_right = sizes[left], sizes[right]
    shorter = np.minimum(rest_left, rest_right)
    # An ad with nothing left besides its block is a copy of the other, as far as we can tell.
    return sample_sentence[left], np.asarray(2 * shared >= shorter)


def _rest_shapes(
    inc: _Incidence, sample_ad: I64, sample_sentence: I64, excluded: Bools
) -> tuple[I64, I64]:
    """(entry, shape) of the rest of each sampled ad: its distinct sentence shapes other than
    the entry's sentence, the excluded sentences and the sentence's block."""
    lengths = inc.ad_start[sample_ad + 1] - inc.ad_start[sample_ad]
    entry = np.repeat(np.arange(len(sample_ad), dtype=np.int64), lengths)
    rows = _ranges(inc.ad_start[sample_ad], lengths)
    other = inc.sentence[rows]
    keep = ~excluded[other] & (other != sample_sentence[entry])
    entry, shape = entry[keep], inc.shape[rows[keep]]
    width = np.int64(inc.shape_width)
    code = sorted_unique(entry * width + shape)  # one shape per entry
    entry, shape = code // width, code % width
    if len(entry) == 0:
        return entry, shape
    # The block: shapes in at least _BLOCK_SHARE of the sentence's sampled ads.
    # Sentence ids counted from the chunk's smallest, so the counts fit the chunk.
    base = int(sample_sentence.min())
    subject = sample_sentence[entry] - base
    m = np.bincount(sample_sentence - base)
    pair_code = subject * width + shape
    order = np.argsort(pair_code, kind="stable")
    sorted_code = pair_code[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_code)) + 1]
    counts = np.diff(np.r_[starts, len(sorted_code)])
    in_block = np.repeat(counts >= np.ceil(_BLOCK_SHARE * m[subject[order][starts]]), counts)
    block = np.empty(len(order), dtype=bool)
    block[order] = in_block & (m[subject] >= 3)
    return entry[~block], shape[~block]


def _ring_pairs(sample_sentence: I64) -> tuple[I64, I64]:
    """Pairs of entries of the same sentence: each with the next _RING of its group."""
    local = sample_sentence - (int(sample_sentence.min()) if len(sample_sentence) else 0)
    size_of = np.bincount(local)[local]
    position = _rank_in_group(sample_sentence)
    start = np.arange(len(sample_sentence)) - position
    lefts: list[I64] = []
    rights: list[I64] = []
    for step in range(1, _RING + 1):
        usable = np.flatnonzero(size_of > step)  # m ads have m-1 distinct partners at most
        lefts.append(usable)
        rights.append(start[usable] + (position[usable] + step) % size_of[usable])
    return np.concatenate(lefts), np.concatenate(rights)


def _shared(entry: I64, shape: I64, left: I64, right: I64, n_entries: int) -> I64:
    """How many rest shapes each pair of entries shares."""
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    width = np.int64(max(1, int(shape.max(initial=0)) + 1))
    by_entry = np.zeros(n_entries + 1, dtype=np.int64)
    np.cumsum(np.bincount(entry, minlength=n_entries), out=by_entry[1:])
    pair = np.arange(len(lo), dtype=np.int64)
    both = np.r_[lo, hi]
    lengths = by_entry[both + 1] - by_entry[both]
    owner = np.repeat(np.r_[pair, pair], lengths)
    values = shape[_ranges(by_entry[both], lengths)]
    # Shapes are distinct within an entry, so a (pair, shape) seen twice is shared.
    code = np.sort(owner * width + values)
    twice = code[1:][code[1:] == code[:-1]]
    return np.bincount(twice // width, minlength=len(lo))


def _ranges(starts: I64, lengths: I64) -> I64:
    """Concatenation of arange(start, start + length) for each pair, vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + (np.arange(total) - offsets)
