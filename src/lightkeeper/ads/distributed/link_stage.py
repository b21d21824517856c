"""The link stage on a cluster, step by step (the steps are in `distributed.link`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pyarrow as pa

from lightkeeper.ads.distributed import link as lk
from lightkeeper.ads.distributed.parts import concat_tables, hashed, split_table
from lightkeeper.ads.distributed.templates import split_labels_home
from lightkeeper.ads.link.config import LinkConfig
from lightkeeper.ads.link.hubs import Hub
from lightkeeper.engine.dask import DaskEngine


@dataclass(slots=True)
class LinkStage:
    """Futures and figures of the link stage."""

    network_ids: list[Any]  # per partition: pa.Array of network ids
    edges: list[Any]  # per value reducer: evidence edges (src, dst, kind, value)
    hubs: list[Hub]
    hub_values: dict[str, dict[str, str]]
    sizes: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def run_link_stage(
    engine: DaskEngine,
    ads: list[Any],
    template_ids: list[Any],
    first_rows: list[int],
    *,
    config: LinkConfig,
) -> LinkStage:
    """Networks of the ads partitions (one id column per partition), edges and hubs."""
    seconds: dict[str, float] = {}
    n = len(ads)
    t0 = time.perf_counter()
    names, n_hashes = _image_names(engine, ads, config) if config.link_images else ({}, 0)
    names_f = engine.scatter(names)
    seconds["link_images"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    occurrences = engine.map(
        lk.occurrence_rows,
        ads,
        template_ids,
        first_rows,
        [names_f] * n,
        name="link-occurrences",
        config=config,
    )
    grouped = engine.shuffle(
        occurrences, split=lk.split_occurrences, combine=_concat_occ, n_out=n, name="link-values"
    )
    values = engine.map(lk.value_group, grouped, [names_f] * n, name="link-flags", config=config)
    base = engine.connected_components(
        engine.map(lk.base_edges, values, name="link-base-edges"), n_out=n
    )
    seconds["link_base_groups"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    decision, sizes = _decision(
        engine,
        ads,
        template_ids=template_ids,
        occurrences=occurrences,
        values=values,
        base=base,
        names=names,
        first_rows=first_rows,
        config=config,
    )
    sizes["image_hashes"] = n_hashes
    hub_set = {(hub.kind, hub.identifier) for hub in decision.hubs}
    seconds["link_hubs"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    hubs_f = engine.scatter(hub_set)
    edges = engine.map(lk.linking_edges, values, [hubs_f] * n, name="link-edges")
    labels = engine.connected_components(
        engine.map(lk.edge_pairs, edges, name="link-pairs"), n_out=n
    )
    network_ids = _network_ids(engine, ads, labels, first_rows)
    seconds["link_components"] = time.perf_counter() - t0
    return LinkStage(
        network_ids, edges, decision.hubs, lk.hub_values(decision, names), sizes, seconds
    )


def _concat_occ(pieces: list[pa.Table]) -> list[pa.Table]:
    return pieces


def _image_names(
    engine: DaskEngine, ads: list[Any], config: LinkConfig
) -> tuple[dict[str, str], int]:
    values = engine.map(lk.image_hash_values, ads, name="img-hashes")
    distinct = engine.shuffle(
        values,
        split=lk.split_strings,
        combine=lk.distinct_strings,
        n_out=len(ads),
        name="img-distinct",
    )
    hashes = pa.concat_arrays(
        [a.cast(pa.string()) for a in engine.gather(distinct)] or [pa.array([], pa.string())]
    )
    return lk.image_cluster_names(hashes, max_distance=config.image_max_distance), len(hashes)


def _decision(
    engine: DaskEngine,
    ads: list[Any],
    *,
    template_ids: list[Any],
    occurrences: list[Any],
    values: list[Any],
    base: list[Any],
    names: dict[str, str],
    first_rows: list[int],
    config: LinkConfig,
) -> tuple[Any, dict[str, int]]:
    n = len(ads)
    special = engine.map(lk.special_rows, values, name="link-special")
    at_home = engine.shuffle(
        special,
        split=partial(lk.split_rows_home, offsets=first_rows),
        combine=lk.unique_rows,
        n_out=n,
        name="link-special-home",
    )
    labels_home = engine.shuffle(
        base,
        split=partial(split_labels_home, offsets=first_rows),
        combine=_concat_labels,
        n_out=n,
        name="link-base-home",
    )
    reduced = engine.gather(
        engine.map(
            lk.reduced_part,
            ads,
            template_ids,
            occurrences,
            at_home,
            labels_home,
            first_rows,
            name="link-reduced",
        )
    )
    facts = concat_tables([f for f, _ in reduced], lk.ROWS_SCHEMA)
    occ = concat_tables([o for _, o in reduced], lk.OCC_SCHEMA)
    decision = lk.reduced_decision(facts, occ, names, config=config)
    sizes = {
        "hub_ads": facts.num_rows,
        "hub_occurrences": occ.num_rows,
        "hub_bytes": facts.nbytes + occ.nbytes,
    }
    return decision, sizes


def _concat_labels(pieces: list[Any]) -> Any:
    import numpy as np

    return np.concatenate(pieces) if pieces else np.zeros((0, 2), np.int64)


def _network_ids(
    engine: DaskEngine, ads: list[Any], labels: list[Any], first_rows: list[int]
) -> list[Any]:
    n = len(ads)
    at_home = engine.shuffle(
        labels,
        split=partial(split_labels_home, offsets=first_rows),
        combine=_concat_labels,
        n_out=n,
        name="net-labels-home",
    )
    members = engine.map(lk.labelled, ads, at_home, first_rows, name="net-members")
    named = engine.shuffle(
        members, split=_split_by_label, combine=lk.named_networks, n_out=n, name="net-names"
    )
    back = engine.shuffle(
        named,
        split=partial(_split_named_home, offsets=first_rows),
        combine=_concat_named,
        n_out=n,
        name="net-names-home",
    )
    return engine.map(lk.network_column, ads, back, first_rows, name="net-ids")


def _split_by_label(table: pa.Table, n_out: int) -> list[pa.Table]:
    import numpy as np

    labels = np.asarray(table.column("label").to_numpy(), dtype=np.int64)
    return split_table(table, hashed(labels, n_out), n_out)


def _split_named_home(table: pa.Table, n_out: int, *, offsets: list[int]) -> list[pa.Table]:
    import numpy as np

    from lightkeeper.ads.distributed.parts import home_of

    nodes = np.asarray(table.column("node").to_numpy(), dtype=np.int64)
    return split_table(table, home_of(nodes, offsets), n_out)


def _concat_named(pieces: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(pieces) if pieces else pa.table({})
