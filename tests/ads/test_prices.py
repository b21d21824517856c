"""Price extraction: amounts, currencies and units; ages, sizes, phones and times are not prices."""

from __future__ import annotations

import re
from typing import Any

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１５0 roses", [usd(150, "unknown", "roses")]),  # digits outside ASCII are digits
        ("$１２０ per hour", [usd(120, "hour")]),
        ("hh ５0", [usd(50, "half_hour")]),
        ("713 ５55 0123 $150", [usd(150, "unknown")]),  # a phone with a full-width digit
        ("5’6 and $200 hh", [usd(200, "half_hour")]),  # "’" joins a height
        ("1’500 pesos la hora", []),
        ("2️⃣0️⃣0️⃣ hh", []),  # keycap digits stand apart
        ("bella_7440 $80 hh", [usd(80, "half_hour")]),
        ("Sara23 hh 150", [usd(150, "half_hour")]),
        ("150 HH", [usd(150, "half_hour")]),
        ("150 DÓLARES LA HORA", [usd(150, "hour")]),
        ("💕 SESIÓN 150", [usd(150, "session")]),
        ("💕 150 SESIÓN", [usd(150, "session")]),
        ("💕 DONACIÓN 200", [usd(200, "unknown", "roses")]),
        ("2\u212a overnight", [usd(2000, "night")]),  # the Kelvin sign lower-cases to "k"
    ],
)
def test_reads_digits_and_words_beside_them_in_any_script_and_case(
    text: str, expected: list[Price]
) -> None:
    assert extract_prices(text) == expected


def _first_characters(items: Any) -> tuple[set[str] | None, bool]:
    """(characters a parsed pattern can start with, "\\s" for whitespace, or None for any;
    whether it can match nothing)."""
    from re import _constants as c  # type: ignore[attr-defined]

    found: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars: set[str] | None = {chr(av)}
            nullable = False
        elif op is c.IN:
            chars, nullable = set(), False
            for kind, value in av:
                if kind is c.LITERAL:
                    chars.add(chr(value))
                elif kind is c.RANGE:
                    chars |= {chr(code) for code in range(value[0], value[1] + 1)}
                elif kind is c.CATEGORY and value is c.CATEGORY_SPACE:
                    chars.add("\\s")
                elif kind is c.CATEGORY and value is c.CATEGORY_DIGIT:
                    chars |= set("0123456789")
                else:
                    chars = None
                    break
        elif op is c.BRANCH:
            chars, nullable = set(), False
            for alternative in av[1]:
                alt_chars, alt_nullable = _first_characters(alternative)
                if alt_chars is None:
                    return None, False
                chars |= alt_chars
                nullable = nullable or alt_nullable
        elif op is c.SUBPATTERN:
            chars, nullable = _first_characters(av[-1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            chars, nullable = _first_characters(av[2])
            nullable = nullable or av[0] == 0
        elif op is c.ASSERT and av[0] > 0:  # a lookahead reads from here, consuming nothing
            chars, nullable = _first_characters(av[1])[0], True
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            chars, nullable = set(), True
        else:
            chars, nullable = None, False
        if chars is None:
            return None, False
        found |= chars
        if not nullable:
            return found, False
    return found, True


@pytest.mark.parametrize("pattern", [prices._NOT_AFTER, prices._AFTER])
def test_context_is_skipped_only_after_characters_that_start_nothing(
    pattern: re.Pattern[str],
) -> None:
    from re import _parser  # type: ignore[attr-defined]

    starts, _ = _first_characters(_parser.parse(pattern.pattern, pattern.flags))
    assert starts is not None
    assert starts - {"\\s"} <= prices._AFTER_STARTS


def _runs_outside_phones_by_plain_scan(text: str) -> list[tuple[int, int]]:
    """The digit runs outside phone numbers, found run by run on the text itself."""
    kept: list[tuple[int, int]] = []
    group: list[tuple[int, int]] = []
    digits = 0
    for match in re.finditer(r"\d+(?:[.,:'’\-]\d+)*", text):
        gap = text[group[-1][1] : match.start()] if group else ""
        if group and (len(gap) > 3 or gap.strip(" ().+-")):
            kept.extend(group if digits < 9 else [])
            group, digits = [], 0
        group.append(match.span())
        digits += sum(ch.isdigit() for ch in match.group(0))
    kept.extend(group if digits < 9 else [])
    return kept


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789１２٣.,:'’-–()+ /$hx\n５", max_size=40))
def test_byte_classes_find_the_runs_of_the_plain_scan(text: str) -> None:
    assert prices._runs_outside_phones(text) == _runs_outside_phones_by_plain_scan(text)


@pytest.mark.parametrize("text", ["150 euros la hora", "150 eur la hora", "150 euros/hora"])
def test_euros_spelled_out_keep_their_unit(text: str) -> None:
    prices = extract_prices(text, default_currency="EUR")
    assert [(p.amount, p.currency, p.unit) for p in prices] == [(150.0, "EUR", "hour")]


_OTHER_LEFT_WORDS = (
    *prices._CURRENCY_PHRASES,
    *("is", "rate", "precio", "de", "rates:", "10am-", ":", "-", "$", "(hr", "SESIÓN", "usd:"),
    *("hr:", "hh=", "x", "sara", "€:", "|", "pesos", "Hora", " ", "\n", "dólares", "us$"),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([*prices._UNIT_PHRASES, *prices._CODE_PHRASES, *_OTHER_LEFT_WORDS]),
        max_size=6,
    )
)
def test_a_plain_last_word_means_the_left_context_finds_nothing(words: list[str]) -> None:
    seg = " ".join(words)[-prices._LEFT_WINDOW :]
    if prices._ends_in_plain_word(seg):
        assert prices._left_context(seg) == (None, "", None)


@pytest.mark.parametrize("seg", ["rates: de", "schedule:", "10am-", "sara", "", "  "])
def test_plain_last_words_are_recognised(seg: str) -> None:
    assert prices._ends_in_plain_word(seg)
    assert prices._left_context(seg) == (None, "", None)


@pytest.mark.parametrize("seg", ["rates: $", "1 hr", "roses", "hh:", "price is", "usd", "(hr"])
def test_words_that_may_price_a_number_are_not_plain(seg: str) -> None:
    assert not prices._ends_in_plain_word(seg)
