"""Decoding of obfuscated digits: what is decoded, what must stay as written, and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract import obfuscation
from lightkeeper.ads.extract.obfuscation import decode_digits, decode_digits_quickly

DECODED: list[tuple[str, str]] = [
    # spelled digits, English and Spanish, any case, several separators
    ("seven one three five five five zero one two three", "7 1 3 5 5 5 0 1 2 3"),
    ("SEVEN one THREE five FIVE five OH one two three", "7 1 3 5 5 5 0 1 2 3"),
    ("siete-uno-tres-cinco-cinco-cinco-cero-uno-dos-tres", "7-1-3-5-5-5-0-1-2-3"),
    ("Siete.Uno.Tres.Cinco.Cinco.Cinco.Cero.Uno.Dos.Tres", "7.1.3.5.5.5.0.1.2.3"),
    ("seven one three, five five five, zero one two three", "7 1 3  5 5 5  0 1 2 3"),
    ("call nine one seven five five five o one two three", "call 9 1 7 5 5 5 0 1 2 3"),
    ("seis uno dos tres cuatro cinco seis siete ocho", "6 1 2 3 4 5 6 7 8"),
    ("nueve uno dos, tres cuatro, cinco seis, siete ocho", "9 1 2  3 4  5 6  7 8"),
    # mixed with digits, glued words
    ("7one3 five5five 0one2three", "713 555 0123"),
    ("7uno3 cinco5cinco 0uno2tres", "713 555 0123"),
    ("Call 9doscero-6cero1-95siete now", "Call 920-601-957 now"),
    ("tel: cerosiete7tres430634cinco |", "tel: 07734306345 |"),
    ("phone seven one three 555 0123", "phone 7 1 3 555 0123"),
    ("Book now 972 fivefivefive zerooneoneseven.", "Book now 972 555 0117."),
    ("Call me sixzerofour fivefivefive zeroonetwozero. One hour", "Call me 604 555 0120. One hour"),
    ("al cincounocuatro cincocincocinco cerounoochoseis.", "al 514 555 0186."),
    # a lone Spanish "o" is "or" between two numbers, not a zero
    (
        "SEIS UNO DOS TRES CUATRO CINCO SEIS o seis siete ocho nueve cero uno dos",
        "6 1 2 3 4 5 6 o 6 7 8 9 0 1 2",
    ),
    # digits paced out with commas
    ("7,1,3,5,5,5,0,1,2,3", "7 1 3 5 5 5 0 1 2 3"),
    # look-alike letters inside clear digit runs
    ("7I3-55S-O1Z3", "713-555-0123"),
    ("(7l3) 555.O123", "(713) 555.0123"),
    ("7|3-555-0|23", "713-555-0123"),
    ("Call 7l3 S5S OI23", "Call 713 555 0123"),
    ("7I3 SSS OI23", "713 555 0123"),
    ("(BI) 63IB-394B", "(81) 6318-3948"),
    ("+44 (o)75O2 O54l33", "+44 (0)7502 054133"),
    ("+I (2B1) 577-8668", "+1 (281) 577-8668"),
    ("612-34-SS-78", "612-34-55-78"),
    ("612.34.56.BS.", "612.34.56.85."),
    ("612-34-oo-78", "612-34-00-78"),
    # emoji keycaps, with and without the variation selector, and the keycap ten
    ("7️⃣1️⃣3️⃣5️⃣5️⃣5️⃣0️⃣1️⃣2️⃣3️⃣", "7135550123"),
    ("7⃣1⃣3⃣ 5⃣5⃣5⃣", "713 555"),
    ("🔟", "10"),
    # full-width, mathematical, other scripts' digits, circled and parenthesised digits
    ("（７１３）５５５－０１２３", "(713)555-0123"),
    ("𝟕𝟏𝟑 𝟱𝟱𝟱 𝟬𝟭𝟮𝟯", "713 555 0123"),
    ("٧١٣ ٥٥٥ ٠١٢٣", "713 555 0123"),
    ("۷۱۳ ۵۵۵", "713 555"),
    ("७१३ ५५५ ०१२३", "713 555 0123"),
    ("⑦①③ ⑤⑤⑤ ⓪①②③", "713 555 0123"),
    ("⑴⑵⑶ ⒈⒉⒊", "123 123"),
    ("❼❶❸ ➄➄➄", "713 555"),
    # invisible characters, Unicode spaces and dashes, Cyrillic and Greek look-alikes
    ("7\u200b1\u200b3\u200d555\u2060\ufeff0123", "7135550123"),
    ("713\u00a0555\u202f0123", "713 555 0123"),
    ("713–555—0123 ‒ 713−555", "713-555-0123 - 713-555"),
    ("7I3 555 \u041e123", "713 555 0123"),
    ("\u039f7400 l23456", "07400 123456"),
]

UNCHANGED = [
    "BOSS lady",
    "Oslo",
    "Sol y playa",
    "one hour",
    "dos horas, tres noches",
    "someone special, phone only",
    "oneself, sixteen, seventy, dosis, trescientos",
    "I have 5 Sisters",
    "ISO 9001 certified",
    "Room 1O1",
    "2O24",
    "SOS 713 555 0123",
    "one two three four five six",
    "abc123 one two three four five six",
    "Hello World, SOLO 4 U",
    "150hh 250h 1000 overnight",
    "36DD-24-36",
    "❤️😘 kisses",
    "Nueva en la ciudad, masaje relajante",
    "1,500 2,000 pesos",
    "siete o ocho horas",
    "10 SO what",
    "",
]


@pytest.mark.parametrize(("text", "expected"), DECODED)
def test_decodes_obfuscated_digits(text: str, expected: str) -> None:
    assert decode_digits(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_ordinary_words_and_short_runs_alone(text: str) -> None:
    assert decode_digits(text).replace("\ufe0f", "") == text.replace("\ufe0f", "")


def test_quick_decoding_leaves_only_glued_words_alone_for_the_thorough_pass() -> None:
    glued = "Call me sixzerofour fivefivefive zeroonetwozero"
    assert decode_digits_quickly(glued) == glued
    assert decode_digits(glued) == "Call me 604 555 0120"
    mixed = "Call 7one3 five5five 0one2three or siete uno tres cinco cinco cinco cero uno dos"
    assert (
        decode_digits_quickly(mixed)
        == decode_digits(mixed)
        == ("Call 713 555 0123 or 7 1 3 5 5 5 0 1 2")
    )


# --- properties ------------------------------------------------------------------------------

_DIGITS = st.text(alphabet="0123456789", min_size=7, max_size=15)
_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_ES = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    assert isinstance(decode_digits(text), str)


@settings(max_examples=30, deadline=None)
@given(text=st.text(min_size=2000, max_size=20000))
def test_never_raises_on_long_text(text: str) -> None:
    assert isinstance(decode_digits(text), str)


@settings(max_examples=100, deadline=None)
# No digits, no look-alike letters, and without e, o and x no digit word can be spelled.
@given(text=st.text(alphabet="abcdfghijkmnpqrstuvwyzACDEFGHJKLMNPQRTUVWXY ,.!?-\n"))
def test_text_without_digits_or_digit_words_is_unchanged(text: str) -> None:
    assert decode_digits(text) == text


@settings(max_examples=100, deadline=None)
@given(digits=_DIGITS, selector=st.sampled_from(["\ufe0f", ""]))
def test_keycaps_decode_to_their_digits(digits: str, selector: str) -> None:
    assert decode_digits("".join(d + selector + "\u20e3" for d in digits)) == digits


@settings(max_examples=100, deadline=None)
@given(digits=_DIGITS, offset=st.sampled_from([0xFF10, 0x1D7CE, 0x1D7EC, 0x0660, 0x0966]))
def test_unicode_digit_blocks_decode_to_ascii(digits: str, offset: int) -> None:
    assert decode_digits("".join(chr(offset + int(d)) for d in digits)) == digits


@settings(max_examples=100, deadline=None)
@given(
    digits=_DIGITS,
    words=st.sampled_from([_EN, _ES]),
    sep=st.sampled_from([" ", "-", ".", " - ", "_"]),
    upper=st.booleans(),
)
def test_spelled_numbers_decode_to_their_digits(
    digits: str, words: list[str], sep: str, upper: bool
) -> None:
    spelled = sep.join(words[int(d)] for d in digits)
    decoded = decode_digits(spelled.upper() if upper else spelled)
    assert decoded == sep.join(digits)
    assert decode_digits_quickly(spelled.upper() if upper else spelled) == decoded


def test_lower_case_matching_is_equivalent_outside_the_listed_characters() -> None:
    """The spelled-digit patterns run case-sensitively on lower-cased text; that finds what
    IGNORECASE finds for every code point that lower-cases to one character, except those listed.
    """
    originals = "".join(
        chr(code)
        for code in range(0x110000)
        if not 0xD800 <= code < 0xE000 and len(chr(code).lower()) == 1
    )
    lowered = originals.lower()
    assert len(lowered) == len(originals)
    letters = sorted(set("".join(obfuscation._SPELLED)))
    pieces = [
        *letters,
        r"[^\W_]",
        r"[^\W\d_]",
        r"[0-9]",
        r"[ \t,;\-*~/_|•·()\[\]]",
        r"\.",
        r"[ \t]",
    ]
    odd: set[str] = set()
    for piece in pieces:
        folded = {m.start() for m in re.finditer(piece, originals, re.IGNORECASE)}
        plain = {m.start() for m in re.finditer(piece, lowered)}
        odd.update(originals[index] for index in folded ^ plain)
    assert odd == set(obfuscation._CASE_ONLY_LOOKALIKES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SEVEN One THREE five five five zero one two three", "7 1 3 5 5 5 0 1 2 3"),
        ("Siete UNO tres cinco cinco cinco cero uno dos tres", "7 1 3 5 5 5 0 1 2 3"),
        ("\u017fix one three five five five zero one two three", "6 1 3 5 5 5 0 1 2 3"),  # long s
        ("\u0131 six one three five five five zero one two three", "\u0131 6 1 3 5 5 5 0 1 2 3"),
        ("call SEVENONETHREE 555 0123", "call 713 555 0123"),
    ],
)
def test_digit_words_in_any_case(text: str, expected: str) -> None:
    assert decode_digits(text) == expected


def test_foldable_class_holds_every_character_that_folds() -> None:
    """The screen of the Unicode pass must know every character the pass replaces (the common
    emoji marks aside, which fold only next to a digit). Above U+20000 nothing folds."""
    fold = obfuscation._folded_char.__wrapped__  # uncached: a million entries otherwise
    chars = "".join(map(chr, range(0x80, 0x20000)))
    folding = {c for c in chars if fold(c) is not None} - obfuscation._COMMON_MARK_SET
    bmp, above = obfuscation._foldable()
    assert set(bmp.findall(chars)) | (above & set(chars)) == folding
    assert all(ord(char) > 0xFFFF for char in above)
    assert all(fold(chr(code)) is None for code in range(0x20000, 0x110000, 97))


# Text made of the pieces the screens look for: digits, digit words, look-alikes, separators.
_SCREEN_PIECES = st.sampled_from(
    [
        *"0123456789 -.*~/_()|\t\n,;?#",
        *"OoIlSBZaxAE",
        "one",
        "ONE",
        "cero",
        "Seis",
        "oh",
        "five",
        "nueve",
        "zero",
        "tres",
        "o",
        "é",
        "\u2460",
        "phone",
        "todos",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(pieces=st.lists(_SCREEN_PIECES, max_size=30))
def test_single_scan_screens_tell_what_the_byte_screens_tell(pieces: list[str]) -> None:
    raw = "".join(pieces).encode("ascii", "replace")
    screened = obfuscation._screen(raw)
    assert screened.glued == obfuscation._has_glued_digit_words(raw)
    words = obfuscation._words_of(raw)
    assert screened.digit_word == bool(obfuscation._standalone_digit_words(words))
    mapped = raw.translate(obfuscation._LOOKALIKE_MAP)
    lookalike = obfuscation._has_mixed_word(mapped) or (
        obfuscation._LETTER_GROUP_RE.search(mapped) is not None
    )
    assert screened.lookalike == lookalike
