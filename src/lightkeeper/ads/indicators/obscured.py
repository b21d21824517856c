"""Detect phone numbers written to defeat collection by software ("obscured" phones).

The NIJ-funded study of ads with known outcomes (Journal of Human Trafficking, 2024) found an
obscured phone number predictive of trafficking. Obscuring means writing the digits so that a
scraper misses them: spelled digits ("seven one three", "siete uno tres", "7one3"), look-alike
letters in a digit run ("7I3 555 O123"), emoji keycaps, full-width or circled digits, and
unusual separators ("713*555*0123", "7-1-3-5-5-5-0-1-2-3"). Ordinary formats such as
"(713) 555-0123", "+34 612 34 56 78" or "07700 900123" are not obscured.

This module reads the ad's raw text with its own patterns; it does not depend on the phone
extractor. Three steps, the first two in RE2 over whole columns: `CANDIDATE` picks the ads worth
a closer look, `RUN` marks every run of digit-like tokens in them, and `obscured_run` reads the
marked runs of one ad and decides.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

MARK = "\x00"
MIN_TOKENS, MAX_TOKENS = 7, 16
_WORDS = (
    "zero|three|seven|eight|four|five|nine|one|two|six|oh|"
    "cuatro|cinco|siete|nueve|cero|tres|seis|ocho|uno|dos"
)
_LOOKALIKE = "OoIlSB"
_ODD_SEPARATORS = set("*~_|•·^")
_LETTERS = ("word", "lookalike")
_FANCY_PY = "\u2460-\u2473\u24ea\u24f5-\u24fe\u2776-\u2793\uff10-\uff19\U0001d7ce-\U0001d7ff"
_FANCY_RE2 = (
    r"\x{2460}-\x{2473}\x{24EA}\x{24F5}-\x{24FE}\x{2776}-\x{2793}\x{FF10}-\x{FF19}"
    r"\x{1D7CE}-\x{1D7FF}"
)
# full-width punctuation and spaces go with full-width digits ("４３７．３７３．９０９６")
_SEP = r"[\s\-.,*~_/|•·^()\[\]+．－／（）　]*"

# RE2 syntax (pyarrow); a superset of the ads `obscured_run` can flag
CANDIDATE = (
    rf"\x{{20E3}}|[{_FANCY_RE2}]"
    r"|\d\s*[*~_|•·^]\s*\d"
    r"|\d[\s.\-/]+\d[\s.\-/]+\d[\s.\-/]+\d[\s.\-/]+\d[\s.\-/]"
    rf"|(?i:{_WORDS})[\s\-.,*~_/|]*(?:\d|(?i:{_WORDS}))"
    rf"|\d(?i:{_WORDS})"
    rf"|\d[{_LOOKALIKE}]|[{_LOOKALIKE}]\d"
)
_TOKEN_RE2 = rf"(?:\d(?:\x{{FE0F}}?\x{{20E3}})?|[{_FANCY_RE2}]|(?i:{_WORDS})|[{_LOOKALIKE}])"
RUN = rf"{_TOKEN_RE2}(?:{_SEP}{_TOKEN_RE2}){{{MIN_TOKENS - 1},}}"

_TOKENS = re.compile(rf"(\d(?:\ufe0f?\u20e3)?|[{_FANCY_PY}]|(?i:{_WORDS})|[{_LOOKALIKE}])({_SEP})")


_PLAIN = re.compile(r"[0-9 ().\-/+]+")
_DIGIT_GROUPS = re.compile(r"[0-9]+")


Token = tuple[str, str]  # the token as written, the separator written after it


def obscured_phone(text: str) -> str | None:
    """The obscured phone-like run in `text`, or None when every number is written plainly."""
    texts = pa.array([text], pa.string())
    if not pc.match_substring_regex(texts, CANDIDATE)[0].as_py():
        return None
    return obscured_run(pc.replace_substring_regex(texts, RUN, MARK + r"\0" + MARK)[0].as_py())


def obscured_run(marked: str) -> str | None:
    """The first obscured run in a text whose digit runs `RUN` marked, or None."""
    parts = marked.split(MARK)
    for j in range(1, len(parts), 2):
        run = run_verdict(parts[j], parts[j - 1][-1:].isalpha(), parts[j + 1][:1].isalpha())
        if run is not None:
            return run
    return None


@lru_cache(maxsize=1 << 16)
def run_verdict(run: str, glued_before: bool, glued_after: bool) -> str | None:
    """`run` (one `RUN` match) as an obscured phone, or None when it is not one.

    `glued_before` / `glued_after`: a letter touches the run on that side. Cached: operators
    repost the same numbers, so the same runs come back batch after batch.
    """
    if _PLAIN.fullmatch(run):
        # the common case, digits in ordinary groups: obscured only when spaced out digit
        # by digit ("7 1 3 5 5 5 ...")
        groups = _DIGIT_GROUPS.findall(run)
        if (
            sum(len(g) == 1 for g in groups) >= 5
            and MIN_TOKENS <= sum(map(len, groups)) <= MAX_TOKENS
        ):
            return run.strip()
        return None
    tokens = _unglued(_TOKENS.findall(run), glued_before=glued_before, glued_after=glued_after)
    if _is_obscured(tokens):
        return ("".join(text + sep for text, sep in tokens[:-1]) + tokens[-1][0]).strip()
    return None


def _unglued(tokens: list[Token], *, glued_before: bool, glued_after: bool) -> list[Token]:
    """Drop letter tokens glued to the word around the run ("some|one", "call" -> "l")."""
    start, end = 0, len(tokens)
    glued = glued_before
    while glued and start < end and _kind(tokens[start][0]) in _LETTERS:
        glued = not tokens[start][1]
        start += 1
    glued = glued_after
    while glued and end > start and _kind(tokens[end - 1][0]) in _LETTERS:
        end -= 1
        glued = end > start and not tokens[end - 1][1]
    return tokens[start:end]


@lru_cache(maxsize=4096)
def _kind(token: str) -> str:
    """digit, keycap, fancy (full-width, circled...), word (spelled digit) or lookalike."""
    if "\u20e3" in token:
        return "keycap"
    ch = token[0]
    if ch.isascii() and ch.isdigit():
        return "digit"
    if len(token) == 1 and ch in _LOOKALIKE:
        return "lookalike"
    if token.isascii() and token.isalpha():
        return "word"
    return "fancy"


def _is_obscured(tokens: list[Token]) -> bool:
    kinds = [_kind(text) for text, _ in tokens]
    # a look-alike letter at a run's edge counts only when glued to the digits ("O7I3",
    # "1268SB"); set apart by a separator it is a word ("I 713...", "...0123 O")
    start, end = 0, len(kinds)
    while start < end and kinds[start] == "lookalike" and tokens[start][1]:
        start += 1
    while end > start + 1 and kinds[end - 1] == "lookalike" and tokens[end - 2][1]:
        end -= 1
    kinds, tokens = kinds[start:end], tokens[start:end]
    if not MIN_TOKENS <= len(kinds) <= MAX_TOKENS:
        return False
    digits, words = kinds.count("digit"), kinds.count("word")
    if "keycap" in kinds or "fancy" in kinds:
        return True
    if words and words + digits >= MIN_TOKENS:
        return words >= 2 or digits >= 3
    if "lookalike" in kinds:
        return digits >= 4 and kinds.count("lookalike") <= digits
    if any(ch in _ODD_SEPARATORS for _, sep in tokens[:-1] for ch in sep):
        return True
    return _single_digit_groups(tokens) >= 5


def _single_digit_groups(tokens: list[Token]) -> int:
    groups, size = [], 0
    for n, (_, sep) in enumerate(tokens):
        size += 1
        if sep or n == len(tokens) - 1:
            groups.append(size)
            size = 0
    return sum(1 for g in groups if g == 1)
