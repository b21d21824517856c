"""`cluster_templates`: near-duplicate ads grouped into templates, with each template's text.

The steps, each a pure function over flat arrays so an engine can run them on batches:

1. rows are put in canonical order (by ``id#version``), so every tie-break below, and so the
   result, is the same whatever order the rows came in;
2. texts are cut into sentences and masked words, all hashed (`shingles.tokenise`);
3. boilerplate sentences are learned from the whole corpus (`boilerplate`);
4. word shingles, less those made only of boilerplate words, get MinHash signatures
   (`minhash`); LSH bands give candidate pairs (`lsh`), and a pair is confirmed when its
   estimated Jaccard similarity reaches the threshold;
5. connected components of confirmed pairs with two or more ads are templates, named
   ``canonical_id("tpl", members)``; each gets its text with slots (`align`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.ids import canonical_id
from lightkeeper.ads.templates.align import Member, build_template, masked_form
from lightkeeper.ads.templates.boilerplate import Boilerplate, BoilerplateOptions, learn_boilerplate
from lightkeeper.ads.templates.lsh import band_keys, candidate_pairs
from lightkeeper.ads.templates.minhash import Method, estimated_similarity, minhash_signatures
from lightkeeper.ads.templates.shingles import (
    I64,
    U64,
    ad_texts,
    mix64,
    offsets_and_bytes,
    shingle_hashes,
    string_hashes,
    tokenise,
)
from lightkeeper.engine.graph import connected_components

SLOT_TYPE = pa.struct([("name", pa.string()), ("values", pa.list_(pa.string()))])
TEMPLATES_SCHEMA = pa.schema(
    [
        ("template_id", pa.string()),
        ("ad_count", pa.int64()),
        ("text", pa.string()),
        ("slots", pa.list_(SLOT_TYPE)),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("last_seen", pa.timestamp("us", tz="UTC")),
        ("boilerplate_removed", pa.list_(pa.string())),
    ]
)
PREFIX = "tpl"
DEFAULT_THRESHOLD = 0.4
DEFAULT_NUM_PERM = 128
BATCH_ROWS = 20_000
MAX_BOILERPLATE_LISTED = 50
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SALT = np.uint64(0xD6E8FEB86659FD93)


@dataclass(frozen=True, slots=True)
class TemplateOptions:
    """Tuning of template clustering; the defaults are the measured ones (see the benchmark)."""

    threshold: float = DEFAULT_THRESHOLD
    num_perm: int = DEFAULT_NUM_PERM
    bands: int = 32
    shingle_size: int = 3
    method: Method = "oph"
    seed: int = 1
    max_aligned: int = 30
    boilerplate: BoilerplateOptions = field(default_factory=BoilerplateOptions)


@dataclass(frozen=True, slots=True)
class TemplateResult:
    """Templates of a corpus: one id (or None) per ad row, the templates table, the boilerplate."""

    template_ids: list[str | None]
    templates: pa.Table
    boilerplate: list[str]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step


@dataclass(frozen=True, slots=True)
class Corpus:
    """Flat arrays of one corpus in canonical row order (see `shingles.Tokenised`)."""

    sentence_ad: I64
    sentence_start: I64
    sentence_end: I64
    sentence_hash: U64
    sentence_shape: U64
    token_sentence: I64
    token_hash: U64


def cluster_templates(
    ads: pa.Table,
    *,
    threshold: float | None = None,
    num_perm: int | None = None,
    options: TemplateOptions | None = None,
) -> TemplateResult:
    """Group near-duplicate ads into templates and describe each template.

    `ads` needs columns id, version, title, body (posted_at, city optional). `threshold` is the
    estimated Jaccard similarity of word shingles (boilerplate discounted) at which two ads
    count as one template (default DEFAULT_THRESHOLD), `num_perm` the MinHash signature length
    (a power of two, default DEFAULT_NUM_PERM); `options` tunes the rest, and the two keywords
    override it. Ads with no near-duplicate get None. The result does not depend on the order
    of the rows.
    """
    opts = options or TemplateOptions()
    if threshold is not None:
        opts = replace(opts, threshold=threshold)
    if num_perm is not None:
        opts = replace(opts, num_perm=num_perm)
    n = ads.num_rows
    if n == 0:
        return TemplateResult([], TEMPLATES_SCHEMA.empty_table(), [])
    clock = _Clock()
    order = canonical_order(ads)
    table = ads.take(pa.array(order))
    members = member_ids(table)
    corpus = prepare_corpus(table)
    clock.lap("prepare")
    boiler = learn_boilerplate(
        corpus.sentence_ad,
        corpus.sentence_hash,
        string_hashes(members),
        sentence_shape=corpus.sentence_shape,
        options=opts.boilerplate,
    )
    clock.lap("boilerplate")
    labels = template_labels(corpus, boiler, n, opts)
    ids_sorted = _template_ids(labels, members)
    clock.lap("cluster")
    templates, boilerplate_texts = _templates_table(
        table, labels, ids=ids_sorted, corpus=corpus, boiler=boiler, opts=opts
    )
    template_ids: list[str | None] = [None] * n
    for row, tid in zip(order.tolist(), ids_sorted, strict=True):
        template_ids[row] = tid
    clock.lap("describe")
    return TemplateResult(template_ids, templates, boilerplate_texts, clock.seconds)


class _Clock:
    """Seconds spent per step, for the run summary and the benchmark."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._last
        self._last = now


def member_ids(ads: pa.Table) -> pa.Array:
    """The ``id#version`` string of each row (see `lightkeeper.ads.ids.member_id`)."""
    ids = pc.fill_null(ads.column("id").cast(pa.string()), "")
    if "version" in ads.column_names:
        versions = pc.fill_null(ads.column("version").cast(pa.string()), "")
    else:
        versions = pa.array(["1"] * ads.num_rows, pa.string())
    joined = pc.binary_join_element_wise(ids, versions, "#")
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def canonical_order(ads: pa.Table) -> I64:
    """Row positions sorted by ``id#version``, ties broken by the text, then by row.

    Rows that tie on both are identical for clustering, so the result never depends on the
    input order.
    """
    members = member_ids(ads)
    if pc.count_distinct(members).as_py() == len(members):
        return np.asarray(pc.sort_indices(members), dtype=np.int64)
    keys = pa.table({"member": members, "text_hash": pa.array(string_hashes(ad_texts(ads)))})
    indices = pc.sort_indices(keys, sort_keys=[("member", "ascending"), ("text_hash", "ascending")])
    return np.asarray(indices, dtype=np.int64)


def prepare_corpus(table: pa.Table, *, batch_rows: int = BATCH_ROWS) -> Corpus:
    """Sentences and tokens of every row of `table`, computed batch by batch."""
    parts: list[tuple[I64, I64, I64, U64, U64, I64, U64]] = []
    sentences_before = 0
    for start in range(0, table.num_rows, batch_rows):
        tok = tokenise(ad_texts(table.slice(start, batch_rows)))
        parts.append(
            (
                tok.sentence_text + start,
                tok.sentence_start,
                tok.sentence_end,
                tok.sentence_hash,
                tok.sentence_shape,
                tok.token_sentence + sentences_before,
                tok.token_hash,
            )
        )
        sentences_before += len(tok.sentence_hash)
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    return Corpus(*columns)


def template_labels(corpus: Corpus, boiler: Boilerplate, n: int, opts: TemplateOptions) -> I64:
    """Template label of each row (canonical order); -1 for a row with no near-duplicate."""
    shingles, offsets = ad_shingles(corpus, boiler, n, k=opts.shingle_size)
    sig = minhash_signatures(
        shingles, offsets, num_perm=opts.num_perm, seed=opts.seed, method=opts.method
    )
    keys, usable = band_keys(sig, bands=opts.bands)
    left, right = candidate_pairs(keys, usable)
    similar = estimated_similarity(sig, left, right) >= opts.threshold
    return clusters_of(np.stack([left[similar], right[similar]], axis=1), n)


def ad_shingles(corpus: Corpus, boiler: Boilerplate, n: int, *, k: int) -> tuple[U64, I64]:
    """The word shingles of each row, less those made only of boilerplate words."""
    flagged = boiler.contains(corpus.sentence_hash)[corpus.token_sentence]
    owner = corpus.sentence_ad[corpus.token_sentence]
    return shingle_hashes(corpus.token_hash, owner, n, k=k, boilerplate=flagged)


def clusters_of(edges: npt.NDArray[np.int64], n: int) -> I64:
    """Component label per node for components of two or more nodes, -1 for a lone node.

    Labels are 0..k-1 in order of each component's smallest node.
    """
    labels = connected_components(edges, n)
    sizes = np.bincount(labels, minlength=1)
    grouped = sizes[labels] >= 2
    out = np.full(n, -1, dtype=np.int64)
    _, dense = np.unique(labels[grouped], return_inverse=True)
    out[grouped] = dense.reshape(-1)
    return out


def _template_ids(labels: I64, members: pa.Array) -> list[str | None]:
    """``canonical_id("tpl", members)`` per row; rows are canonical, so the first is smallest."""
    if not (labels >= 0).any():
        return [None] * len(labels)
    names = members.take(pa.array(_first_rows(labels))).to_pylist()
    ids = [canonical_id(PREFIX, [name]) for name in names]
    return [ids[label] if label >= 0 else None for label in labels.tolist()]


def _first_rows(labels: I64) -> I64:
    rows = np.flatnonzero(labels >= 0)
    _, first = np.unique(labels[rows], return_index=True)
    return np.asarray(rows[first], dtype=np.int64)


def _templates_table(
    table: pa.Table,
    labels: I64,
    *,
    ids: list[str | None],
    corpus: Corpus,
    boiler: Boilerplate,
    opts: TemplateOptions,
) -> tuple[pa.Table, list[str]]:
    texts_of = _boilerplate_texts(table, corpus, boiler)
    boilerplate_list = sorted(set(texts_of.values()))
    if not (labels >= 0).any():
        return TEMPLATES_SCHEMA.empty_table(), boilerplate_list
    n_templates = int(labels.max()) + 1
    first_seen, last_seen = _seen(table, labels, n_templates)
    described = _describe(table, labels, corpus, boiler, opts)
    columns: dict[str, list[Any]] = {
        "template_id": [ids[row] for row in _first_rows(labels).tolist()],
        "ad_count": np.bincount(labels[labels >= 0], minlength=n_templates).tolist(),
        "text": [text for text, _ in described],
        "slots": [slots for _, slots in described],
        "first_seen": first_seen,
        "last_seen": last_seen,
        "boilerplate_removed": _removed_per_template(labels, corpus, boiler, texts_of),
    }
    result = pa.Table.from_pydict(columns, schema=TEMPLATES_SCHEMA)
    ordered = result.sort_by([("ad_count", "descending"), ("template_id", "ascending")])
    return ordered, boilerplate_list


def _seen(table: pa.Table, labels: I64, n_templates: int) -> tuple[list[Any], list[Any]]:
    first: list[Any] = [None] * n_templates
    last: list[Any] = [None] * n_templates
    if "posted_at" not in table.column_names:
        return first, last
    rows = np.flatnonzero(labels >= 0)
    posted = table.column("posted_at").take(pa.array(rows))
    grouped = (
        pa.table({"label": labels[rows], "posted": posted})
        .group_by("label")
        .aggregate([("posted", "min"), ("posted", "max")])
    )
    for label, lo, hi in zip(
        grouped.column("label").to_pylist(),
        grouped.column("posted_min").to_pylist(),
        grouped.column("posted_max").to_pylist(),
        strict=True,
    ):
        first[label], last[label] = lo, hi
    return first, last


def _sentence_texts(table: pa.Table, corpus: Corpus, sentences: I64) -> list[str]:
    """The text of each of the given sentences, as written (NFKC), spaces trimmed."""
    ads = corpus.sentence_ad[sentences]
    unique_ads, position = np.unique(ads, return_inverse=True)
    encoded = [t.encode() for t in ad_texts(table.take(pa.array(unique_ads))).to_pylist()]
    out: list[str] = []
    for p, s in zip(position.reshape(-1).tolist(), sentences.tolist(), strict=True):
        piece = encoded[p][corpus.sentence_start[s] : corpus.sentence_end[s]]
        out.append(piece.decode("utf-8", errors="replace").strip())
    return out


def _boilerplate_texts(table: pa.Table, corpus: Corpus, boiler: Boilerplate) -> dict[int, str]:
    """A readable form of each boilerplate sentence: as in the first ad that has it, with
    masked values (phones, prices) shown as slots."""
    flagged = np.flatnonzero(boiler.contains(corpus.sentence_hash))
    if len(flagged) == 0:
        return {}
    hashes, first = np.unique(corpus.sentence_hash[flagged], return_index=True)
    texts = _sentence_texts(table, corpus, flagged[first])
    return {int(h): masked_form(t) for h, t in zip(hashes.tolist(), texts, strict=True)}


def _removed_per_template(
    labels: I64, corpus: Corpus, boiler: Boilerplate, texts_of: dict[int, str]
) -> list[list[str]]:
    n_templates = int(labels.max()) + 1
    label_of = labels[corpus.sentence_ad]
    rows = np.flatnonzero(boiler.contains(corpus.sentence_hash) & (label_of >= 0))
    found: list[set[str]] = [set() for _ in range(n_templates)]
    with np.errstate(over="ignore"):
        pair_key = mix64(corpus.sentence_hash[rows] ^ (label_of[rows].astype(np.uint64) * _GOLDEN))
    _, first = np.unique(pair_key, return_index=True)
    for label, h in zip(
        label_of[rows[first]].tolist(), corpus.sentence_hash[rows[first]].tolist(), strict=True
    ):
        found[label].add(texts_of[h])
    return [sorted(texts)[:MAX_BOILERPLATE_LISTED] for texts in found]


def _describe(
    table: pa.Table, labels: I64, corpus: Corpus, boiler: Boilerplate, opts: TemplateOptions
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Template text and slots of each template, from its first `max_aligned` members."""
    rows = np.flatnonzero(labels >= 0)
    aligned = rows[_rank_within(labels[rows]) < opts.max_aligned]
    aligned = aligned[np.argsort(labels[aligned], kind="stable")]  # grouped by template
    members = _members(table, corpus, boiler, aligned)
    reps = _representatives(aligned, labels, corpus, boiler, opts)
    bounds = np.r_[0, np.flatnonzero(np.diff(labels[aligned])) + 1, len(aligned)]
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for label in range(len(bounds) - 1):
        lo, hi = int(bounds[label]), int(bounds[label + 1])
        template = build_template(members[lo:hi], representative=int(reps[label]) - lo)
        out.append((template.text, [{"name": k, "values": v} for k, v in template.slots.items()]))
    return out


def _rank_within(labels: I64) -> I64:
    """Position of each element among the elements with the same label, in order."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.r_[True, sorted_labels[1:] != sorted_labels[:-1]]
    begin = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - begin
    return rank


def _members(table: pa.Table, corpus: Corpus, boiler: Boilerplate, rows: I64) -> list[Member]:
    """The given rows as alignment members: sentences with keys, boilerplate and empty ones out."""
    bounds = np.searchsorted(corpus.sentence_ad, np.stack([rows, rows + 1]))
    lengths = bounds[1] - bounds[0]
    sentence_ids = _spans(bounds[0], lengths)
    texts = ad_texts(table.take(pa.array(rows)))
    offsets, data = offsets_and_bytes(texts)
    # Sentences tile their text, so the texts' bytes with sentence offsets are a string array.
    owner = np.repeat(np.arange(len(rows)), lengths)
    starts = offsets[:-1][owner] + corpus.sentence_start[sentence_ids]
    sentence_offsets = np.r_[starts, offsets[-1]].astype(np.int64)
    sentences = pa.Array.from_buffers(
        pa.large_string(),
        len(sentence_ids),
        [None, pa.py_buffer(sentence_offsets), pa.py_buffer(data)],
    )
    hashes = corpus.sentence_hash[sentence_ids]
    kept = (hashes != 0) & ~boiler.contains(hashes)
    kept_text = sentences.filter(pa.array(kept)).to_pylist()
    kept_keys = hashes[kept].tolist()
    ends = np.cumsum(np.bincount(owner[kept], minlength=len(rows))).tolist()
    cities = _column_values(table, "city", rows)
    members: list[Member] = []
    begin = 0
    for end, city in zip(ends, cities, strict=True):
        members.append(Member(kept_text[begin:end], kept_keys[begin:end], city))
        begin = end
    return members


def _spans(starts: I64, lengths: I64) -> I64:
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def _column_values(table: pa.Table, name: str, rows: I64) -> list[str]:
    if name not in table.column_names:
        return [""] * len(rows)
    values = table.column(name).take(pa.array(rows)).to_pylist()
    return [v if isinstance(v, str) else "" for v in values]


def _representatives(
    aligned: I64, labels: I64, corpus: Corpus, boiler: Boilerplate, opts: TemplateOptions
) -> I64:
    """Per template, the position (in `aligned`) of the member most like the others.

    A member's score is the mean, over its distinct shingles, of how many aligned members of
    its template share that shingle: the medoid under shingle overlap, found without pairs.
    Ties go to the earliest member (canonical order).
    """
    position_of = np.full(len(labels), -1, dtype=np.int64)
    position_of[aligned] = np.arange(len(aligned))
    token_ad = corpus.sentence_ad[corpus.token_sentence]
    keep = ~boiler.contains(corpus.sentence_hash)[corpus.token_sentence]
    keep &= position_of[token_ad] >= 0
    owner = position_of[token_ad[keep]]
    order = np.argsort(owner, kind="stable")
    shingles, offsets = shingle_hashes(
        corpus.token_hash[keep][order], owner[order], len(aligned), k=opts.shingle_size
    )
    owner_of = np.repeat(np.arange(len(aligned), dtype=np.int64), np.diff(offsets))
    aligned_label = labels[aligned]
    with np.errstate(over="ignore"):
        own_key = mix64(shingles ^ (owner_of.astype(np.uint64) * _GOLDEN))
        _, first = np.unique(own_key, return_index=True)
        d_owner, d_shingle = owner_of[first], shingles[first]
        label_key = mix64(d_shingle ^ (aligned_label[d_owner].astype(np.uint64) * _SALT))
    _, inverse, counts = np.unique(label_key, return_inverse=True, return_counts=True)
    share = counts[inverse.reshape(-1)].astype(np.float64)
    score = np.bincount(d_owner, weights=share, minlength=len(aligned))
    size = np.bincount(d_owner, minlength=len(aligned))
    mean = np.divide(score, size, out=np.zeros(len(aligned)), where=size > 0)
    ranked = np.lexsort((np.arange(len(aligned)), -mean, aligned_label))
    first_of_label = np.r_[True, aligned_label[ranked][1:] != aligned_label[ranked][:-1]]
    return np.asarray(ranked[first_of_label], dtype=np.int64)
