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
    """
    by_network = network_level_reasons(networks, catalogue)
    own = ads.column("risk_reasons").to_pylist()
    combined: list[list[Reason]] = []
    evidence = np.zeros(ads.num_rows, dtype=np.float64)
    for i, (net, reasons) in enumerate(zip(ads.column("network_id").to_pylist(), own, strict=True)):
        extra = [
            {**r, "evidence": f"network {net}: {r['evidence']}"} for r in by_network.get(net, [])
        ]
        merged = sorted((reasons or []) + extra, key=lambda r: (-abs(r["contribution"]), r["code"]))
        combined.append(merged)
        evidence[i] = sum(r["contribution"] for r in merged)
    scores = risk_scores(catalogue.intercept("ad"), evidence)
    text_score = ads.column("risk_score")
    out = ads.drop_columns(["risk_score", "risk_reasons"])
    out = out.append_column("risk_score", pa.array(scores, pa.float64()))
    out = out.append_column("risk_reasons", pa.array(combined, pa.list_(REASON_TYPE)))
    return out.append_column("text_risk_score", text_score)
