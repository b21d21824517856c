"""Validation of one raw row against ad record v1: a typed `AdRecord`, or a clear reason why not."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from lightkeeper.ads.types import AdRecord

# Field limits from ad-record-v1.schema.json (characters; images: items).
STRING_LIMITS: dict[str, int] = {
    "id": 256,
    "site": 256,
    "url": 4096,
    "location": 512,
    "title": 10_000,
    "body": 1_000_000,
    "phone": 256,
    "email": 512,
    "language": 35,
    "posted_at": 64,
}
MAX_IMAGES = 200
MAX_IMAGE_CHARS = 4096
MAX_EXTRA_CHARS = 65_536
_KNOWN = frozenset(STRING_LIMITS) | {"images"}


@dataclass(frozen=True, slots=True)
class Validated:
    """The outcome of validating one row: a record (maybe with warnings) or a rejection reason."""

    record: AdRecord | None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


def validate_row(value: Any, *, source: str = "", line: int = 0) -> Validated:
    """Check one decoded row against ad record v1 and build its `AdRecord`.

    Rejects: not an object, no id, no text, wrong types, oversized fields, NUL bytes. An
    unparsable `posted_at` is not a rejection: it becomes None with a warning.
    """
    if not isinstance(value, dict):
        return Validated(None, f"not a JSON object but {_type_name(value)}")
    fields = {k: v for k, v in value.items() if v is not None}
    reason = _field_problem(fields)
    if reason:
        return Validated(None, reason)
    if not str(fields.get("id", "")).strip():
        return Validated(None, "missing id")
    if not (str(fields.get("title", "")).strip() or str(fields.get("body", "")).strip()):
        return Validated(None, "no text: neither title nor body")
    extra = _extra_json(value)
    if extra is not None and len(extra) > MAX_EXTRA_CHARS:
        return Validated(
            None, f"unknown fields take {len(extra)} characters, over {MAX_EXTRA_CHARS}"
        )
    posted_at, warnings = posted_at_value(fields.get("posted_at"))
    record = AdRecord(
        id=fields["id"],
        site=fields.get("site"),
        posted_at=posted_at,
        url=fields.get("url"),
        location=fields.get("location"),
        title=fields.get("title"),
        body=fields.get("body"),
        phone=fields.get("phone"),
        email=fields.get("email"),
        images=tuple(fields.get("images", ())),
        language=fields.get("language"),
        extra=extra,
        source=source,
        line=line,
    )
    return Validated(record, None, warnings)


def _type_name(value: Any) -> str:
    names = {
        list: "an array",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "a boolean",
    }
    return names.get(type(value), "null" if value is None else type(value).__name__)


def _field_problem(fields: dict[str, Any]) -> str | None:
    for name, limit in STRING_LIMITS.items():
        if name not in fields:
            continue
        val = fields[name]
        if name == "posted_at" and isinstance(val, datetime | date):
            continue
        if not isinstance(val, str):
            return f"wrong type: '{name}' must be a string, not {_type_name(val)}"
        if len(val) > limit:
            return f"field '{name}' has {len(val)} characters, over the limit of {limit}"
        if "\x00" in val:
            return f"NUL byte in field '{name}'"
    return _images_problem(fields.get("images"))


def _images_problem(images: Any) -> str | None:
    if images is None:
        return None
    if not isinstance(images, list | tuple):
        return f"wrong type: 'images' must be an array of strings, not {_type_name(images)}"
    if len(images) > MAX_IMAGES:
        return f"field 'images' has {len(images)} items, over the limit of {MAX_IMAGES}"
    for item in images:
        if not isinstance(item, str):
            return f"wrong type: 'images' items must be strings, not {_type_name(item)}"
        if len(item) > MAX_IMAGE_CHARS or "\x00" in item:
            return "an 'images' item is over 4096 characters or holds a NUL byte"
    return None


def _extra_json(value: dict[str, Any]) -> str | None:
    extra = {k: v for k, v in value.items() if k not in _KNOWN}
    if not extra:
        return None
    return json.dumps(extra, ensure_ascii=False, sort_keys=True, default=str)


def posted_at_value(value: Any) -> tuple[datetime | None, list[str]]:
    """A `posted_at` value as an aware UTC datetime (or None), with a warning if unreadable."""
    if value is None:
        return None, []
    if isinstance(value, datetime):
        return _as_utc(value), []
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC), []
    parsed = parse_posted_at(value)
    if parsed is None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        return None, [f"unparsable posted_at {shown!r} kept as null"]
    return parsed, []


def parse_posted_at(text: str) -> datetime | None:
    """Parse an RFC 3339 time or a YYYY-MM-DD date into an aware UTC datetime, else None."""
    text = text.strip()
    if not text or len(text) > 40:
        return None
    candidate = text[:-1] + "+00:00" if text[-1:] in "Zz" else text
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return _as_utc(parsed)


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
