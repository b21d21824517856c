"""Bounded, display-safe text for the report: truncation and removal of invisible controls.

Ad text is hostile. Escaping (Jinja2 autoescape, `markupsafe.escape` in SVG) stops markup from
running; these helpers stop text from misleading or bloating the page: control characters and
bidirectional overrides (which can make text read differently from what it holds) are dropped,
and every text shown has a length cap with an ellipsis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

ELLIPSIS = "…"

# C0/C1 controls except tab and newline, bidi embeddings/overrides/isolates, and zero-width marks.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"\s+")

T = TypeVar("T")


def clean_text(text: str | None) -> str:
    """The text without control characters, bidi overrides or zero-width marks ("" for None)."""
    if not text:
        return ""
    return _INVISIBLE.sub("", text)


def truncate(text: str | None, limit: int) -> str:
    """The cleaned text cut to at most `limit` characters, ending with an ellipsis when cut."""
    cleaned = clean_text(text)
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def one_line(text: str | None, limit: int) -> str:
    """The cleaned text on one line (runs of whitespace become one space), cut to `limit`."""
    return truncate(_SPACES.sub(" ", clean_text(text)).strip(), limit)


def capped(items: Sequence[T], limit: int) -> tuple[list[T], int]:
    """The first `limit` items and how many were left out."""
    return list(items[:limit]), max(len(items) - limit, 0)
