"""Ages stated in ad text ("23 yo", "age: 23", "I am 23", "tengo 23 años").

Ages from MIN_AGE to MAX_AGE are returned. MIN_AGE is 14, below the adult threshold on purpose:
an ad that states an age under 18 is exactly what the indicators stage must flag, so this
extractor reports it rather than filtering it out. Under 14, a two-digit number next to "yo" is
more often noise than a stated age.

Speed: a scan for "\\d" tests every character of the text, which costs more than everything else
here. Two-digit numbers are therefore found in a byte copy of the text in which every digit is
"0" (the scan then jumps from "00" to "00"), and the patterns around a number are only tried when
the characters beside it could start them.
"""

from __future__ import annotations

import re

from lightkeeper.ads.extract.bytescan import ascii_lowered, digit_classes

MIN_AGE = 14
MAX_AGE = 80

# Only standalone two-digit numbers can be ages: not part of a price, phone, time or decimal,
# that is `\d{2}(?!\d|[.,:/]\d)` not after a character of `_NOT_BEFORE`. It is found over
# `bytescan.digit_classes`: "0" a digit, "u" one outside ASCII ("５": a digit for `\d`, not for
# `_NOT_BEFORE`), "c", "d" and "/" for ".,:/", "n" and "+" for "$#+". The pattern leads with a
# literal, so the regex engine jumps from digit to digit. The lookbehind drops at once the numbers
# after a character of `_NOT_BEFORE` that is ASCII; the others ("€", "£") are checked on the text.
_NOT_BEFORE = frozenset("0123456789.,:/$€£#+")
_CLASS_TWO_DIGITS = re.compile(rb"00(?<![0cd/n+]00)(?!0|[cd/]0)")
_CLASS_TWO_DIGITS_ANY = re.compile(rb"[0u][0u](?<![0cd/n+][0u][0u])(?![0u]|[cd/][0u])")
# "(?:X|)", not "(?:X)?": the regex engine runs the latter as a repeat, several times dearer.
_AGE_AFTER = re.compile(
    r"\s*-?\s*(?:"
    r"y\s?/\s?o\b|y\.\s?o\b\.?|yo\b|yrs?\b(?:\s*old|)(?!\s*(?:of\s+|)exp)"
    r"|years?[\s-]*(?:old|young)\b|yr[\s-]*old\b"
    r"|a[ñÑn]os\b(?!\s+de\s+(?:experiencia|edad\s+m))|a[ñÑn]itos\b"
    r")"
)
_AGE_BEFORE = re.compile(
    r"(?:\b(?:age|aged|edad|turned|cumpl[iíÍ])\s*(?:is|of|:|-|=|de|)\s*"
    r"|\b(?:i\s?am|i'm|i’m|im|soy|tengo)\s+(?:only\s+|just\s+|solo\s+|apenas\s+|))\Z"
)
# After "I am 23" / "tengo 23", these show the number is a distance, a time, a price or a size.
_NOT_AGE_AFTER = re.compile(
    r"[a-h]{1,3}\b|\s*(?:min|mins|minutes|minutos|h\b|hr|hrs|hours?|horas?|%|\$|€|£|mi\b|miles|km|kms"
    r"|lbs?|kg|kilos|cm|'|\"|ft|feet|inch|dollars?|usd|pesos?|euros?|roses?|rosas?|x\b"
    r"|pm\b|am\b|p\.m|a\.m|hh\b|-\s*\d|/\s*\d)"
)
_WINDOW = 24
# What `_AGE_BEFORE` can end with before the spaces that precede the number: a text that ends
# otherwise cannot match, and the search, which tries every start in the window, is skipped.
_BEFORE_ENDINGS = (
    "age",
    "aged",
    "edad",
    "turned",
    "cumplí",
    "cumpli",
    "is",
    "of",
    ":",
    "-",
    "=",
    "de",
    "am",
    "i'm",
    "i’m",
    "im",
    "soy",
    "tengo",
    "only",
    "just",
    "solo",
    "apenas",
)


def extract_ages(text: str, *, low: str | None = None) -> list[int]:
    """Ages stated in `text`, from MIN_AGE (14) to MAX_AGE (80), in order, without repeats.

    Reads "23 yo", "23yo", "23 y/o", "23 years old", "23-year-old", "age 23", "age: 23",
    "I am 23", "just turned 18", "tengo 23 años", "23 añitos", "edad 23". A bare number is never
    taken for an age. `low`, when given, is `bytescan.ascii_lowered(text)`, shared with the other
    extractors of the ad.
    """
    if low is None:
        low = ascii_lowered(text)
    ages: list[int] = []
    for start in _two_digit_starts(low):
        if start and low[start - 1] in _NOT_BEFORE:
            continue
        age = int(low[start : start + 2])
        if not MIN_AGE <= age <= MAX_AGE or age in ages:
            continue
        if _is_stated_age(low, start, start + 2):
            ages.append(age)
    return ages


def _two_digit_starts(low: str) -> list[int]:
    """Start of every standalone two-digit number in `low`, as `_TWO_DIGITS` finds them.

    Some after a character of `_NOT_BEFORE` may be left out.
    """
    classes = digit_classes(low)
    pattern = _CLASS_TWO_DIGITS if classes.find(b"u") < 0 else _CLASS_TWO_DIGITS_ANY
    return [match.start() for match in pattern.finditer(classes)]


def _is_stated_age(low: str, start: int, end: int) -> bool:
    """True when the number at low[start:end] is written as somebody's age."""
    following = low[end : end + 1]
    # Every form of `_AGE_AFTER` starts with "y" or "a", after spaces and a dash.
    if (following in ("y", "a", "-") or following.isspace()) and _AGE_AFTER.match(low, end):
        return True
    before = low[max(0, start - _WINDOW) : start].lower()  # "CUMPLÍ" was kept by `ascii_lowered`
    if not before.rstrip().endswith(_BEFORE_ENDINGS):
        return False
    if _AGE_BEFORE.search(low, max(0, start - _WINDOW), start) is None:
        return False
    return _NOT_AGE_AFTER.match(low, end) is None
