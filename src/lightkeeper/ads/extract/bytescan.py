"""Byte-class tables for the fast scans some extractors run on a byte copy of the text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def byte_class_table(classes: Iterable[tuple[str, str]], *, other: str = "x") -> bytes:
    """A 256-byte `bytes.translate` table mapping each character of a group to its class letter.

    `classes` pairs characters with the one-letter class they become, e.g. ("0123456789", "0");
    every other byte becomes `other`.
    """
    table = bytearray(other.encode("ascii") * 256)
    for chars, letter in classes:
        for char in chars:
            table[ord(char)] = ord(letter)
    return bytes(table)


def ascii_lowered(text: str) -> str:
    """`text.lower()` as the extractors read it: ASCII letters lower-cased, others kept.

    The patterns of prices, ages, emails and handles name ASCII letters only (and a few accented
    ones they accept in both cases); lower-casing the UTF-8 bytes costs about half as much as
    `str.lower` on a text outside ASCII. No character outside ASCII lower-cases to an ASCII
    letter but "İ" and the Kelvin sign: with either, `str.lower` itself.
    """
    if text.isascii() or "\u0130" in text or "\u212a" in text:
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def folded_lowered(text: str, low: str | None = None) -> str:
    """`text` in NFKC (full-width "＠" as "@") with its ASCII letters lower-cased.

    What emails and handles read. `low`, when given, is `ascii_lowered(text)`: most texts are
    already in NFKC, and then it is the answer.
    """
    if text.isascii():
        return low if low is not None else text.lower()
    folded = unicodedata.normalize("NFKC", text)
    if folded is text and low is not None:
        return low
    return ascii_lowered(folded)


# The digit classes prices and ages scan, one letter per character of the lower-cased text: "0" a
# digit, "u" a digit outside ASCII ("５", as `\d` reads it), "c" one of ",:", "q" an apostrophe
# ("'", "’"), "d" ".", "h" "-", "g" one of " ()", and "+", "/", "n" ("$" and "#"); "x" any other
# character. Each extractor reads the letters it needs; patterns that lead with the literal "0" let
# the regex engine skip ahead to the next digit.
DIGIT_CLASS_TABLE = byte_class_table(
    [
        *(("0123456789", "0"), (",:", "c"), ("'", "q"), (".", "d"), ("-", "h"), (" ()", "g")),
        *(("+", "+"), ("/", "/"), ("$#", "n")),
    ]
)
_ASCII_BYTES = bytes(range(128))
_ANY_DIGIT = re.compile(r"\d")
# The classes of the last text, shared by the extractors of one ad (`extract_ad` hands prices and
# ages the same lower-cased text): [(text, classes)].
_LAST_CLASSES: list[tuple[str, bytes]] = [("", b"")]


def digit_classes(low: str) -> bytes:
    """`low` as one class letter per character (see `DIGIT_CLASS_TABLE`).

    Characters outside ASCII arrive as "?", class "x"; the few that matter, a digit and "’", are
    marked afterwards: looking for them in the bytes of the characters outside ASCII costs less
    than in the text. The classes of the last text asked for are kept for the next caller.
    """
    last = _LAST_CLASSES[0]
    if last[0] is low:
        return last[1]
    classes = low.encode("ascii", "replace").translate(DIGIT_CLASS_TABLE)
    if not low.isascii():
        others = low.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
        others_text = others.decode("utf-8", "surrogatepass")
        marks = dict.fromkeys(_ANY_DIGIT.findall(others_text), ord("u"))
        if "’" in others_text:
            marks["’"] = ord("q")
        if marks:
            marked = bytearray(classes)
            for char, letter in marks.items():
                i = low.find(char)
                while i >= 0:
                    marked[i] = letter
                    i = low.find(char, i + 1)
            classes = bytes(marked)
    _LAST_CLASSES[0] = (low, classes)
    return classes
