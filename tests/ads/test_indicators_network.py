"""Network-level indicators computed from the ads of each network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from lightkeeper.ads.indicators.catalogue import load_catalogue
from lightkeeper.ads.indicators.network import hourly_prices, network_indicators
from lightkeeper.ads.indicators.risk import network_index
from lightkeeper.ads.table import ADS_SCHEMA

DAY0 = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def ad(
    n,
    net,
    *,
    city="Houston",
    site="a.example",
    day=0,
    phones=("+17135550100",),
    price=200.0,
    unit="hour",
    currency="USD",
    persona=None,
):
    row = dict.fromkeys(ADS_SCHEMA.names)
    row.update(
        id=f"ad{n}",
        version=1,
        site=site,
        posted_at=DAY0 + timedelta(days=day),
        city=city,
        country="US",
        body="Relaxing massage",
        phones=list(phones),
        emails=[],
        handles=[],
        urls=[],
        ages=[],
        image_hashes=[],
        source="t",
        line=n,
        prices=[]
        if price is None
        else [{"amount": price, "currency": currency, "unit": unit, "code": ""}],
    )
    row["network_id"] = net
    row["personas"] = [] if persona is None else [persona]
    return row


def run(rows, cat, networks=None):
    schema = ADS_SCHEMA.append(pa.field("network_id", pa.string())).append(
        pa.field("personas", pa.list_(pa.string()))
    )
    ads = pa.Table.from_pylist(rows, schema=schema)
    if networks is None:
        networks = pa.table({"network_id": sorted({r["network_id"] for r in rows})})
    found = network_indicators(ads, networks, network_index(ads, networks), catalogue=cat)
    return dict(zip(networks.column("network_id").to_pylist(), found, strict=True)), ads


def test_several_personas_on_one_phone(cat):
    rows = [ad(i, "n1", persona=name) for i, name in enumerate(["Ana", "Bea", "Cleo", "Ana"])]
    rows += [ad(10 + i, "n2", persona="Dee", phones=("+17135550999",)) for i in range(3)]
    found, _ = run(rows, cat)
    assert "NET_PERSONAS_PER_PHONE" in found["n1"]
    assert "3 personas" in found["n1"]["NET_PERSONAS_PER_PHONE"]
    assert "NET_PERSONAS_PER_PHONE" not in found["n2"]


def test_personas_fall_back_to_the_network_summary(cat):
    rows = [ad(i, "n1") for i in range(3)] + [ad(9, "n2", phones=("+1",))]
    ads = pa.Table.from_pylist(rows).drop_columns(["personas", "title", "body"])  # no texts
    networks = pa.table(
        {
            "network_id": ["n1", "n2"],
            "personas": [["Ana", "Bea", "Cleo"], ["Dee"]],
            "phones": [["+17135550100"], ["+1"]],
        }
    )
    found = network_indicators(ads, networks, network_index(ads, networks), catalogue=cat)
    assert "NET_PERSONAS_PER_PHONE" in found[0] and not found[1]


def test_several_phones_for_one_persona(cat):
    rows = [ad(i, "n1", persona="Ana", phones=(f"+1713555010{i}",)) for i in range(4)]
    found, _ = run(rows, cat)
    assert "Ana used with 4 phones" in found["n1"]["NET_PHONES_PER_PERSONA"]


def test_fast_circuit_through_cities(cat):
    fast = [
        ad(i, "fast", city=c, day=d)
        for i, (c, d) in enumerate(
            [("Houston", 0), ("Houston", 2), ("Dallas", 6), ("Atlanta", 12), ("Miami", 20)]
        )
    ]
    slow = [
        ad(10 + i, "slow", city=c, day=d)
        for i, (c, d) in enumerate([("Houston", 0), ("Dallas", 60), ("Atlanta", 120)])
    ]
    found, _ = run(fast + slow, cat)
    evidence = found["fast"]["NET_FAST_CIRCUIT"]
    assert evidence.startswith("Houston → Dallas → Atlanta")
    assert "NET_FAST_CIRCUIT" not in found["slow"]


def test_posting_across_sites_and_volume(cat):
    many = [ad(i, "big", site=f"s{i % 3}.example", day=i // 2) for i in range(40)]
    few = [ad(100 + i, "small", day=i * 10) for i in range(12)]
    found, _ = run(many + few, cat)
    assert "ads on 3 sites" in found["big"]["NET_MULTI_SITE"]
    assert "NET_HIGH_VOLUME" in found["big"]
    assert "NET_MULTI_SITE" not in found["small"] and "NET_HIGH_VOLUME" not in found["small"]


def test_prices_far_below_the_city_median(cat):
    local = [ad(i, f"ind{i}", price=200.0 + i) for i in range(8)]
    cheap = [ad(20 + i, "cheap", price=80.0, unit="hour") for i in range(2)]
    half_hour = [ad(30, "halfhour", price=50.0, unit="half_hour")]  # 100 an hour
    elsewhere = [ad(40, "alone", city="Reno", price=20.0)]  # no local median to compare with
    found, _ = run(local + cheap + half_hour + elsewhere, cat)
    assert "USD/h" in found["cheap"]["NET_LOW_PRICE"]
    assert "NET_LOW_PRICE" in found["halfhour"]
    assert "NET_LOW_PRICE" not in found["alone"]
    assert not any("NET_LOW_PRICE" in found[f"ind{i}"] for i in range(8))


def test_hourly_prices_convert_units():
    rows = [
        ad(0, "n", price=100.0, unit="half_hour"),
        ad(1, "n", price=300.0, unit="night"),
        ad(2, "n", price=None),
    ]
    ads = pa.Table.from_pylist(rows)
    hourly, currencies = hourly_prices(ads)
    assert hourly[0] == 200.0 and np.isnan(hourly[1]) and np.isnan(hourly[2])
    assert currencies == ["USD", None, None]


def test_thresholds_come_from_the_catalogue(tmp_path):
    user = tmp_path / "strict.toml"
    user.write_text('[[indicator]]\ncode = "NET_MULTI_SITE"\nparams.min_sites = 2\n')
    rows = [ad(0, "n", site="a"), ad(1, "n", site="b")]
    assert "NET_MULTI_SITE" not in run(rows, load_catalogue())[0]["n"]
    assert "NET_MULTI_SITE" in run(rows, load_catalogue(user))[0]["n"]


def test_personas_found_in_the_texts_and_hub_phones_left_out(cat):
    hub = "+18005550100"
    texts = ["Hi, I'm Ana, call me", "Hi, I'm Bea, call me", "Hi, I'm Cleo, call me"]
    rows = [ad(i, "n1", phones=("+17135550100", hub)) for i in range(3)]
    for row, text in zip(rows, texts, strict=True):
        row["body"], row["personas"] = text, None
    ads = pa.Table.from_pylist(rows).drop_columns(["personas"])
    own = pa.table({"network_id": ["n1"], "phones": [["+17135550100"]]})
    found = network_indicators(ads, own, network_index(ads, own), catalogue=cat)
    assert found[0]["NET_PERSONAS_PER_PHONE"].startswith("+17135550100 used by 3 personas")
    hub_only = pa.table({"network_id": ["n1"], "phones": [[]]})
    found = network_indicators(ads, hub_only, network_index(ads, hub_only), catalogue=cat)
    assert "NET_PERSONAS_PER_PHONE" not in found[0]
