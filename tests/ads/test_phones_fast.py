"""The shortcuts of phone extraction give the answers of the long ways they skip."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract import obfuscation, phones

# Pieces of text for the screens: digits, digit words, look-alikes, separators, and non-ASCII
# characters that fold (full-width digits, keycap marks, dashes) or do not (accents, emoji, the
# long s and Kelvin sign that RE2's caseless matching would equate with "s" and "k").
_PIECES = st.sampled_from(
    [
        *"0123456789 -.*~/_()|\t\n,;?#",
        *"OoIlSBZaxAE",
        "one",
        "SIX",
        "Seven",
        "dos",
        "cero",
        "oh",
        "zero",
        "nine",
        "é",
        "ſix",
        "\u212aey",
        "•",
        "·",
        "７",
        "\ufe0f",
        "\u200d",
        "\u20e3",
        "\u2013",
        "❤️",
        "🦋",
        ", ",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=24))
def test_text_screen_tells_what_the_image_screens_tell(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = obfuscation._text_screen(text)
    assert found is not None
    needs_folding = not text.isascii() and obfuscation._needs_folding(text)
    assert (obfuscation._FOLD_SCREEN in found) == needs_folding
    if needs_folding:
        assert obfuscation._folded(text) == obfuscation._fold_unicode(text)
        return
    assert obfuscation._fold_unicode(text) == text
    raw = text.encode("ascii", "replace")
    assert obfuscation._screened(found) == obfuscation._screen(raw)
    image = raw.translate(obfuscation._COMMA_MAP)
    paced = b"0,0,0" in image or b"0, 0, 0" in image
    assert (obfuscation._COMMA_SCREEN in found) == paced


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=24))
def test_quick_decoding_is_the_screened_decoding(pieces: list[str]) -> None:
    """Skipping the passes that the text screen rules out changes nothing."""
    text = "".join(pieces)
    folded = obfuscation._fold_unicode(text)
    raw = folded.encode("ascii", "replace")
    spelled = obfuscation._decode_spelled(folded, raw, thorough=False, screened=None)
    commas = obfuscation._decode_comma_digits(spelled, spelled.encode("ascii", "replace"))
    expected = obfuscation._decode_lookalikes(commas, commas.encode("ascii", "replace"), None)
    assert obfuscation.decode_digits_quickly(text) == expected


_NUMBERS = ["7135550123", "17135550123", "07400123456", "447400123456", "612345678", "2479460958"]


@st.composite
def _groups(draw: st.DrawFn) -> list[str]:
    """A phone-like digit string (or random digits) cut into groups."""
    digits = draw(st.sampled_from(_NUMBERS) | st.text("0123456789", min_size=7, max_size=13))
    cuts = sorted(set(draw(st.lists(st.integers(1, len(digits) - 1), max_size=4))))
    bounds = [0, *cuts, len(digits)]
    return [digits[a:b] for a, b in itertools.pairwise(bounds)]


_GROUPS = _groups()
_SEPARATORS = st.sampled_from([" ", "-", ".", " - ", " | ", ". ", "/", "*", "(", ") "])


@settings(max_examples=300, deadline=None)
@given(_GROUPS, st.lists(_SEPARATORS, min_size=5, max_size=5), st.sampled_from(["US", "GB", "ES"]))
def test_whole_chain_shortcut_is_the_window_search(
    groups: list[str], separators: list[str], region: str
) -> None:
    """A chain known to be one phone gives what the window search gives."""
    pairs = zip(separators, groups[1:], strict=False)
    chain = groups[0] + "".join(sep + group for sep, group in pairs)
    for plus in (False, True):
        info = phones._chain_info(chain, region, plus)
        if info is None or 0 not in info.phones:
            continue
        found = phones._chain_phones(info.digits, info.seps, info.kinds, region, plus)
        assert info.phones[0] == tuple(phone for _, phone in found)


def test_text_screen_leaves_lone_surrogates_to_the_long_way() -> None:
    assert obfuscation._text_screen("713 \ud800 555") is None
    assert obfuscation.decode_digits_quickly("7I3 555 O123 \ud800") == "713 555 0123 \ud800"


def test_whole_chain_shortcut_finds_plain_numbers() -> None:
    info = phones._chain_info("713-555-0123", "US", False)
    assert info is not None
    assert info.phones == {0: ("+17135550123",)}
    assert phones.extract_phones("Call 713-555-0123 today", region="US") == ["+17135550123"]


_LOOKALIKE_PIECES = st.sampled_from(
    [*"0123456789 -.*~/_()[]|\t\n,?", *"OoIlSBZaxE", "é", "•", "·", "+", "713", "555", "0123"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_LOOKALIKE_PIECES, max_size=30))
def test_lookalike_regions_keep_every_run_that_converts(pieces: list[str]) -> None:
    """Looking for runs only in stretches with 4 digits converts what the whole text would."""
    text = "".join(pieces)
    runs = obfuscation._runs(text, obfuscation._chunks(text))
    chosen = [chunk for run in runs for chunk in obfuscation._converted_chunks(text, run)]
    expected = list(text)
    for chunk in reversed(chosen):
        expected[chunk.start : chunk.end] = chunk.text.translate(obfuscation._LOOKALIKE_TABLE)
    raw = text.encode("ascii", "replace")
    screened = obfuscation._Screened(glued=False, digit_word=False, lookalike=True)
    assert obfuscation._decode_lookalikes(text, raw, screened) == "".join(expected)
