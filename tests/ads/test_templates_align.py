"""Template alignment shortcuts give exactly what the general path gives.

`edit_opcodes` stands in for difflib when a member sentence differs from the representative's
in one run; the value scan uses `findall` over an unnamed pattern instead of match objects.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.templates.align import (
    _AGE_AFTER,
    _AGE_BEFORE,
    _EMAIL,
    _MASKED,
    _NUMBERS,
    _TOKENS,
    _URL,
    _URL_HINT,
    _VALUES,
    MAX_TOKENS,
    Token,
    _clean_values,
    _masked_template,
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


characters = st.text(
    alphabet=st.sampled_from(list("ab 0123456789$€£+()-.,:/_@whtp%xyusdUSD'’\n")), max_size=60
)
fragments = st.sampled_from(
    [
        "+1 713 555 0123",
        "(713) 555-0123",
        "713.555.0199",
        "$200",
        "200 USD",
        "150 roses",
        "23 yo",
        "age: 23",
        "ana@mail.com",
        "@ana_x",
        "www.example.com/a",
        "HTTPS://example.org",
        "call me",
        "years",
        "12",
        ", ",
        " ",
        "+",
        "(",
    ]
)
texts = st.one_of(characters, st.lists(fragments, max_size=8).map("".join))


def plain_values(text: str) -> re.Pattern[str]:
    """The value pattern as first written: named alternatives, no lookahead."""
    has_at, has_url = "@" in text, _URL_HINT.search(text) is not None
    written = (_EMAIL if has_at else "") + (_URL if has_url else "") + _NUMBERS.removeprefix("|")
    return re.compile(written, re.IGNORECASE)


@settings(max_examples=1000, deadline=None)
@given(texts)
def test_value_scans_match_the_plain_pattern(text: str) -> None:
    plain = [(m.lastgroup, m.span()) for m in plain_values(text).finditer(text)]
    key = ("@" in text, _URL_HINT.search(text) is not None)
    assert [(m.lastgroup, m.span()) for m in _VALUES[key].finditer(text)] == plain
    assert list(_masked_values(text)) == [text[start:end] for _, (start, end) in plain]
    form = _masked_template(text)
    assert (form[2] if form else ()) == _clean_values(text)


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


def token_by_token(text: str) -> list[Token]:
    """Tokens as first written: one named tuple per match, ages marked afterwards."""
    out: list[Token] = []
    for match in _TOKENS[("@" in text, _URL_HINT.search(text) is not None)].finditer(text):
        kind = match.lastgroup or "mark"
        value = match.group()
        if kind == "phone" and sum(c.isdigit() for c in value) < 7:
            kind = "number"
        out.append(Token(f"<{kind}>" if kind in _MASKED else value.lower(), kind, *match.span()))
        if len(out) >= MAX_TOKENS:
            break
    for i, tok in enumerate(out):
        after = out[i + 1].key if i + 1 < len(out) else ""
        before = out[i - 1].key if i else ""
        if tok.kind == "number" and (after in _AGE_AFTER or before in _AGE_BEFORE):
            out[i] = Token("<age>", "age", tok.start, tok.end)
    return out


@settings(max_examples=500, deadline=None)
@given(st.one_of(texts, st.text(max_size=80), st.lists(fragments, max_size=120).map(" ".join)))
def test_tokens_match_token_by_token(text: str) -> None:
    assert tokens(text) == token_by_token(text)
