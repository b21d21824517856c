"""Templates on a cluster: `lightkeeper.ads.templates.cluster.cluster_templates`, distributed.

Per partition (`template_part`): sentences and tokens (`prepare_corpus`), member ids and their
hashes. Corpus-wide, as shuffles:

1. boilerplate (`distributed.boilerplate`);
2. MinHash signatures and LSH band keys per partition, then (band, key) buckets grouped by a
   shuffle on the key. Within a bucket, members are ordered by member id (``id#version``,
   the local engine's canonical order), and each is paired with the bucket's first member and
   with the member before it, as `lsh.candidate_pairs` does;
3. a pair is confirmed where its estimated similarity reaches the threshold: the pair travels
   to the partition of its first ad to pick up that signature, then to the partition of the
   second, which compares them (`minhash.estimated_similarity`);
4. components of confirmed pairs (`DaskEngine.connected_components`) are templates, named by
   their smallest member id (`canonical_id("tpl", ...)`), found by a shuffle on the label;
5. each template's text and slots come from its members, grouped by template id.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.distributed import boilerplate as bp
from lightkeeper.ads.distributed.parts import (
    I64,
    U64,
    column,
    concat_tables,
    hashed,
    home_of,
    numbers,
    split_table,
)
from lightkeeper.ads.ids import canonical_id
from lightkeeper.ads.templates import cluster as _cluster
from lightkeeper.ads.templates.boilerplate import Boilerplate
from lightkeeper.ads.templates.cluster import (
    PREFIX,
    TEMPLATES_SCHEMA,
    Corpus,
    TemplateOptions,
    ad_shingles,
    member_ids,
    prepare_corpus,
)
from lightkeeper.ads.templates.lsh import band_keys
from lightkeeper.ads.templates.minhash import estimated_similarity, minhash_signatures
from lightkeeper.ads.templates.shingles import string_hashes
from lightkeeper.engine.dask_graph import mixed, split_by, unique_edges

U32 = npt.NDArray[np.uint32]
BUCKET_SCHEMA = pa.schema(
    [("band", pa.int32()), ("key", pa.uint64()), ("row", pa.int64()), ("member", pa.string())]
)
LABEL_SCHEMA = pa.schema([("label", pa.int64()), ("member", pa.string()), ("node", pa.int64())])
NAMED_SCHEMA = pa.schema([("node", pa.int64()), ("template_id", pa.string())])
FIRST_SCHEMA = pa.schema([("hash", pa.uint64()), ("member", pa.string()), ("row", pa.int64())])
DESCRIBE_COLUMNS = ("id", "version", "title", "body", "posted_at", "city")


@dataclass(frozen=True, slots=True)
class TemplatePart:
    """One partition's text features, kept on its worker for the template stage."""

    first_row: int
    members: pa.Array
    ad_keys: U64
    corpus: Corpus


def template_part(ads: pa.Table, first_row: int) -> TemplatePart:
    """Sentences, tokens and member ids of one ads partition."""
    members = member_ids(ads)
    return TemplatePart(first_row, members, string_hashes(members), prepare_corpus(ads))


# -- boilerplate, through `distributed.boilerplate` ---------------------------------------


def sentence_pairs(part: TemplatePart) -> pa.Table:
    """The (sentence, draw, row) pairs of a partition (see `boilerplate.sentence_pairs`)."""
    c = part.corpus
    return bp.sentence_pairs(c.sentence_ad, c.sentence_hash, part.ad_keys, part.first_row)


def ad_sentences(part: TemplatePart, requests: pa.Table) -> pa.Table:
    """The sentence lists of the requested ads of a partition."""
    c = part.corpus
    return bp.ad_sentences(
        c.sentence_ad,
        c.sentence_hash,
        c.sentence_shape,
        ad_keys=part.ad_keys,
        requests=requests,
        first_row=part.first_row,
    )


# -- signatures and buckets ------------------------------------------------------------------


def signatures(part: TemplatePart, boiler: Boilerplate, *, options: TemplateOptions) -> U32:
    """MinHash signatures of a partition's ads, boilerplate discounted (as the local stage)."""
    n = len(part.members)
    shingles, offsets = ad_shingles(part.corpus, boiler, n, k=options.shingle_size)
    return minhash_signatures(
        shingles, offsets, num_perm=options.num_perm, seed=options.seed, method=options.method
    )


def bucket_rows(part: TemplatePart, sig: U32, *, options: TemplateOptions) -> pa.Table:
    """(band, key, row, member) for every usable band of every ad of a partition."""
    keys, usable = band_keys(sig, bands=options.bands)
    rows, bands = np.nonzero(usable)
    return pa.table(
        {
            "band": pa.array(bands.astype(np.int32)),
            "key": pa.array(keys[rows, bands], pa.uint64()),
            "row": pa.array(rows.astype(np.int64) + part.first_row),
            "member": part.members.take(pa.array(rows)),
        },
        schema=BUCKET_SCHEMA,
    )


def split_buckets(table: pa.Table, n_out: int) -> list[pa.Table]:
    """Bucket rows cut by key (all members of a bucket meet in one reducer)."""
    return split_table(table, hashed(numbers(table, "key", np.uint64), n_out), n_out)


def bucket_pairs(pieces: list[pa.Table]) -> I64:
    """Candidate pairs (a, b) of global rows from the buckets of one reducer, without repeats.

    Each member is paired with its bucket's first member and with the member before it, in
    member id order: `lsh.candidate_pairs` on the local engine's canonical order.
    """
    table = _shared_buckets(concat_tables(pieces, BUCKET_SCHEMA))
    if table.num_rows < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = pc.sort_indices(
        table, [("band", "ascending"), ("key", "ascending"), ("member", "ascending")]
    )
    table = table.take(order)
    band = numbers(table, "band", np.int64)
    key = numbers(table, "key", np.uint64)
    rows = numbers(table, "row", np.int64)
    starts = np.r_[True, (band[1:] != band[:-1]) | (key[1:] != key[:-1])]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(rows)), 0))
    others = np.flatnonzero(~starts)
    chained = others[~starts[others - 1]]
    left = np.r_[rows[first[others]], rows[chained - 1]]
    right = np.r_[rows[others], rows[chained]]
    return unique_edges(np.stack([left, right], axis=1))


def _shared_buckets(table: pa.Table) -> pa.Table:
    """The rows of buckets with two members or more (most buckets hold one ad: they give no
    pair, and leaving them out spares sorting them by member id)."""
    band = numbers(table, "band", np.int64).astype(np.uint64)
    key = numbers(table, "key", np.uint64)
    with np.errstate(over="ignore"):
        code = key ^ mixed(band)
    _, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
    return table.filter(pa.array(counts[inverse.reshape(-1)] >= 2))


def split_pairs_home(pairs: I64, n_out: int, *, offsets: list[int], side: int) -> list[I64]:
    """Pairs cut by the partition of their first (side 0) or second (side 1) row."""
    return split_by(pairs, home_of(pairs[:, side], offsets), n_out)


def concat_pairs(pieces: list[I64]) -> I64:
    """Pairs from several pieces as one array."""
    return np.concatenate(pieces) if pieces else np.zeros((0, 2), dtype=np.int64)


def distinct_pairs(pieces: list[I64]) -> I64:
    """Pairs from several pieces without repeats (one pair is found in several bands)."""
    return unique_edges(concat_pairs(pieces))


Signed = tuple[I64, I64, U32]  # pairs, row in the signatures of each pair, signatures


def with_first_signature(sig: U32, pairs: I64, first_row: int) -> tuple[I64, U32, int]:
    """Pairs whose first row is in this partition, with the partition's signatures."""
    return pairs, sig, first_row


def split_signed_home(
    signed: tuple[I64, U32, int], n_out: int, *, offsets: list[int]
) -> list[Signed]:
    """Pairs cut by the partition of their second row, each piece carrying the signature of
    each distinct first row once (a bucket's first member is in many pairs)."""
    pairs, sig, first_row = signed
    assign = home_of(pairs[:, 1], offsets)
    order = np.argsort(assign, kind="stable")
    bounds = np.searchsorted(assign[order], np.arange(n_out + 1))
    out: list[Signed] = []
    for lo, hi in itertools.pairwise(bounds.tolist()):
        piece = pairs[order[lo:hi]]
        firsts, inverse = np.unique(piece[:, 0], return_inverse=True)
        out.append((piece, inverse.reshape(-1).astype(np.int64), sig[firsts - first_row]))
    return out


def concat_signed(pieces: list[Signed]) -> Signed:
    """Signed pairs from several pieces."""
    if not pieces:
        return np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.uint32)
    shift = np.cumsum([0] + [len(s) for _, _, s in pieces[:-1]])
    return (
        np.concatenate([p for p, _, _ in pieces]),
        np.concatenate([i + k for (_, i, _), k in zip(pieces, shift.tolist(), strict=True)]),
        np.concatenate([s for _, _, s in pieces]),
    )


def confirmed_pairs(sig: U32, signed: Signed, first_row: int, *, threshold: float) -> I64:
    """The pairs whose estimated similarity reaches the threshold (second row is local)."""
    pairs, index, first_sigs = signed
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64)
    both = np.concatenate([first_sigs[index], sig[pairs[:, 1] - first_row]])
    k = len(pairs)
    similar = estimated_similarity(both, np.arange(k), np.arange(k, 2 * k)) >= threshold
    return np.asarray(pairs[similar], dtype=np.int64)


# -- template ids from component labels -----------------------------------------------------


def split_labels_home(labels: I64, n_out: int, *, offsets: list[int]) -> list[I64]:
    """(node, label) rows cut by the partition of the node."""
    return split_by(labels, home_of(labels[:, 0], offsets), n_out)


def labelled_members(part: TemplatePart, labels: I64) -> pa.Table:
    """(label, member, node) for the labelled nodes of a partition."""
    local = labels[:, 0] - part.first_row
    return pa.table(
        {
            "label": pa.array(labels[:, 1], pa.int64()),
            "member": part.members.take(pa.array(local)),
            "node": pa.array(labels[:, 0], pa.int64()),
        },
        schema=LABEL_SCHEMA,
    )


def split_by_label(table: pa.Table, n_out: int) -> list[pa.Table]:
    """Labelled members cut by label (a component meets in one reducer)."""
    return split_table(table, hashed(numbers(table, "label", np.int64), n_out), n_out)


def named_nodes(pieces: list[pa.Table]) -> pa.Table:
    """(node, template id) of one reducer's components: the id of the smallest member."""
    table = concat_tables(pieces, LABEL_SCHEMA)
    if not table.num_rows:
        return NAMED_SCHEMA.empty_table()
    smallest = table.group_by("label", use_threads=False).aggregate([("member", "min")])
    names = {
        label: canonical_id(PREFIX, [member])
        for label, member in zip(
            smallest.column("label").to_pylist(),
            smallest.column("member_min").to_pylist(),
            strict=True,
        )
    }
    ids = [names[label] for label in table.column("label").to_pylist()]
    return pa.table(
        {"node": table.column("node"), "template_id": pa.array(ids, pa.string())},
        schema=NAMED_SCHEMA,
    )


def split_named_home(table: pa.Table, n_out: int, *, offsets: list[int]) -> list[pa.Table]:
    """Named nodes cut by the partition of the node."""
    return split_table(table, home_of(numbers(table, "node", np.int64), offsets), n_out)


def concat_named(pieces: list[pa.Table]) -> pa.Table:
    """Named nodes from several pieces."""
    return concat_tables(pieces, NAMED_SCHEMA)


def template_column(named: pa.Table, first_row: int, n_rows: int) -> pa.Array:
    """The template id of each row of a partition (null: no template)."""
    ids: list[str | None] = [None] * n_rows
    for node, tid in zip(
        named.column("node").to_pylist(), named.column("template_id").to_pylist(), strict=True
    ):
        ids[node - first_row] = tid
    return pa.array(ids, pa.string())


# -- describing templates ----------------------------------------------------------------


def boilerplate_firsts(part: TemplatePart, boiler: Boilerplate) -> pa.Table:
    """Per boilerplate sentence of a partition, its ad with the smallest member id."""
    c = part.corpus
    flagged = np.flatnonzero(boiler.contains(c.sentence_hash))
    table = pa.table(
        {
            "hash": pa.array(c.sentence_hash[flagged], pa.uint64()),
            "member": part.members.take(pa.array(c.sentence_ad[flagged])),
            "row": pa.array(c.sentence_ad[flagged] + part.first_row, pa.int64()),
        },
        schema=FIRST_SCHEMA,
    )
    return _smallest_member_per_hash(table)


def _smallest_member_per_hash(table: pa.Table) -> pa.Table:
    if not table.num_rows:
        return FIRST_SCHEMA.empty_table()
    table = table.take(pc.sort_indices(table, [("hash", "ascending"), ("member", "ascending")]))
    hashes = numbers(table, "hash", np.uint64)
    first = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    return table.take(pa.array(first))


def split_firsts(table: pa.Table, n_out: int) -> list[pa.Table]:
    """Boilerplate firsts cut by sentence hash."""
    return split_table(table, hashed(numbers(table, "hash", np.uint64), n_out), n_out)


def global_firsts(pieces: list[pa.Table]) -> pa.Table:
    """The first ad (smallest member id) of each boilerplate sentence of one reducer."""
    return _smallest_member_per_hash(concat_tables(pieces, FIRST_SCHEMA))


def witness_rows(ads: pa.Table, rows: list[int], first_row: int) -> pa.Table:
    """The describe columns of the given global rows of a partition."""
    local = pa.array([r - first_row for r in rows], pa.int64())
    return ads.select(list(DESCRIBE_COLUMNS)).take(local)


def templated_rows(ads: pa.Table, template_ids: pa.Array) -> pa.Table:
    """The describe columns and template id of the ads of a partition that have a template."""
    table = ads.select(list(DESCRIBE_COLUMNS)).append_column("template_id", template_ids)
    return table.filter(pc.is_valid(template_ids))


def split_by_template(table: pa.Table, n_out: int) -> list[pa.Table]:
    """Templated rows cut by template id (a template meets in one reducer)."""
    keys = string_hashes(column(table, "template_id"))
    return split_table(table, (keys % np.uint64(n_out)).astype(np.int64), n_out)


def concat_templated(pieces: list[pa.Table]) -> list[pa.Table]:
    """The templated rows that reached one reducer (kept as pieces)."""
    return [p for p in pieces if p.num_rows]


def describe_group(
    pieces: list[pa.Table], witnesses: pa.Table, boiler: Boilerplate, *, options: TemplateOptions
) -> pa.Table:
    """The templates table rows of the templates of one reducer.

    Rows go in canonical order (member id) after the witnesses (the first ad of each
    boilerplate sentence, so each boilerplate text is read where the local engine reads it).
    """
    tables = [p for p in pieces if p.num_rows]
    if not tables:
        return TEMPLATES_SCHEMA.empty_table()
    members = pa.concat_tables(tables).combine_chunks()
    members = members.take(pc.sort_indices(member_ids(members)))
    ids = column(members, "template_id").to_pylist()
    dense = {tid: i for i, tid in enumerate(dict.fromkeys(ids))}
    labels = np.r_[
        np.full(witnesses.num_rows, -1, dtype=np.int64),
        np.array([dense[t] for t in ids], dtype=np.int64),
    ]
    table = pa.concat_tables([witnesses, members.drop_columns(["template_id"])]).combine_chunks()
    row_ids: list[str | None] = [None] * witnesses.num_rows + list(ids)
    corpus = prepare_corpus(table)
    # The local stage's describe step, on these rows (see the report: a public split is asked).
    described, _ = _cluster._templates_table(
        table, labels, ids=row_ids, corpus=corpus, boiler=boiler, opts=options
    )
    return described


def boilerplate_texts(
    witnesses: pa.Table, boiler: Boilerplate, options: TemplateOptions
) -> list[str]:
    """The readable boilerplate sentences (sorted), as the local stage lists them."""
    if not witnesses.num_rows:
        return []
    labels = np.full(witnesses.num_rows, -1, dtype=np.int64)
    _, texts = _cluster._templates_table(
        witnesses,
        labels,
        ids=[None] * witnesses.num_rows,
        corpus=prepare_corpus(witnesses),
        boiler=boiler,
        opts=options,
    )
    return list(texts)


def template_summary(counts: list[tuple[int, int]], texts: list[str], limit: int) -> dict[str, Any]:
    """The summary's templates section from (templates, ads in templates) per reducer."""
    return {
        "count": sum(c for c, _ in counts),
        "ads_in_templates": sum(a for _, a in counts),
        "boilerplate_lines": len(texts),
        "boilerplate_sample": texts[:limit],
    }
