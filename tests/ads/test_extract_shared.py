"""Work shared by the extractors of one ad: the digit classes and the memoised look-ups."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract import ages, bytescan, prices
from lightkeeper.ads.extract.ages import extract_ages
from lightkeeper.ads.extract.bytescan import ascii_lowered, digit_classes
from lightkeeper.ads.extract.prices import extract_prices

_LETTERS = {
    **dict.fromkeys("0123456789", "0"),
    **dict.fromkeys(",:", "c"),
    **dict.fromkeys("'’", "q"),
    ".": "d",
    "-": "h",
    **dict.fromkeys(" ()", "g"),
    "+": "+",
    "/": "/",
    **dict.fromkeys("$#", "n"),
}


def _classes_one_by_one(text: str) -> bytes:
    """The digit classes read character by character, as `DIGIT_CLASS_TABLE` describes them."""
    letters = []
    for char in text:
        if char in _LETTERS:
            letters.append(_LETTERS[char])
        elif char.isdecimal():
            letters.append("u")  # a digit outside ASCII, as `\d` reads it
        else:
            letters.append("x")
    return "".join(letters).encode("ascii")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789１２٣.,:'’-–()+ /$#_hx\n５é💋", max_size=40))
def test_digit_classes_mark_every_character(text: str) -> None:
    assert digit_classes(text) == _classes_one_by_one(text)


def test_digit_classes_are_kept_for_the_same_text_only() -> None:
    first = "sara 23 yo, $200/hr"
    assert digit_classes(first) is digit_classes(first)
    other = "".join(["sara 23 yo", ", $300/hr"])
    assert digit_classes(other) == _classes_one_by_one(other)
    assert digit_classes(first) == _classes_one_by_one(first)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["23", "yo", "$", "150", "hh", "age:", "I'm", "１９", " ", ", ", "/", "h", "€", "é"]
        ),
        max_size=12,
    )
)
def test_prices_and_ages_read_the_same_whichever_runs_first(words: list[str]) -> None:
    text = " ".join(words)
    low = ascii_lowered(text)
    expected = (extract_prices(text), extract_ages(text))
    assert (extract_prices(text, low=low), extract_ages(text, low=low)) == expected
    low = ascii_lowered(text)
    assert extract_ages(text, low=low) == expected[1]
    assert extract_prices(text, low=low) == expected[0]


def test_digits_outside_ascii_are_digits_for_prices_not_for_the_age_lookbehind() -> None:
    assert prices._digit_classes("$１５０ hr") == b"n000gxx"
    assert bytescan.digit_classes("$１５０ hr") == b"nuuugxx"
    assert extract_prices("$１５０ hr") == extract_prices("$150 hr")
    assert ages._two_digit_starts("tengo ２３ años") == [6]
    assert extract_ages("tengo ２３ años") == [23]


def test_repeated_prices_are_equal_values() -> None:
    first = extract_prices("hh 150 h 250, hh 150")
    again = extract_prices("hh 150 h 250")
    assert first == again
    assert [(p.amount, p.unit) for p in first] == [(150.0, "half_hour"), (250.0, "hour")]
