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

from typing import Any

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
Reason = dict[str, Any]


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


def _reason(code: str, name: str, contribution: float, evidence: str) -> Reason:
    return {
        "code": code,
        "name": name,
        "contribution": contribution,
        "evidence": evidence[:EVIDENCE_CHARS],
    }


def _ordered(reasons: list[Reason]) -> list[Reason]:
    # largest effect first, then by code so equal contributions have a stable order
    return sorted(reasons, key=lambda r: (-abs(r["contribution"]), r["code"]))


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
    net_ids = networks.column("network_id").to_pylist()
    net_of_ad = network_index(ads, networks)
    shares = _ad_indicator_shares(ads, net_of_ad, len(net_ids), catalogue)
    per_network = network_indicators(ads, networks, net_of_ad, catalogue=catalogue)
    contribution = {ind.code: ind.contribution for ind in catalogue.active()}
    names = {ind.code: ind.name for ind in catalogue.indicators}
    evidence = np.zeros(len(net_ids))
    reasons: list[list[Reason]] = []
    for n in range(len(net_ids)):
        mine = [
            _reason(
                code, names[code], contribution[code] * min(1.0, share / FULL_WEIGHT_SHARE), text
            )
            for code, (share, text) in shares[n].items()
            if code in contribution
        ]
        mine += [
            _reason(code, names[code], contribution[code], text)
            for code, text in per_network[n].items()
        ]
        evidence[n] = sum(r["contribution"] for r in mine)
        reasons.append(_ordered(mine))
    scores = risk_scores(catalogue.intercept("network"), evidence)
    return pa.Table.from_arrays(
        [
            pa.array(net_ids, pa.string()),
            pa.array(scores, pa.float64()),
            pa.array(reasons, pa.list_(REASON_TYPE)),
            pa.array([list(found) for found in per_network], pa.list_(pa.string())),
        ],
        schema=NETWORK_SCORES_SCHEMA,
    )


def network_index(ads: pa.Table, networks: pa.Table) -> np.ndarray:
    """For each ad, the row of its network in `networks` (-1 when its network is not listed)."""
    index = pc.index_in(ads.column("network_id"), value_set=networks.column("network_id"))
    return np.asarray(pc.fill_null(index, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _ad_indicator_shares(
    ads: pa.Table, net_of_ad: np.ndarray, n_networks: int, catalogue: Catalogue
) -> list[dict[str, tuple[float, str]]]:
    """Per network: code -> (share of its ads showing it, evidence text)."""
    out: list[dict[str, tuple[float, str]]] = [{} for _ in range(n_networks)]
    indicators = _chunkless(ads.column("indicators"))
    flat = pc.list_flatten(indicators)
    if not len(flat):
        return out
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
    for key, count in zip(unique.tolist(), counts.tolist(), strict=True):
        net, code = divmod(key, len(codes))
        total = int(ad_counts[net])
        text = f"in {count} of {total} ads ({100 * count / total:.0f}%)"
        example = examples.get(key)
        out[net][codes[code]] = (count / total, f"{text}, e.g. {example}" if example else text)
    return out


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
