"""Ages stated in ad text ("23 yo", "age: 23", "I am 23", "tengo 23 años").

Ages from MIN_AGE to MAX_AGE are returned. MIN_AGE is 14, below the adult threshold on purpose:
an ad that states an age under 18 is exactly what the indicators stage must flag, so this
extractor reports it rather than filtering it out. Under 14, a two-digit number next to "yo" is
more often noise than a stated age.
"""

from __future__ import annotations

import re

MIN_AGE = 14
MAX_AGE = 80

# Only standalone two-digit numbers can be ages: not part of a price, phone, time or decimal.
# The character before is checked in code: a lookbehind here would make the scan several times
# slower, as the engine could no longer skip ahead to the next digit.
_TWO_DIGITS = re.compile(r"\d{2}(?!\d|[.,:/]\d)")
_NOT_BEFORE = frozenset("0123456789.,:/$€£#+")
_AGE_AFTER = re.compile(
    r"\s*-?\s*(?:"
    r"y\s?/\s?o\b|y\.\s?o\b\.?|yo\b|yrs?\b(?:\s*old)?(?!\s*(?:of\s+)?exp)"
    r"|years?[\s-]*(?:old|young)\b|yr[\s-]*old\b"
    r"|a[ñn]os\b(?!\s+de\s+(?:experiencia|edad\s+m))|a[ñn]itos\b"
    r")"
)
_AGE_BEFORE = re.compile(
    r"(?:\b(?:age|aged|edad|turned|cumpl[ií])\s*(?:is|of|:|-|=|de)?\s*"
    r"|\b(?:i\s?am|i'm|i’m|im|soy|tengo)\s+(?:only\s+|just\s+|solo\s+|apenas\s+)?)\Z"
)
# After "I am 23" / "tengo 23", these show the number is a distance, a time, a price or a size.
_NOT_AGE_AFTER = re.compile(
    r"[a-h]{1,3}\b|\s*(?:min|mins|minutes|minutos|h\b|hr|hrs|hours?|horas?|%|\$|€|£|mi\b|miles|km|kms"
    r"|lbs?|kg|kilos|cm|'|\"|ft|feet|inch|dollars?|usd|pesos?|euros?|roses?|rosas?|x\b"
    r"|pm\b|am\b|p\.m|a\.m|hh\b|-\s*\d|/\s*\d)"
)
_WINDOW = 24


def extract_ages(text: str) -> list[int]:
    """Ages stated in `text`, from MIN_AGE (14) to MAX_AGE (80), in order, without repeats.

    Reads "23 yo", "23yo", "23 y/o", "23 years old", "23-year-old", "age 23", "age: 23",
    "I am 23", "just turned 18", "tengo 23 años", "23 añitos", "edad 23". A bare number is never
    taken for an age.
    """
    low = text.lower()
    ages: list[int] = []
    for match in _TWO_DIGITS.finditer(low):
        if match.start() and low[match.start() - 1] in _NOT_BEFORE:
            continue
        age = int(match.group(0))
        if not MIN_AGE <= age <= MAX_AGE or age in ages:
            continue
        if _is_stated_age(low, match.start(), match.end()):
            ages.append(age)
    return ages


def _is_stated_age(low: str, start: int, end: int) -> bool:
    """True when the number at low[start:end] is written as somebody's age."""
    if _AGE_AFTER.match(low, end):
        return True
    if _AGE_BEFORE.search(low, max(0, start - _WINDOW), start) is None:
        return False
    return _NOT_AGE_AFTER.match(low, end) is None
