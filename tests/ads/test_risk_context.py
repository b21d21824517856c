"""An ad's risk includes its network's structural (network-level) evidence, with reasons."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from lightkeeper.ads.indicators import load_catalogue
from lightkeeper.ads.indicators.combine import with_network_context
from lightkeeper.ads.indicators.risk import REASON_TYPE, risk_scores

CATALOGUE = load_catalogue()


def reason(code: str, contribution: float, evidence: str = "e") -> dict[str, object]:
    return {"code": code, "name": code, "contribution": contribution, "evidence": evidence}


@pytest.fixture
def tables() -> tuple[pa.Table, pa.Table]:
    ads = pa.table(
        {
            "network_id": ["net-a", "net-a", "net-b"],
            "risk_score": [0.4, 0.0, 0.3],
            "risk_reasons": pa.array(
                [[reason("SX_YOUTH", 1.0)], [], [reason("SX_YOUTH", 0.8)]],
                pa.list_(REASON_TYPE),
            ),
        }
    )
    networks = pa.table(
        {
            "network_id": ["net-a", "net-b"],
            "risk_reasons": pa.array(
                [
                    [
                        reason("NET_PERSONAS_PER_PHONE", 1.5, "3 names on +17135550123"),
                        reason("SX_YOUTH", 0.9),
                    ],
                    [],
                ],
                pa.list_(REASON_TYPE),
            ),
        }
    )
    return ads, networks


def test_network_level_reasons_join_each_ad_of_the_network(
    tables: tuple[pa.Table, pa.Table],
) -> None:
    ads, networks = tables
    out = with_network_context(ads, networks, catalogue=CATALOGUE)
    reasons = out.column("risk_reasons").to_pylist()
    codes = [[r["code"] for r in rs] for rs in reasons]
    assert codes[0] == ["NET_PERSONAS_PER_PHONE", "SX_YOUTH"]
    assert codes[1] == ["NET_PERSONAS_PER_PHONE"]  # ad-level reasons of the network are not copied
    assert codes[2] == ["SX_YOUTH"]
    assert reasons[1][0]["evidence"].startswith("network net-a: 3 names")
    scores = out.column("risk_score").to_pylist()
    own_only = float(risk_scores(CATALOGUE.intercept("ad"), np.array([1.0]))[0])
    assert scores[0] > own_only and scores[1] > 0.0
    assert out.column("text_risk_score").to_pylist() == [0.4, 0.0, 0.3]


def test_every_non_zero_score_has_a_reason(tables: tuple[pa.Table, pa.Table]) -> None:
    out = with_network_context(*tables, catalogue=CATALOGUE)
    for score, reasons in zip(
        out.column("risk_score").to_pylist(), out.column("risk_reasons").to_pylist(), strict=True
    ):
        assert score == 0.0 or any(r["contribution"] > 0 for r in reasons)
