"""Price extraction: amounts, currencies and units; ages, sizes, phones and times are not prices."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract import prices
from lightkeeper.ads.extract.prices import extract_prices
from lightkeeper.ads.types import Price


def usd(amount: float, unit: str, code: str = "") -> Price:
    return Price(amount, "USD", unit, code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$200", [usd(200, "unknown")]),
        ("$ 150 or 150 $", [usd(150, "unknown")]),
        (
            "150hh 250h 1000 overnight",
            [usd(150, "half_hour"), usd(250, "hour"), usd(1000, "night")],
        ),
        ("hh: 150 / h: 250", [usd(150, "half_hour"), usd(250, "hour")]),
        (
            "hh 150 h 250 overnight 1000",
            [usd(150, "half_hour"), usd(250, "hour"), usd(1000, "night")],
        ),
        ("150 hh, 250 hour", [usd(150, "half_hour"), usd(250, "hour")]),
        ("Rates: 30 min 100 / 1 hr 180", [usd(100, "half_hour"), usd(180, "hour")]),
        ("100/30min 180/1hr", [usd(100, "half_hour"), usd(180, "hour")]),
        (
            "Half hour: $120 | One hour: $200 | Overnight: $1000",
            [usd(120, "half_hour"), usd(200, "hour"), usd(1000, "night")],
        ),
        ("$120 hh, $200 hr", [usd(120, "half_hour"), usd(200, "hour")]),
        (
            "qv 80, hh 120, h 200",
            [usd(80, "15min"), usd(120, "half_hour"), usd(200, "hour")],
        ),
        ("15 min 60", [usd(60, "15min")]),
        ("2 hrs 350", [usd(350, "session")]),
        ("90 min 300", [usd(300, "session")]),
        ("dinner date 1000", [usd(1000, "session")]),
        ("hourly rate 250", [usd(250, "hour")]),
        ("200 for an hour", [usd(200, "hour")]),
        ("$200 an hour", [usd(200, "hour")]),
        ("80 for 30 min", [usd(80, "half_hour")]),
        ("1/2 hr 100", [usd(100, "half_hour")]),
        ("Sara, 23, $200/hr", [usd(200, "hour")]),
        ("2k overnight", [usd(2000, "night")]),
        ("$1,500 overnight", [usd(1500, "night")]),
        ("300 roses", [usd(300, "unknown", "roses")]),
        ("150 roses/hh", [usd(150, "half_hour", "roses")]),
        ("donation 200", [usd(200, "unknown", "roses")]),
        ("200 rosas", [usd(200, "unknown", "roses")]),
        ("USD 200 and 200 usd", [usd(200, "unknown")]),
        ("usd200", [usd(200, "unknown")]),
        ("hh150 h250", [usd(150, "half_hour"), usd(250, "hour")]),
    ],
)
def test_reads_english_prices(text: str, expected: list[Price]) -> None:
    assert extract_prices(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€100 per hour", [Price(100, "EUR", "hour")]),
        ("100€/h", [Price(100, "EUR", "hour")]),
        ("90€ la hora, 60€ media hora", [Price(90, "EUR", "hour"), Price(60, "EUR", "half_hour")]),
        ("£80 half hour", [Price(80, "GBP", "half_hour")]),
        ("C$250/hr", [Price(250, "CAD", "hour")]),
        ("MXN 1500 x hora", [Price(1500, "MXN", "hour")]),
        ("1.500 pesos la hora", [Price(1500, "MXN", "hour")]),
        ("media hora 800, hora 1500", [usd(800, "half_hour"), usd(1500, "hour")]),
        ("precio 1000 la hora", [usd(1000, "hour")]),
        ("toda la noche 5000", [usd(5000, "night")]),
    ],
)
def test_reads_other_currencies_and_spanish(text: str, expected: list[Price]) -> None:
    assert extract_prices(text) == expected


@pytest.mark.parametrize(
    ("default", "text", "expected"),
    [
        ("MXN", "$500", Price(500, "MXN", "unknown")),
        ("MXN", "hh 800", Price(800, "MXN", "half_hour")),
        ("EUR", "$500", Price(500, "USD", "unknown")),
        ("COP", "500 pesos", Price(500, "COP", "unknown")),
        ("GBP", "300 roses", Price(300, "GBP", "unknown", "roses")),
    ],
)
def test_default_currency_applies_to_bare_sums_and_local_dollars(
    default: str, text: str, expected: Price
) -> None:
    assert extract_prices(text, default_currency=default) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "23 yo, 34-24-36, 5'6, 120 lbs",
        "36DD, 130 pounds, 165 cm, 55 kg",
        "call 713-555-0123 or (713) 555 0123",
        "Post ID: 7134567890",
        "available 24 hours, 24/7",
        "Disponible: de 12 a 24h",
        "10pm to 4am, 10:30 am",
        "12/05/2024 and 2024-05-12",
        "$150-200",
        "100% real, 5 stars, 2 girls",
        "I am 23, tengo 25 años",
        "incall 150 outcall 200",
        "zip 77002",
        "summer_rose3510 at icloud dot com",
        "IG: @jenny_7835 and sara23 roses",
        "I'm Rose 25, new here",
    ],
)
def test_ignores_numbers_that_are_not_prices(text: str) -> None:
    assert extract_prices(text) == []


def test_each_unit_word_prices_one_number() -> None:
    found = extract_prices("hh 150 h 250")
    assert [p.unit for p in found] == ["half_hour", "hour"]


def test_unit_phrases_agree_with_the_unit_pattern() -> None:
    pattern = re.compile("(?:" + prices._UNIT.format(p="t_") + r")\Z")
    for phrase, unit in prices._UNIT_PHRASES.items():
        match = pattern.match(phrase)
        assert match is not None, phrase
        group = next(g for g in prices._UNIT_GROUPS if match.group("t_" + g))
        assert prices._UNIT_NAMES[group] == unit, phrase


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_unicode(text: str) -> None:
    for price in extract_prices(text):
        assert price.amount > 0 and len(price.currency) == 3


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["$", "150", "hh", "h", "/", ":", "roses", "1,500", "30", "min", "-", "€"]),
        max_size=30,
    )
)
def test_never_raises_on_price_soup(tokens: list[str]) -> None:
    for price in extract_prices(" ".join(tokens)):
        assert price.unit in {"hour", "half_hour", "15min", "night", "session", "unknown"}
