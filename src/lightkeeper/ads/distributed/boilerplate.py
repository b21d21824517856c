"""Boilerplate sentences learned on a cluster, with the local engine's decision.

`lightkeeper.ads.templates.boilerplate.learn_boilerplate` decides, for each sentence found in
at least `min_ads` ads, from a sample of those ads (the `sample` with the smallest draws, a
hash of the ad and the sentence) and from the rest of each sampled ad's text, less the
sentences excluded so far. Everything it reads about a sentence is therefore in its sample.
So, on a cluster:

1. distinct (sentence, ad) pairs are shuffled by sentence: the reducer counts the ads of each
   sentence and keeps the sample of every candidate (the corpus-wide statistics);
2. each reducer fetches the sentence lists of its sampled ads from their partitions;
3. per round, each reducer calls `learn_boilerplate` itself (one round) on a small corpus made
   of its sampled ads, with the sentences excluded so far removed from them. A sentence's
   sample within that corpus is its true sample (any other ad holding it has a larger draw),
   and removing a sentence from an ad is what excluding it does. A subject that is itself
   excluded gets a corpus of its own, where it stays. The flags of all reducers make the
   next round's exclusions (a small set, broadcast).

Nothing is gathered on the client but the boilerplate hashes (and the seed sentences).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lightkeeper.ads.distributed.parts import (
    I64,
    U64,
    concat_tables,
    hashed,
    home_of,
    numbers,
    split_table,
)
from lightkeeper.ads.templates.boilerplate import Boilerplate, BoilerplateOptions, learn_boilerplate
from lightkeeper.ads.templates.shingles import tokenise
from lightkeeper.engine.arrays import distinct, mix64
from lightkeeper.errors import ConfigError

F64 = npt.NDArray[np.float64]
PAIRS_SCHEMA = pa.schema([("hash", pa.uint64()), ("draw", pa.uint64()), ("row", pa.int64())])
REQUESTS_SCHEMA = pa.schema([("row", pa.int64()), ("reducer", pa.int64())])
SENTENCES_SCHEMA = pa.schema(
    [
        ("reducer", pa.int64()),
        ("row", pa.int64()),
        ("ad_key", pa.uint64()),
        ("hashes", pa.list_(pa.uint64())),
        ("shapes", pa.list_(pa.uint64())),
    ]
)


@dataclass(frozen=True, slots=True)
class SentenceGroup:
    """One reducer's share of the sentences: counts, candidates and their samples."""

    hashes: U64  # every sentence hash of this reducer (sorted)
    counts: I64  # ads holding each
    subjects: U64  # candidate sentences (sorted)
    entry_hash: U64  # sampled (sentence, ad) pairs, grouped by sentence
    entry_row: I64


@dataclass(frozen=True, slots=True)
class BoilerplateGroup:
    """A reducer's sentences with the sentence lists of its sampled ads."""

    sentences: SentenceGroup
    rows: I64  # sampled ads (sorted)
    ad_keys: U64
    offsets: I64  # CSR offsets of each ad's sentences in `hashes`/`shapes`
    hashes: U64
    shapes: U64


def check_options(options: BoilerplateOptions) -> None:
    """Raise ConfigError for options the distributed learning cannot reproduce exactly."""
    if options.sample < max(2, options.min_ads):
        raise ConfigError(
            "the dask engine needs boilerplate sample >= min_ads "
            f"(got sample={options.sample}, min_ads={options.min_ads})"
        )


def seed_hashes(options: BoilerplateOptions) -> U64:
    """The sentence hashes of the configured seed sentences (sorted, distinct)."""
    if not options.seed_sentences:
        return np.zeros(0, dtype=np.uint64)
    found = tokenise(pa.array(list(options.seed_sentences), pa.string())).sentence_hash
    return distinct(found[found != 0])


def sentence_pairs(sentence_ad: I64, sentence_hash: U64, ad_keys: U64, first_row: int) -> pa.Table:
    """Distinct (sentence hash, draw, global row) of one partition (empty sentences left out)."""
    present = sentence_hash != 0
    ad, hashes = sentence_ad[present], sentence_hash[present]
    order = np.lexsort((hashes, ad))
    ad, hashes = ad[order], hashes[order]
    fresh = np.r_[True, (ad[1:] != ad[:-1]) | (hashes[1:] != hashes[:-1])]
    ad, hashes = ad[fresh], hashes[fresh]
    with np.errstate(over="ignore"):
        draw = mix64(ad_keys[ad] ^ hashes)
    return pa.table(
        {
            "hash": pa.array(hashes, pa.uint64()),
            "draw": pa.array(draw, pa.uint64()),
            "row": pa.array(ad + first_row, pa.int64()),
        },
        schema=PAIRS_SCHEMA,
    )


def split_pairs(pairs: pa.Table, n_out: int) -> list[pa.Table]:
    """Sentence pairs cut by sentence hash."""
    return split_table(pairs, hashed(numbers(pairs, "hash", np.uint64), n_out), n_out)


def sentence_group(pieces: list[pa.Table], *, options: BoilerplateOptions) -> SentenceGroup:
    """Counts per sentence and the sample of each candidate (`learn_boilerplate`'s rule)."""
    pairs = concat_tables(pieces, PAIRS_SCHEMA)
    hashes = numbers(pairs, "hash", np.uint64)
    draws = numbers(pairs, "draw", np.uint64)
    rows = numbers(pairs, "row", np.int64)
    order = np.lexsort((draws, hashes))
    hashes, rows = hashes[order], rows[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])[: len(hashes)]
    counts = np.diff(np.r_[starts, len(hashes)]).astype(np.int64)
    rank = np.arange(len(hashes)) - np.repeat(starts, counts)
    is_candidate = np.repeat(counts >= max(2, options.min_ads), counts)
    sampled = is_candidate & (rank < options.sample)
    unique = hashes[starts]
    return SentenceGroup(
        hashes=unique,
        counts=counts,
        subjects=unique[counts >= max(2, options.min_ads)],
        entry_hash=hashes[sampled],
        entry_row=rows[sampled],
    )


def ad_requests(group: SentenceGroup, reducer: int) -> pa.Table:
    """The sampled ads a reducer needs, as (row, reducer)."""
    rows = distinct(group.entry_row)
    return pa.table(
        {"row": pa.array(rows, pa.int64()), "reducer": pa.array(np.full(len(rows), reducer))},
        schema=REQUESTS_SCHEMA,
    )


def split_requests_home(requests: pa.Table, n_out: int, *, offsets: list[int]) -> list[pa.Table]:
    """Requests cut by the partition holding their row."""
    return split_table(requests, home_of(numbers(requests, "row", np.int64), offsets), n_out)


def concat_requests(pieces: list[pa.Table]) -> pa.Table:
    """The requests that reached one partition."""
    return concat_tables(pieces, REQUESTS_SCHEMA)


def ad_sentences(
    sentence_ad: I64,
    sentence_hash: U64,
    sentence_shape: U64,
    *,
    ad_keys: U64,
    requests: pa.Table,
    first_row: int,
) -> pa.Table:
    """Each requested ad's non-empty sentences (hash and shape, in order), for its reducer."""
    rows = numbers(requests, "row", np.int64)
    local = rows - first_row
    present = sentence_hash != 0
    where = np.flatnonzero(present)
    owner = sentence_ad[where]
    lo = np.searchsorted(owner, local, side="left")
    hi = np.searchsorted(owner, local, side="right")
    lengths = hi - lo
    picked = where[_ranges(lo, lengths)]
    offsets = pa.array(np.r_[0, np.cumsum(lengths)].astype(np.int32))
    return pa.table(
        {
            "reducer": requests.column("reducer"),
            "row": pa.array(rows, pa.int64()),
            "ad_key": pa.array(ad_keys[local], pa.uint64()),
            "hashes": pa.ListArray.from_arrays(offsets, pa.array(sentence_hash[picked])),
            "shapes": pa.ListArray.from_arrays(offsets, pa.array(sentence_shape[picked])),
        },
        schema=SENTENCES_SCHEMA,
    )


def _ranges(starts: I64, lengths: I64) -> I64:
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def split_by_reducer(table: pa.Table, n_out: int) -> list[pa.Table]:
    """Ad sentence lists cut by the reducer that asked for them."""
    return split_table(table, numbers(table, "reducer", np.int64), n_out)


def concat_sentences(pieces: list[pa.Table]) -> pa.Table:
    """The ad sentence lists that reached one reducer."""
    return concat_tables(pieces, SENTENCES_SCHEMA)


def boilerplate_group(group: SentenceGroup, table: pa.Table) -> BoilerplateGroup:
    """A reducer's sentence group joined with the sentence lists of its sampled ads."""
    order = np.argsort(numbers(table, "row", np.int64), kind="stable")
    table = table.take(pa.array(order))
    hashes_col = table.column("hashes").combine_chunks()
    shapes_col = table.column("shapes").combine_chunks()
    offsets = np.asarray(hashes_col.offsets, dtype=np.int64)
    return BoilerplateGroup(
        sentences=group,
        rows=numbers(table, "row", np.int64),
        ad_keys=numbers(table, "ad_key", np.uint64),
        offsets=offsets - offsets[0] if len(offsets) else np.zeros(1, np.int64),
        hashes=np.asarray(hashes_col.flatten(), dtype=np.uint64),
        shapes=np.asarray(shapes_col.flatten(), dtype=np.uint64),
    )


def round_flags(
    group: BoilerplateGroup, excluded: U64, *, options: BoilerplateOptions
) -> tuple[U64, F64]:
    """One round of `learn_boilerplate` for a reducer's candidates: (flagged, their related).

    `excluded` (sorted) are the sentences excluded in this round (seeds and the previous
    round's boilerplate). One call of `learn_boilerplate` covers every subject: the sampled
    ads of the subjects not excluded, with the excluded sentences removed; and for each
    excluded subject its own copies of its sampled ads, where only the other excluded
    sentences are removed. Every sentence that is not the subject of its copy is renamed
    (its hash mixed with the copy's salt; its shape, which the comparison reads, is kept), so
    no other sentence becomes a candidate or gains ads: each subject is judged on exactly
    its own sample, as in the whole corpus.
    """
    subjects = group.sentences.subjects
    if not len(subjects):
        return np.zeros(0, np.uint64), np.zeros(0, np.float64)
    is_excluded = np.isin(subjects, excluded)
    copies = [_copies(group, subjects[~is_excluded], excluded, salt=np.uint64(0))]
    for subject in subjects[is_excluded].tolist():
        chosen = np.array([subject], np.uint64)
        removed = excluded[excluded != chosen[0]]
        copies.append(_copies(group, chosen, removed, salt=chosen[0]))
    owner, hashes, shapes, keys = _stacked(copies)
    once = replace(options, rounds=1, seed_sentences=())
    learned = learn_boilerplate(owner, hashes, keys, sentence_shape=shapes, options=once)
    mine = np.isin(learned.hashes, subjects)
    return learned.hashes[mine], learned.related[mine]


def _copies(
    group: BoilerplateGroup, subjects: U64, removed: U64, *, salt: np.uint64
) -> tuple[I64, U64, U64, U64]:
    """(sentence owner, hash, shape) of copies of the subjects' sampled ads, and ad keys."""
    entries = np.isin(group.sentences.entry_hash, subjects)
    ads = np.searchsorted(group.rows, distinct(group.sentences.entry_row[entries]))
    lengths = group.offsets[ads + 1] - group.offsets[ads]
    picked = _ranges(group.offsets[ads], lengths)
    owner = np.repeat(np.arange(len(ads), dtype=np.int64), lengths)
    hashes, shapes = group.hashes[picked], group.shapes[picked]
    keep = ~np.isin(hashes, removed)
    owner, hashes, shapes = owner[keep], hashes[keep], shapes[keep]
    keys = group.ad_keys[ads]
    other = ~np.isin(hashes, subjects)
    with np.errstate(over="ignore"):
        renamed = mix64(hashes ^ mix64(keys[owner] ^ salt))
    return owner, np.where(other, renamed, hashes), shapes, keys


def _stacked(copies: list[tuple[I64, U64, U64, U64]]) -> tuple[I64, U64, U64, U64]:
    shift = np.cumsum([0] + [len(keys) for *_, keys in copies[:-1]])
    return (
        np.concatenate([o + k for (o, *_), k in zip(copies, shift.tolist(), strict=True)]),
        np.concatenate([h for _, h, _, _ in copies]),
        np.concatenate([s for _, _, s, _ in copies]),
        np.concatenate([keys for *_, keys in copies]),
    )


def final_counts(group: SentenceGroup, wanted: U64) -> tuple[U64, I64]:
    """The ad counts of the wanted sentences this reducer holds."""
    where = np.searchsorted(group.hashes, wanted)
    where = np.minimum(where, max(len(group.hashes) - 1, 0))
    if not len(group.hashes):
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    found = group.hashes[where] == wanted
    return wanted[found], group.counts[where[found]]


def learned_boilerplate(
    flagged: U64, related: F64, seeds: U64, counts: dict[int, int]
) -> Boilerplate:
    """The `Boilerplate` of the corpus from the last round's flags and the seed sentences."""
    shares = dict(zip(flagged.tolist(), related.tolist(), strict=True))
    present_seeds = [s for s in seeds.tolist() if s in counts]
    hashes = distinct(np.r_[flagged, np.array(present_seeds, np.uint64)]).astype(np.uint64)
    return Boilerplate(
        hashes=hashes,
        ad_counts=np.array([counts[h] for h in hashes.tolist()], dtype=np.int64),
        related=np.array([shares.get(h, 1.0) for h in hashes.tolist()], dtype=np.float64),
    )


def merge_flags(results: list[tuple[U64, F64]]) -> tuple[U64, F64]:
    """All reducers' flags of one round, sorted by hash."""
    hashes = np.concatenate([h for h, _ in results] or [np.zeros(0, np.uint64)])
    shares = np.concatenate([r for _, r in results] or [np.zeros(0, np.float64)])
    order = np.argsort(hashes, kind="stable")
    return hashes[order].astype(np.uint64), shares[order]


def group_entries(group: SentenceGroup) -> dict[str, Any]:
    """Sizes of a reducer's share (for the run's figures)."""
    return {"sentences": len(group.hashes), "candidates": len(group.subjects)}
