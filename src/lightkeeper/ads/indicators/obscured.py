"""Detect phone numbers written to defeat collection by software ("obscured" phones).

The NIJ-funded study of ads with known outcomes (Journal of Human Trafficking, 2024) found an
obscured phone number predictive of trafficking. Obscuring means writing the digits so that a
scraper misses them: spelled digits ("seven one three", "siete uno tres", "7one3"), look-alike
letters in a digit run ("7I3 555 O123"), emoji keycaps, full-width or circled digits, and
unusual separators ("713*555*0123", "7-1-3-5-5-5-0-1-2-3"). Ordinary formats such as
"(713) 555-0123", "+34 612 34 56 78" or "07700 900123" are not obscured.

This module reads the ad's raw text with its own patterns; it does not depend on the phone
extractor. A cheap RE2 pass over the whole column (`CANDIDATE`) picks the ads worth a closer
look; `obscured_phone` then decides on one text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS = (
    "zero|three|seven|eight|four|five|nine|one|two|six|oh|"
    "cuatro|cinco|siete|nueve|cero|tres|seis|ocho|uno|dos"
)
_FANCY = "\u2460-\u2473\u24ea\u24f5-\u24fe\u2776-\u2793"
_LOOKALIKE = "OoIlSB"
_ODD_SEPARATORS = set("*~_|•·^")
MIN_TOKENS, MAX_TOKENS = 7, 16

# RE2 syntax (pyarrow): a superset of the ads `obscured_phone` can flag. No lookarounds in RE2.
CANDIDATE = (
    r"\x{20E3}|[\x{FF10}-\x{FF19}\x{2460}-\x{2473}\x{24EA}\x{24F5}-\x{24FE}\x{2776}-\x{2793}"
    r"\x{1D7CE}-\x{1D7FF}]"
    r"|\d\s*[*~_|•·^]\s*\d"
    r"|\d[\s.\-/]+\d[\s.\-/]+\d[\s.\-/]+\d[\s.\-/]+\d[\s.\-/]"
    rf"|(?i:{_WORDS})[\s\-.,*~_/|]*(?:\d|(?i:{_WORDS}))"
    r"|\d(?i:" + _WORDS + r")"
    rf"|\d[{_LOOKALIKE}]|[{_LOOKALIKE}]\d"
)

_TOKEN = rf"(?:\d(?:\ufe0f?\u20e3)?|[{_FANCY}](?:\ufe0f?\u20e3)?|(?i:{_WORDS})|[{_LOOKALIKE}])"
_SEP = r"[\s\-.,*~_/|•·^()\[\]+]*"
_RUN = re.compile(rf"(?<![^\W\d_]){_TOKEN}(?:{_SEP}{_TOKEN}){{{MIN_TOKENS - 1},}}(?![^\W\d_])")
_TOKENS = re.compile(rf"({_TOKEN})({_SEP})")


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    kind: str  # digit | fancy | keycap | word | lookalike
    sep: str  # separator written after it


def obscured_phone(text: str) -> str | None:
    """The obscured phone-like run in `text`, or None when every number is written plainly."""
    for run in _RUN.finditer(text):
        if _is_obscured(_tokens(run.group())):
            return run.group().strip()
    return None


def _tokens(run: str) -> list[_Token]:
    return [_Token(m.group(1), _kind(m.group(1)), m.group(2)) for m in _TOKENS.finditer(run)]


def _kind(token: str) -> str:
    if "\u20e3" in token:
        return "keycap"
    ch = token[0]
    if ch.isascii() and ch.isdigit():
        return "digit"
    if len(token) == 1 and ch in _LOOKALIKE:
        return "lookalike"
    if token.isalpha() and token.isascii():
        return "word"
    return "fancy"


def _is_obscured(tokens: list[_Token]) -> bool:
    # look-alike letters only count inside a digit run, never at its edges ("I 713...")
    while tokens and tokens[0].kind == "lookalike":
        tokens = tokens[1:]
    while tokens and tokens[-1].kind == "lookalike":
        tokens = tokens[:-1]
    if not MIN_TOKENS <= len(tokens) <= MAX_TOKENS:
        return False
    kinds = [t.kind for t in tokens]
    digits = kinds.count("digit")
    if "keycap" in kinds or "fancy" in kinds:
        return True
    if kinds.count("word") >= 1 and kinds.count("word") + digits >= MIN_TOKENS:
        return kinds.count("word") >= 2 or digits >= 3
    if kinds.count("lookalike") >= 1:
        return digits >= 4 and kinds.count("lookalike") <= digits
    if any(ch in _ODD_SEPARATORS for t in tokens[:-1] for ch in t.sep):
        return True
    return _single_digit_groups(tokens) >= 5


def _single_digit_groups(tokens: list[_Token]) -> int:
    groups, size = [], 0
    for token in tokens:
        size += 1
        if token.sep or token is tokens[-1]:
            groups.append(size)
            size = 0
    return sum(1 for g in groups if g == 1)
