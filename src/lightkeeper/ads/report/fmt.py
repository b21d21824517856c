"""Small formatting helpers shared by the report's views: ids, dates, numbers, lists."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from hashlib import blake2b
from typing import Any

VALUE_CHARS = 100  # an identifier or other short value is shown cut to this many characters

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def anchor_for(prefix: str, ident: str) -> str:
    """A safe, unique HTML id for an object id (the id itself when already plain)."""
    if _SAFE_ID.fullmatch(ident):
        return f"{prefix}-{ident}"
    return f"{prefix}-h{blake2b(ident.encode(), digest_size=6).hexdigest()}"


def format_day(value: datetime | date | None) -> str:
    """A date as YYYY-MM-DD ("" when unknown)."""
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def format_moment(value: datetime | None) -> str:
    """A timestamp as 'YYYY-MM-DD HH:MM UTC' ("" when unknown)."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""


def as_int(value: Any) -> int | None:
    """An integer, or None for null and NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def as_score(value: Any) -> float | None:
    """A score clamped to [0, 1], or None for null and NaN."""
    if value is None:
        return None
    score = float(value)
    return None if math.isnan(score) else min(max(score, 0.0), 1.0)


def as_strings(values: Any) -> list[str]:
    """The non-empty values of a list (None for none) as strings."""
    return [str(v) for v in (values or []) if v is not None and str(v) != ""]
