"""The additive risk model: scores, reasons, networks."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from lightkeeper.ads.indicators import (
    AD_SCORES_SCHEMA,
    NETWORK_SCORES_SCHEMA,
    load_catalogue,
    score_ads,
    score_networks,
)
from lightkeeper.ads.indicators.risk import FULL_WEIGHT_SHARE, risk_scores, sigmoid

TEXTS = [
    "Young Asian girl, 100% real pics. Ask for Mia",  # several positive indicators
    "Hi, I'm Ana. New in town, classy companionship",  # only movement language (lowers risk)
    "Relaxing massage, call me",  # nothing
    "Fresh new girl, just arrived",  # youth up, movement down
    None,
]


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def ads_of(texts):
    return pa.table({"title": [None] * len(texts), "body": pa.array(texts, pa.string())})


def test_scores_table_shape(cat):
    scored = score_ads(ads_of(TEXTS), catalogue=cat)
    assert scored.schema == AD_SCORES_SCHEMA
    assert scored.num_rows == len(TEXTS)
    assert scored.column("risk_reasons")[0][0]["code"].as_py() == "SX_YOUTH"


def test_score_is_the_model_probability(cat):
    rows = score_ads(ads_of(TEXTS), catalogue=cat).to_pylist()
    first = rows[0]
    logit = cat.intercept("ad") + sum(r["contribution"] for r in first["risk_reasons"])
    assert first["risk_score"] == pytest.approx(1 / (1 + math.exp(-logit)))
    assert set(first["indicators"]) == {r["code"] for r in first["risk_reasons"]}
    for reason in first["risk_reasons"]:
        assert reason["contribution"] == cat.get(reason["code"]).contribution
        assert reason["name"] == cat.get(reason["code"]).name and reason["evidence"]


def test_no_evidence_of_risk_scores_zero(cat):
    rows = score_ads(ads_of(TEXTS), catalogue=cat).to_pylist()
    assert rows[1]["risk_score"] == 0.0
    assert [r["code"] for r in rows[1]["risk_reasons"]] == ["SX_MOVEMENT"]
    assert rows[1]["risk_reasons"][0]["contribution"] < 0
    assert rows[2] == {"indicators": [], "risk_score": 0.0, "risk_reasons": []}
    assert rows[4]["risk_score"] == 0.0
    # youth (+1.0) minus movement (-1.2) is below the prior: no evidence of risk
    assert rows[3]["risk_score"] == 0.0 and len(rows[3]["risk_reasons"]) == 2


def test_reasons_are_ordered_by_effect(cat):
    reasons = score_ads(ads_of(TEXTS[:1]), catalogue=cat).column("risk_reasons")[0].as_py()
    effects = [abs(r["contribution"]) for r in reasons]
    assert effects == sorted(effects, reverse=True)


def test_every_nonzero_score_has_a_reason_that_raised_it(cat):
    words = ["young", "latina", "safe", "new in town", "ask for", "24/7", "massage", "7I3 555 O123"]
    rng = np.random.default_rng(3)
    texts = [" ".join(rng.choice(words, size=rng.integers(0, 5))) for _ in range(300)]
    rows = score_ads(ads_of(texts), catalogue=cat).to_pylist()
    scored = [r for r in rows if r["risk_score"] > 0]
    assert scored, "some texts should score"
    for row in scored:
        assert any(r["contribution"] > 0 for r in row["risk_reasons"])


def test_risk_scores_rule():
    assert list(risk_scores(-2.0, np.array([0.0, -1.0, 1.0]))) == [0.0, 0.0, sigmoid(-1.0)]
    assert sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


def test_reweighting_changes_scores(tmp_path, cat):
    user = tmp_path / "w.toml"
    user.write_text('[[indicator]]\ncode = "SX_YOUTH"\nweight = 3.0\n')
    texts = ["young and sweet"]
    base = score_ads(ads_of(texts), catalogue=cat).column("risk_score")[0].as_py()
    heavier = (
        score_ads(ads_of(texts), catalogue=load_catalogue(user)).column("risk_score")[0].as_py()
    )
    assert heavier > base > 0


def network_ads(cat):
    texts = ["Young girl, ask for Mia", "Young and fresh", "Classy companion", "Relaxing massage"]
    ads = ads_of(texts).append_column("network_id", pa.array(["n1", "n1", "n2", "n2"]))
    scored = score_ads(ads, catalogue=cat)
    for name in scored.column_names:
        ads = ads.append_column(name, scored.column(name))
    return ads


def test_network_scores_follow_the_networks_order(cat):
    ads = network_ads(cat)
    networks = pa.table({"network_id": ["n2", "n1", "n3"]})
    result = score_networks(ads, networks, catalogue=cat)
    assert result.schema == NETWORK_SCORES_SCHEMA
    assert result.column("network_id").to_pylist() == ["n2", "n1", "n3"]
    n2, n1, n3 = result.to_pylist()
    assert n1["risk_score"] > 0 and n2["risk_score"] == 0.0 and n3["risk_score"] == 0.0
    youth = next(r for r in n1["risk_reasons"] if r["code"] == "SX_YOUTH")
    assert youth["contribution"] == cat.get("SX_YOUTH").contribution  # 2 of 2 ads: full weight
    assert youth["evidence"].startswith("in 2 of 2 ads (100%), e.g. ")
    third = next(r for r in n1["risk_reasons"] if r["code"] == "SX_THIRD_PERSON")
    share = 0.5 / FULL_WEIGHT_SHARE
    assert third["contribution"] == pytest.approx(cat.get("SX_THIRD_PERSON").contribution * share)


def test_share_below_half_counts_in_proportion(cat):
    texts = ["young"] + ["relaxing massage"] * 9
    ads = ads_of(texts).append_column("network_id", pa.array(["n"] * 10))
    result = score_networks(ads, pa.table({"network_id": ["n"]}), catalogue=cat).to_pylist()[0]
    youth = result["risk_reasons"][0]
    assert youth["contribution"] == pytest.approx(cat.get("SX_YOUTH").contribution * 0.1 / 0.5)
    assert youth["evidence"].startswith("in 1 of 10 ads (10%)")


def test_network_level_indicators_join_the_reasons(cat):
    ads = ads_of(["Relaxing massage"] * 3).append_column("network_id", pa.array(["n"] * 3))
    ads = ads.append_column("site", pa.array(["a", "b", "c"]))
    result = score_networks(ads, pa.table({"network_id": ["n"]}), catalogue=cat).to_pylist()[0]
    assert result["network_indicators"] == ["NET_MULTI_SITE"]
    assert result["risk_score"] > 0
    assert [r["code"] for r in result["risk_reasons"]] == ["NET_MULTI_SITE"]
