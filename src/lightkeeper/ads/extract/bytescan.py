"""Byte-class tables for the fast scans some extractors run on a byte copy of the text."""

from __future__ import annotations

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
