"""Turning catalogue phrases into regexes that RE2 (pyarrow) and Python `re` read alike.

Texts are lower-cased before matching (case-insensitive RE2 regexes are many times slower), so
phrase regexes are lower case and carry no flags. A phrase matches as whole words, with any run
of spaces, hyphens, underscores or dots between its words, both as written and with its vowel
accents removed: "recién llegada" also matches "recien llegada" (write phrases with their
accents; a phrase written without them only matches text without them). "ñ" is never folded
("niña" is not the name "Nina"). Word boundaries are RE2's ASCII ones, so an accented letter at
a phrase's edge is matched without a boundary check. `fold_key` maps any text a phrase matches
back to the phrase's key.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

SEPARATOR = r"[\s\-_.]+"
_SEPARATOR_RUN = re.compile(SEPARATOR)
_FOLD_TABLE = str.maketrans("áàâäãéèêëíìîïóòôöõúùûü", "aaaaaeeeeiiiiooooouuuu")
_SPECIAL = set("\\.^$|?*+()[]{}")
_PROBE = pa.array([""], type=pa.string())


def fold_key(text: str) -> str:
    """The lookup key of a phrase or of a text it matched: lower case, plain vowels, one space."""
    folded = text.lower().translate(_FOLD_TABLE)
    return _SEPARATOR_RUN.sub(" ", folded).strip()


def phrase_regexes(phrase: str) -> list[str]:
    """The regexes (lower case, RE2 and Python syntax) matching `phrase` as described above."""
    written = " ".join(_SEPARATOR_RUN.sub(" ", phrase.lower()).split())
    if not written:
        raise ValueError(f"empty phrase {phrase!r}")
    variants = dict.fromkeys([written, written.translate(_FOLD_TABLE)])
    return [_words_regex(v.split(" ")) for v in variants]


def _words_regex(words: list[str]) -> str:
    body = SEPARATOR.join("".join("\\" + ch if ch in _SPECIAL else ch for ch in w) for w in words)
    if _is_word_char(words[0][0]):
        body = "\\b" + body
    if _is_word_char(words[-1][-1]):
        body += "\\b"
    return body


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


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
