"""Age extraction: stated ages in English and Spanish, never bare numbers or sizes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract import ages
from lightkeeper.ads.extract.ages import MAX_AGE, MIN_AGE, extract_ages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sara 23 yo", [23]),
        ("23yo latina", [23]),
        ("petite, 23 y/o", [23]),
        ("19 y.o. new in town", [19]),
        ("age 23", [23]),
        ("Age: 23", [23]),
        ("I am 23", [23]),
        ("I'm 23 and new here", [23]),
        ("23 years old", [23]),
        ("a 23-year-old student", [23]),
        ("25 yrs", [25]),
        ("just turned 18", [18]),
        ("tengo 23 años", [23]),
        ("Hola, soy Sara de 24 años", [24]),
        ("23 añitos", [23]),
        ("edad 23", [23]),
        ("edad: 19", [19]),
        ("16 yo", [16]),
        ("age 23, 23 yo, I am 23", [23]),
        ("twins, 21 yo and 24 yo", [21, 24]),
    ],
)
def test_finds_stated_ages(text: str, expected: list[int]) -> None:
    assert extract_ages(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I am 5'6",
        "I am 30 min away",
        "34-24-36",
        "call 713-555-0123",
        "10 years of experience",
        "10 yrs experience",
        "I am 100% real",
        "I am 34d",
        "9am-10pm",
        "massage 23",
        "$200 hh, 300 roses",
        "12 yo",
        "95 years old building",
        "20 años de experiencia",
    ],
)
def test_ignores_numbers_that_are_not_ages(text: str) -> None:
    assert extract_ages(text) == []


def test_range_keeps_minors_for_the_indicators() -> None:
    assert MIN_AGE == 14 and MAX_AGE == 80
    assert extract_ages("14 yo, 15 yo and 13 yo") == [14, 15]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_unicode(text: str) -> None:
    assert all(MIN_AGE <= age <= MAX_AGE for age in extract_ages(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sara, ２３ yo", [23]),  # digits outside ASCII are digits
        ("age: ２3", [23]),
        ("５23 yo", [23]),
        ("x５5 yo", [55]),
        ("23５ yo", []),
        ("23.５ yo", []),
        ("I am 3１ 💕", [31]),
        ("SARA 23 YO", [23]),
        ("TENGO 24 AÑOS", [24]),
        ("CUMPLÍ 18 💕", [18]),
        ("TENGO 24 AÑITOS 💕", [24]),
        ("I am 70\u212ag", []),  # the Kelvin sign lower-cases to "k": "70kg"
    ],
)
def test_reads_digits_and_words_in_any_script_and_case(text: str, expected: list[int]) -> None:
    assert extract_ages(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789２３٣.,:/$€#+ x\n", max_size=30))
def test_byte_classes_find_the_numbers_of_the_plain_scan(text: str) -> None:
    def kept(starts: list[int]) -> list[int]:
        return [s for s in starts if not (s and text[s - 1] in ages._NOT_BEFORE)]

    plain = [m.start() for m in re.finditer(r"\d{2}(?!\d|[.,:/]\d)", text)]
    assert kept(ages._two_digit_starts(text)) == kept(plain)
