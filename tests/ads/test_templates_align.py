"""Template alignment shortcuts give exactly what the general path gives.

`edit_opcodes` stands in for difflib when a member sentence differs from the representative's
in one run; the value scan uses `findall` over an unnamed pattern instead of match objects.
"""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.templates.align import (
    _URL_HINT,
    _VALUES,
    _masked_values,
    edit_opcodes,
    tokens,
)


def difflib_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    matcher: SequenceMatcher[str] = SequenceMatcher(None, a, b, autojunk=False)
    return list(matcher.get_opcodes())


def fast(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]] | None:
    return edit_opcodes(a, b, frozenset(b))


# Few distinct words, so that repeats (the hard case for a shortcut) are common.
words = st.sampled_from(["a", "b", "c", "d", "e"])
sequences = st.lists(words, max_size=12)


@st.composite
def one_run_apart(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A sequence and a copy with one run replaced, inserted or deleted."""
    b = draw(sequences)
    lo = draw(st.integers(0, len(b)))
    hi = draw(st.integers(lo, len(b)))
    middle = draw(st.lists(st.sampled_from(["a", "b", "x", "y"]), max_size=4))
    return b[:lo] + middle + b[hi:], b


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.tuples(sequences, sequences), one_run_apart()))
def test_edit_opcodes_are_difflibs_or_none(pair: tuple[list[str], list[str]]) -> None:
    a, b = pair
    got = fast(a, b)
    assert got is None or got == difflib_opcodes(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("i am anna from houston .", "i am maria from houston ."),
        ("hi anna here , call me", "anna here , call me"),
        ("anna here , call me", "hi anna here , call me"),
        ("call me now", "call me"),
        ("new in town", "new in town"),
        ("", "anything at all"),
        ("x y", "p q r"),
        ("", ""),
    ],
)
def test_edit_opcodes_take_the_common_cases(a: str, b: str) -> None:
    assert fast(a.split(), b.split()) == difflib_opcodes(a.split(), b.split())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # difflib matches the member's second "a b c" whole, not the common prefix "a b"
        ("a b a b c", "a b c"),
        # the suffix also occurs earlier in the representative: difflib takes that copy
        ("x q x x", "x x x"),
        # a changed word that occurs elsewhere in the other sentence
        ("a b c", "a c c"),
    ],
)
def test_edit_opcodes_defer_to_difflib_when_unsure(a: str, b: str) -> None:
    assert fast(a.split(), b.split()) is None


texts = st.text(
    alphabet=st.sampled_from(list("ab 0123456789$€£+()-.,:/_@whtp%xyusdUSD'’\n")), max_size=60
)


@settings(max_examples=1000, deadline=None)
@given(texts)
def test_masked_values_match_the_named_pattern(text: str) -> None:
    pattern = _VALUES[("@" in text, _URL_HINT.search(text) is not None)]
    assert _masked_values(text) == tuple(m.group() for m in pattern.finditer(text))


def test_tokens_keep_kinds_keys_and_spans() -> None:
    text = "Anna, 23 yo: call 713-555-0123 or ana@mail.com"
    toks = tokens(text)
    assert [t.kind for t in toks] == [
        "word",
        "mark",
        "age",
        "word",
        "mark",
        "word",
        "phone",
        "word",
        "email",
    ]
    assert [t.key for t in toks][:3] == ["anna", ",", "<age>"]
    assert [text[t.start : t.end] for t in toks][-3:] == ["713-555-0123", "or", "ana@mail.com"]
