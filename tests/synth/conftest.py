"""Shared fixtures for the synthetic corpus tests: one corpus, made once per session."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest

from lightkeeper.synth.corpus import generate

Pair = tuple[dict[str, Any], dict[str, Any]]

_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "cero": "0", "uno": "1", "dos": "2",
    "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6", "siete": "7", "ocho": "8",
    "nueve": "9",
}  # fmt: skip
_WORD_RE = re.compile("|".join(sorted(_WORDS, key=len, reverse=True)))
_LOOKALIKE = str.maketrans({"o": "0", "i": "1", "l": "1", "s": "5", "b": "8"})
_NOT_DIGIT = re.compile(r"\D+")


def decoded_digits(text: str) -> str:
    """Return every digit a reader sees in `text`, words and look-alikes decoded, in order.

    Deliberately blunt (it also turns ordinary words into digits): a phone's digits stay
    contiguous in the result, so a test can look for them as a substring.
    """
    plain = unicodedata.normalize("NFKC", text).lower()
    plain = _WORD_RE.sub(lambda m: _WORDS[m.group(0)], plain)
    return _NOT_DIGIT.sub("", plain.translate(_LOOKALIKE))


@pytest.fixture(scope="session")
def corpus() -> list[Pair]:
    """A 3,000-line corpus (seed 7), re-crawls included."""
    return list(generate(3000, seed=7))


@pytest.fixture(scope="session")
def distinct(corpus: list[Pair]) -> list[Pair]:
    """The corpus without exact repeats: one pair per (id, version)."""
    return [pair for pair in corpus if not pair[1].get("duplicate")]
