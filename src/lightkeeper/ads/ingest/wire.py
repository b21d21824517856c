"""The fast path of JSONL ingest: one C call decodes and checks a well-formed line.

`WireAd` is ad record v1 as msgspec sees it: the known fields with their types and limits, and
no unknown field. A line it decodes is one `validate_row` would accept with the same values,
provided the line holds no escaped NUL and has an id and some text (`admitted_wire` checks all
three); anything else goes down the careful path, which gives the exact reason.
Why the two agree: msgspec rejects what `json.loads` rejects on such lines (invalid UTF-8, lone
surrogates, raw control characters, trailing data), keeps the last of repeated keys as
`json.loads` does, and counts string lengths in characters as `len` does.

Absent fields stay `UNSET`, apart from null ones, so that `{"site": null}` and no site remain
different contents for the duplicate check, as they are in `content_digest`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from lightkeeper.ads.ingest.validate import (
    MAX_IMAGE_CHARS,
    MAX_IMAGES,
    STRING_LIMITS,
    posted_at_value,
)
from lightkeeper.ads.types import AdRecord

DECODE_ERRORS = (msgspec.DecodeError, UnicodeDecodeError)  # ValidationError is a DecodeError
NUL_ESCAPE = b"\\u0000"

_Id = Annotated[str, Meta(max_length=STRING_LIMITS["id"])]
_Site = Annotated[str, Meta(max_length=STRING_LIMITS["site"])]
_Url = Annotated[str, Meta(max_length=STRING_LIMITS["url"])]
_Location = Annotated[str, Meta(max_length=STRING_LIMITS["location"])]
_Title = Annotated[str, Meta(max_length=STRING_LIMITS["title"])]
_Body = Annotated[str, Meta(max_length=STRING_LIMITS["body"])]
_Phone = Annotated[str, Meta(max_length=STRING_LIMITS["phone"])]
_Email = Annotated[str, Meta(max_length=STRING_LIMITS["email"])]
_Language = Annotated[str, Meta(max_length=STRING_LIMITS["language"])]
_PostedAt = Annotated[str, Meta(max_length=STRING_LIMITS["posted_at"])]
_Images = Annotated[
    tuple[Annotated[str, Meta(max_length=MAX_IMAGE_CHARS)], ...], Meta(max_length=MAX_IMAGES)
]


class WireAd(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    """Ad record v1 as it arrives on one JSONL line (known fields only, checked in C).

    Frozen so that it hashes by value: the in-process duplicate check keys on it.
    """

    id: _Id
    site: _Site | UnsetType | None = UNSET
    posted_at: _PostedAt | UnsetType | None = UNSET
    url: _Url | UnsetType | None = UNSET
    location: _Location | UnsetType | None = UNSET
    title: _Title | UnsetType | None = UNSET
    body: _Body | UnsetType | None = UNSET
    phone: _Phone | UnsetType | None = UNSET
    email: _Email | UnsetType | None = UNSET
    images: _Images | UnsetType | None = UNSET
    language: _Language | UnsetType | None = UNSET


WIRE_FIELDS = frozenset(WireAd.__struct_fields__)
decode_wire = msgspec.json.Decoder(WireAd).decode


def admitted_wire(line: bytes, *, nul_possible: bool = True) -> WireAd | None:
    """The decoded line if the fast path admits it, else None (the careful path says why).

    `nul_possible=False` skips the search for an escaped NUL, for a caller that searched the
    whole block of lines at once and found none.
    """
    if nul_possible and NUL_ESCAPE in line:  # msgspec would accept it
        return None
    try:
        ad = decode_wire(line)
    except DECODE_ERRORS:
        return None
    title, body = ad.title, ad.body  # UNSET and None are both false
    if ad.id.strip() and ((title and title.strip()) or (body and body.strip())):
        return ad
    return None


def posted_at_of(text: str | UnsetType | None) -> tuple[datetime | None, str | None]:
    """`posted_at` as an aware UTC datetime, with the warning when it cannot be read.

    The common RFC 3339 form ending in 'Z' is read here directly; every other text takes the
    careful parser, so results are those of `validate.parse_posted_at`.
    """
    if text is None or text is UNSET:
        return None, None
    assert isinstance(text, str)
    if len(text) == 20 and text[19] == "Z" and text[10] == "T":
        try:
            # What parse_posted_at does with this form, less its strip and length checks; the
            # offset +00:00 gives tzinfo UTC itself, so there is nothing to convert.
            return datetime.fromisoformat(text[:19] + "+00:00"), None
        except ValueError:
            pass
    parsed, warnings = posted_at_value(text)
    return parsed, (warnings[0] if warnings else None)


def wire_record(
    ad: WireAd, posted_at: datetime | None, source: str, line: int, version: int
) -> AdRecord:
    """The `AdRecord` of a decoded line (what `validate_row` builds for the same value)."""
    images = ad.images
    record = _RecordDraft(
        ad.id,
        version,
        None if (v := ad.site) is UNSET else v,
        posted_at,
        None if (v := ad.url) is UNSET else v,
        None if (v := ad.location) is UNSET else v,
        None if (v := ad.title) is UNSET else v,
        None if (v := ad.body) is UNSET else v,
        None if (v := ad.phone) is UNSET else v,
        None if (v := ad.email) is UNSET else v,
        () if images is UNSET or images is None else images,
        None if (v := ad.language) is UNSET else v,
        None,
        source,
        line,
    )
    record.__class__ = AdRecord  # type: ignore[assignment]
    return record  # type: ignore[return-value]


@dataclass(slots=True, eq=False, repr=False, match_args=False)
class _RecordDraft:
    """An `AdRecord` being built: the same slots in the same order, but not frozen.

    A frozen dataclass's `__init__` sets each field through `object.__setattr__`, which is most
    of the cost of ingesting a well-formed line. This one sets its slots directly, and then the
    object becomes an `AdRecord` by assigning `__class__`, which Python allows between classes
    of the same layout. The result is an ordinary, frozen `AdRecord`.
    """

    id: str
    version: int
    site: str | None
    posted_at: datetime | None
    url: str | None
    location: str | None
    title: str | None
    body: str | None
    phone: str | None
    email: str | None
    images: tuple[str, ...]
    language: str | None
    extra: str | None
    source: str
    line: int


if _RecordDraft.__slots__ != AdRecord.__slots__:  # a field was added to AdRecord: add it here
    raise ImportError(f"_RecordDraft is out of date with AdRecord: {AdRecord.__slots__}")
