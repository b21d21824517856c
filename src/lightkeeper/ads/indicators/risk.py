"""Transparent additive risk: sigmoid(intercept + sum of the fired indicators' log-odds).

Every score carries its reasons: the indicators that moved it, each with its contribution in
log-odds and the evidence (the matched snippet, or what the network shows). The model is the
one a logistic regression fits, so `lightkeeper train` can replace the weights with fitted ones.

A score of 0 means that nothing raised the risk above the prior (no indicator, or only
indicators that lower it); the prior itself, sigmoid(intercept), is the same for every ad and
says nothing about this one, so it is not shown as a score. Any score above 0 therefore has at
least one reason that raised it. For an ad with net positive evidence the score is the model's
probability.

Networks: an ad-level indicator counts at full weight once at least half of the network's ads
show it, and in proportion below that (one ad among fifty does not mark a network; one of two
does), plus the network-level indicators (see `network.py`) at their full weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.indicators.catalogue import Catalogue
from lightkeeper.ads.indicators.hits import EVIDENCE_CHARS, Hits
from lightkeeper.ads.indicators.match import match_hits
from lightkeeper.ads.indicators.network import network_indicators

REASON_TYPE = pa.struct(
    [
        ("code", pa.string()),
        ("name", pa.string()),
        ("contribution", pa.float64()),
        ("evidence", pa.string()),
    ]
)
FULL_WEIGHT_SHARE = 0.5  # share of a network's ads at which an ad-level indicator counts fully
AD_SCORES_SCHEMA = pa.schema(
    [
        ("indicators", pa.list_(pa.string())),
        ("risk_score", pa.float64()),
        ("risk_reasons", pa.list_(REASON_TYPE)),
    ]
)
NETWORK_SCORES_SCHEMA = pa.schema(
    [
        ("network_id", pa.string()),
        ("risk_score", pa.float64()),
        ("risk_reasons", pa.list_(REASON_TYPE)),
        ("network_indicators", pa.list_(pa.string())),
    ]
)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, element-wise, without overflow warnings."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64))))


def risk_scores(intercept: float, evidence: np.ndarray) -> np.ndarray:
    """sigmoid(intercept + evidence) where the evidence (sum of contributions) is > 0, else 0."""
    evidence = np.asarray(evidence, dtype=np.float64)
    return np.where(evidence > 0, sigmoid(intercept + evidence), 0.0)


def score_ads(ads: pa.Table, *, catalogue: Catalogue) -> pa.Table:
    """Score each ad: indicators (codes), risk_score (0..1) and risk_reasons, one row per ad.

    `ads` needs title and body (ages is used when present). The result has the columns of
    `AD_SCORES_SCHEMA`, in the order of `ads`' rows.
    """
    return ad_scores_table(match_hits(ads, catalogue=catalogue), ads.num_rows, catalogue=catalogue)


def ad_scores_table(hits: Hits, n_rows: int, *, catalogue: Catalogue) -> pa.Table:
    """The scores table (`AD_SCORES_SCHEMA`) of already matched ads (`hits` ordered)."""
    codes = pa.array([ind.code for ind in catalogue.indicators], pa.string())
    names = pa.array([ind.name for ind in catalogue.indicators], pa.string())
    active = {ind.code for ind in catalogue.active()}
    contribution = np.array(
        [ind.contribution if ind.code in active else 0.0 for ind in catalogue.indicators]
    )
    code_rank = np.argsort(np.argsort(np.array(codes.to_pylist(), dtype=object), kind="stable"))
    offsets = pa.array(
        np.concatenate([[0], np.cumsum(np.bincount(hits.rows, minlength=n_rows))]), pa.int32()
    )
    # reasons: largest effect first, then by code so equal contributions have a stable order
    order = np.lexsort((code_rank[hits.codes], -np.abs(contribution[hits.codes]), hits.rows))
    ranked = hits.take(order)
    taken = pa.array(ranked.codes)
    # summed in the reasons' order, as the reasons are shown
    sums = np.bincount(ranked.rows, weights=contribution[ranked.codes], minlength=n_rows)
    evidence = pc.utf8_slice_codeunits(pa.array(ranked.evidence, pa.string()), 0, EVIDENCE_CHARS)
    reasons = pa.StructArray.from_arrays(
        [
            codes.take(taken),
            names.take(taken),
            pa.array(contribution[ranked.codes], pa.float64()),
            evidence,
        ],
        fields=list(REASON_TYPE),
    )
    return pa.Table.from_arrays(
        [
            pa.ListArray.from_arrays(offsets, codes.take(pa.array(hits.codes))),
            pa.array(risk_scores(catalogue.intercept("ad"), sums), pa.float64()),
            pa.ListArray.from_arrays(offsets, reasons),
        ],
        schema=AD_SCORES_SCHEMA,
    )


def score_networks(ads: pa.Table, networks: pa.Table, *, catalogue: Catalogue) -> pa.Table:
    """Score each network: risk_score, risk_reasons and network_indicators, one row per network.

    `ads` has network_id and the ad-level score columns (indicators, risk_reasons; they are
    computed here when absent); `networks` has network_id (and personas, phones when known).
    Rows come out in the order of `networks`.
    """
    if "indicators" not in ads.column_names:
        scored = score_ads(ads, catalogue=catalogue)
        ads = ads.append_column("indicators", scored.column("indicators")).append_column(
            "risk_reasons", scored.column("risk_reasons")
        )
    n = networks.num_rows
    net_of_ad = network_index(ads, networks)
    shares = _ad_indicator_shares(ads, net_of_ad, n, catalogue)
    per_network = network_indicators(ads, networks, net_of_ad, catalogue=catalogue)
    codes = [ind.code for ind in catalogue.indicators]
    position = {code: i for i, code in enumerate(codes)}
    active = {ind.code for ind in catalogue.active()}
    weight = np.array([ind.contribution for ind in catalogue.indicators])
    level_nets = np.array([net for net, found in enumerate(per_network) for _ in found], np.int64)
    level_codes = np.array([position[c] for found in per_network for c in found], np.int64)
    level_texts = [text for found in per_network for text in found.values()]
    mine = np.isin(shares.codes, [position[c] for c in active])
    # one row per reason: the ad-level indicators (scaled by their share), then the network's
    nets = np.concatenate([shares.nets[mine], level_nets])
    code_of = np.concatenate([shares.codes[mine], level_codes])
    scale = np.minimum(1.0, shares.shares[mine] / FULL_WEIGHT_SHARE)
    contribution = np.concatenate([weight[shares.codes[mine]] * scale, weight[level_codes]])
    texts = [t for t, keep in zip(shares.texts, mine.tolist(), strict=True) if keep] + level_texts
    # summed per network in that order; shown largest effect first, then by code
    grouped = np.argsort(nets, kind="stable")
    evidence = np.bincount(nets[grouped], weights=contribution[grouped], minlength=n)
    code_rank = np.argsort(np.argsort(np.array(codes, dtype=object), kind="stable"))
    shown = np.lexsort((code_rank[code_of], -np.abs(contribution), nets))
    code_array = pa.array(codes, pa.string())
    names = pa.array([ind.name for ind in catalogue.indicators], pa.string())
    taken = pa.array(code_of[shown], pa.int64())
    reasons = pa.StructArray.from_arrays(
        [
            code_array.take(taken),
            names.take(taken),
            pa.array(contribution[shown], pa.float64()),
            pc.utf8_slice_codeunits(
                pa.array(texts, pa.string()).take(pa.array(shown, pa.int64())), 0, EVIDENCE_CHARS
            ),
        ],
        fields=list(REASON_TYPE),
    )
    scores = risk_scores(catalogue.intercept("network"), evidence)
    return pa.Table.from_arrays(
        [
            _chunkless(networks.column("network_id")).cast(pa.string()),
            pa.array(scores, pa.float64()),
            pa.ListArray.from_arrays(_offsets(nets, n), reasons),
            pa.ListArray.from_arrays(
                _offsets(level_nets, n), code_array.take(pa.array(level_codes, pa.int64()))
            ),
        ],
        schema=NETWORK_SCORES_SCHEMA,
    )


def _offsets(owners: np.ndarray, n: int) -> pa.Array:
    """List offsets for values grouped by owner 0..n-1."""
    sizes = np.bincount(owners, minlength=n)
    return pa.array(np.concatenate([[0], np.cumsum(sizes)]), pa.int32())


def network_index(ads: pa.Table, networks: pa.Table) -> np.ndarray:
    """For each ad, the row of its network in `networks` (-1 when its network is not listed)."""
    index = pc.index_in(ads.column("network_id"), value_set=networks.column("network_id"))
    return np.asarray(pc.fill_null(index, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


@dataclass(frozen=True, slots=True)
class _Shares:
    """Per (network, ad-level indicator) seen on its ads, sorted by network then catalogue
    order: the share of the network's ads showing it and the evidence text."""

    nets: np.ndarray
    codes: np.ndarray
    shares: np.ndarray
    texts: list[str]


def _ad_indicator_shares(
    ads: pa.Table, net_of_ad: np.ndarray, n_networks: int, catalogue: Catalogue
) -> _Shares:
    """Per (network, code): the share of its ads showing the indicator, and evidence text."""
    empty = np.zeros(0, np.int64)
    indicators = _chunkless(ads.column("indicators"))
    flat = pc.list_flatten(indicators)
    if not len(flat):
        return _Shares(empty, empty, np.zeros(0), [])
    codes = [ind.code for ind in catalogue.indicators]
    code_idx = np.asarray(
        pc.fill_null(pc.index_in(flat, value_set=pa.array(codes)), -1).to_numpy(
            zero_copy_only=False
        )
    )
    nets = net_of_ad[pc.list_parent_indices(indicators).to_numpy()]
    ok = (code_idx >= 0) & (nets >= 0)
    keys = nets[ok] * len(codes) + code_idx[ok]
    unique, counts = np.unique(keys, return_counts=True)
    ad_counts = np.bincount(net_of_ad[net_of_ad >= 0], minlength=n_networks)
    examples = _example_evidence(ads, net_of_ad, codes)
    net, code = unique // len(codes), unique % len(codes)
    totals = ad_counts[net]
    texts = []
    for key, count, total in zip(unique.tolist(), counts.tolist(), totals.tolist(), strict=True):
        text = f"in {count} of {total} ads ({100 * count / total:.0f}%)"
        example = examples.get(key)
        texts.append(f"{text}, e.g. {example}" if example else text)
    return _Shares(net, code, counts / totals, texts)


def _example_evidence(ads: pa.Table, net_of_ad: np.ndarray, codes: list[str]) -> dict[int, str]:
    """The evidence of the first ad of each (network, code) pair, keyed like the shares."""
    if "risk_reasons" not in ads.column_names:
        return {}
    reasons = _chunkless(ads.column("risk_reasons"))
    flat = pc.list_flatten(reasons)
    if not len(flat):
        return {}
    code_idx = np.asarray(
        pc.fill_null(
            pc.index_in(pc.struct_field(flat, "code"), value_set=pa.array(codes)), -1
        ).to_numpy(zero_copy_only=False)
    )
    nets = net_of_ad[pc.list_parent_indices(reasons).to_numpy()]
    ok = np.nonzero((code_idx >= 0) & (nets >= 0))[0]
    keys = nets[ok] * len(codes) + code_idx[ok]
    unique, first = np.unique(keys, return_index=True)
    texts = pc.struct_field(flat, "evidence").take(pa.array(ok[first], pa.int64())).to_pylist()
    limit = EVIDENCE_CHARS - 40  # leave room for the "in n of m ads" prefix
    return {
        int(key): (text if len(text) <= limit else text[: limit - 1] + "…")
        for key, text in zip(unique.tolist(), texts, strict=True)
        if text
    }


def _chunkless(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    return values
