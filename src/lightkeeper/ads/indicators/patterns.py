"""Turning catalogue phrases into regexes that RE2 (pyarrow) and Python `re` read alike.

A phrase matches case-insensitively, whatever the accents on its vowels ("recien llegada"
matches "Recién llegada"), with any run of spaces, hyphens, underscores or dots between its
words, and only as whole words. "ñ" is kept distinct from "n" ("niña" is not the name "Nina").
Word boundaries are RE2's ASCII ones, so at a phrase's edge an accented vowel is matched without
a boundary check. `fold_key` maps any text a phrase matches back to the phrase's key.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

SEPARATOR = r"[\s\-_.]+"
_SEPARATOR_RUN = re.compile(SEPARATOR)
_VARIANTS = {
    "a": "áàâäã",
    "e": "éèêë",
    "i": "íìîï",
    "o": "óòôöõ",
    "u": "úùûü",
}
_FOLD_TABLE = str.maketrans({v: base for base, vs in _VARIANTS.items() for v in vs})
_SPECIAL = set("\\.^$|?*+()[]{}")
_PROBE = pa.array([""], type=pa.string())


def fold_key(text: str) -> str:
    """The lookup key of a phrase or of a text it matched: lower case, plain vowels, one space."""
    folded = text.lower().translate(_FOLD_TABLE)
    return _SEPARATOR_RUN.sub(" ", folded).strip()


def phrase_regex(phrase: str) -> str:
    """The regex (RE2 and Python syntax, no flags) matching `phrase` as described above."""
    words = fold_key(phrase).split(" ")
    if not words[0]:
        raise ValueError(f"empty phrase {phrase!r}")
    chars = [[_char(ch) for ch in word] for word in words]
    first, last = words[0][0], words[-1][-1]
    if len(words) == 1 and len(words[0]) == 1:
        if _is_word_char(first):
            chars[0][0] = _edge_both(first)
    else:
        if _is_word_char(first):
            chars[0][0] = _edge_start(first)
        if _is_word_char(last):
            chars[-1][-1] = _edge_end(last)
    return SEPARATOR.join("".join(word) for word in chars)


def _char(ch: str) -> str:
    if ch in _VARIANTS:
        return f"[{ch}{_VARIANTS[ch]}]"
    return "\\" + ch if ch in _SPECIAL else ch


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


# RE2's \b is ASCII-only: an accented vowel at an edge is matched without a boundary check.
def _edge_start(ch: str) -> str:
    if ch in _VARIANTS:
        return f"(?:\\b{ch}|[{_VARIANTS[ch]}])"
    return f"\\b{_char(ch)}"


def _edge_end(ch: str) -> str:
    if ch in _VARIANTS:
        return f"(?:{ch}\\b|[{_VARIANTS[ch]}])"
    return f"{_char(ch)}\\b"


def _edge_both(ch: str) -> str:
    if ch in _VARIANTS:
        return f"(?:\\b{ch}\\b|[{_VARIANTS[ch]}])"
    return f"\\b{_char(ch)}\\b"


def check_regex(pattern: str) -> str | None:
    """Why `pattern` cannot be used (a short phrase), or None when Python and RE2 both accept it."""
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        return f"is not a valid regular expression ({e})"
    if compiled.fullmatch("") is not None:
        return "matches the empty string"
    try:
        pc.match_substring_regex(_PROBE, pattern)
    except pa.ArrowInvalid as e:
        return f"is not supported by RE2, the engine used on whole columns ({e})"
    return None
