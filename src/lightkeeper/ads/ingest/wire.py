"""The fast path of JSONL ingest: one C call decodes and checks a well-formed line.

`WireAd` is ad record v1 as msgspec sees it: the known fields with their types and limits, and
no unknown field. A line it decodes is one `validate_row` would accept with the same values,
provided the line holds no escaped NUL (`has_nul_escape`) and has an id and some text
(`has_id_and_text`); anything else goes down the careful path, which gives the exact reason.
Why the two agree: msgspec rejects what `json.loads` rejects on such lines (invalid UTF-8, lone
surrogates, raw control characters, trailing data), keeps the last of repeated keys as
`json.loads` does, and counts string lengths in characters as `len` does.

Absent fields stay `UNSET`, apart from null ones, so that `{"site": null}` and no site remain
different contents for the duplicate check, as they are in `content_digest`.
"""

from __future__ import annotations

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


def has_id_and_text(ad: WireAd) -> bool:
    """Whether the id is not blank and the title or the body is not blank."""
    title, body = ad.title, ad.body  # UNSET and None are both false
    return bool(ad.id.strip()) and bool((title and title.strip()) or (body and body.strip()))


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
    """The `AdRecord` of a decoded line (what `validate_row` builds for the same value).

    Fills the record's slots directly: a frozen dataclass's `__init__` goes through
    `object.__setattr__` once per field, which costs twice as much on this hot path.
    """
    images = ad.images
    record: AdRecord = _new(AdRecord)
    _set_id(record, ad.id)
    _set_version(record, version)
    _set_site(record, None if (v := ad.site) is UNSET else v)
    _set_posted_at(record, posted_at)
    _set_url(record, None if (v := ad.url) is UNSET else v)
    _set_location(record, None if (v := ad.location) is UNSET else v)
    _set_title(record, None if (v := ad.title) is UNSET else v)
    _set_body(record, None if (v := ad.body) is UNSET else v)
    _set_phone(record, None if (v := ad.phone) is UNSET else v)
    _set_email(record, None if (v := ad.email) is UNSET else v)
    _set_images(record, () if images is UNSET or images is None else images)
    _set_language(record, None if (v := ad.language) is UNSET else v)
    _set_extra(record, None)
    _set_source(record, source)
    _set_line(record, line)
    return record


_RECORD_SLOTS = (
    "id",
    "version",
    "site",
    "posted_at",
    "url",
    "location",
    "title",
    "body",
    "phone",
    "email",
    "images",
    "language",
    "extra",
    "source",
    "line",
)
if AdRecord.__slots__ != _RECORD_SLOTS:  # a field was added: wire_record must set it too
    raise ImportError(f"wire_record is out of date with AdRecord: {AdRecord.__slots__}")
_new = object.__new__
(
    _set_id,
    _set_version,
    _set_site,
    _set_posted_at,
    _set_url,
    _set_location,
    _set_title,
    _set_body,
    _set_phone,
    _set_email,
    _set_images,
    _set_language,
    _set_extra,
    _set_source,
    _set_line,
) = (vars(AdRecord)[name].__set__ for name in _RECORD_SLOTS)
