"""Byte-class tables for the fast scans some extractors run on a byte copy of the text."""

from __future__ import annotations

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
