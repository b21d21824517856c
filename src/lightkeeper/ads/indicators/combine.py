"""An ad's risk in the context of its network.

An ad's own text shows only part of the picture: several personas on its phone, a fast circuit
across cities or prices far below the local median are visible only in the network the ad
belongs to. `with_network_context` adds the network-level indicators of an ad's network (never
the ad-level ones again, which the ad's text already counted) to the ad's evidence, each as a
reason of its own whose evidence names the network, so the score still explains itself. The
ad's text-only score is kept as `text_risk_score`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.indicators.catalogue import Catalogue
from lightkeeper.ads.indicators.risk import REASON_TYPE, risk_scores

Reason = dict[str, Any]


def network_level_reasons(networks: pa.Table, catalogue: Catalogue) -> dict[str, list[Reason]]:
    """The reasons of each network that come from network-level indicators."""
    levels = {ind.code: ind.level for ind in catalogue.indicators}
    ids = networks.column("network_id").to_pylist()
    reasons = networks.column("risk_reasons").to_pylist()
    return {
        net: [dict(r) for r in rs if levels.get(r["code"]) == "network"]
        for net, rs in zip(ids, reasons, strict=True)
        if rs
    }


def with_network_context(ads: pa.Table, networks: pa.Table, *, catalogue: Catalogue) -> pa.Table:
    """`ads` with risk_score and risk_reasons that include its network's structural evidence.

    Needs columns network_id, risk_score and risk_reasons (from `score_ads`); returns the table
    with `text_risk_score` (the ad's own score) added and the two risk columns replaced.
    Columnar: every ad's reasons and its network's are gathered as flat arrays and sorted once.
    """
    own = _chunkless(ads.column("risk_reasons"))
    own_rows = np.asarray(pc.list_parent_indices(own), dtype=np.int64)
    own_flat = pc.list_flatten(own)
    net_rows, net_flat = _network_level(networks, catalogue)
    # each ad gets its network's network-level reasons: a gather through the network's row
    net_of_ad = _network_rows(ads.column("network_id"), networks, net_rows)
    starts = np.searchsorted(net_rows, np.arange(networks.num_rows + 1))
    count = np.where(net_of_ad >= 0, starts[net_of_ad + 1] - starts[net_of_ad], 0)
    ad_of_extra = np.repeat(np.arange(ads.num_rows, dtype=np.int64), count)
    within = np.arange(len(ad_of_extra)) - np.repeat(np.cumsum(count) - count, count)
    extra_items = pa.array(starts[net_of_ad[ad_of_extra]] + within, pa.int64())
    extra = net_flat.take(extra_items)
    ids = pc.cast(_chunkless(ads.column("network_id")), pa.string())
    prefix = pc.binary_join_element_wise(
        "network ", ids.take(pa.array(ad_of_extra, pa.int64())), ": ", ""
    )
    evidence = pc.binary_join_element_wise(prefix, pc.struct_field(extra, "evidence"), "")
    rows = np.concatenate([own_rows, ad_of_extra])
    field_arrays = [
        pa.concat_arrays([pc.struct_field(own_flat, name), pc.struct_field(extra, name)])
        for name in ("code", "name", "contribution")
    ]
    field_arrays.append(pa.concat_arrays([pc.struct_field(own_flat, "evidence"), evidence]))
    contribution = np.asarray(field_arrays[2].to_numpy(zero_copy_only=False), dtype=np.float64)
    # largest effect first, then by code; own reasons before the network's on a tie (stable)
    order = np.lexsort((_string_rank(field_arrays[0]), -np.abs(contribution), rows))
    taken = pa.array(order, pa.int64())
    merged = pa.StructArray.from_arrays(
        [a.take(taken) for a in field_arrays], fields=list(REASON_TYPE)
    )
    offsets = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=ads.num_rows))])
    # summed in the reasons' order, as the reasons are shown
    evidence_sum = np.bincount(rows[order], weights=contribution[order], minlength=ads.num_rows)
    scores = risk_scores(catalogue.intercept("ad"), evidence_sum)
    text_score = ads.column("risk_score")
    out = ads.drop_columns(["risk_score", "risk_reasons"])
    out = out.append_column("risk_score", pa.array(scores, pa.float64()))
    out = out.append_column(
        "risk_reasons", pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), merged)
    )
    return out.append_column("text_risk_score", text_score)


def _network_level(networks: pa.Table, catalogue: Catalogue) -> tuple[np.ndarray, pa.Array]:
    """The network-level reasons of every network, flat, and the network row of each."""
    reasons = _chunkless(networks.column("risk_reasons"))
    flat = pc.list_flatten(reasons)
    rows = np.asarray(pc.list_parent_indices(reasons), dtype=np.int64)
    codes = [ind.code for ind in catalogue.indicators if ind.level == "network"]
    keep = pc.fill_null(
        pc.is_in(pc.struct_field(flat, "code"), pa.array(codes, pa.string())), False
    )
    keep_np = np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)
    return rows[keep_np], flat.filter(keep)


def _network_rows(ids: pa.ChunkedArray, networks: pa.Table, net_rows: np.ndarray) -> np.ndarray:
    """For each ad, the networks row whose reasons it gets (-1: none).

    As a dict from network id would: only networks with some reasons count, and of rows with
    the same id the last one.
    """
    listed = _chunkless(networks.column("network_id"))
    with_reasons = np.zeros(networks.num_rows, dtype=bool)
    with_reasons[
        np.asarray(pc.list_parent_indices(_chunkless(networks.column("risk_reasons"))))
    ] = True
    candidates = np.flatnonzero(with_reasons)[::-1]  # last first: index_in finds the first
    value_set = listed.take(pa.array(candidates, pa.int64()))
    found = pc.index_in(pc.cast(_chunkless(ids), listed.type), value_set=value_set)
    index = np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.where(index >= 0, candidates[np.maximum(index, 0)], -1)


def _string_rank(values: pa.Array) -> np.ndarray:
    """The rank of each string in code-point order (equal strings share a rank)."""
    encoded = pc.dictionary_encode(values)
    ranks = pc.rank(encoded.dictionary, sort_keys="ascending", tiebreaker="dense")
    return np.asarray(ranks, dtype=np.int64)[np.asarray(encoded.indices, dtype=np.int64)]


def _chunkless(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    return values
