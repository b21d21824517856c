"""The template stage on a cluster, step by step (the steps are in `distributed.templates`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa

from lightkeeper.ads.distributed import boilerplate as bp
from lightkeeper.ads.distributed import templates as tp
from lightkeeper.ads.distributed.parts import U64, home_of
from lightkeeper.ads.templates.boilerplate import Boilerplate
from lightkeeper.ads.templates.cluster import MAX_BOILERPLATE_LISTED, TemplateOptions, member_ids
from lightkeeper.engine.arrays import distinct
from lightkeeper.engine.dask import DaskEngine


@dataclass(slots=True)
class TemplateStage:
    """Futures and figures of the template stage."""

    template_ids: list[Any]  # per partition: pa.Array of template ids (null: none)
    templates: list[Any]  # per reducer: rows of templates.parquet
    summary: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)


def run_template_stage(
    engine: DaskEngine,
    ads: list[Any],
    first_rows: list[int],
    n_rows: list[int],
    *,
    options: TemplateOptions,
) -> TemplateStage:
    """Templates of the ads partitions: an id column per partition and the templates table."""
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    n = len(ads)
    parts = engine.map(tp.template_part, ads, first_rows, name="tpl-prepare")
    boiler = learn_boilerplate_dask(engine, parts, first_rows, options=options)
    seconds["templates_boilerplate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    boiler_f = engine.scatter(boiler)
    sigs = engine.map(tp.signatures, parts, [boiler_f] * n, name="tpl-sig", options=options)
    edges = _confirmed_edges(engine, parts, sigs, first_rows, options)
    labels = engine.connected_components(edges, n_out=n)
    ids = _template_ids(engine, parts, labels, first_rows, n_rows)
    seconds["templates_cluster"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    templates, texts = _described(
        engine,
        ads,
        parts,
        ids=ids,
        boiler=boiler,
        boiler_f=boiler_f,
        options=options,
        first_rows=first_rows,
    )
    counts = engine.gather(engine.map(_template_counts, templates, ids, name="tpl-counts"))
    summary = tp.template_summary(counts, texts, MAX_BOILERPLATE_LISTED)
    seconds["templates_describe"] = time.perf_counter() - t0
    return TemplateStage(ids, templates, summary, seconds)


def learn_boilerplate_dask(
    engine: DaskEngine, parts: list[Any], first_rows: list[int], *, options: TemplateOptions
) -> Boilerplate:
    """The corpus' boilerplate, learned as `learn_boilerplate` does (see `boilerplate`)."""
    opts = options.boilerplate
    bp.check_options(opts)
    n = len(parts)
    pairs = engine.map(tp.sentence_pairs, parts, name="bp-pairs")
    groups = engine.shuffle(
        pairs,
        split=bp.split_pairs,
        combine=partial(bp.sentence_group, options=opts),
        n_out=n,
        name="bp-count",
    )
    requests = engine.map(bp.ad_requests, groups, list(range(n)), name="bp-requests")
    at_home = engine.shuffle(
        requests,
        split=partial(bp.split_requests_home, offsets=first_rows),
        combine=bp.concat_requests,
        n_out=n,
        name="bp-to-home",
    )
    lists = engine.map(tp.ad_sentences, parts, at_home, name="bp-sentences")
    back = engine.shuffle(
        lists, split=bp.split_by_reducer, combine=bp.concat_sentences, n_out=n, name="bp-back"
    )
    samples = engine.map(bp.boilerplate_group, groups, back, name="bp-samples")
    seeds = bp.seed_hashes(opts)
    excluded: U64 = seeds
    flagged, related = np.zeros(0, np.uint64), np.zeros(0, np.float64)
    for _ in range(max(1, opts.rounds)):
        shared = engine.scatter(excluded)
        rounds = engine.map(bp.round_flags, samples, [shared] * n, name="bp-round", options=opts)
        flagged, related = bp.merge_flags(engine.gather(rounds))
        excluded = distinct(np.r_[seeds, flagged]).astype(np.uint64)
    wanted = engine.scatter(distinct(np.r_[seeds, flagged]).astype(np.uint64))
    found = engine.gather(engine.map(bp.final_counts, groups, [wanted] * n, name="bp-counts"))
    counts = {
        h: c for hashes, cs in found for h, c in zip(hashes.tolist(), cs.tolist(), strict=True)
    }
    return bp.learned_boilerplate(flagged, related, seeds, counts)


def _confirmed_edges(
    engine: DaskEngine,
    parts: list[Any],
    sigs: list[Any],
    first_rows: list[int],
    options: TemplateOptions,
) -> list[Any]:
    n = len(parts)
    buckets = engine.map(tp.bucket_rows, parts, sigs, name="lsh-buckets", options=options)
    pairs = engine.shuffle(
        buckets, split=tp.split_buckets, combine=tp.bucket_pairs, n_out=n, name="lsh-pairs"
    )
    at_first = engine.shuffle(
        pairs,
        split=partial(tp.split_pairs_home, offsets=first_rows, side=0),
        combine=tp.distinct_pairs,
        n_out=n,
        name="lsh-to-first",
    )
    signed = engine.map(tp.with_first_signature, sigs, at_first, first_rows, name="lsh-sign")
    at_second = engine.shuffle(
        signed,
        split=partial(tp.split_signed_home, offsets=first_rows),
        combine=tp.concat_signed,
        n_out=n,
        name="lsh-to-second",
    )
    return engine.map(
        tp.confirmed_pairs,
        sigs,
        at_second,
        first_rows,
        name="lsh-confirm",
        threshold=options.threshold,
    )


def _template_ids(
    engine: DaskEngine,
    parts: list[Any],
    labels: list[Any],
    first_rows: list[int],
    n_rows: list[int],
) -> list[Any]:
    n = len(parts)
    at_home = engine.shuffle(
        labels,
        split=partial(tp.split_labels_home, offsets=first_rows),
        combine=tp.concat_pairs,
        n_out=n,
        name="tpl-labels-home",
    )
    members = engine.map(tp.labelled_members, parts, at_home, name="tpl-members")
    named = engine.shuffle(
        members, split=tp.split_by_label, combine=tp.named_nodes, n_out=n, name="tpl-names"
    )
    back = engine.shuffle(
        named,
        split=partial(tp.split_named_home, offsets=first_rows),
        combine=tp.concat_named,
        n_out=n,
        name="tpl-names-home",
    )
    return engine.map(tp.template_column, back, first_rows, n_rows, name="tpl-ids")


def _described(
    engine: DaskEngine,
    ads: list[Any],
    parts: list[Any],
    *,
    ids: list[Any],
    boiler: Boilerplate,
    boiler_f: Any,
    options: TemplateOptions,
    first_rows: list[int],
) -> tuple[list[Any], list[str]]:
    n = len(parts)
    witnesses = _witnesses(engine, ads, parts, boiler_f, first_rows)
    texts = tp.boilerplate_texts(witnesses, boiler, options)
    witnesses_f = engine.scatter(witnesses)
    templated = engine.map(tp.templated_rows, ads, ids, name="tpl-templated")
    grouped = engine.shuffle(
        templated,
        split=tp.split_by_template,
        combine=tp.concat_templated,
        n_out=n,
        name="tpl-by-template",
    )
    described = engine.map(
        tp.describe_group,
        grouped,
        [witnesses_f] * n,
        [boiler_f] * n,
        name="tpl-describe",
        options=options,
    )
    return described, texts


def _witnesses(
    engine: DaskEngine, ads: list[Any], parts: list[Any], boiler_f: Any, first_rows: list[int]
) -> pa.Table:
    """The first ad (by member id) of every boilerplate sentence, sorted by member id."""
    n = len(parts)
    firsts = engine.map(tp.boilerplate_firsts, parts, [boiler_f] * n, name="bp-firsts")
    reduced = engine.shuffle(
        firsts, split=tp.split_firsts, combine=tp.global_firsts, n_out=n, name="bp-witness"
    )
    rows = sorted({r for table in engine.gather(reduced) for r in table.column("row").to_pylist()})
    homes = home_of(np.array(rows, dtype=np.int64), first_rows).tolist()
    wanted: dict[int, list[int]] = {}
    for row, home in zip(rows, homes, strict=True):
        wanted.setdefault(home, []).append(row)
    keys = sorted(wanted)
    found = engine.gather(
        engine.map(
            tp.witness_rows,
            [ads[k] for k in keys],
            [wanted[k] for k in keys],
            [first_rows[k] for k in keys],
            name="bp-witness-rows",
        )
    )
    if not found:
        return _empty_witnesses(engine, ads)
    table = pa.concat_tables(found).combine_chunks()
    return table.take(pa.array(np.argsort(np.asarray(member_ids(table).to_pylist(), dtype=object))))


def _empty_witnesses(engine: DaskEngine, ads: list[Any]) -> pa.Table:
    schema = engine.gather([engine.submit(_describe_schema, ads[0], name="tpl-schema")])[0]
    return schema.empty_table()


def _describe_schema(ads: pa.Table) -> pa.Schema:
    return ads.select(list(tp.DESCRIBE_COLUMNS)).schema


def _template_counts(templates: pa.Table, ids: pa.Array) -> tuple[int, int]:
    return templates.num_rows, len(ids) - ids.null_count
